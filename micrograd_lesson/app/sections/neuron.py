"""Section 1, "A neuron": one neuron's four steps with the numbers plugged in (stateless)."""

from __future__ import annotations

from micrograd_lesson.app.pictures import explanation_lines, network_numbers, network_svg
from micrograd_lesson.app.requests import NUMBER_LIMIT, choice, number
from micrograd_lesson.nn import ACTIVATIONS, Neuron

CHOICES = {"activations": list(ACTIVATIONS), "limit": NUMBER_LIMIT}


def respond(state: None, request: dict) -> tuple[None, dict]:
    """The neuron's four steps and its output for the request's inputs, weights, bias and activation."""
    x = [number(request, "x1"), number(request, "x2")]
    w = [number(request, "w1"), number(request, "w2")]
    b = number(request, "b")
    activation = choice(request, "activation", tuple(ACTIVATIONS))
    neuron = Neuron(2, activation=activation)
    neuron.set_parameters(w, b)
    e = neuron.explain(x)
    return None, {
        "steps": explanation_lines(e),
        "output": e.output,
        "svg": network_svg(neuron, x),  # the neuron drawn: its inputs, weights, bias and output
        "numbers": network_numbers(neuron, x),
    }
