"""Drawing: computation graphs, gradients flowing back, the network picture, and training plots.

Each name loads its module the first time it is asked for, so `micrograd_lesson.viz.render` (finding a
Graphviz binary) loads without the graphviz package that `draw_dot` needs.
"""

from importlib import import_module

_HOMES = {  # each name and the module that defines it
    "draw_dot": "dot",
    "backward_frames": "frames",
    "save_animation": "frames",
    "draw_network": "network",
    "plot_activations": "plots",
    "plot_decision_boundary": "plots",
    "plot_loss": "plots",
    "Graph": "graph",
    "Drawing": "graph",
    "GraphvizNotFoundError": "render",
    "RenderError": "render",
    "find_dot": "render",
}

__all__ = list(_HOMES)


def __getattr__(name: str) -> object:
    """A drawing function or class, imported from its module the first time it is asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'micrograd_lesson.viz' has no attribute {name!r}")
    value = getattr(import_module(f"micrograd_lesson.viz.{_HOMES[name]}"), name)
    globals()[name] = value  # asked once: from now on a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
