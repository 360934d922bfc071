"""plot_loss and plot_decision_boundary return matplotlib figures; without matplotlib, a clear hint."""

import base64
import sys

import pytest
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from micrograd_lesson.engine import Value
from micrograd_lesson.examples import seed_network
from micrograd_lesson.nn import MLP
from micrograd_lesson.training import TrainingLoop
from micrograd_lesson.viz import colors, plot_activations, plot_decision_boundary, plot_loss

X = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]]


def test_plot_activations_draws_the_four_curves_each_in_its_colour_with_a_legend():
    fig = plot_activations(marks=[-1.0, 1.0])
    ax = fig.axes[0]
    curves = [line for line in ax.get_lines() if line.get_label()[0] != "_"]
    assert [line.get_label().split(":")[0] for line in curves] == ["ReLU", "Tanh", "Sigmoid", "Linear"]
    assert [line.get_color() for line in curves] == list(
        colors.ACTIVATION_COLORS[n] for n in ("relu", "tanh", "sigmoid", "linear")
    )
    relu = dict(zip(curves[0].get_xdata(), curves[0].get_ydata()))
    assert relu[-3.0] == 0.0 and relu[3.0] == 3.0
    assert [t.get_text() for t in ax.get_legend().get_texts()][2] == "Sigmoid: 1 / (1 + e**-n)"
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"] == [-1.0, 1.0]


def test_plot_loss_draws_each_step():
    fig = plot_loss([1.0, 0.5, Value(0.25)])
    assert isinstance(fig, Figure)
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3] and list(line.get_ydata()) == [1.0, 0.5, 0.25]
    assert fig.axes[0].get_ylabel() == "loss"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["the loss after each step"]
    assert plot_loss([1.0, 0.1], log=True).axes[0].get_yscale() == "log"


def test_plot_loss_draws_what_a_training_loop_gives():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    loop = TrainingLoop(model, X, [0.0, 1.0, 0.0, 1.0])
    losses = loop.run(3, progress=False)
    assert list(plot_loss(losses).axes[0].get_lines()[0].get_ydata()) == losses
    for _ in range(2):  # into the fourth loop, up to its loss
        loop.step()
    (line,) = plot_loss(loop.history).axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert list(line.get_ydata()) == [*losses, loop.loss.data]
    with pytest.raises(ValueError, match="got none"):
        plot_loss(loop.history[:1])  # a forward pass only: no loss yet
    with pytest.raises(TypeError, match=r"history\[1\] must be a finite number, got PhaseRecord"):
        plot_loss([1.0, loop.history[0]])


def test_plot_loss_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError, match="got none"):
        plot_loss([])
    with pytest.raises(ValueError, match=r"history\[1\] is nan.*learning rate"):
        plot_loss([1.0, float("nan")])
    with pytest.raises(TypeError, match=r"history\[0\]"):
        plot_loss(["1.0"])


def test_decision_boundary_colours_the_plane_by_predicted_class(tmp_path):
    model = seed_network()  # sigmoid output: class 1 where the output is above 0.5
    fig = plot_decision_boundary(model, X, [0, 1, 0, 1], resolution=8)
    ax = fig.axes[0]
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    assert len(ax.collections) >= 3  # the filled regions and one scatter per class
    fig.savefig(tmp_path / "boundary.png")
    assert (tmp_path / "boundary.png").stat().st_size > 1000


def test_decision_boundary_takes_signed_labels_and_several_outputs():
    plot_decision_boundary(MLP(2, [4, 1], seed=0), X, [-1, 1, -1, 1], resolution=5)
    plot_decision_boundary(MLP(2, [4, 3], seed=0), X, [0, 1, 2, 1], resolution=5)


def test_three_classes_shade_only_the_classes_predicted_with_no_band_where_two_meet():
    def model(x: list[float]) -> list[Value]:  # class 0 left of x1 = 0, class 2 right of it, class 1 nowhere
        return [Value(-x[0]), Value(-5.0), Value(x[0])]

    ax = plot_decision_boundary(model, X, [0, 1, 2, 0], resolution=9).axes[0]
    painted = {
        to_hex(colour)
        for shade in ax.collections
        if isinstance(shade, ContourSet) and shade.filled
        for path, colour in zip(shade.get_paths(), shade.get_facecolors())
        if len(path.vertices)
    }
    assert painted == {colors.PAGE_CLASSES[0], colors.PAGE_CLASSES[2]}  # the class numbers shaded 0|2 as 1 between


