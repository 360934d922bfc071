"""The lesson's "Now try it yourself" network: two inputs, three ReLU neurons, one sigmoid output.

The lesson's picture lists its nine weights as +0.5, -0.3, +0.8, +0.2, +0.7, -0.4 (inputs to hidden) and
+0.6, -0.5, +0.9 (hidden to output). We read the first six as x1's three connections, then x2's:

    x1 -> h1 +0.5    x1 -> h2 -0.3    x1 -> h3 +0.8
    x2 -> h1 +0.2    x2 -> h2 +0.7    x2 -> h3 -0.4
    h1 -> out +0.6   h2 -> out -0.5   h3 -> out +0.9

The picture shows no biases, only the activations for inputs (0.50, 0.50): hidden 0.25, 0.40, 0.00 and
output 0.5125. The weights alone give hidden sums 0.35, 0.20, 0.20, so the biases are what makes up the
difference: h1 -0.10 (0.35 -> 0.25), h2 +0.20 (0.20 -> 0.40), and h3 -0.30, clearly negative so that h3's
sum (-0.10) sits below zero and ReLU gives exactly 0.00. The output then sums 0.6*0.25 - 0.5*0.40 + 0.9*0
= -0.05; an output bias of +0.10 makes it 0.05, and sigmoid(0.05) = 0.5125.

The lesson's forward-pass step shows another 2-3-1 network: Input [0.8, 0.3] -> Hidden [0.6, 0.0, 0.4]
-> Output 0.73, without its weights. forward_pass_network() picks simple ones that give exactly that
(all biases 0): h1 = 0.6*0.8 + 0.4*0.3 = 0.60, h2 = relu(-0.5*0.8 + 0.3*0.3) = relu(-0.31) = 0.00,
h3 = 0.2*0.8 + 0.8*0.3 = 0.40, and the output sigmoid(1.0*0.6 - 0.5*0.0 + 1.0*0.4) = sigmoid(1.0) = 0.73.
"""

from __future__ import annotations

import random

from micrograd_lesson.nn import MLP

HIDDEN_WEIGHTS = [[0.5, 0.2], [-0.3, 0.7], [0.8, -0.4]]  # per hidden neuron: [from x1, from x2]
HIDDEN_BIASES = [-0.10, 0.20, -0.30]
OUTPUT_WEIGHTS = [0.6, -0.5, 0.9]  # from h1, h2, h3
OUTPUT_BIAS = 0.10


FORWARD_PASS_INPUT = [0.8, 0.3]
FORWARD_PASS_HIDDEN_WEIGHTS = [[0.6, 0.4], [-0.5, 0.3], [0.2, 0.8]]
FORWARD_PASS_OUTPUT_WEIGHTS = [1.0, -0.5, 1.0]


def seed_network() -> MLP:
    """The lesson's 2-3-1 playground network (ReLU hidden, sigmoid output) with the weights and biases above."""
    return _two_three_one(HIDDEN_WEIGHTS, HIDDEN_BIASES, OUTPUT_WEIGHTS, OUTPUT_BIAS)


def forward_pass_network() -> MLP:
    """The 2-3-1 network of the lesson's forward-pass step: [0.8, 0.3] -> [0.6, 0.0, 0.4] -> 0.73."""
    return _two_three_one(FORWARD_PASS_HIDDEN_WEIGHTS, [0.0, 0.0, 0.0], FORWARD_PASS_OUTPUT_WEIGHTS, 0.0)


def _two_three_one(
    hidden_weights: list[list[float]], hidden_biases: list[float], output_weights: list[float], output_bias: float
) -> MLP:
    model = MLP(2, [3, 1], activation="relu", output_activation="sigmoid", rng=random.Random(0))  # leaves the
    hidden, output = model.layers  # global generator alone; every number is overwritten below
    for neuron, weights, bias in zip(hidden.neurons, hidden_weights, hidden_biases):
        for w, value in zip(neuron.w, weights):
            w.data = value
        neuron.b.data = bias
    for w, value in zip(output.neurons[0].w, output_weights):
        w.data = value
    output.neurons[0].b.data = output_bias
    return model


class Playground:
    """Two inputs between 0 and 1 feeding a network; every activation is recomputed when an input changes."""

    def __init__(self, x1: float = 0.5, x2: float = 0.5, model: MLP | None = None) -> None:
        self.model = model if model is not None else seed_network()
        self.x1 = self.x2 = 0.0
        self.set(x1=x1, x2=x2)

    def set(self, x1: float | None = None, x2: float | None = None) -> list[list[float]]:
        """Move one or both input sliders and return every layer's activations, input first."""
        new = [self.x1 if x1 is None else _slider("x1", x1), self.x2 if x2 is None else _slider("x2", x2)]
        self.activations = self.model.activations(new)  # computed before anything changes: an error leaves all
        self.x1, self.x2 = new
        return self.activations

    @property
    def inputs(self) -> list[float]:
        """The two inputs, [x1, x2]."""
        return [self.x1, self.x2]

    @property
    def output(self) -> float:
        """The network's output for the current inputs."""
        return self.activations[-1][0]

    def __repr__(self) -> str:
        layers = " -> ".join("[" + ", ".join(f"{a:.2f}" for a in layer) + "]" for layer in self.activations)
        return f"Playground({layers}, output {self.output:.4f})"


def _slider(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} is a slider from 0 to 1, got {value!r}")
    return float(value)
