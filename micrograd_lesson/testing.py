"""Unit-test your gradient intuition: a numerical oracle, a readable gradient check, and
hypothesis strategies for random values and expression graphs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value, total


def numerical_grad(f: Callable[..., Any], *xs: float | Value, eps: float = 1e-6) -> list[float]:
    """Central differences (f(x+eps) - f(x-eps)) / 2eps per input; f gets Values where xs are Values, else floats."""
    if not xs:
        raise ValueError("numerical_grad needs at least one input to differentiate against")
    _checks.number("numerical_grad's eps", eps, low=0.0, low_inclusive=False)
    point = [_checks.data_of(f"xs[{i}]", x) for i, x in enumerate(xs)]
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        above = _checks.data_of(f"f at xs[{i}] + eps", f(*_like(xs, up)))
        below = _checks.data_of(f"f at xs[{i}] - eps", f(*_like(xs, down)))
        grads.append((above - below) / (2 * eps))
    return grads


def _like(originals: tuple[Any, ...], numbers: list[float]) -> list[Any]:
    return [Value(n) if isinstance(o, Value) else n for o, n in zip(originals, numbers)]


@dataclass(frozen=True)
class GradRow:
    """One input's line in a gradient check: its analytic and numerical gradients side by side."""

    index: int
    label: str
    value: float
    analytic: float
    numerical: float
    error: float
    ok: bool


@dataclass(frozen=True)
class GradReport:
    """The result of check_grad: one GradRow per input; str() prints it as a table."""

    rows: tuple[GradRow, ...]
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """True when every input's analytic gradient matches the numerical one."""
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        header = f"{'input':>5}  {'label':<8} {'value':>12} {'analytic':>14} {'numerical':>14} {'error':>10}"
        lines = [header, "-" * len(header)]
        for r in self.rows:
            mark = "" if r.ok else "   <-- mismatch"
            numbers = f"{r.value:>12.6g} {r.analytic:>14.8g} {r.numerical:>14.8g} {r.error:>10.2e}"
            lines.append(f"{r.index:>5}  {r.label:<8} {numbers}{mark}")
        lines.append(f"(passes when |analytic - numerical| <= {self.atol:g} + {self.rtol:g} * |numerical|)")
        return "\n".join(lines)


def check_grad(
    f: Callable[..., Value], *xs: float | Value, rtol: float = 1e-5, atol: float = 1e-7, eps: float = 1e-6
) -> GradReport:
    """Compare backward()'s gradients of f at xs with central differences; on a mismatch raise with a table."""
    inputs = [
        Value(_checks.data_of(f"xs[{i}]", x), label=x.label if isinstance(x, Value) else f"x{i}")
        for i, x in enumerate(xs)
    ]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"check_grad needs f to return a Value, got {type(out).__name__}")
    out.backward()
    numerical = numerical_grad(f, *inputs, eps=eps)
    rows = []
    for i, (x, num) in enumerate(zip(inputs, numerical)):
        error = abs(x.grad - num)
        rows.append(GradRow(i, x.label, x.data, x.grad, num, error, error <= atol + rtol * abs(num)))
    report = GradReport(tuple(rows), rtol, atol)
    if not report.ok:
        raise AssertionError(f"analytic and numerical gradients differ:\n{report}")
    return report


# --- hypothesis strategies ------------------------------------------------------------------------


def _hypothesis():
    try:
        import hypothesis.strategies as st
    except ImportError:  # pragma: no cover - the dev extra always has it
        raise ImportError(
            "the strategies in micrograd_lesson.testing need hypothesis: pip install 'micrograd-lesson[dev]'"
        ) from None
    return st


def floats(min_value: float = -3.0, max_value: float = 3.0):
    """A hypothesis strategy of finite floats in [min_value, max_value]."""
    return _hypothesis().floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def values(min_value: float = -3.0, max_value: float = 3.0):
    """A hypothesis strategy of leaf Values with data in [min_value, max_value]."""
    return floats(min_value, max_value).map(Value)


# Each step of an expression: an op and the indices of its operands among the nodes made so far.
# `valid` says whether the op is safe at these operand values, away from kinks and domain edges by
# a margin much larger than numerical_grad's eps, so central differences are a fair oracle there.
_LIMIT = 20.0  # no node grows beyond this, so rounding in central differences stays tiny
_MARGIN = 0.05


@dataclass(frozen=True)
class _Op:
    name: str
    arity: int
    apply: Callable[..., Value]
    valid: Callable[..., bool]
    text: str


