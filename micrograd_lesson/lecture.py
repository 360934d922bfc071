"""The network of karpathy's micrograd lecture: tanh everywhere and random biases, with one import line.

    from micrograd_lesson.lecture import Value, draw_dot, Neuron, Layer, MLP

The lecture writes its own Neuron, Layer and MLP: every neuron is tanh(b + w1*x1 + w2*x2 + ...), the output
neuron too, and draws its weights and then its bias from random.uniform(-1, 1), so random.seed(k) gives
the lecture's very numbers. nn's classes are micrograd's library instead (ReLU hidden layers, a linear
output, biases 0), on which the lecture's training cell stops learning. These are nn's classes set up the
lecture's way, so drawings, saving and TrainingLoop take them as they take any network.

Its Value builds a - b and a / b as the lecture does, a + (-b) and a * b**-1, where the engine makes one
node of each: so a drawing, backward_steps and backward() show the lecture's nodes (its tanh written with
exp, (e - 1) / (e + 1), draws 36 numbers, not the engine's 34). What its ops make are its Values too.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from micrograd_lesson import engine, nn

__all__ = ["Value", "draw_dot", "Neuron", "Layer", "MLP"]  # noqa: F822 (draw_dot: __getattr__ below)


class Value(engine.Value):
    """The lecture's Value: a - b is a + (-b) and a / b is a * b**-1, as the lecture builds them."""

    __slots__ = ()

    def __new__(cls, *args: object, **kwargs: object) -> Value:
        return object.__new__(_Made if cls is Value else cls)  # room for attributes of your own, as engine's

    def __sub__(self, other: engine.Value | float) -> Value:  # the lecture's a - b: a + (-b)
        return self + (-other)

    def __rsub__(self, other: engine.Value | float) -> Value:  # other - self
        return _lectured(engine.as_value(other) + (-self))

    def __truediv__(self, other: engine.Value | float) -> Value:  # the lecture's a / b: a * b**-1
        return self * other**-1

    def __rtruediv__(self, other: engine.Value | float) -> Value:  # other / self
        return _lectured(engine.as_value(other) * self**-1)


def _lecture_op(name: str) -> object:
    """The engine's op name, its result made a lecture Value. other + self calls the engine's + itself: a
    lecture Value you made is a subclass of the engine's, so Python asks it first, and asking back would loop."""
    forward = name.replace("__r", "__", 1)
    engine_op = getattr(engine.Value, forward)

    def op(self: Value, *args: object) -> Value:
        if forward == name:
            return _lectured(engine_op(self, *args))
        return _lectured(engine_op(engine.as_value(args[0]), self))  # other + self, the engine's op

    op.__name__, op.__qualname__, op.__doc__ = name, f"Value.{name}", engine_op.__doc__
    return op


for _name in ("__add__", "__radd__", "__mul__", "__rmul__", "__neg__", "__pow__", "__rpow__"):
    setattr(Value, _name, _lecture_op(_name))
for _name in ("exp", "log", "tanh", "relu", "sigmoid", "sin"):
    setattr(Value, _name, _lecture_op(_name))


class _Made(engine.MadeValue, Value):
    """What Value(...) makes here: a lecture Value with room for attributes of your own."""

    __slots__ = ()


class _Power(engine.Power, Value):
    __slots__ = ()


class _Sum(engine.Sum, Value):
    __slots__ = ()


_LECTURE_CLASS = {engine.Value: Value, engine.Power: _Power, engine.Sum: _Sum, engine.MadeValue: _Made}
for _cls in (_Made, _Power, _Sum):
    _cls.__name__ = "Value"  # as a learner made it; pickle finds it by its __qualname__


def _lectured(node: engine.Value) -> engine.Value:
    """node as a lecture Value (the same node, its class changed), so that its own - and / are the lecture's."""
    lecture_class = _LECTURE_CLASS.get(type(node))
    if lecture_class is not None:
        node.__class__ = lecture_class
    return node


class Neuron(nn.Neuron):
    """The lecture's neuron: tanh(b + w1*x1 + ...); its nin weights, then its bias, drawn from uniform(-1, 1)."""

    def __init__(
        self, nin: int, activation: str = "tanh", *, seed: int | None = None, rng: random.Random | None = None
    ) -> None:
        super().__init__(nin, activation=activation, random_bias=True, seed=seed, rng=rng)

    def __call__(self, x: Sequence[engine.Value | float]) -> Value:
        """The neuron's output, a lecture Value: (yout - ygt) ** 2 is then built as the lecture builds it."""
        return _lectured(super().__call__(x))


class Layer(nn.Layer):
    """The lecture's layer: nout of the lecture's neurons; one neuron's output is a bare Value."""

    neuron_class = Neuron


class MLP(nn.MLP):
    """The lecture's MLP(nin, nouts): layers of the lecture's neurons, tanh in every layer, the output's too."""

    layer_class = Layer

    def __init__(
        self, nin: int, nouts: Sequence[int], *, seed: int | None = None, rng: random.Random | None = None
    ) -> None:
        super().__init__(nin, nouts, activation="tanh", output_activation="tanh", seed=seed, rng=rng)


def __getattr__(name: str) -> object:
    """draw_dot, imported from micrograd_lesson.viz the first time it is asked for (viz loads graphviz)."""
    if name == "draw_dot":
        from micrograd_lesson.viz import draw_dot

        return draw_dot
    raise AttributeError(f"module 'micrograd_lesson.lecture' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "draw_dot"])
