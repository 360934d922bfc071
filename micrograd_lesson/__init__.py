"""micrograd_lesson: a scalar autograd engine for learning how neural networks learn."""

from micrograd_lesson.engine import Value, as_value, paused_collector, topological_order, total
from micrograd_lesson.expression import parse_expression
from micrograd_lesson.losses import binary_cross_entropy, cross_entropy, hinge, mse
from micrograd_lesson.nn import MLP, Layer, Module, Neuron, Perceptron
from micrograd_lesson.optim import SGD, Adam
from micrograd_lesson.playground import Playground, seed_network
from micrograd_lesson.steps import BackwardStep, PhaseRecord, TrainingLoop, accuracy, backward_steps
from micrograd_lesson.viz import draw_dot, draw_network

__version__ = "0.1.0"

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
    "draw_dot",
    "draw_network",
    "parse_expression",
    "__version__",
]
