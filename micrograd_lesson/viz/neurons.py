"""Find a model's neurons: as layers (for the network picture) and inside a computation graph (to group them).

A Neuron computes ``activation(b + w1*x1 + w2*x2 + ...)`` (nn.Neuron.__call__), so in the graph each call of
a neuron is its products, one '+' node that adds them to its bias b, and the activation:

    m_i = w_i * x_i,   s = total([b, m_1, ..., m_n]),   out = activation(s)

neuron_calls() looks at every use of b and accepts a call only when that shape matches and nothing inside
it but the output is used elsewhere (so collapsing it into one node hides no edge of the graph).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import ACTIVATIONS, MLP, Layer, Neuron, layers_of


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
            for summed in users[neuron.b]:
                call = _match(neuron, neuron_name(layer, j), summed, users)
                if call is not None:
                    calls.append(call)
    return calls


def _match(neuron: Neuron, name: str, summed: Value, users: dict[Value, list[Value]]) -> NeuronCall | None:
    products = summed._prev[1:]
    if summed._op != "+" or summed._prev[0] is not neuron.b or len(products) != neuron.nin:
        return None
    for m, w in zip(products, neuron.w):  # each product is w_i * x_i, used by this sum alone
        if m._op != "*" or m._prev[0] is not w or users[m] != [summed]:
            return None
    output, slope = summed, 1.0
    op = ACTIVATIONS[neuron.activation].op
    if op:  # linear makes no node of its own: the sum is the output
        after = users[summed]
        if len(after) != 1 or after[0]._op != op:
            return None
        output, slope = after[0], after[0]._local_grads[0]
    inputs: list[tuple[Value, float]] = []
    for m in products:  # d out / d w_i = slope * x_i and d out / d x_i = slope * w_i: the sum passes 1 along
        inputs += [(m._prev[0], slope * m._local_grads[0]), (m._prev[1], slope * m._local_grads[1])]
    inputs.append((neuron.b, slope))
    inside = frozenset([*products, summed, output])
    return NeuronCall(name, neuron.activation, output, inside, tuple(inputs))
