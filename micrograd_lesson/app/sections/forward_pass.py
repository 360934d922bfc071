"""Section 2, "The playground": the 2-3-1 network's forward pass, its sliders and its weights, by stable id."""

from __future__ import annotations

from micrograd_lesson.app.pictures import explanation_lines, is_off, network_svg, neuron_ids, param_ids
from micrograd_lesson.app.requests import PARAM_LIMIT, choice, number
from micrograd_lesson.playground import Playground

INPUTS = (0.0, 1.0)  # each slider's range
CHOICES = {"inputs": list(INPUTS), "param_limit": PARAM_LIMIT}


def answer(pg: Playground) -> dict:
    """Every neuron's value and four steps, every weight and bias, by stable id, and the picture."""
    ids = neuron_ids(pg.model)
    neurons = [{"id": name, "value": pg.activations[0][i], "off": False, "steps": []} for i, name in enumerate(ids[0])]
    x = pg.inputs
    for k, layer in enumerate(pg.model.layers):
        for j, neuron in enumerate(layer.neurons):
            e = neuron.explain(x)
            steps = explanation_lines(e)
            neurons.append({"id": ids[k + 1][j], "value": e.output, "off": is_off(neuron, e.output), "steps": steps})
        x = pg.activations[k + 1]
    params = [
        {"id": pid, "label": label, "value": p.data} for (pid, label), p in zip(param_ids(pg.model), parameters(pg))
    ]
    return {
        "x1": pg.x1,
        "x2": pg.x2,
        "output": pg.output,
        "neurons": neurons,
        "params": params,
        "svg": network_svg(pg.model, pg.inputs),
        "numbers": {**{n["id"]: n["value"] for n in neurons}, **{p["id"]: p["value"] for p in params}},  # by id
    }


def parameters(pg: Playground) -> list:
    """The playground's weights and biases in param_ids' order: each neuron's weights, then its bias."""
    return [p for layer in pg.model.layers for neuron in layer.neurons for p in (*neuron.w, neuron.b)]


def respond(pg: Playground | None, request: dict) -> tuple[Playground, dict]:
    """Apply a slider move, a weight edit or a reset (a new playground on first use); the whole playground."""
    action = choice(request, "action", ("show", "inputs", "param", "reset"))
    if pg is None:
        pg = Playground()
    if action == "inputs":
        low, high = INPUTS
        pg.set(x1=number(request, "x1", low, high), x2=number(request, "x2", low, high))
    elif action == "param":
        params = {pid: p for (pid, _), p in zip(param_ids(pg.model), parameters(pg))}
        name = choice(request, "id", tuple(params))
        params[name].data = number(request, "value", -PARAM_LIMIT, PARAM_LIMIT)
        pg.set()
    elif action == "reset":
        pg = Playground(pg.x1, pg.x2)
    return pg, answer(pg)
