"""The learner's gradient-checking toolkit: numerical_grad, check_grad and the hypothesis strategies."""

import math

import pytest
from hypothesis import given, settings

from micrograd_lesson import Value, total
from micrograd_lesson.testing import GradReport, check_grad, expressions, numerical_grad, values


def test_numerical_grad_of_floats_and_values():
    grads = numerical_grad(lambda x, y: x * y + x**2, 3.0, Value(-2.0))
    assert grads == pytest.approx([-2.0 + 6.0, 3.0], rel=1e-8)
    assert numerical_grad(math.sin, 0.0) == pytest.approx([1.0], rel=1e-10)
    assert numerical_grad(lambda v: v.tanh(), Value(0.3)) == pytest.approx([1 - math.tanh(0.3) ** 2], rel=1e-9)


def test_numerical_grad_needs_inputs_and_positive_eps():
    with pytest.raises(ValueError, match="at least one input"):
        numerical_grad(lambda: 1.0)
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got 0\.0"):
        numerical_grad(lambda x: x, 1.0, eps=0.0)
    with pytest.raises(ValueError, match=r"xs\[1\] must be a finite number, got str: 'a'"):
        numerical_grad(lambda x, y: x, 1.0, "a")
    with pytest.raises(ValueError, match=r"f at xs\[0\] \+ eps must be a finite number, got inf"):
        numerical_grad(lambda x: math.inf, 1.0)


def test_check_grad_returns_a_readable_report():
    report = check_grad(lambda x: x.tanh(), 0.3)
    assert isinstance(report, GradReport) and report.ok
    assert report.rows[0].analytic == pytest.approx(1 - math.tanh(0.3) ** 2, rel=1e-15)
    text = str(report)
    for column in ("input", "label", "analytic", "numerical", "error"):
        assert column in text


def test_check_grad_keeps_labels_of_given_values():
    report = check_grad(lambda a, b: a * b, Value(2.0, label="w"), 3.0)
    assert [row.label for row in report.rows] == ["w", "x1"]


def wrong_square(x: Value) -> Value:
    """A deliberately broken op: claims d(x**2)/dx = x instead of 2x."""
    return Value(x.data**2, (x,), "square", "", (x.data,))


def test_check_grad_fails_with_a_table_on_a_wrong_gradient():
    with pytest.raises(AssertionError) as failure:
        check_grad(lambda x: wrong_square(x) + x, 1.5)
    message = str(failure.value)
    assert "analytic and numerical gradients differ" in message
    assert "mismatch" in message
    row = next(line for line in message.splitlines() if "mismatch" in line).split()
    assert row[:5] == ["0", "x0", "1.5", "2.5", "4"]  # analytic 1.5 + 1, numerical 2*1.5 + 1


def test_check_grad_needs_f_to_return_a_value():
    with pytest.raises(TypeError, match="return a Value"):
        check_grad(lambda x: 1.0, 2.0)


@settings(max_examples=300)
@given(expressions())
def test_check_grad_passes_on_random_expressions(expr):
    check_grad(expr, *expr.inputs)


@given(expressions())
def test_expressions_rebuild_the_same_graph(expr):
    first, second = expr(*expr.inputs), expr(*expr.inputs)
    assert first.data == second.data
    assert str(expr)


@given(expressions())
def test_the_text_of_an_expression_computes_the_same_value(expr):
    """str(expr) is Python over x0, x1, ...: brackets make -x0**2 and x0**2**x1 mean what the graph means."""
    leaves = {f"x{i}": Value(x) for i, x in enumerate(expr.inputs)}
    assert eval(str(expr), {"__builtins__": {}, "total": total}, leaves).data == expr(*expr.inputs).data


@given(values())
def test_values_are_finite_leaves(v):
    assert isinstance(v, Value) and v._prev == () and math.isfinite(v.data)


def test_expressions_reject_unknown_ops():
    with pytest.raises(ValueError, match="unknown ops"):
        expressions(ops=("cosh",))  # no such op (sin is one since issue 24)