def test_decision_boundary_checks_its_data():
    model = seed_network()
    with pytest.raises(ValueError, match="2-D points"):
        plot_decision_boundary(model, [[1.0, 2.0, 3.0]], [1])
    with pytest.raises(ValueError, match="one label per point and at least one: got 4 points, 2 labels"):
        plot_decision_boundary(model, X, [0, 1])
    with pytest.raises(ValueError, match="resolution must be a whole number >= 2, got 1"):
        plot_decision_boundary(model, X, [0, 1, 0, 1], resolution=1)


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules makes `import` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'micrograd-lesson\[notebooks\]'"):
        plot_loss([1.0])
    with pytest.raises(ImportError, match="notebooks"):
        plot_decision_boundary(seed_network(), X, [0, 1, 0, 1], resolution=2)


def test_in_ipython_a_returned_figure_displays_as_a_png(monkeypatch):
    """Without %matplotlib inline, IPython showed only '<Figure size ...>' text for a returned figure."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.display_formatter.formatters["image/png"].pop(Figure, None)  # as in a fresh kernel
        figure = plot_loss([1.0, 0.5, 0.25])
        shown, _ = shell.display_formatter.format(figure)
        assert "image/png" in shown
        assert base64.b64decode(shown["image/png"]).startswith(b"\x89PNG")
    finally:
        InteractiveShell.clear_instance()


def test_decision_boundary_draws_as_the_page_does_with_the_held_out_points_marked():
    """The page's colours (class 0 orange, class 1 blue, the plane in their light shades, the boundary dark), training
    points as filled circles and the held-out ones as hollow diamonds, and a legend that says which are which."""
    fig = plot_decision_boundary(
        seed_network(), X, [0, 1, 0, 1], resolution=8, X_test=[[0.5, 0.5], [-0.5, 0.2]], y_test=[1, 0]
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "class 0",
        "class 1",
        "training point (filled circle)",
        "test point (hollow diamond)",
    ]
    hexes = [[to_hex(c) for c in collection.get_facecolors()] for collection in ax.collections]
    plane = [to_hex(c.get_facecolors()[0]) for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert plane == list(colors.PAGE_CLASSES[:2])  # the plane, each class's region in its light shade
    dark = [h for h in hexes if len(h) in (1, 2) and h[0] in colors.PAGE_CLASSES_DARK]  # the filled circles
    assert sorted({h[0] for h in dark}) == sorted(colors.PAGE_CLASSES_DARK[:2])
    diamonds = [c for c in ax.collections if len(c.get_offsets()) == 1 and not len(c.get_facecolors())]
    edges = {to_hex(c.get_edgecolors()[0]) for c in diamonds}
    assert set(colors.PAGE_CLASSES_DARK[:2]) <= edges  # a hollow diamond in each class's colour
    with pytest.raises(ValueError, match=r"\(X_test, y_test\) needs one label per point"):
        plot_decision_boundary(seed_network(), X, [0, 1, 0, 1], X_test=[[0.5, 0.5]], y_test=[1, 0])


def test_train_draws_its_held_out_points_on_the_boundary(tmp_path, monkeypatch):
    from micrograd_lesson import viz
    from micrograd_lesson.app.cli import main

    drawn = {}

    class Unpainted:  # the figure itself is the test above's: here only what train hands the plot counts
        def savefig(self, file, format: str) -> None:
            file.write(b"")

    def boundary(model, X, y, **held_out):
        drawn.update(train=len(X), **{k: len(v) for k, v in held_out.items()})
        return Unpainted()

    monkeypatch.setattr(viz, "plot_decision_boundary", boundary)
    monkeypatch.setattr(viz, "plot_loss", lambda losses: Unpainted())
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "1", "--plot", "p.png"]) == 0
    assert drawn == {"train": 75, "X_test": 25, "y_test": 25}
