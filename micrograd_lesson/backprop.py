"""Backpropagation one scalar at a time: backward() as a sequence of single chain-rule contributions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value, chain_rule, start_backward


@dataclass(frozen=True)
class BackwardStep:
    """One chain-rule contribution: node's grad flows to one of its parents.

    A node that brings its own _backward (the lecture's way) is one step for all its parents: then
    parent, parent_index, local and contribution are None, and grad_before and grad_after hold each
    parent's grad, in the order of node.parents."""

    index: int  # the step's number, from 0
    node: Value  # the node whose grad is being pushed back
    parent: Value | None  # the parent receiving it
    parent_index: int | None  # which operand of node the parent is (in a + a, 0 then 1)
    local: float | None  # d(node)/d(parent), recorded in the forward pass
    upstream: float  # node.grad: d(root)/d(node)
    contribution: float | None  # local * upstream
    grad_before: float | tuple[float, ...]  # parent.grad before this step
    grad_after: float | tuple[float, ...]  # parent.grad after it

    @property
    def number(self) -> int:
        """The step's number as a learner counts it, from 1 (the tour's table, the flipbook, the notebooks)."""
        return self.index + 1


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Run root.backward() one contribution at a time, yielding each as a BackwardStep."""
    order, leaves = start_backward(root)  # the same start as backward(): computed nodes fresh, leaves accumulate
    leaf_grads = [leaf.grad for leaf in leaves]
    index = 0
    for node in reversed(order):
        if node.parents and node.local_grads is None:  # its own _backward: one step for all its parents
            before = tuple(parent.grad for parent in node.parents)
            try:
                node._backward()
            except TypeError:  # neither local derivatives nor a _backward: say so, as backward() does
                _checks.no_backward(order, leaves, leaf_grads)
                raise
            if not all(math.isfinite(parent.grad) for parent in node.parents if parent._a is None):
                _checks.finite_leaf_grads(order, leaves, leaf_grads)
            after = tuple(parent.grad for parent in node.parents)
            yield BackwardStep(index, node, None, None, None, node.grad, None, before, after)
            index += 1
            continue
        for parent_index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            before = parent.grad
            chain_rule(node, (parent,), (local,))  # backward()'s own step, for this one parent
            if parent._a is None and not math.isfinite(parent.grad):  # as backward() checks: never a silent inf
                _checks.finite_leaf_grads(order, leaves, leaf_grads)
            step = BackwardStep(
                index, node, parent, parent_index, local, node.grad, local * node.grad, before, parent.grad
            )
            yield step
            index += 1
