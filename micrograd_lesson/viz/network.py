"""draw_network: the lesson's playground picture of a network, layers left to right.

Neurons are circles (showing their activation when an input x is given); a connection is blue for a
positive weight and red for a negative one, thicker the larger the weight, and labelled with it. With
show_grads=True (after backward()) colour, thickness and label show each weight's gradient instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import graphviz

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import ACTIVATIONS, MLP, Layer, Neuron, layer_values, layers_of
from micrograd_lesson.viz import colors, labels
from micrograd_lesson.viz.dot import FONT, NO_GRADS_NOTE
from micrograd_lesson.viz.graph import Graph


def draw_network(
    model: MLP | Layer | Neuron,
    x: Sequence[Value | float] | None = None,
    show_grads: bool = False,
    format: str = "svg",
) -> Graph:
    """Draw model as layered circles and weighted connections; with x, each neuron shows its activation."""
    layers = layers_of(model)
    values = layer_values(model, x) if x is not None else None
    names = node_names(model.nin, [len(neurons) for neurons in layers])
    weights = [w for neurons in layers for n in neurons for w in n.w]
    numbers = [w.grad if show_grads else w.data for w in weights]
    largest = max(abs(v) for v in numbers)
    no_grads = show_grads and largest == 0.0

    dot = graphviz.Digraph(
        graph_attr={"rankdir": "LR", "ranksep": "1.6", "nodesep": "0.35", "fontname": FONT, "labelloc": "b"},
        node_attr={"shape": "circle", "fixedsize": "true", "width": "0.75", "fontname": FONT, "fontsize": "14"},
        edge_attr={"fontname": FONT, "fontsize": "11", "arrowsize": "0.6"},
    )
    titles = ["Input"] + [
        f"{'Output' if k == len(layers) - 1 else 'Hidden'} ({ACTIVATIONS[neurons[0].activation].title})"
        for k, neurons in enumerate(layers)
    ]
    for k, column in enumerate(names):
        with dot.subgraph(name=f"column_{k}") as same_rank:
            same_rank.attr(rank="same")
            title = f"title_{k}"
            same_rank.node(title, labels.text(titles[k]), shape="plaintext", fixedsize="false", fontsize="13")
            for i, name in enumerate(column):
                shown = name if values is None else f"{values[k][i]:.2f}"
                tip = name if k == 0 else f"{name}: bias {layers[k - 1][i].b.data:+.4g}"
                same_rank.node(_node_id(name), labels.text(shown), tooltip=labels.text(tip), xlabel=labels.text(name))
            ids = [title, *map(_node_id, column)]
            for above, below in pairwise(ids):  # the title on top, then the neurons in order
                same_rank.edge(above, below, style="invis")

    for k, neurons in enumerate(layers):
        for j, neuron in enumerate(neurons):
            for i, w in enumerate(neuron.w):
                number = w.grad if show_grads else w.data
                text = f"grad {labels.signed(number)}" if show_grads else labels.signed(number)
                dot.edge(
                    _node_id(names[k][i]),
                    _node_id(names[k + 1][j]),
                    label=labels.text(text),
                    decorate="true",  # a line from the label to its connection: crossing edges stay readable
                    color=colors.sign_color(number),
                    fontcolor=colors.sign_color(number),
                    penwidth=colors.width(number, largest),
                )

    what = "gradient" if show_grads else "weight"
    caption = [f"blue = positive {what}, red = negative {what}, thicker = larger"]
    if show_grads:
        caption.append("a training step moves each weight against its gradient")
    if values is not None:
        caption.insert(0, "output " + ", ".join(labels.number(v) for v in values[-1]))
    if no_grads:
        caption.insert(0, NO_GRADS_NOTE)
    dot.attr(label=labels.text("\n".join(caption)), fontsize="13")
    return Graph(dot.source, format)


def node_names(nin: int, sizes: list[int]) -> list[list[str]]:
    """Names per column: x1, x2 | h1, h2, h3 | out (hidden layers numbered h1.1... when there are several)."""
    columns = [[f"x{i + 1}" for i in range(nin)]]
    hidden = sizes[:-1]
    for k, size in enumerate(hidden):
        prefix = "h" if len(hidden) == 1 else f"h{k + 1}."
        columns.append([f"{prefix}{j + 1}" for j in range(size)])
    out = sizes[-1]
    columns.append(["out"] if out == 1 else [f"out{j + 1}" for j in range(out)])
    return columns


def _node_id(name: str) -> str:
    return name.replace(".", "_")  # 'h2.4' -> 'h2_4': a plain DOT identifier
