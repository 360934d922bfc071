"""A scalar Value that remembers how it was made, and reverse-mode autodiff through it.

Each op computes its forward value and, right beside it, the local derivative of that value with
respect to each input. The ``_backward()`` methods are the only place that applies the chain rule:

    parent.grad += local_derivative * node.grad

Read an op as: ``_result(forward, op name, a, d(out)/da, b, d(out)/db)`` (no b for a one-parent op), which
is ``Value(forward, (a, b), op name, "", (d(out)/da, d(out)/db))`` without re-checking what the op guarantees.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter

from micrograd_lesson import _checks


class Value:
    """A scalar in a computation graph: its data, its gradient, and the parents it came from."""

    # A node keeps each parent (a, b) beside its local derivative (da, db) in its own slots: no
    # per-object dict and no tuples. A graph holds hundreds of thousands of nodes, and Python's cyclic
    # garbage collector walks every container object alive again and again while a graph grows, so
    # an op's result is one object for it, not three. (README, Speed: what that is worth.)
    # No closures either: a node only points back to its parents, so a graph is freed by
    # reference counting the moment the last name for it goes away.
    __slots__ = ("data", "grad", "_op", "label", "_a", "_da", "_b", "_db")

    def __init__(
        self,
        data: float,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        label: str = "",
        _local_grads: tuple[float, ...] = (),
    ) -> None:
        self._a, self._da, self._b, self._db = None, 0.0, None, 0.0  # a leaf: no parents
        if _children or _local_grads:  # a node made by hand, not by an op: check its parents and keep them
            parents, local_grads = _checks.hand_made_parents(tuple(_children), tuple(_local_grads))
            self._a, self._da = parents[0], local_grads[0]
            if len(parents) == 2:
                self._b, self._db = parents[1], local_grads[1]
        if type(data) is not float or not math.isfinite(data):
            data = _checks.finite_data(data, _op, self._prev)
        self.data = data
        self.grad = 0.0
        self._op = _op
        self.label = label

    # --- arithmetic: forward value, op, then each parent beside its local derivative -----------

    def __add__(self, other: Value | float) -> Value:  # d(a+b)/da = 1, d(a+b)/db = 1
        other = other if isinstance(other, Value) else Value(other)
        return _result(self.data + other.data, "+", self, 1.0, other, 1.0)

    def __sub__(self, other: Value | float) -> Value:  # d(a-b)/da = 1, d(a-b)/db = -1
        other = other if isinstance(other, Value) else Value(other)
        return _result(self.data - other.data, "-", self, 1.0, other, -1.0)

    def __mul__(self, other: Value | float) -> Value:  # d(a*b)/da = b, d(a*b)/db = a
        other = other if isinstance(other, Value) else Value(other)
        return _result(self.data * other.data, "*", self, other.data, other, self.data)

    def __truediv__(self, other: Value | float) -> Value:  # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2
        other = other if isinstance(other, Value) else Value(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"/ divides by zero: {_checks.describe(self, other, sep=' / ')}")
        out = self.data / other.data
        d_a, d_b = _checks.finite_slopes("/", (1.0 / other.data, -out / other.data), self, other)
        return _result(out, "/", self, d_a, other, d_b)

    def __pow__(self, other: Value | float) -> Value:  # d(a**n)/da = n*a**(n-1), d(a**n)/dn = a**n * log(a)
        exponent_is_value = isinstance(other, Value)
        other = other if isinstance(other, Value) else Value(other)
        a, n = self.data, other.data
        if a == 0.0 and n < 0:
            raise ZeroDivisionError(f"** raises zero to a negative power: {_checks.describe(self, other, sep=' ** ')}")
        if a < 0.0 and n != int(n):
            got = _checks.describe(self, other, sep=" ** ")
            raise ValueError(f"** needs an integer power of a negative base, got {got}")
        if exponent_is_value and (a < 0.0 or a == n == 0.0):  # the exponent's gradient needs log(a), or a**n jumps
            got = _checks.describe(self, other, sep=" ** ")
            raise ValueError(f"** with a Value exponent needs a base > 0 (or 0 to a power > 0), got {got}")
        try:
            out = a**n
            d_base = n * a ** (n - 1) if n != 0 else 0.0
        except (OverflowError, ZeroDivisionError) as error:
            got = _checks.describe(self, other, sep=" ** ")
            raise type(error)(f"** has no finite value or slope at {got}") from None
        d_exponent = out * math.log(a) if a > 0.0 else 0.0
        d_base, d_exponent = _checks.finite_slopes("**", (d_base, d_exponent), self, other)
        return _result(out, "**", self, d_base, other, d_exponent)

    def __neg__(self) -> Value:  # d(-a)/da = -1
        return _result(-self.data, "neg", self, -1.0)

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

    # --- functions -------------------------------------------------------------------------------

    def exp(self) -> Value:  # d(e**a)/da = e**a
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp() overflows for {_checks.describe(self)}; its result is above 1.8e308") from None
        return _result(out, "exp", self, out)

    def log(self) -> Value:  # d(ln a)/da = 1/a
        if self.data <= 0.0:
            raise ValueError(f"log() needs a positive input, got {_checks.describe(self)}")
        (d_a,) = _checks.finite_slopes("log", (1.0 / self.data,), self)
        return _result(math.log(self.data), "log", self, d_a)

    def tanh(self) -> Value:  # d(tanh a)/da = 1 - tanh(a)**2
        t = math.tanh(self.data)
        return _result(t, "tanh", self, 1.0 - t * t)

    def relu(self) -> Value:  # d(relu a)/da = 1 if a > 0 else 0
        if self.data > 0.0:
            return _result(self.data, "ReLU", self, 1.0)
        return _result(0.0, "ReLU", self, 0.0)

    def sigmoid(self) -> Value:  # d(s(a))/da = s(a) * (1 - s(a))
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # the same number, written so that exp never overflows for very negative x
            e = math.exp(x)
            s = e / (1.0 + e)
        return _result(s, "sigmoid", self, s * (1.0 - s))

    # --- backpropagation -------------------------------------------------------------------------

    def _backward(self) -> None:
        """Push this node's grad one step back to its parents: the chain rule, once."""
        if self._a is not None:
            self._a.grad += self._da * self.grad
        if self._b is not None:
            self._b.grad += self._db * self.grad

    def backward(self) -> None:
        """Fill in d(self)/d(node) for every node below self; leaf grads accumulate, as in PyTorch."""
        with paused_collector():
            order = start_backward(self)
            for node in reversed(order):  # every node is finished before its parents are reached
                node._backward()
        if not all(map(math.isfinite, map(_grad, order))):  # one fast pass; the slow one names the culprit
            node = next(node for node in reversed(order) if not math.isfinite(node.grad))  # where it began
            made_by = f", made by {node._op}," if node._op else ""
            where = _checks.describe(node)
            raise OverflowError(f"backward() overflowed: the gradient of {where}{made_by} is {node.grad}")

    def zero_grad(self) -> None:
        """Set the grad of self and of every node below it to 0.0."""
        for node in topological_order(self):
            node.grad = 0.0

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The parents this node was made from, in order (micrograd's name for them)."""
        if self._b is not None:
            return (self._a, self._b)
        return () if self._a is None else (self._a,)

    @property
    def _local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent in _prev, in the same order."""
        return (self._da, self._db)[: len(self._prev)]

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


class Sum(Value):
    """The node total() makes: one '+' with any number of terms, as a neuron adds its inputs up."""

    # _terms holds all of its parents. Of the slots it shares with Value only _a is set (to the first
    # term, so that a node is a leaf exactly when its _a is None); _b and the local derivatives stay unused.
    __slots__ = ("_terms",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Sum is made by total([a, b, c, ...]), which adds the terms up")

    def _backward(self) -> None:  # d(a+b+c+...)/da = 1, and so for every term
        """Push this node's grad one step back to its terms: the chain rule with local derivative 1."""
        for term in self._terms:
            term.grad += self.grad

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The terms this node adds up, in order."""
        return self._terms

    @property
    def _local_grads(self) -> tuple[float, ...]:
        """1.0 for each term: d(a+b+c+...)/da = 1."""
        return (1.0,) * len(self._terms)


def total(values: Iterable[Value | float]) -> Value:  # d(a+b+c+...)/da = 1, and so for every term
    """All of values added up as one '+' node, left to right: total([a, b, c]) is (a + b) + c to the bit."""
    if not isinstance(values, Iterable):
        raise TypeError(f"total() needs a list of values to add up, got {type(values).__name__}: {values!r}")
    terms = tuple([term if isinstance(term, Value) else Value(term) for term in values])
    if not terms:
        raise ValueError("total() needs at least one value to add up, got none")
    out = terms[0].data
    for term in terms[1:]:  # a plain loop, not sum(): sum() of floats rounds differently since Python 3.12
        out += term.data
    out = _checks.finite_data(out, "+", terms)  # a finite float now, so _result makes a Sum, never falls back to Value
    node = _result(out, "+", terms[0], 1.0, cls=Sum)
    node._terms = terms
    return node


def start_backward(root: Value) -> list[Value]:
    """Reset every computed node's grad below root (leaves keep theirs), add 1.0 to root's; return the order."""
    order = topological_order(root)
    for node in order:  # computed nodes start fresh; only leaves keep what earlier calls left
        if node._a is not None:
            node.grad = 0.0
    root.grad += 1.0  # d(root)/d(root)
    return order


def topological_order(root: Value) -> list[Value]:
    """Every node of root's graph once, each after all of its parents (iterative, deterministic)."""
    order: list[Value] = []
    # A parent already visited is already in order (a graph has no cycles), as in the recursive search.
    # None stands for a missing parent (_b of a one-parent op, both of a leaf's): it counts as visited.
    visited = {root, None}
    stack = [(root, iter(root._prev))]  # a depth-first search with an explicit stack: no recursion limit
    while stack:
        node, parents = stack[-1]
        for parent in parents:  # go on where this node left off
            if parent not in visited:
                visited.add(parent)
                if type(parent) is not Value:  # a Sum, or a learner's own subclass of Value
                    stack.append((parent, iter(parent._prev)))
                elif parent._a in visited and parent._b in visited:
                    order.append(parent)  # a leaf, or a node whose parents are in order: it can follow at once
                    continue
                else:  # its parents straight from the slots (parent._prev without the call; None is skipped)
                    stack.append((parent, iter((parent._a, parent._b))))
                break
        else:  # all of node's parents are in order: node can follow them
            stack.pop()
            order.append(node)
    return order


def as_value(x: Value | float) -> Value:
    """Return x itself if it is a Value, else a new leaf Value holding the number x."""
    return x if isinstance(x, Value) else Value(x)


def _result(
    data: float, op: str, a: Value, da: float, b: Value | None = None, db: float = 0.0, cls: type[Value] = Value
) -> Value:
    """Value(data, (a, b), op, "", (da, db)), made faster for the ops' own results (cls=Sum for total's)."""
    # An op already gives one local derivative per parent, so when its result is a finite float
    # the checks in Value.__init__ have nothing to do: fill the slots directly (a fifth less time).
    # Anything else takes the full constructor, for the same conversion or the same error.
    if type(data) is not float or not math.isfinite(data):
        parents, local_grads = ((a,), (da,)) if b is None else ((a, b), (da, db))
        return Value(data, parents, op, "", local_grads)
    out = _new_object(cls)
    out.data = data
    out.grad = 0.0
    out._op = op
    out.label = ""
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    return out


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (wrap a training loop in it), then restore it."""
    # A graph of Values has no reference cycles (a node points only to its parents), so the
    # collector can never free any of it: each run just walks every node alive and finds nothing.
    # Work that makes or walks a whole graph pauses it; reference counting still frees everything.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_new_object = object.__new__
_grad = attrgetter("grad")
