"""micrograd_lesson: a scalar autograd engine for learning how neural networks learn."""

from micrograd_lesson.engine import Value, as_value, topological_order
from micrograd_lesson.viz import draw_dot, draw_network

__version__ = "0.1.0"

__all__ = ["Value", "as_value", "topological_order", "draw_dot", "draw_network", "__version__"]
