"""The engine's speed machinery. NOTHING IN THIS MODULE CHANGES A NUMBER.

engine.py is the lesson; this is what makes it run fast. Each piece does exactly what the plain
code it stands in for would do, in the same order and with the same floats, and a test holds each one
against that plain code. ARCHITECTURE.md says why each piece exists and what it buys.

- node_maker: the ops' result constructor. It fills a node's slots directly, skipping the checks of
  Value.__init__ that an op's own result cannot fail.
- chain_rule_on_slots: a Value's _backward, the chain rule unrolled over the node's two parent slots
  (engine.chain_rule without building a pair of tuples for every node).
- depth_first_order: topological_order's search, with an explicit stack and a shortcut for a node
  whose parents are already listed.
- paused_collector: pauses Python's cyclic garbage collector while a graph is built or walked; blocks
  nest, in any number of threads, and an interrupt anywhere never leaves the collector off.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from micrograd_lesson._checks import finite_data

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without loading typing (and re) for `import Value`
if TYPE_CHECKING:
    from micrograd_lesson.engine import Value

_new_object = object.__new__


def node_maker(value_class: type[Value]) -> Callable[..., Value]:
    """The ops' constructor, new_node(data, op, a, da, b=None, db=0.0): a value_class with its slots filled."""

    def new_node(
        data: float, op: str, a: Value, da: float, b: Value | None = None, db: float = 0.0, cls: type = value_class
    ) -> Value:
        if type(data) is not float or not math.isfinite(data):  # a finite float, or the error that names the op
            data = finite_data(data, op, (a,) if b is None else (a, b))
        out = _new_object(cls)
        out._data = data
        out.grad = 0.0
        out._op = op
        out.label = ""
        out._a = a
        out._da = da
        out._b = b
        out._db = db
        return out

    return new_node


def chain_rule_on_slots(node: Value) -> None:
    """engine.chain_rule(node, node.parents, node.local_grads), unrolled over a node's two parent slots."""
    a = node._a
    if a is not None:
        a.grad += node._da * node.grad
        b = node._b
        if b is not None:
            b.grad += node._db * node.grad


def depth_first_order(root: Value, slotted: tuple[type[Value], ...]) -> list[Value]:
    """Every node of root's graph once, each after all of its parents: the recursive search, without recursion."""
    order: list[Value] = []
    # A parent already visited is already in order (a graph has no cycles), as in the recursive search.
    # None stands for a missing parent (_b of a one-parent op, both of a leaf's): it counts as visited.
    visited = {root, None}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:  # go on where this node left off
            if parent not in visited:
                visited.add(parent)
                if type(parent) not in slotted:  # a Sum, or a learner's own subclass of Value
                    stack.append((parent, iter(parent.parents)))
                elif parent._a in visited and parent._b in visited:
                    order.append(parent)  # the shortcut: its parents are listed, so it can follow at once
                    continue
                else:  # its parents straight from the slots (None is skipped above)
                    stack.append((parent, iter((parent._a, parent._b))))
                break
        else:  # all of node's parents are in order: node can follow them
            stack.pop()
            order.append(node)
    return order


# Which paused_collector() blocks are open now, in every thread (one token each), and whether the
# collector is off because of them rather than because the program turned it off itself. Adding and
# discarding a token are single steps under the GIL, so threads need no lock for it.
_open_pauses: set[object] = set()
_paused_by_us = [False]


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (wrap a training loop in it), then restore it.

    Blocks nest and may be open in several threads at once: the collector comes back on when the last one
    closes, and only if it was on when the first one opened."""
    # A graph of Values has no reference cycles (a node points only to its parents), so the
    # collector can never free any of it: each run just walks every node alive and finds nothing.
    # Reference counting still frees every graph the moment it is dropped.
    token = object()
    try:
        _open_pauses.add(token)  # first: from here on, wherever Ctrl-C lands, the finally clause undoes it
        if gc.isenabled():
            _paused_by_us[0] = True
            gc.disable()
        yield
    finally:
        try:
            _open_pauses.discard(token)
        finally:  # runs even if Ctrl-C lands right after the discard
            if not _open_pauses and _paused_by_us[0]:
                try:
                    _paused_by_us[0] = False  # first: a block another thread opens from here on pauses it anew ...
                finally:
                    gc.enable()  # ... and so turns it back on as it closes
