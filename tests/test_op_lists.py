"""Every place that lists the engine's ops or the networks' activations lists them all.

The ops are found by calling each of Value's methods, and the activations are nn.ACTIVATIONS, so a new op
or activation fails here, naming each place it still has to be added to (ARCHITECTURE.md, "How to add an
op" and "How to add an activation").
"""

import inspect

import pytest

from micrograd_lesson import compiled, engine, expression, floats, lecture, nn, testing, torch_bridge
from micrograd_lesson.viz import colors, plots

# How the expression parser writes each of Value's operator methods; a method that is not here is
# written as x.method().
OPERATOR_TEXT = {
    "__add__": "a + b",
    "__radd__": "2 + a",
    "__sub__": "a - b",
    "__rsub__": "2 - a",
    "__mul__": "a * b",
    "__rmul__": "2 * a",
    "__truediv__": "a / b",
    "__rtruediv__": "2 / a",
    "__pow__": "a ** b",
    "__rpow__": "2 ** a",
    "__neg__": "-a",
}


def engine_ops() -> dict[str, tuple[str, int]]:
    """Each op the engine makes (its node's op), the first of Value's methods that makes it and its operands."""
    found: dict[str, tuple[str, int]] = {}
    for name, method in vars(engine.Value).items():
        if not inspect.isfunction(method):
            continue
        for args in ((), (engine.Value(0.25),)):
            try:
                out = method(engine.Value(0.5), *args)
            except (TypeError, AttributeError):
                continue
            if isinstance(out, engine.Value) and out.builtin and out.op not in found:
                found[out.op] = (name, 1 + len(args))
    return found


OPS = engine_ops()
ACTIVATIONS = set(nn.ACTIVATIONS)


def test_the_ops_are_found():
    assert set(OPS) >= {"+", "-", "*", "/", "**", "neg", "exp", "log", "tanh", "sin", "ReLU", "sigmoid"}


def missing(place: str, listed: set[str], wanted: set[str]) -> list[str]:
    return [f"{place} lacks {name!r}" for name in sorted(wanted - listed)]


def test_every_op_has_its_compiled_form_and_its_replay():
    gaps = missing("compiled.FORMS", set(compiled.FORMS), set(OPS))
    gaps += missing("compiled.REPLAY", set(compiled.REPLAY), set(OPS))
    assert not gaps, gaps


def test_every_op_is_made_by_the_test_strategies():
    made = set()
    for op in testing._OPS:
        args = [1.5, 0.75, 0.6][: op.arity]
        if op.valid(*args):
            made |= {node.op for node in engine.topological_order(op.apply(*map(engine.Value, args)))}
    gaps = missing("testing._OPS (the expressions() strategy)", made, set(OPS))
    assert not gaps, gaps


def test_every_op_is_written_by_the_expression_parser():
    gaps = []
    for op, (method, _) in OPS.items():
        text = OPERATOR_TEXT.get(method, f"a.{method}()")
        if not method.startswith("__") and method not in expression.METHODS:
            gaps.append(f"expression.METHODS lacks {method!r} (op {op!r})")
            continue
        try:
            made = expression.parse_expression(text, {"a": 0.5, "b": 0.25}).value
        except expression.ExpressionError as error:
            gaps.append(f"the expression parser refuses {text!r} (op {op!r}): {error}")
            continue
        if op not in {node.op for node in engine.topological_order(made)}:
            gaps.append(f"the expression parser's {text!r} makes no {op!r} (add its text to OPERATOR_TEXT)")
    assert not gaps, gaps


def test_every_op_of_a_lecture_value_gives_a_lecture_value():
    gaps = []
    for op, (method, operands) in OPS.items():
        out = getattr(lecture.Value, method)(*map(lecture.Value, (0.5, 0.25)[:operands]))
        if not isinstance(out, lecture.Value):
            gaps.append(f"lecture.Value.{method} (op {op!r}) gives an engine Value: add it to lecture.py's lists")
    assert not gaps, gaps


@pytest.mark.parametrize(
    ("place", "listed"),
    [
        ("torch_bridge.TORCH_ACTIVATIONS", set(torch_bridge.TORCH_ACTIVATIONS)),
        ("torch_bridge.FROM_TORCH's values", set(torch_bridge.FROM_TORCH.values())),
        ("viz.plots._FORMULAS", set(plots._FORMULAS)),
        ("viz.colors.ACTIVATION_COLORS", set(colors.ACTIVATION_COLORS)),
        ("the float pass (boundary grids, neuron maps), floats.ACTIVATIONS", set(floats.ACTIVATIONS)),
    ],
)
def test_every_activation_is_in_every_place_that_lists_them(place, listed):
    gaps = missing(place, listed, ACTIVATIONS) + [f"{place} has {n!r}, not an activation" for n in listed - ACTIVATIONS]
    assert not gaps, gaps


def test_every_activation_makes_the_op_it_says():
    for activation in nn.ACTIVATIONS.values():
        out = activation.apply(engine.Value(0.5))
        assert out.op == activation.op and (activation.op == "" or activation.op in OPS)
