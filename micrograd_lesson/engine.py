"""A scalar Value that remembers how it was made, and reverse-mode autodiff through it.

Read it top to bottom, as the lesson goes: what a Value holds; the ops, each with its forward value and,
beside it, the local derivative with respect to each parent, ``_op(forward, name, a, d(out)/da, b, d(out)/db)``;
the chain rule, ``parent.grad += local derivative * node.grad``; the order backward() applies it in. Checks
and messages live in ``_checks.py``, the speed machinery in ``_fast.py`` (neither changes a number), what
keeps micrograd's and the lecture's code working in ``_compat.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from micrograd_lesson import _checks, _compat, _fast
from micrograd_lesson._fast import paused_collector


class Value:
    """A scalar in a computation graph: its data, its gradient, and the parents it came from."""

    # A node keeps each parent (a, b) beside its local derivative (da, db): no tuples, no closures.
    __slots__ = ("_data", "grad", "_op", "label", "_a", "_da", "_b", "_db")
    constants = ()  # the numbers an op keeps as part of itself: the 2 of x ** 2 (see Power)
    __dict__ = property(_compat.fields)  # vars(v): its fields, as micrograd shows them, without a dict per node

    def __init__(self, data: float, _children=(), _op: str = "", label: str = "", _local_grads=()) -> None:
        self._a, self._da, self._b, self._db = None, 0.0, None, 0.0  # a leaf: no parents
        if _children or _local_grads:  # a node made by hand, with parents (micrograd's way): see _compat.py
            _op = _compat.made_by_hand(self, _children, _op, _local_grads, Value)
        if type(data) is not float or not math.isfinite(data):
            data = _checks.finite_data(data, _op, self.parents)
        self._data, self.grad, self._op, self.label = data, 0.0, _op, label

    @property
    def data(self) -> float:
        """The number this Value holds (the ops read it as self._data)."""
        return self._data

    @data.setter
    def data(self, number: float) -> None:  # p.data -= lr * p.grad: any real number is kept as a Python float
        self._data = number if type(number) is float else _checks.hand_set_float(self, number)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was made from, in operand order: (a + b).parents == (a, b)."""
        if self._b is not None:
            return (self._a, self._b)
        return () if self._a is None else (self._a,)

    @property
    def local_grads(self) -> tuple[float, ...] | None:
        """d(self)/d(parent) for each parent, in order, known since the forward pass; None for a closure _backward."""
        if self._a is not None and not _compat.runs_chain_rule(self):
            return None
        return (self._da, self._db)[: len(self.parents)]

    @property
    def op(self) -> str:
        """The name of the op that made this Value ('+', '*', 'tanh', ...), '' for a leaf."""
        return self._op

    # --- the ops: forward value, op, then each parent beside its local derivative ----------------

    def __add__(self, other: Value | float) -> Value:  # d(a+b)/da = 1, d(a+b)/db = 1
        other = other if isinstance(other, Value) else Value(other)
        return _op(self._data + other._data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other: Value | float) -> Value:  # d(a*b)/da = b, d(a*b)/db = a
        other = other if isinstance(other, Value) else Value(other)
        a, b = self._data, other._data
        return _op(a * b, "*", self, b, other, a)

    def __sub__(self, other: Value | float) -> Value:  # d(a-b)/da = 1, d(a-b)/db = -1
        other = other if isinstance(other, Value) else Value(other)
        return _op(self._data - other._data, "-", self, 1.0, other, -1.0)

    def __neg__(self) -> Value:  # d(-a)/da = -1
        return _op(-self._data, "neg", self, -1.0)

    def __truediv__(self, other: Value | float) -> Value:  # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2
        other = other if isinstance(other, Value) else Value(other)
        a, b = _checks.finite_input("/", self), _checks.nonzero_divisor(self, other)  # x / inf would be 0
        out = a / b
        d_a, d_b = _checks.finite_slopes("/", (1.0 / b, -out / b), self, other)
        return _op(out, "/", self, d_a, other, d_b)

    def __pow__(self, other: Value | float) -> Value:  # d(a**n)/da = n * a**(n-1), d(a**n)/dn = a**n * ln(a)
        exponent = other if isinstance(other, Value) else Value(other)
        a, n = _checks.real_power(self, exponent, exponent is other)  # refuses 0 ** -1, (-8) ** 0.5, ...
        with _checks.overflow(f"** has no finite value or slope at {_checks.describe(self, exponent, sep=' ** ')}"):
            out, d_a = a**n, n * a ** (n - 1) if n != 0 else 0.0
        if exponent is not other:  # a number exponent is part of the op, as in x ** 2: one parent
            node = _op(out, "**", self, *_checks.finite_slopes("**", (d_a,), self), cls=Power)
            node.constants = (n,)
            return node
        d_n = out * math.log(a) if a > 0.0 else 0.0
        d_a, d_n = _checks.finite_slopes("**", (d_a, d_n), self, other)
        return _op(out, "**", self, d_a, other, d_n)

    def exp(self) -> Value:  # d(e**a)/da = e**a
        x = _checks.finite_input("exp()", self)  # exp(-inf) would be 0
        with _checks.overflow(f"exp() overflows for {_checks.describe(self)}; its result is above 1.8e308"):
            out = math.exp(x)
        return _op(out, "exp", self, out)

    def log(self) -> Value:  # d(ln a)/da = 1/a
        x = _checks.positive_log_input(self, _checks.finite_input("log()", self))
        (d_a,) = _checks.finite_slopes("log", (1.0 / x,), self)
        return _op(math.log(x), "log", self, d_a)

    def tanh(self) -> Value:  # d(tanh a)/da = 1 - tanh(a)**2
        t = math.tanh(_checks.finite_input("tanh()", self))  # tanh(inf) would be 1
        return _op(t, "tanh", self, 1.0 - t * t)

    def sin(self) -> Value:  # d(sin a)/da = cos a
        x = _checks.finite_input("sin()", self)  # sin(inf) is no number
        return _op(math.sin(x), "sin", self, math.cos(x))

    def relu(self) -> Value:  # d(relu a)/da = 1 if a > 0 else 0
        x = self._data
        if x > 0.0:
            return _op(x, "ReLU", self, 1.0)
        _checks.finite_input("relu()", self)  # relu(-inf) would be 0
        return _op(0.0, "ReLU", self, 0.0)

    def sigmoid(self) -> Value:  # d(s(a))/da = s(a) * (1 - s(a))
        x = _checks.finite_input("sigmoid()", self)  # sigmoid(inf) would be 1
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # the same number, written so that exp never overflows for very negative x
            e = math.exp(x)
            s = e / (1.0 + e)
        return _op(s, "sigmoid", self, s * (1.0 - s))

    # A number on the left, as in 2 * v, has Python call v.__rmul__(2): the same ops, operands in written order.
    __radd__ = lambda self, other: as_value(other) + self
    __rsub__ = lambda self, other: as_value(other) - self
    __rmul__ = lambda self, other: as_value(other) * self
    __rtruediv__ = lambda self, other: as_value(other) / self
    __rpow__ = lambda self, other: as_value(other) ** self

    # --- backpropagation ----------------------------------------------------------------------------

    # The node's step of backward(): chain_rule(self, self.parents, self.local_grads), unrolled in _fast.
    _backward = _fast.chain_rule_on_slots

    def backward(self) -> None:
        """Fill in d(self)/d(node) for every node below self; leaf grads accumulate, as in PyTorch."""
        with paused_collector():
            order, leaves = start_backward(self)
            with _checks.finite_grads(order, leaves):  # or the leaves' grads put back, and an error naming the node
                for node in reversed(order):  # each node after every node that uses it: its grad is complete
                    node._backward()  # the chain rule (or, for a node made by hand, its own _backward)

    def zero_grad(self) -> None:
        """Set the grad of self and of every node below it to 0.0."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data}, grad={self.grad}{label})"


class Power(Value):
    """The node x ** n makes for a number n: one parent, x, and n kept as part of the op."""

    __slots__ = ("constants",)


class Sum(Value):
    """The node total() makes: one '+' with any number of terms, as a neuron adds its inputs up."""

    # Its terms are all its parents; of Value's slots only _a is set, to the first (a leaf has _a None).
    __slots__ = ("_terms",)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The terms this node adds up, in order."""
        return self._terms

    @property
    def local_grads(self) -> tuple[float, ...]:
        """1.0 for each term: d(a+b+c+...)/da = 1."""
        return (1.0,) * len(self._terms)

    def _backward(self) -> None:
        """This node's step of backpropagation: the chain rule, from the sum to each of its terms."""
        chain_rule(self, self._terms, self.local_grads)


