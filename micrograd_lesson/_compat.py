"""What keeps micrograd's and the lecture's own code working on engine.Value, apart from the lesson.

- Value(...) makes a MadeValue, which takes attributes of your own (p.m = 0.0), as micrograd's Values do;
  an op's result is a plain Value without a __dict__ (ARCHITECTURE.md, the speed machinery).
- A node made by hand, Value(data, parents, op, label, local_grads), or the lecture's way: parents and
  a _backward closure assigned afterwards, which backward() then runs instead of the chain rule.
- micrograd's names: _prev (the parents; a tuple here, where micrograd's is a set) and _local_grads.
- vars(v) shows a Value's fields, as it shows micrograd's, without a dict per node; copy, deepcopy and
  pickle copy every slot and attribute of your own.

engine.py passes the classes in (install); this module imports nothing of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lesson import _checks

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without loading typing (and re) for `import Value`
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


def install(value_class: type, *op_classes: type) -> type:
    """Give value_class (and op_classes, its subclasses for ops' results) what the code above relies on;
    return the class Value(...) makes, a MadeValue."""
    with_dict = type(value_class.__name__, (value_class,), {"__module__": value_class.__module__})
    own_dict[:] = [with_dict, with_dict.__dict__["__dict__"]]  # the real dict of attributes of your own
    made_class = type(
        value_class.__name__,  # what a learner made it as
        (with_dict,),
        {"__module__": value_class.__module__, "__dict__": property(fields), "__doc__": _MADE_VALUE},
    )

    def new_value(cls: type, *args: object, **kwargs: object) -> Value:
        """Value(...) makes a made_class; a subclass of your own makes itself."""
        return object.__new__(made_class if cls is value_class else cls)

    def reduce(node: Value) -> tuple:
        """What copy and pickle make node again from: its class (Value, for a MadeValue) and every slot."""
        if type(node) is made_class:
            return _made_again, (value_class, True), _state(node)
        return _made_again, (type(node), False), _state(node)

    value_class.__new__ = staticmethod(new_value)
    value_class.__reduce__ = reduce
    value_class.__setstate__ = _set_state
    value_class.builtin = property(_builtin)
    _chain_rules.extend(cls._backward for cls in (value_class, *op_classes))
    for cls in (value_class, *op_classes):
        cls._prev = property(_prev)  # micrograd's names
        cls._local_grads = cls.local_grads
    for cls in op_classes:  # made by their ops only: total([a, b, c]), x ** 2
        cls.__init__, cls.made_by = _made_by_ops_only, _MADE_BY[cls.__name__]
    return made_class


_MADE_BY = {"Sum": "total([a, b, c, ...]), which adds the terms up", "Power": "x ** n, for a Value x and a number n"}
_MADE_VALUE = "What Value(...) makes: a Value with room for attributes of your own (p.m = 0.0), as micrograd's have."


class Parents(tuple):
    """A node's _prev: its parents in operand order, a tuple where micrograd's _prev is a set."""

    __slots__ = ()

    def __getattr__(self, name: str) -> object:
        raise AttributeError(
            f"_prev is a tuple here (micrograd's is a set): its parents in operand order, which cannot change, "
            f"so it has no {name}(); read node._prev[0], loop over node._prev, or take set(node._prev)"
        )


def _prev(node: Value) -> Parents:
    """micrograd's name for node.parents."""
    return Parents(node.parents)


own_dict: list = []  # the class whose instances have a __dict__, and that __dict__'s descriptor (install)


def own_attributes(node: Value) -> dict:
    """The attributes of your own on node: {} on an op's result, which has no room for them."""
    with_dict, descriptor = own_dict
    return descriptor.__get__(node) if isinstance(node, with_dict) else {}


def fields(node: Value) -> dict:
    """What vars(node) shows: micrograd's fields (with the label), then the attributes of your own."""
    shown = {"data": node.data, "grad": node.grad, "_prev": node._prev, "_op": node._op, "label": node.label}
    return {**shown, **own_attributes(node)}


def _state(node: Value) -> dict:
    """Every slot node fills, and its attributes of your own."""
    slots = [name for cls in type(node).__mro__ for name in cls.__dict__.get("__slots__", ())]
    return {**{name: getattr(node, name) for name in slots if hasattr(node, name)}, **own_attributes(node)}


def _made_again(cls: type, made_by_constructor: bool) -> Value:
    """An empty node of cls for copy and pickle to fill: as Value(...) makes one (a MadeValue), or as an op does."""
    return cls.__new__(cls) if made_by_constructor else object.__new__(cls)


def _set_state(node: Value, state: dict) -> None:
    """Fill node from what _state gave (copy, deepcopy, pickle)."""
    for name, value in state.items():
        object.__setattr__(node, name, value)


def _made_by_ops_only(node: Value, *args: object, **kwargs: object) -> None:
    """A Sum or a Power is made by its op, not by calling it."""
    raise TypeError(f"a {type(node).__name__} is made by {node.made_by}")


def _builtin(node: Value) -> bool:
    """True when one of the engine's own ops made this Value; False for a leaf or a node made by hand."""
    return node._a is not None and type(node._op) is str
