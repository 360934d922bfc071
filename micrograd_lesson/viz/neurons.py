"""Find a model's neurons: as layers (for the network picture) and inside a computation graph (to group them).

A Neuron computes ``activation(b + w0*x0 + w1*x1 + ...)`` (nn.Neuron.__call__: ``sum(w*x, start=b)``), so in
the graph each call of a neuron is a chain that starts at its bias b:

    p1 = b + m0,  p2 = p1 + m1,  ...,  out = activation(p_n)      where m_i = w_i * x_i

neuron_calls() walks that chain from every use of b and accepts a call only when every step matches and
nothing inside the chain is used elsewhere (so collapsing it into one node hides no edge of the graph).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import MLP, Layer, Neuron

ACTIVATION_OPS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}  # Neuron.activation -> Value._op


def layers_of(model: MLP | Layer | Neuron) -> list[list[Neuron]]:
    """The model's neurons, layer by layer: an MLP's layers, a Layer as one layer, a Neuron alone."""
    if isinstance(model, MLP):
        return [list(layer.neurons) for layer in model.layers]
    if isinstance(model, Layer):
        return [list(model.neurons)]
    if isinstance(model, Neuron):
        return [[model]]
    raise TypeError(f"expected an nn.MLP, nn.Layer or nn.Neuron, got {type(model).__name__}: {model!r}")


def neuron_name(layer: int, index: int) -> str:
    """A neuron's short name from 0-based positions: neuron_name(0, 1) -> 'L1.2' (layer 1, neuron 2)."""
    return f"L{layer + 1}.{index + 1}"


def parameter_names(model: MLP | Layer | Neuron) -> dict[Value, str]:
    """A readable name for each parameter: 'L1.2 w1' is neuron L1.2's weight on its first input."""
    names: dict[Value, str] = {}
    for layer, neurons in enumerate(layers_of(model)):
        for j, neuron in enumerate(neurons):
            for i, w in enumerate(neuron.w):
                names[w] = f"{neuron_name(layer, j)} w{i + 1}"
            names[neuron.b] = f"{neuron_name(layer, j)} b"
    return names


@dataclass(frozen=True)
class NeuronCall:
    """One call of a neuron inside a graph: the Values it computed and the edges that enter it."""

    name: str  # 'L1.2'
    activation: str  # 'relu', 'tanh', 'sigmoid' or 'linear'
    output: Value  # what the neuron returned
    inside: frozenset[Value]  # every Value the call computed, output included
    inputs: tuple[tuple[Value, float], ...]  # (w1, d out/d w1), (x1, d out/d x1), ..., (b, d out/d b)


def neuron_calls(order: list[Value], model: MLP | Layer | Neuron) -> list[NeuronCall]:
    """Every call of every neuron of model found in the graph whose nodes are order."""
    users: dict[Value, list[Value]] = defaultdict(list)
    for node in order:
        for parent in node._prev:
            users[parent].append(node)
    calls = []
    for layer, neurons in enumerate(layers_of(model)):
        for j, neuron in enumerate(neurons):
            for first in users[neuron.b]:
                call = _match(neuron, neuron_name(layer, j), first, users)
                if call is not None:
                    calls.append(call)
    return calls


def _is_product_with(node: Value, w: Value) -> bool:
    return node._op == "*" and node._prev[0] is w


def _match(neuron: Neuron, name: str, first: Value, users: dict[Value, list[Value]]) -> NeuronCall | None:
    total, products = neuron.b, []
    node = first
    for i, w in enumerate(neuron.w):  # each step: total = total + w_i * x_i
        if i > 0:
            if len(users[total]) != 1:
                return None
            node = users[total][0]
        if node._op != "+" or node._prev[0] is not total or not _is_product_with(node._prev[1], w):
            return None
        product = node._prev[1]
        if users[product] != [node]:
            return None
        products.append(product)
        total = node
    output, slope = total, 1.0
    if neuron.activation != "linear":
        after = users[total]
        if len(after) != 1 or after[0]._op != ACTIVATION_OPS[neuron.activation]:
            return None
        output, slope = after[0], after[0]._local_grads[0]
    inputs: list[tuple[Value, float]] = []
    for m in products:  # d out / d w_i = slope * x_i and d out / d x_i = slope * w_i: the sums pass 1 along
        inputs += [(m._prev[0], slope * m._local_grads[0]), (m._prev[1], slope * m._local_grads[1])]
    inputs.append((neuron.b, slope))
    sums = _chain(first, total, users)
    inside = frozenset([*products, *sums, output])
    return NeuronCall(name, neuron.activation, output, inside, tuple(inputs))


def _chain(first: Value, last: Value, users: dict[Value, list[Value]]) -> list[Value]:
    chain = [first]
    while chain[-1] is not last:
        chain.append(users[chain[-1]][0])
    return chain
