"""The lecture's worked example, shared by the engine, drawing and frame tests."""

from micrograd_lesson.engine import Value


def lecture_example() -> tuple[Value, dict[str, Value]]:
    """The lecture's L = (a*b + c) * f with a=2, b=-3, c=10, f=-2: L and every node by label."""
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, dict(a=a, b=b, c=c, d=d, e=e, f=f, L=L)
