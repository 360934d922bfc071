"""A scalar Value that remembers how it was made, and reverse-mode autodiff through it.

Read it top to bottom, as the lesson goes:
1. what a Value holds: its number, its gradient, and the parents it was made from;
2. the ops: each computes its forward value and, right beside it, the local derivative of that value
   with respect to each parent, ``out = _op(forward, name, a, d(out)/da, b, d(out)/db)``;
3. the chain rule, in one function: ``parent.grad += local derivative * node.grad``;
4. the order backward() applies it in: every node after all the nodes that use it.

NB: the checks and their messages live in ``_checks.py`` and the speed machinery in ``_fast.py``;
neither changes a number (ARCHITECTURE.md says what each one buys).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from micrograd_lesson import _checks, _fast
from micrograd_lesson._fast import paused_collector


class Value:
    """A scalar in a computation graph: its data, its gradient, and the parents it came from."""

    # A node keeps each parent (a, b) beside its local derivative (da, db): no tuples, no closures.
    __slots__ = ("data", "grad", "_op", "label", "_a", "_da", "_b", "_db")
    _constants = ()  # the numbers an op keeps as part of itself: the 2 of x ** 2 (see Power)

    def __new__(cls, *args: object, **kwargs: object) -> Value:
        """A Value you make takes attributes of your own (p.m = 0.0), as micrograd's do; an op's result does not."""
        return object.__new__(MadeValue if cls is Value else cls)

    def __init__(
        self,
        data: float,
        _children: Sequence[Value] = (),
        _op: str = "",
        label: str = "",
        _local_grads: Sequence[float] = (),
    ) -> None:
        self._a, self._da, self._b, self._db = None, 0.0, None, 0.0  # a leaf: no parents
        if _children or _local_grads:  # a node made by hand: its parents, each with its local derivative
            parents, local_grads = _checks.hand_made_parents(_children, tuple(_local_grads), Value)
            if local_grads is None:  # the lecture's way: its own _backward, assigned later, does the work
                local_grads = (None, None)
            for parent, local, slots in zip(parents, local_grads, (("_a", "_da"), ("_b", "_db"))):
                setattr(self, slots[0], parent)
                setattr(self, slots[1], local)
        if type(data) is not float or not math.isfinite(data):
            data = _checks.finite_data(data, _op, self.parents)
        self.data = data
        self.grad = 0.0
        self._op = HandMadeOp(_op) if _children else _op  # the engine's own ops make their nodes with _op below
        self.label = label

    # --- what a node is made of: the graph, for drawings, stepping and your own tools -------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was made from, in operand order: (a + b).parents == (a, b)."""
        if self._b is not None:
            return (self._a, self._b)
        return () if self._a is None else (self._a,)

    @property
    def local_grads(self) -> tuple[float, ...] | None:
        """d(self)/d(parent) for each parent, in the same order, known since the forward pass.

        None for a node that brings its own _backward (the lecture's way): only that function knows."""
        if self._a is not None and not self._runs_chain_rule():
            return None
        return (self._da, self._db)[: len(self.parents)]

    def _runs_chain_rule(self) -> bool:
        """Whether backward() applies the engine's chain rule here, not a _backward the node brought."""
        return self._da is not None and getattr(self._backward, "__func__", None) in _CHAIN_RULES

    @property
    def constants(self) -> tuple[float, ...]:
        """The numbers the op keeps as part of itself: (2.0,) for x ** 2, () for most ops."""
        return self._constants

    @property
    def op(self) -> str:
        """The name of the op that made this Value ('+', '*', 'tanh', ...), '' for a leaf."""
        return self._op

    @property
    def builtin(self) -> bool:
        """True when one of the engine's own ops made this Value; False for a leaf or a node made by hand."""
        return self._a is not None and type(self._op) is str

    _prev = parents  # micrograd's names
    _local_grads = local_grads

    # --- the ops: forward value, op, then each parent beside its local derivative ----------------

    def __add__(self, other: Value | float) -> Value:  # d(a+b)/da = 1, d(a+b)/db = 1
        other = other if isinstance(other, Value) else Value(other)
        try:
            return _op(self.data + other.data, "+", self, 1.0, other, 1.0)
        except _checks.HAND_SET_DATA:  # .data set by hand to what is not a float: as a float, or say why not
            return _checks.as_floats(self, other) + other

    def __sub__(self, other: Value | float) -> Value:  # d(a-b)/da = 1, d(a-b)/db = -1
        other = other if isinstance(other, Value) else Value(other)
        try:
            return _op(self.data - other.data, "-", self, 1.0, other, -1.0)
        except _checks.HAND_SET_DATA:  # .data set by hand to what is not a float: as a float, or say why not
            return _checks.as_floats(self, other) - other

    def __mul__(self, other: Value | float) -> Value:  # d(a*b)/da = b, d(a*b)/db = a
        other = other if isinstance(other, Value) else Value(other)
        try:
            return _op(self.data * other.data, "*", self, other.data, other, self.data)
        except _checks.HAND_SET_DATA:  # .data set by hand to what is not a float: as a float, or say why not
            return _checks.as_floats(self, other) * other

    def __truediv__(self, other: Value | float) -> Value:  # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2
        other = other if isinstance(other, Value) else Value(other)
        a, b = _checks.float_input("/", self), _checks.float_input("/", other)  # x / inf would be 0
        out = a / _checks.nonzero_divisor(self, other)
        d_a, d_b = _checks.finite_slopes("/", (1.0 / b, -out / b), self, other)
        return _op(out, "/", self, d_a, other, d_b)

    def __pow__(self, other: Value | float) -> Value:  # d(a**n)/da = n * a**(n-1), d(a**n)/dn = a**n * ln(a)
        if not isinstance(other, Value):  # a number exponent is part of the op, as in x ** 2: one parent
            return self._power(Value(other))
        _checks.float_input("**", self)  # .data set by hand: as a float, or refused
        _checks.float_input("**", other)
        a, n = _checks.real_power(self, other, True)  # refuses 0 ** -1, (-8) ** 0.5, ...
        with _checks.overflow(f"** has no finite value or slope at {_checks.describe(self, other, sep=' ** ')}"):
            out, d_base = a**n, n * a ** (n - 1) if n != 0 else 0.0
        d_exponent = out * math.log(a) if a > 0.0 else 0.0
        d_base, d_exponent = _checks.finite_slopes("**", (d_base, d_exponent), self, other)
        return _op(out, "**", self, d_base, other, d_exponent)

    def _power(self, exponent: Value) -> Value:  # d(a**n)/da = n * a**(n-1), for a number n
        _checks.float_input("**", self)  # inf ** 0 would be 1
        a, n = _checks.real_power(self, exponent, False)
        with _checks.overflow(f"** has no finite value or slope at {_checks.describe(self, exponent, sep=' ** ')}"):
            out, d_a = a**n, n * a ** (n - 1) if n != 0 else 0.0
        (d_a,) = _checks.finite_slopes("**", (d_a,), self)
        node = _op(out, "**", self, d_a, cls=Power)
        node._constants = (n,)
        return node

    def __neg__(self) -> Value:  # d(-a)/da = -1
        try:
            return _op(-self.data, "neg", self, -1.0)
        except _checks.HAND_SET_DATA:  # .data set by hand to what is not a float: as a float, or say why not
            return -_checks.as_floats(self)

    def exp(self) -> Value:  # d(e**a)/da = e**a
        x = _checks.float_input("exp()", self)  # exp(-inf) would be 0
        with _checks.overflow(f"exp() overflows for {_checks.describe(self)}; its result is above 1.8e308"):
            out = math.exp(x)
        return _op(out, "exp", self, out)

    def log(self) -> Value:  # d(ln a)/da = 1/a
        x = _checks.positive_log_input(self, _checks.float_input("log()", self))
        (d_a,) = _checks.finite_slopes("log", (1.0 / x,), self)
        return _op(math.log(x), "log", self, d_a)

    def tanh(self) -> Value:  # d(tanh a)/da = 1 - tanh(a)**2
        t = math.tanh(_checks.float_input("tanh()", self))  # tanh(inf) would be 1
        return _op(t, "tanh", self, 1.0 - t * t)

    def relu(self) -> Value:  # d(relu a)/da = 1 if a > 0 else 0
        x = self.data
        if type(x) is float and x > 0.0:
            return _op(x, "ReLU", self, 1.0)
        if _checks.float_input("relu()", self) > 0.0:  # .data set by hand, made a float; relu(-inf) would be 0
            return _op(self.data, "ReLU", self, 1.0)
        return _op(0.0, "ReLU", self, 0.0)

    def sigmoid(self) -> Value:  # d(s(a))/da = s(a) * (1 - s(a))
        x = _checks.float_input("sigmoid()", self)  # sigmoid(inf) would be 1
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # the same number, written so that exp never overflows for very negative x
            e = math.exp(x)
            s = e / (1.0 + e)
        return _op(s, "sigmoid", self, s * (1.0 - s))

    def __radd__(self, other: Value | float) -> Value:  # other + self
        return as_value(other) + self

    def __rsub__(self, other: Value | float) -> Value:  # other - self
        return as_value(other) - self

    def __rmul__(self, other: Value | float) -> Value:  # other * self
        return as_value(other) * self

    def __rtruediv__(self, other: Value | float) -> Value:  # other / self
        return as_value(other) / self

    def __rpow__(self, other: Value | float) -> Value:  # other ** self, e.g. 2 ** v
        return as_value(other) ** self

    # --- backpropagation ----------------------------------------------------------------------------

    # This node's step of backpropagation, the hook backward() calls: chain_rule(self, self.parents,
    # self.local_grads), written out for the node's two parent slots in _fast (the same additions).
    # A node made by hand may bring its own instead, as in the lecture: node._backward = a function.
    _backward = _fast.chain_rule_on_slots

    def backward(self) -> None:
        """Fill in d(self)/d(node) for every node below self; leaf grads accumulate, as in PyTorch."""
        with paused_collector():
            order, leaves = start_backward(self)
            before = [leaf.grad for leaf in leaves]  # to put back if a gradient overflows
            try:
                for node in reversed(order):  # each node after every node that uses it: its grad is complete
                    node._backward()  # the chain rule, or the node's own _backward
            except TypeError:  # a node made by hand with neither local derivatives nor its own _backward
                _checks.no_backward(order, leaves, before)
                raise
        _checks.finite_grads(order, leaves, before)

    def zero_grad(self) -> None:
        """Set the grad of self and of every node below it to 0.0."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


class MadeValue(Value):
    """A Value made with the constructor (a leaf, or a node made by hand), with room for attributes of its own."""

    # Only these have a __dict__: the ops' results stay small (ARCHITECTURE.md, the speed machinery).


MadeValue.__name__ = MadeValue.__qualname__ = "Value"  # what a learner made it as


class Power(Value):
    """The node x ** n makes for a number n: one parent, x, and n kept as part of the op."""

    __slots__ = ("_constants",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Power is made by x ** n, for a Value x and a number n")


class HandMadeOp(str):
    """The op name of a node made by hand (Value(data, parents, op, ...)): the same text, not an engine op."""

    __slots__ = ()


def chain_rule(node: Value, parents: Iterable[Value], local_grads: Iterable[float]) -> None:
    """Pass node's grad back to its parents: d(root)/d(parent) += d(node)/d(parent) * d(root)/d(node)."""
    for parent, local in zip(parents, local_grads):
        parent.grad += local * node.grad  # += because a parent used twice gets a gradient from each use