_OPS = (
    _Op("+", 2, lambda a, b: a + b, lambda a, b: True, "({} + {})"),
    _Op("total", 3, lambda a, b, c: total([a, b, c]), lambda a, b, c: True, "total([{}, {}, {}])"),
    _Op("-", 2, lambda a, b: a - b, lambda a, b: True, "({} - {})"),
    _Op("*", 2, lambda a, b: a * b, lambda a, b: True, "({} * {})"),
    _Op("/", 2, lambda a, b: a / b, lambda a, b: abs(b) > 0.5, "({} / {})"),
    _Op("**2", 1, lambda a: a**2, lambda a: True, "({}**2)"),
    _Op("**3", 1, lambda a: a**3, lambda a: True, "({}**3)"),
    _Op("**-1", 1, lambda a: a**-1, lambda a: abs(a) > 0.5, "({}**-1)"),
    _Op("**0.5", 1, lambda a: a**0.5, lambda a: a > 0.25, "({}**0.5)"),
    _Op("**v", 2, lambda a, b: a**b, lambda a, b: a > 0.25 and abs(b) < 3, "({}**{})"),
    _Op("2**", 1, lambda a: 2**a, lambda a: abs(a) < 4, "(2**{})"),
    _Op("c-", 1, lambda a: 1.5 - a, lambda a: True, "(1.5 - {})"),
    _Op("c/", 1, lambda a: 1.5 / a, lambda a: abs(a) > 0.5, "(1.5 / {})"),
    _Op("neg", 1, lambda a: -a, lambda a: True, "(-{})"),
    _Op("exp", 1, lambda a: a.exp(), lambda a: a < 2.5, "{}.exp()"),
    _Op("log", 1, lambda a: a.log(), lambda a: a > 0.25, "{}.log()"),
    _Op("tanh", 1, lambda a: a.tanh(), lambda a: True, "{}.tanh()"),
    _Op("sin", 1, lambda a: a.sin(), lambda a: True, "{}.sin()"),
    _Op("relu", 1, lambda a: a.relu(), lambda a: abs(a) > _MARGIN, "{}.relu()"),
    _Op("sigmoid", 1, lambda a: a.sigmoid(), lambda a: True, "{}.sigmoid()"),
)
OP_NAMES: tuple[str, ...] = tuple(op.name for op in _OPS)
_TANH = next(op for op in _OPS if op.name == "tanh")


@dataclass(frozen=True)
class Expression:
    """A random expression graph over a few inputs; call it with Values (or floats) to build it.

    str() gives it as Python text over x0, x1, ... (and engine.total): evaluated with those names bound to
    Values, the text builds the same graph."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def __call__(self, *xs: float | Value) -> Value:
        """Build the graph on xs and return its last node."""
        nodes = [x if isinstance(x, Value) else Value(x) for x in xs]
        for name, args in self.steps:
            nodes.append(_op_named(name).apply(*(nodes[i] for i in args)))
        return nodes[-1]

    def __str__(self) -> str:
        names = [f"x{i}" for i in range(len(self.inputs))]
        for name, args in self.steps:
            names.append(_op_named(name).text.format(*(names[i] for i in args)))
        return names[-1]


def _op_named(name: str) -> _Op:
    return next(op for op in _OPS if op.name == name)


def expressions(max_inputs: int = 3, max_steps: int = 8, ops: tuple[str, ...] = OP_NAMES):
    """A hypothesis strategy of Expressions: every op, reused nodes and diamonds, each in its valid domain."""
    st = _hypothesis()
    unknown = set(ops) - set(OP_NAMES)
    if unknown:
        raise ValueError(f"expressions() got unknown ops {sorted(unknown)}; choose from {OP_NAMES}")
    allowed = [op for op in _OPS if op.name in ops]

    @st.composite
    def build(draw) -> Expression:
        inputs = tuple(draw(st.lists(floats(-2.0, 2.0), min_size=1, max_size=max_inputs)))
        data = list(inputs)
        steps = []
        for _ in range(draw(st.integers(1, max_steps))):
            op = draw(st.sampled_from(allowed))
            args = tuple(draw(st.integers(0, len(data) - 1)) for _ in range(op.arity))
            result = _try(op, [data[i] for i in args])
            if result is None:  # outside the op's safe domain here: squash the first operand instead
                op, args = _TANH, args[:1]
                result = math.tanh(data[args[0]])
            steps.append((op.name, args))
            data.append(result)
        return Expression(inputs, tuple(steps))

    return build()


def _try(op: _Op, operands: list[float]) -> float | None:
    if not op.valid(*operands):
        return None
    try:
        result = op.apply(*(Value(x) for x in operands)).data
    except (ArithmeticError, ValueError):
        return None
    return result if abs(result) <= _LIMIT else None
