"""Pictures with matplotlib (the notebooks extra): the activation functions, a decision boundary and a loss curve.

Both return a matplotlib Figure built without pyplot: no window opens, it works with no display,
fig.savefig(path) writes it, and in Jupyter the returned figure shows itself once, as a PNG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from numbers import Real
from typing import Any

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value
from micrograd_lesson.nn import MLP, Layer, Neuron, class_of, decision_threshold
from micrograd_lesson.training import PhaseRecord
from micrograd_lesson.viz import colors

EXTRA_HINT = "pip install 'micrograd-lesson[notebooks]'"


def _figure(**kwargs) -> Any:
    """A new matplotlib Figure, or an ImportError that names the extra to install."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(f"plots need matplotlib, which comes with the notebooks extra: {EXTRA_HINT}") from error
    _let_jupyter_show(Figure)
    return Figure(**kwargs)


def _let_jupyter_show(figure_type: type) -> None:
    """Inside IPython/Jupyter, display a returned Figure as a PNG, as `%matplotlib inline` would set up."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
    except ImportError:  # no IPython: nothing to display in
        return
    shell = get_ipython()
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    try:
        png.lookup_by_type(figure_type)  # already set up (e.g. by %matplotlib inline): leave it as it is
    except KeyError:
        png.for_type(figure_type, partial(print_figure, fmt="png", base64=True))


def plot_activations(marks: Sequence[float] = (), low: float = -3.0, high: float = 3.0) -> Any:
    """The four activation functions of nn.ACTIVATIONS from low to high, each in its colour, with a legend;
    marks: sums n to draw as dotted vertical lines, where a table compares the functions."""
    from micrograd_lesson.nn import ACTIVATIONS

    fig = _figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    xs = [low + (high - low) * i / 200 for i in range(201)]
    for name, activation in ACTIVATIONS.items():
        ys = [activation.apply(Value(x)).data for x in xs]
        style = {"linestyle": "--"} if name == "linear" else {"linewidth": 2.5}  # ReLU shows beneath n for n > 0
        ax.plot(xs, ys, color=colors.ACTIVATION_COLORS[name], label=f"{activation.title}: {_FORMULAS[name]}", **style)
    for n in marks:
        ax.axvline(n, color=colors.ZERO, linestyle=":", linewidth=1)
    ax.set(xlabel="the neuron's sum n", ylabel="what the neuron sends on", title="activation functions")
    ax.set_ylim(-1.5, 2.0)
    ax.axhline(0, color=colors.ZERO, linewidth=0.5)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


_FORMULAS = {"relu": "max(0, n)", "tanh": "tanh(n)", "sigmoid": "1 / (1 + e**-n)", "linear": "n"}


def plot_loss(history: Sequence[float | Value] | Sequence[PhaseRecord], log: bool = False) -> Any:
    """The loss after each training step, as a line; log=True puts the loss axis on a log scale.

    history: the losses (what TrainingLoop.run returns, or loop.losses), or a TrainingLoop's .history,
    whose 'loss' records are drawn (so a loop stopped mid-way shows the loss it has just computed)."""
    if history and all(isinstance(r, PhaseRecord) for r in history):
        history = [r.loss for r in history if r.phase == "loss"]
    if not history:
        raise ValueError("plot_loss needs at least one loss value, got none (a TrainingLoop has one after 'loss')")
    for i, x in enumerate(history):  # nan or inf: say where training went wrong before any other check
        if isinstance(x, Real) and not math.isfinite(x):
            raise ValueError(f"history[{i}] is {x}: training diverged there (try a smaller learning rate)")
    losses = [_checks.data_of(f"history[{i}]", x, error=TypeError) for i, x in enumerate(history)]
    fig = _figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    marker = "." if len(losses) <= 50 else None
    ax.plot(range(1, len(losses) + 1), losses, color=colors.LINE, marker=marker, label="the loss after each step")
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="training step", ylabel="loss", title=f"loss: {losses[0]:.4g} -> {losses[-1]:.4g}")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_decision_boundary(
    model: MLP | Layer | Neuron | Callable[[list[float]], Value | list[Value]],
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    resolution: int = 40,
    threshold: float | None = None,
    X_test: Sequence[Sequence[float]] = (),
    y_test: Sequence[int] = (),
) -> Any:
    """The model's predicted class over the plane around X, with the data points on top, in the live page's
    colours and marks: training points as filled circles, the held-out X_test, y_test (if given) as hollow
    diamonds, each with its class's sign inside (−, +, ×), and a legend that says which are which.

    One output: class 1 where the output is above threshold (0.5 for a sigmoid output, else 0), so
    labels may be {0, 1} or {-1, +1}. Several outputs: the class is the largest output.
    """
    points, labels = _points("", X, y)
    tests, test_labels = _points("_test", X_test, y_test) if len(X_test) or len(y_test) else ([], [])
    resolution = _checks.whole("resolution", resolution, low=2)
    if threshold is None:
        threshold = decision_threshold(model)
    fig = _figure(figsize=(5, 5.6 if tests else 5))  # first, so a missing matplotlib is reported before any work
    every = points + tests
    xs, ys = _grid([p[0] for p in every], resolution), _grid([p[1] for p in every], resolution)
    regions = [[class_of(model([a, b]), threshold) for a in xs] for b in ys]
    ax = fig.add_subplot()
    classes = sorted(set(labels) | set(test_labels))
    light = [*colors.PAGE_CLASSES, *colors.CLASSES[3:]]
    dark = [*colors.PAGE_CLASSES_DARK, *colors.CLASSES[3:]]
    predicted = sorted({c for row in regions for c in row})
    for c in predicted:  # each class's region in its shade, from a grid of "is it c": the class numbers themselves
        inside = [[float(c == k) for k in row] for row in regions]  # would shade a 0|2 border as a band of 1
        ax.contourf(xs, ys, inside, levels=[0.5, 1.5], colors=[light[c]], alpha=colors.PAGE_SHADE)
    for c in predicted if len(predicted) > 1 else ():  # the boundary, as the page draws it: around each region
        inside = [[float(c == k) for k in row] for row in regions]
        ax.contour(xs, ys, inside, levels=[0.5], colors="#111111", linewidths=2)
    for k, c in enumerate(classes):
        for shown, of, held_out in ((points, labels, False), (tests, test_labels, True)):
            mine = [p for p, label in zip(shown, of) if label == c]
            if mine:
                _scatter(ax, [p[0] for p in mine], [p[1] for p in mine], dark[k], k, held_out)
    _legend(ax, [(f"class {c}", dark[k]) for k, c in enumerate(classes)], bool(tests))
    ax.set(xlabel="x1", ylabel="x2", title="decision boundary")
    fig.tight_layout()
    return fig


_SIGNS = ("_", "+", "x")  # class 0's −, class 1's +, class 2's ×: matplotlib's markers for the page's marks


def _points(suffix: str, X: Sequence[Sequence[float]], y: Sequence[int]) -> tuple[list[list[float]], list[int]]:
    """X and y as plain 2-D points and whole labels, checked (suffix: '_test' for the held-out ones)."""
    which = f"plot_decision_boundary (X{suffix}, y{suffix})" if suffix else "plot_decision_boundary"
    _checks.paired(which, X, y, "point", "label")
    points = [[_checks.data_of(f"X{suffix}[{i}]", v, error=TypeError) for v in row] for i, row in enumerate(X)]
    if any(len(p) != 2 for p in points):
        raise ValueError(
            f"plot_decision_boundary needs X{suffix} as a non-empty list of 2-D points such as [[0.5, -1.0], ...]"
        )
    return points, [int(_checks.data_of(f"y{suffix}[{i}]", c, error=TypeError)) for i, c in enumerate(y)]


def _scatter(ax, xs: list[float], ys: list[float], color: str, k: int, held_out: bool) -> None:
    """Points of one class as the page draws them: a filled circle with a white sign inside, or (held out) a hollow
    diamond with a white rim and its sign inside in the class's colour."""
    if held_out:
        ax.scatter(xs, ys, marker="D", s=75, facecolors="none", edgecolors="white", linewidths=4, zorder=3)
        ax.scatter(xs, ys, marker="D", s=75, facecolors="none", edgecolors=color, linewidths=2, zorder=3)
    else:
        ax.scatter(xs, ys, marker="o", s=70, color=color, edgecolors="white", linewidths=1.2, zorder=4)
    if k < len(_SIGNS):
        ax.scatter(xs, ys, marker=_SIGNS[k], s=22, color=color if held_out else "white", linewidths=1.4, zorder=5)


def _legend(ax, classes: list[tuple[str, str]], with_tests: bool) -> None:
    """Each class's colour, and, when held-out points are drawn, which points are which."""
    from matplotlib.lines import Line2D

    def mark(label: str, color: str, marker: str = "o", fill: str | None = None) -> Line2D:
        face = color if fill is None else fill
        return Line2D([], [], linestyle="", marker=marker, markersize=8, color=color, markerfacecolor=face, label=label)

    handles = [mark(name, color) for name, color in classes]
    if not with_tests:
        ax.legend(handles=handles, loc="best")
        return
    handles += [
        mark("training point (filled circle)", "#555555"),
        mark("test point (hollow diamond)", "#555555", "D", "none"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=9, frameon=False)


def _grid(values: list[float], steps: int) -> list[float]:
    """steps evenly spaced numbers covering values with a margin."""
    low, high = min(values), max(values)
    margin = 0.1 * (high - low) or 0.5
    low, high = low - margin, high + margin
    return [low + (high - low) * i / (steps - 1) for i in range(steps)]