def total(values: Iterable[Value | float]) -> Value:  # d(a+b+c+...)/da = 1, and so for every term
    """All of values added up as one '+' node, left to right: total([a, b, c]) is (a + b) + c to the bit."""
    return total_of_values(_checks.terms(values, Value))


def total_of_values(terms: tuple[Value, ...]) -> Value:
    """total() of a non-empty tuple that holds Values only (a neuron's bias and products), without checking it."""
    out = terms[0]._data
    for term in terms[1:]:  # a plain loop, not sum(): sum() of floats rounds differently since Python 3.12
        out += term._data
    node = _op(out, "+", terms[0], 1.0, cls=Sum)
    node._terms = terms
    return node


def as_value(x: Value | float) -> Value:
    """Return x itself if it is a Value, else a new leaf Value holding the number x."""
    return x if isinstance(x, Value) else Value(x)


# --- the chain rule, and the order it runs in ----------------------------------------------------------


def chain_rule(node: Value, parents: Iterable[Value], local_grads: Iterable[float]) -> None:
    """Pass node's grad back to its parents: d(root)/d(parent) += d(node)/d(parent) * d(root)/d(node)."""
    for parent, local in zip(parents, local_grads):
        parent.grad += local * node.grad  # += because a parent used twice gets a gradient from each use


def topological_order(root: Value) -> list[Value]:
    """Every node of root's graph once, each after all of its parents: the order backward() walks in reverse.

    It is the lecture's recursive depth-first search, which lists a node once all its parents are listed:

        def visit(node):
            if node not in visited:
                visited.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)

    NB: _fast.depth_first_order keeps a stack of its own, so a graph may be deeper than the recursion limit.
    """
    return _fast.depth_first_order(root, _SLOTTED)


def start_backward(root: Value) -> tuple[list[Value], list[Value]]:
    """Reset every computed node's grad below root (leaves keep theirs), add 1.0 to root's; return order, leaves."""
    order = topological_order(root)
    leaves = []
    for node in order:  # computed nodes start fresh; only leaves keep what earlier calls left
        if node._a is not None:
            node.grad = 0.0
        else:
            leaves.append(node)
    root.grad += 1.0  # d(root)/d(root)
    return order, leaves


_op = _fast.node_maker(Value)  # _op(data, op, a, da, b, db): an op's result, its slots filled directly


# --- compatibility with micrograd's and the lecture's own code (_compat.py) ------------------------------

MadeValue = _compat.install(Value, Sum, Power)  # what Value(...) makes: room for attributes of your own
_checks.value_types = (Value,)  # what _checks.inputs() and the others tell from a number
_SLOTTED = (Value, MadeValue)  # whose parents the sort reads straight from the two slots
