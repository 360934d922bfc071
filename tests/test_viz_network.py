"""draw_network: the lesson's playground picture, 0.50, 0.50 -> 0.25, 0.40, 0.00 -> 0.51."""

import re

import pytest
from test_viz_dot import parse

import micrograd_lesson
from micrograd_lesson.engine import Value
from micrograd_lesson.examples import seed_network
from micrograd_lesson.nn import MLP, Layer, Neuron
from micrograd_lesson.viz import colors, draw_network
from micrograd_lesson.viz.dot import NO_GRADS_NOTE


def picture(*args, **kwargs):
    """draw_network's circles {id: label} and connections {(tail, head): attributes}, without the column titles
    and the invisible edges that keep each column in order."""
    nodes, edge_list = parse(draw_network(*args, **kwargs).source)
    circles = {k: a["label"] for k, a in nodes.items() if a.get("shape") != "plaintext"}
    return circles, {(t, h): a for t, h, a in edge_list if a.get("style") != "invis"}


def columns_top_to_bottom(svg: str) -> list[list[str]]:
    """The circles' names column by column (left to right), each column from top to bottom, as rendered."""
    found = re.findall(
        r'<title>(\w+)</title>\s*(?:<g[^>]*><a[^>]*>\s*)?<ellipse[^>]*cx="([-\d.]+)" cy="([-\d.]+)"', svg
    )
    columns: dict[float, list[tuple[float, str]]] = {}
    for name, x, y in found:
        columns.setdefault(round(float(x)), []).append((float(y), name))
    return [[name for _, name in sorted(column)] for _, column in sorted(columns.items())]


def test_every_column_keeps_its_neurons_in_order():
    """Graphviz may reorder a rank to save crossings; the picture must read h1, h2, ... from the top."""
    xor = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)  # was drawn h2, h1, h4, h3
    assert columns_top_to_bottom(draw_network(xor, [1.0, 0.0]).svg()) == [
        ["x1", "x2"],
        ["h1", "h2", "h3", "h4"],
        ["out"],
    ]
    deep = draw_network(MLP(3, [5, 4, 2], seed=3), [0.5, 0.5, 0.1]).svg()
    assert columns_top_to_bottom(deep) == [
        ["x1", "x2", "x3"],
        ["h1_1", "h1_2", "h1_3", "h1_4", "h1_5"],
        ["h2_1", "h2_2", "h2_3", "h2_4"],
        ["out1", "out2"],
    ]


def test_the_lesson_picture():
    """draw_network(seed_network(), [0.5, 0.5]): 0.50, 0.50 -> 0.25, 0.40, 0.00 -> 0.51, output 0.5125."""
    graph = draw_network(seed_network(), [0.5, 0.5])
    shown, e = picture(seed_network(), [0.5, 0.5])
    assert [shown[n] for n in ["x1", "x2", "h1", "h2", "h3", "out"]] == ["0.50", "0.50", "0.25", "0.40", "0.00", "0.51"]
    assert "output 0.5125" in graph.source and "rankdir=LR" in graph.source
    for title in ("label=Input", 'label="Hidden (ReLU)"', 'label="Output (Sigmoid)"'):
        assert title in graph.source
    assert columns_top_to_bottom(graph.svg()) == [["x1", "x2"], ["h1", "h2", "h3"], ["out"]]
    weights = {  # the lesson's nine weights, on the connections the playground module documents
        ("x1", "h1"): 0.5, ("x1", "h2"): -0.3, ("x1", "h3"): 0.8,
        ("x2", "h1"): 0.2, ("x2", "h2"): 0.7, ("x2", "h3"): -0.4,
        ("h1", "out"): 0.6, ("h2", "out"): -0.5, ("h3", "out"): 0.9,
    }  # fmt: skip
    assert set(e) == set(weights)
    for edge, w in weights.items():
        assert e[edge]["label"] == f"{w:+.1f}"
        assert e[edge]["decorate"] == "true"  # each label is tied to its connection by a line: edges cross
        assert e[edge]["color"] == e[edge]["fontcolor"] == (colors.POSITIVE if w > 0 else colors.NEGATIVE)
        # thickness proportional to |weight|: the largest, 0.9, is drawn MAX_WIDTH wide (widths have 2 decimals)
        assert float(e[edge]["penwidth"]) == pytest.approx(colors.MAX_WIDTH * abs(w) / 0.9, abs=0.005)
    assert colors.POSITIVE == "#1f77b4" and colors.NEGATIVE == "#d62728"  # blue and red


def test_thickness_follows_the_weight_of_any_network():
    _, e = picture(MLP(3, [4, 2], seed=2))
    by_weight = sorted((abs(float(a["label"])), float(a["penwidth"])) for a in e.values())
    widths = [w for _, w in by_weight]
    assert widths == sorted(widths) and widths[0] < widths[-1] == colors.MAX_WIDTH


def test_without_x_the_circles_show_names():
    shown, _ = picture(seed_network())
    assert shown == {n: n for n in ["x1", "x2", "h1", "h2", "h3", "out"]}


def test_show_grads_after_backward_draws_the_gradients():
    model = seed_network()
    assert NO_GRADS_NOTE in draw_network(model, show_grads=True).source
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    loss.backward()
    assert NO_GRADS_NOTE not in draw_network(model, show_grads=True).source
    _, e = picture(model, [0.5, 0.5], show_grads=True)
    out = model.layers[1].neurons[0]
    assert out.w[0].grad < 0 and e[("h1", "out")]["color"] == colors.NEGATIVE
    assert e[("h1", "out")]["label"] == f"grad {out.w[0].grad:+.2g}" == "grad -0.061"
    assert e[("h3", "out")]["label"] == "grad 0"  # h3 is 0.00: its outgoing weight gets no gradient
    widths = {k: float(a["penwidth"]) for k, a in e.items()}
    assert max(widths, key=widths.get) == ("h2", "out")  # the largest |gradient|, not the largest weight


def test_deeper_networks_layers_and_single_neurons():
    shown, e = picture(MLP(3, [4, 4, 2], seed=1), [1.0, 2.0, 3.0])
    assert len(e) == 3 * 4 + 4 * 4 + 4 * 2
    assert "h2_4" in shown and "out2" in shown
    assert len(picture(Layer(2, 3, seed=0))[1]) == 6
    assert len(picture(Neuron(3, activation="tanh", seed=0), [Value(1.0), 0.0, -1.0])[1]) == 3


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"expected 2 input\(s\), got 1: \[0\.5\]"):
        draw_network(seed_network(), [0.5])
    with pytest.raises(ValueError, match=r"expected a list of 2 input\(s\), got a single number 0\.5"):
        draw_network(seed_network(), 0.5)
    with pytest.raises(TypeError, match=r"expected a list of 2 input number\(s\), got str"):
        draw_network(seed_network(), "ab")
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        draw_network("model")


def test_it_renders_and_is_exported():
    assert micrograd_lesson.draw_network is draw_network
    svg = draw_network(seed_network(), [0.5, 0.5]).svg()
    assert svg.count("<ellipse") == 6 and svg.count("<path") == 9  # six circles, nine drawn connections
