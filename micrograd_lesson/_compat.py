"""What keeps micrograd's and the lecture's own code working on engine.Value, apart from the lesson.

- Value(...) makes a MadeValue, which takes attributes of your own (p.m = 0.0), as micrograd's Values do;
  an op's result is a plain Value without a __dict__ (ARCHITECTURE.md, the speed machinery).
- A node made by hand, Value(data, parents, op, label, local_grads), or the lecture's way: parents and
  a _backward closure assigned afterwards, which backward() then runs instead of the chain rule.
- micrograd's names: _prev (the parents; a tuple here, where micrograd's is a set) and _local_grads.
- vars(v), copy, deepcopy and pickle see a Value's fields, as they see micrograd's.

engine.py passes the classes in (install); this module imports nothing of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from micrograd_lesson import _checks

if TYPE_CHECKING:
    from micrograd_lesson.engine import Value


class HandMadeOp(str):
    """The op name of a node made by hand (Value(data, parents, op, ...)): the same text, not an engine op."""

    __slots__ = ()


_PARENT_SLOTS = (("_a", "_da"), ("_b", "_db"))


def made_by_hand(node: Value, parents: Sequence[Value], op: str, local_grads: Sequence, value_class: type) -> str:
    """Fill node's parent slots from Value(data, parents, op, label, local_grads); return its op name.

    Without local derivatives (the lecture's way) the node's own _backward, assigned later, does the work."""
    parents, local_grads = _checks.hand_made_parents(parents, tuple(local_grads), value_class)
    for parent, local, (parent_slot, local_slot) in zip(parents, local_grads or (None, None), _PARENT_SLOTS):
        setattr(node, parent_slot, parent)
        setattr(node, local_slot, local)
    return HandMadeOp(op)


_chain_rules: list = []  # the engine's own _backward functions, set by install()


def runs_chain_rule(node: Value) -> bool:
    """Whether backward() applies the engine's chain rule at node, not a _backward the node brought."""
    return node._da is not None and getattr(node._backward, "__func__", None) in _chain_rules


def install(value_class: type, made_class: type, *op_classes: type) -> None:
    """Give value_class (and op_classes, its subclasses for ops' results) what the code above relies on."""

    def new_value(cls: type, *args: object, **kwargs: object) -> Value:
        """Value(...) makes a made_class; a subclass of your own makes itself."""
        return object.__new__(made_class if cls is value_class else cls)

    value_class.__new__ = staticmethod(new_value)
    made_class.__name__ = made_class.__qualname__ = value_class.__name__  # what a learner made it as
    value_class.builtin = property(_builtin)
    _chain_rules.extend(cls._backward for cls in (value_class, *op_classes))
    for cls in (value_class, *op_classes):
        cls._prev = cls.parents  # micrograd's names
        cls._local_grads = cls.local_grads
    for cls in op_classes:  # made by their ops only: total([a, b, c]), x ** 2
        cls.__init__ = _made_by_ops_only


def _made_by_ops_only(node: Value, *args: object, **kwargs: object) -> None:
    """A Sum or a Power is made by its op, not by calling it."""
    raise TypeError(f"a {type(node).__name__} is made by {node.made_by}")


def _builtin(node: Value) -> bool:
    """True when one of the engine's own ops made this Value; False for a leaf or a node made by hand."""
    return node._a is not None and type(node._op) is str
