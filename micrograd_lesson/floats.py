"""A model's numbers as plain floats, without building a graph: for pictures that sample thousands of points.

Each number is the engine's to the bit: the same additions in the engine's order (the bias first, then each
weight times its input, left to right) and each activation as engine.py writes it (tests/test_floats.py holds
them equal). What it saves is a graph of node objects for every point; what it gives up is the gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from micrograd_lesson.nn import MLP


def relu(a: float) -> float:
    """engine's relu: a above 0, else 0."""
    return a if a > 0.0 else 0.0


def sigmoid(a: float) -> float:
    """engine's sigmoid, 1 / (1 + e**-a), written the engine's way so that exp never overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def linear(a: float) -> float:
    """No activation: a itself."""
    return a


# nn.ACTIVATIONS, each as a function of a float (tests/test_floats.py: one for every name there)
ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "relu": relu,
    "tanh": math.tanh,
    "sigmoid": sigmoid,
    "linear": linear,
}

FloatLayer = tuple[list[tuple[list[float], float]], Callable[[float], float]]


def layers(model: MLP) -> list[FloatLayer]:
    """The model's weights as plain floats, layer by layer: ([(weights, bias) per neuron], the activation)."""
    return [
        ([([w.data for w in n.w], n.b.data) for n in layer.neurons], ACTIVATIONS[layer.neurons[0].activation])
        for layer in model.layers
    ]


def values(model_layers: list[FloatLayer], points: Sequence[Sequence[float]]) -> list[list[list[float]]]:
    """Every neuron's value at every point, layer by layer, the inputs first: [layer][neuron][point].

    One pass over all the points, a column at a time."""
    columns = [[float(p[i]) for p in points] for i in range(len(points[0]))] if points else []
    found = [columns]
    for neurons, activation in model_layers:
        out = []
        for weights, bias in neurons:
            summed = [bias] * len(points)
            for w, column in zip(weights, columns):
                summed = [t + w * c for t, c in zip(summed, column)]
            out.append([t if t > 0.0 else 0.0 for t in summed] if activation is relu else list(map(activation, summed)))
        found.append(out)
        columns = out
    return found


def outputs(model: MLP, points: Sequence[Sequence[float]]) -> list[float]:
    """A one-output model's output at every point: its scores, as model(x).data gives each."""
    return values(layers(model), points)[-1][0]


def hinge(scores: Sequence[float], targets: Sequence[int]) -> float:
    """losses.hinge's number for plain scores and -1/+1 targets, the mean of relu(1 - target * score), in its order.

    inf where a score is not finite or the sum overflows (the engine would refuse those numbers)."""
    if not all(map(math.isfinite, scores)):
        return math.inf
    margins = [relu(1.0 + float(-t) * s) for s, t in zip(scores, targets)]
    summed = margins[0]
    for m in margins[1:]:  # left to right, as engine.total adds
        summed += m
    loss = summed * (1.0 / len(margins))
    return loss if math.isfinite(loss) else math.inf


def mse(outputs: Sequence[float], targets: Sequence[float]) -> float:
    """losses.mse's number for plain outputs, the mean of (output - target)**2, in its order (inf past a float)."""
    if not all(map(math.isfinite, outputs)):
        return math.inf
    try:
        squares = [(o - float(t)) ** 2 for o, t in zip(outputs, targets)]
    except OverflowError:
        return math.inf
    loss = _added(squares) * (1.0 / len(squares))
    return loss if math.isfinite(loss) else math.inf


def cross_entropy(scores: Sequence[Sequence[float]], targets: Sequence[int]) -> float:
    """losses.cross_entropy's number for plain class scores (one list per point), in its order; inf past a float."""
    terms = []
    for point, target in zip(scores, targets):
        if not all(map(math.isfinite, point)):
            return math.inf
        top = max(point)
        shifted = [s - top for s in point]
        terms.append(math.log(_added([math.exp(s) for s in shifted])) - shifted[target])
    loss = _added(terms) * (1.0 / len(terms))
    return loss if math.isfinite(loss) else math.inf


def penalty(weights: Sequence[float], kind: str, rate: float) -> float:
    """losses.l1's or losses.l2's number for plain weights (kind 'l1' or 'l2'; 'none' gives 0.0), in its order."""
    if kind == "none":
        return 0.0
    sizes = [relu(w) + relu(-w) for w in weights] if kind == "l1" else [w * w for w in weights]
    return rate * _added(sizes)


def scores(model: MLP, points: Sequence[Sequence[float]]) -> list[list[float]]:
    """A model's outputs at every point, one list per point: its class scores, as [o.data for o in model(x)]."""
    return [list(point) for point in zip(*values(layers(model), points)[-1])]


def _added(numbers: list[float]) -> float:
    summed = numbers[0]
    for n in numbers[1:]:  # left to right, as engine.total adds
        summed += n
    return summed
