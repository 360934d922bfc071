"""micrograd_lesson: a scalar autograd engine for learning how neural networks learn.

`from micrograd_lesson import Value` loads the standard library only: the drawing functions (and the
graphviz package they need) load the first time one of them is asked for.
"""

from micrograd_lesson import data
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, as_value, paused_collector, topological_order, total
from micrograd_lesson.examples import seed_network
from micrograd_lesson.expression import parse_expression
from micrograd_lesson.losses import binary_cross_entropy, cross_entropy, hinge, mse
from micrograd_lesson.metrics import accuracy
from micrograd_lesson.nn import MLP, Layer, Module, Neuron, Perceptron
from micrograd_lesson.optim import SGD, Adam
from micrograd_lesson.playground import Playground
from micrograd_lesson.training import PhaseRecord, TrainingLoop

__version__ = "0.1.0"

_DRAWING = ("draw_dot", "draw_network")  # from micrograd_lesson.viz, loaded on first use

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
    """draw_dot and draw_network, imported from micrograd_lesson.viz the first time they are asked for."""
    if name in _DRAWING:
        from micrograd_lesson import viz

        return getattr(viz, name)
    raise AttributeError(f"module 'micrograd_lesson' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_DRAWING])
