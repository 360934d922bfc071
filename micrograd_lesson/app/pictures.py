"""What the live page's sections show alike: the pictures (the one place that draws), stable ids, a neuron's steps.

Every section in app/sections/ uses these; no section imports another's helpers, so there is no cycle.
"""

from __future__ import annotations

from micrograd_lesson.engine import Value


def network_svg(
    model, x: list[float], show_grads: bool = False, caption: str | None = None, shown_height: float | None = None
) -> str:
    """The network picture as SVG text (caption: a line of its own in the legend; shown_height: the most px tall
    the page shows it, see draw_network)."""
    from micrograd_lesson.viz import draw_network

    return draw_network(model, x, show_grads=show_grads, caption=caption, shown_height=shown_height).svg()


def network_numbers(model, x: list[float], show_grads: bool = False) -> dict[str, float]:
    """Every number the network picture shows, by the stable id its label names: each neuron's value for x
    ('h1'), each bias ('b-h1') and each weight ('x1-h1'), or with show_grads the biases' and weights' gradients."""
    from micrograd_lesson.nn import layer_values, layers_of
    from micrograd_lesson.viz.network import node_names

    layers = layers_of(model)  # an MLP's, a Layer's or one Neuron's
    ids = node_names(model.nin, [len(neurons) for neurons in layers])
    values = layer_values(model, x)
    numbers = dict(zip(ids[0], values[0]))
    for k, neurons in enumerate(layers):
        for j, neuron in enumerate(neurons):
            name = ids[k + 1][j]
            numbers[name] = values[k + 1][j]
            numbers[f"b-{name}"] = neuron.b.grad if show_grads else neuron.b.data
            for i, w in enumerate(neuron.w):
                numbers[f"{ids[k][i]}-{name}"] = w.grad if show_grads else w.data
    return numbers


def laid_out_frames(root: Value):
    """The flipbook's frames of backward on root, laid out once, each drawn when shown (runs backward on root);
    a grad not reached yet is drawn blank, not 0, as the page's tables show it."""
    from micrograd_lesson.viz.frames import LaidOutFrames

    return LaidOutFrames(root, blank_unreached=True)


def neuron_ids(model) -> list[list[str]]:
    """Stable ids per column of the network (x1, x2 | h1, h2, h3 | out): the picture's node names."""
    from micrograd_lesson.viz.network import node_names

    return node_names(model.nin, [len(layer.neurons) for layer in model.layers])


def param_names(model) -> list[str]:
    """A name per parameter, in parameters() order, the one every section shows: 'w x1→h3' (the weight on the
    connection from x1 to h3), 'b h3', 'w h3→out', ..."""
    return [label for _, label in param_ids(model)]


def param_ids(model) -> list[tuple[str, str]]:
    """(stable id, label) per parameter, in parameters() order: ('x1-h1', 'w x1→h1'), ..., ('b-h1', 'b h1')."""
    ids = neuron_ids(model)
    found = []
    for k, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            name = ids[k + 1][j]
            found += [(f"{ids[k][i]}-{name}", f"w {ids[k][i]}→{name}") for i in range(len(neuron.w))]
            found.append((f"b-{name}", f"b {name}"))
    return found


def is_off(neuron, output: float) -> bool:
    """Whether the neuron is a ReLU that gives 0 here: 'off', passing no gradient back to its weights."""
    from micrograd_lesson.viz.network import is_off as off

    return off(neuron, output)


def explanation_lines(e) -> list[str]:
    """The four steps of a NeuronExplanation as text with the numbers in."""
    sums = " + ".join(f"{p:.4f}" for p in (*e.products, e.bias)).replace("+ -", "- ")
    return [
        "1. inputs: " + ", ".join(f"{x:.4f}" for x in e.inputs),
        "2. times weights: "
        + ", ".join(f"{x:.4f} × {w:+.4f} = {p:+.4f}" for x, w, p in zip(e.inputs, e.weights, e.products)),
        f"3. sum plus bias: {sums} = {e.total:.4f}",
        f"4. activation: {e.activation}({e.total:.4f}) = {e.output:.4f}",
    ]
