"""micrograd_lesson: a scalar autograd engine for learning how neural networks learn.

`from micrograd_lesson import Value` loads the engine and a few standard modules only: every other name
(networks, losses, training, the drawings and the graphviz package they need) loads the first time it is
asked for.
"""

from importlib import import_module

from micrograd_lesson.engine import Value, as_value, paused_collector, topological_order, total

__version__ = "0.1.0"

# Everything else loads the first time it is asked for, from the module that defines it.
_HOMES = {
    "Module": "nn",
    "Neuron": "nn",
    "Perceptron": "nn",
    "Layer": "nn",
    "MLP": "nn",
    "mse": "losses",
    "binary_cross_entropy": "losses",
    "hinge": "losses",
    "cross_entropy": "losses",
    "SGD": "optim",
    "Adam": "optim",
    "backward_steps": "backprop",
    "BackwardStep": "backprop",
    "TrainingLoop": "training",
    "PhaseRecord": "training",
    "accuracy": "metrics",
    "seed_network": "examples",
    "Playground": "playground",
    "parse_expression": "expression",
    "draw_dot": "viz",  # viz loads the graphviz package
    "draw_network": "viz",
}

__all__ = [
    "Value",
    "as_value",
    "topological_order",
    "total",
    "paused_collector",
    "Module",
    "Neuron",
    "Perceptron",
    "Layer",
    "MLP",
    "mse",
    "binary_cross_entropy",
    "hinge",
    "cross_entropy",
    "SGD",
    "Adam",
    "backward_steps",
    "BackwardStep",
    "TrainingLoop",
    "PhaseRecord",
    "accuracy",
    "seed_network",
    "Playground",
    "data",
    "draw_dot",
    "draw_network",
    "parse_expression",
    "__version__",
]


def __getattr__(name: str) -> object:
    """A name of the package (or the module data), imported from its home the first time it is asked for."""
    if name in _HOMES:
        value = getattr(import_module(f"micrograd_lesson.{_HOMES[name]}"), name)
    elif name == "data":
        value = import_module("micrograd_lesson.data")
    else:
        raise AttributeError(f"module 'micrograd_lesson' has no attribute {name!r}")
    globals()[name] = value  # asked once: from now on a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES, "data"])
