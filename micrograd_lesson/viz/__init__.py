"""Drawing: computation graphs, gradients flowing back, the network picture, and training plots."""

from micrograd_lesson.viz.dot import draw_dot
from micrograd_lesson.viz.frames import backward_frames, save_animation
from micrograd_lesson.viz.graph import Drawing, Graph
from micrograd_lesson.viz.network import draw_network
from micrograd_lesson.viz.plots import plot_activations, plot_decision_boundary, plot_loss
from micrograd_lesson.viz.render import GraphvizNotFoundError, RenderError, find_dot

__all__ = [
    "draw_dot",
    "backward_frames",
    "save_animation",
    "draw_network",
    "plot_activations",
    "plot_decision_boundary",
    "plot_loss",
    "Graph",
    "Drawing",
    "GraphvizNotFoundError",
    "RenderError",
    "find_dot",
]