class Sum(Value):
    """The node total() makes: one '+' with any number of terms, as a neuron adds its inputs up."""

    # Its terms hold all of its parents. Of Value's own slots only _a is set (to the first term, so
    # that a node is a leaf exactly when its _a is None); _b and the local derivatives stay unused.
    __slots__ = ("_terms",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Sum is made by total([a, b, c, ...]), which adds the terms up")

    @property
    def parents(self) -> tuple[Value, ...]:
        """The terms this node adds up, in order."""
        return self._terms

    @property
    def local_grads(self) -> tuple[float, ...] | None:
        """1.0 for each term: d(a+b+c+...)/da = 1."""
        return (1.0,) * len(self._terms) if self._runs_chain_rule() else None

    _prev = parents
    _local_grads = local_grads

    def _backward(self) -> None:
        """This node's step of backpropagation: the chain rule, from the sum to each of its terms."""
        chain_rule(self, self._terms, self.local_grads)


def total(values: Iterable[Value | float]) -> Value:  # d(a+b+c+...)/da = 1, and so for every term
    """All of values added up as one '+' node, left to right: total([a, b, c]) is (a + b) + c to the bit."""
    return total_of_values(_checks.terms(values, Value))


def total_of_values(terms: tuple[Value, ...]) -> Value:
    """total() of a non-empty tuple that holds Values only (a neuron's bias and products), without checking it."""
    try:
        out = terms[0].data
        for term in terms[1:]:  # a plain loop, not sum(): sum() of floats rounds differently since Python 3.12
            out += term.data
        node = _op(out, "+", terms[0], 1.0, cls=Sum)
    except _checks.HAND_SET_DATA:  # .data set by hand to what is not a float: as a float, or say why not
        return total_of_values((_checks.as_floats(*terms), *terms[1:]))
    node._terms = terms
    return node


def topological_order(root: Value) -> list[Value]:
    """Every node of root's graph once, each after all of its parents: the order backward() walks in reverse.

    It is the lecture's recursive depth-first search, which lists a node once all its parents are listed:

        def visit(node):
            if node not in visited:
                visited.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)

    NB: written with a stack of its own instead of recursion (_fast.depth_first_order), so a graph may be
    deeper than Python's recursion limit; the order is the same.
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


def as_value(x: Value | float) -> Value:
    """Return x itself if it is a Value, else a new leaf Value holding the number x."""
    return x if isinstance(x, Value) else Value(x)


_CHAIN_RULES = (Value._backward, Sum._backward)
_SLOTTED = (Value, MadeValue)  # whose parents the sort reads straight from the two slots
_op = _fast.node_maker(Value)  # _op(data, op, a, da, b, db): an op's result, its slots filled directly
