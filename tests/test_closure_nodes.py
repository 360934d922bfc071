"""Nodes made the lecture's way (a _backward closure) and x ** 2 as one op, through every tool that walks graphs."""

import math

import pytest
from test_viz_dot import parse

from micrograd_lesson import Value
from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.viz import backward_frames, draw_dot
from micrograd_lesson.viz.dot import CUSTOM_BACKWARD


def lecture_mul(a: Value, b: Value) -> Value:
    """a * b written as in the lecture: the product, then a closure that adds each parent's share."""
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out


def graph():
    """L = (a*b) * c with the product a*b made the lecture's way: every node labelled."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(4.0, label="c")
    e = lecture_mul(a, b)
    e.label = "e"
    L = e * c
    L.label = "L"
    return L, (a, b, c, e)


def test_backward_steps_take_one_step_for_a_closure_node_and_end_where_backward_does():
    L, (a, b, c, _) = graph()
    steps = list(backward_steps(L))
    assert [(s.node.label, s.parent and s.parent.label) for s in steps] == [("L", "e"), ("L", "c"), ("e", None)]
    closure = steps[-1]
    assert (closure.grad_before, closure.grad_after) == ((0.0, 0.0), (-12.0, 8.0))  # a's and b's, in order
    assert closure.local is None and closure.contribution is None
    stepped = [a.grad, b.grad, c.grad]
    L2, (a2, b2, c2, _) = graph()
    L2.backward()
    assert stepped == [a2.grad, b2.grad, c2.grad] == [-12.0, 8.0, -6.0]


def test_draw_dot_marks_a_closure_nodes_edges_as_its_own_backward():
    L, _ = graph()
    L.backward()
    _, edges = parse(draw_dot(L, chain_rule=True).source)
    custom = [e for e in edges if e[2].get("label") == CUSTOM_BACKWARD]
    assert len(custom) == 2 and all(e[2]["style"] == "dashed" for e in custom)
    assert sum(" × " in e[2].get("label", "") for e in edges) == 2  # the engine's own * still shows its numbers


def test_the_flipbook_has_one_frame_per_step_and_names_the_closure():
    L, _ = graph()
    frames = backward_frames(L, chain_rule=True)
    assert len(frames) == 3
    assert "step 3 of 3: e runs its own _backward: a.grad 0.0000 -> -12.0000, b.grad 0.0000 -> 8.0000" in (
        frames[-1].source.replace("\\n", "\n")
    )


def test_a_node_with_parents_but_no_backward_is_named_by_backward_steps():
    a = Value(2.0, label="a")
    f = Value(4.0, (a,), "square", label="f")
    with pytest.raises(ValueError, match=r"reached .*label='f'.*neither local derivatives nor a _backward"):
        list(backward_steps(f * 1.0))
    assert a.grad == 0.0


def test_x_squared_is_one_op_that_keeps_its_2_and_needs_no_slope_of_its_own():
    x = Value(3.0, label="x")
    y = x**2
    assert (y.parents, y.constants, y.op, y.local_grads) == ((x,), (2.0,), "**", (6.0,))
    nodes, edges = parse(draw_dot(y).source)
    assert [a["label"] for a in nodes.values() if a["shape"] == "ellipse"] == ["**2"]
    assert len(edges) == 2  # x into the op, the op into y: no leaf for the 2
    # finite results whose unused slope (x**n * ln x, for a number n) would overflow
    assert (Value(1e154) ** 2).data == 1e308 and (Value(1e307) ** 1).data == 1e307


@pytest.mark.parametrize(
    ("op", "data"),
    [
        (Value.tanh, -math.inf),
        (Value.sigmoid, math.inf),
        (Value.relu, -math.inf),
        (Value.relu, math.nan),
        (Value.exp, -math.inf),
        (lambda v: Value(1.0) / v, math.inf),
        (lambda v: v**0, math.inf),
    ],
    ids=["tanh(-inf)", "sigmoid(inf)", "relu(-inf)", "relu(nan)", "exp(-inf)", "1 / inf", "inf ** 0"],
)
def test_a_non_finite_number_set_by_hand_never_becomes_a_finite_result(op, data):
    v = Value(1.0, label="w")
    v.data = data
    with pytest.raises(ValueError, match=r"needs finite data, got (-?inf|nan) \(label 'w'\): was .data set"):
        op(v)
