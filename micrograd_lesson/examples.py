"""The lesson's own examples, defined once: the tour, the quiz, the notebooks, the tests and the README use these.

- the lecture's first expression, L = (a*b + c) * f, and its tanh neuron, o = tanh(x1*w1 + x2*w2 + b);
- XOR, the problem the five-step loop learns, and a network that learns it;
- the lesson's two 2-3-1 networks: the "Now try it yourself" playground and the forward-pass example;
- a small network's loss, and GRAPHS: the three graphs the command line and the notebooks step backward through.

The lesson's picture lists the playground's nine weights as +0.5, -0.3, +0.8, +0.2, +0.7, -0.4 (inputs to
hidden) and +0.6, -0.5, +0.9 (hidden to output). We read the first six as x1's three connections, then x2's:

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

from micrograd_lesson import data
from micrograd_lesson.engine import Value
from micrograd_lesson.nn import MLP, layers_of

# --- the lecture's expression and neuron ------------------------------------------------------------

LECTURE_INPUTS = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
# b is chosen so that n comes out at 0.8814 and tanh(n) at 0.7071, as in the lecture
LECTURE_NEURON_INPUTS = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.881373587019543}


def lecture_expression() -> Value:
    """The lecture's first graph: L = (a*b + c) * f, with a=2, b=-3, c=10, f=-2, every node labelled."""
    a, b, c, f = (Value(x, label=name) for name, x in LECTURE_INPUTS.items())
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def lecture_neuron() -> dict[str, Value]:
    """The lecture's neuron o = tanh(x1*w1 + x2*w2 + b), built node by node and labelled: every node by name."""
    x1, x2, w1, w2, b = (Value(x, label=name) for name, x in LECTURE_NEURON_INPUTS.items())
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2, "n": n, "o": o}


# --- XOR ----------------------------------------------------------------------------------------------


def xor_problem() -> tuple[list[list[float]], list[float]]:
    """XOR's four corners with targets -1.0/+1.0, to match a tanh output: ([[0, 0], ...], [-1.0, 1.0, 1.0, -1.0])."""
    X, y = data.xor()
    return X, [float(t) for t in data.signed(y)]


def xor_network() -> MLP:
    """A 2-4-1 tanh network that learns XOR in a hundred steps."""
    return MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)


def relu_xor_network() -> MLP:
    """A 2-3-1 network (ReLU hidden, tanh output) that learns XOR in a hundred steps with h3 off for every input."""
    return MLP(2, [3, 1], activation="relu", output_activation="tanh", seed=1)  # h3's weights are both negative


# --- the lesson's 2-3-1 networks ----------------------------------------------------------------------

HIDDEN_WEIGHTS = [[0.5, 0.2], [-0.3, 0.7], [0.8, -0.4]]  # per hidden neuron: [from x1, from x2]
HIDDEN_BIASES = [-0.10, 0.20, -0.30]
OUTPUT_WEIGHTS = [0.6, -0.5, 0.9]  # from h1, h2, h3
OUTPUT_BIAS = 0.10
PLAYGROUND_INPUT = [0.5, 0.5]

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
    model.set_parameters(  # global generator alone; every number is set here
        [list(zip(hidden_weights, hidden_biases)), [(output_weights, output_bias)]]
    )
    return model


# --- a small network's loss, and the graphs to step backward through --------------------------------------

SMALL_NETWORK_INPUT, SMALL_NETWORK_TARGET = [1.0, -0.5], 1.0


def small_network_loss() -> Value:
    """A 2-2-1 tanh network's squared error on one example: every parameter and layer output labelled."""
    model = MLP(2, [2, 1], activation="tanh", output_activation="tanh", rng=random.Random(0))
    model.set_parameters([[([0.5, -1.0], 0.1), ([-0.3, 0.8], 0.0)], [([1.0, -0.7], 0.2)]])
    for name, neurons in zip(("h", "out"), layers_of(model)):
        for j, neuron in enumerate(neurons):
            prefix = name if len(neurons) == 1 else f"{name}{j + 1}"
            for i, w in enumerate(neuron.w):
                w.label = f"{prefix}.w{i + 1}"
            neuron.b.label = f"{prefix}.b"
    hidden = model.layers[0](SMALL_NETWORK_INPUT)
    for j, h in enumerate(hidden):
        h.label = f"h{j + 1}"
    out = model.layers[1](hidden)
    out.label = "out"
    error = out - Value(SMALL_NETWORK_TARGET, label="target")
    error.label = "error"
    loss = error**2
    loss.label = "loss"
    return loss


GRAPHS = {  # name -> a function that builds the graph's root, for `graph --example NAME`
    "lecture-expression": lecture_expression,
    "lecture-neuron": lambda: lecture_neuron()["o"],
    "network-loss": small_network_loss,
}
