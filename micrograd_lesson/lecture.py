"""The network of karpathy's micrograd lecture: tanh everywhere and random biases, with one import line.

    from micrograd_lesson.lecture import Value, draw_dot, Neuron, Layer, MLP

The lecture writes its own Neuron, Layer and MLP: every neuron is tanh(b + w1*x1 + w2*x2 + ...), the output
neuron too, and draws its weights and then its bias from random.uniform(-1, 1), so random.seed(k) gives
the lecture's very numbers. nn's classes are micrograd's library instead (ReLU hidden layers, a linear
output, biases 0), on which the lecture's training cell stops learning. These are nn's classes set up the
lecture's way, so drawings, saving and TrainingLoop take them as they take any network.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from micrograd_lesson import nn
from micrograd_lesson.engine import Value

__all__ = ["Value", "draw_dot", "Neuron", "Layer", "MLP"]  # noqa: F822 (draw_dot: __getattr__ below)


class Neuron(nn.Neuron):
    """The lecture's neuron: tanh(b + w1*x1 + ...); its nin weights, then its bias, drawn from uniform(-1, 1)."""

    def __init__(
        self, nin: int, activation: str = "tanh", *, seed: int | None = None, rng: random.Random | None = None
    ) -> None:
        super().__init__(nin, activation=activation, random_bias=True, seed=seed, rng=rng)


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
