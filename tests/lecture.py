"""The lecture's worked example, shared by the engine, drawing and frame tests."""

from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.examples import lecture_expression


def lecture_example() -> tuple[Value, dict[str, Value]]:
    """The lecture's L = (a*b + c) * f with a=2, b=-3, c=10, f=-2: L and every node by label."""
    L = lecture_expression()
    return L, {node.label: node for node in topological_order(L)}
