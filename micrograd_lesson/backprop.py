"""Backpropagation one scalar at a time: backward() as a sequence of single chain-rule contributions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from micrograd_lesson.engine import Value, start_backward


@dataclass(frozen=True)
class BackwardStep:
    """One chain-rule contribution: node's grad flows to one of its parents."""

    index: int  # the step's number, from 0
    node: Value  # the node whose grad is being pushed back
    parent: Value  # the parent receiving it
    parent_index: int  # which operand of node the parent is (in a + a, 0 then 1)
    local: float  # d(node)/d(parent), recorded in the forward pass
    upstream: float  # node.grad: d(root)/d(node)
    contribution: float  # local * upstream
    grad_before: float  # parent.grad before this step
    grad_after: float  # parent.grad after it


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Run root.backward() one contribution at a time, yielding each as a BackwardStep."""
    order = start_backward(root)  # the same start as backward(): computed nodes fresh, leaves accumulate
    index = 0
    for node in reversed(order):
        for parent_index, (parent, local) in enumerate(zip(node._prev, node._local_grads)):
            before = parent.grad
            contribution = local * node.grad
            parent.grad = before + contribution
            if not math.isfinite(parent.grad):  # as backward() does: never a silent inf
                raise OverflowError(f"backward overflowed: the gradient of {parent!r} became {parent.grad}")
            yield BackwardStep(index, node, parent, parent_index, local, node.grad, contribution, before, parent.grad)
            index += 1
