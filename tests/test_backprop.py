"""Backprop one contribution at a time: backward_steps ends where backward() does, step by step."""

import pytest
from hypothesis import given, settings

from micrograd_lesson import (
    Value,
    backward_steps,
    topological_order,
)
from micrograd_lesson.testing import expressions

# --- backward_steps ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(expressions())
def test_backward_steps_end_where_backward_does(expr):
    automatic = expr(*expr.inputs)
    automatic.backward()
    stepped = expr(*expr.inputs)
    steps = list(backward_steps(stepped))
    assert [n.grad for n in topological_order(stepped)] == [n.grad for n in topological_order(automatic)]
    assert [s.index for s in steps] == list(range(len(steps)))
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))  # as a learner counts them
    for s in steps:
        assert s.node._prev[s.parent_index] is s.parent
        assert s.local == s.node._local_grads[s.parent_index]
        assert s.contribution == s.local * s.upstream
        assert s.grad_after == s.grad_before + s.contribution


def test_backward_steps_on_the_lectures_expression():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    L = (a * b + c) * Value(-2.0, label="f")
    steps = list(backward_steps(L))
    assert len(steps) == 6  # three binary ops, two parents each
    first = steps[0]
    assert (first.node, first.upstream, first.local, first.contribution) == (L, 1.0, -2.0, -2.0)
    assert [(s.parent.label, s.grad_after) for s in steps if s.parent.label] == [
        ("f", 4.0),
        ("c", -2.0),
        ("a", 6.0),
        ("b", -4.0),
    ]


def test_backward_steps_stop_at_an_overflowing_gradient_as_backward_does():
    c = Value(1e-300, label="c")
    d = (c * 1e300) * 1e300  # forward is fine, but dd/dc = 1e600 does not fit in a float
    with pytest.raises(OverflowError, match=r"backward\(\) overflowed: the gradient of .*label 'c'.* is inf"):
        list(backward_steps(d))
