"""draw_network: the lesson's playground picture, 0.50, 0.50 -> 0.25, 0.40, 0.00 -> 0.51."""

import pytest
from test_viz_dot import lesson_network, parse

import micrograd_lesson
from micrograd_lesson.engine import Value
from micrograd_lesson.nn import MLP, Layer, Neuron
from micrograd_lesson.viz import colors, draw_network
from micrograd_lesson.viz.dot import NO_GRADS_NOTE


def picture(*args, **kwargs):
    """draw_network's circles {id: label} and connections {(tail, head): attributes}."""
    nodes, edge_list = parse(draw_network(*args, **kwargs).source)
    return {k: a["label"] for k, a in nodes.items()}, {(t, h): a for t, h, a in edge_list}


def test_the_lesson_picture():
    shown, e = picture(lesson_network(), [0.5, 0.5])
    assert [shown[n] for n in ["x1", "x2", "h1", "h2", "h3", "out"]] == ["0.50", "0.50", "0.25", "0.40", "0.00", "0.51"]
    assert len(e) == 2 * 3 + 3 * 1
    assert [e[("x1", h)]["label"] for h in ("h1", "h2", "h3")] == ["+0.5", "-0.3", "+0.8"]
    assert [e[("x2", h)]["label"] for h in ("h1", "h2", "h3")] == ["+0.2", "+0.7", "-0.4"]
    assert [e[(h, "out")]["label"] for h in ("h1", "h2", "h3")] == ["+0.6", "-0.5", "+0.9"]
    source = draw_network(lesson_network(), [0.5, 0.5]).source
    assert "output 0.5125" in source and "rankdir=LR" in source
    for title in ("label=Input", 'label="Hidden (ReLU)"', 'label="Output (Sigmoid)"'):
        assert title in source


def test_blue_for_positive_red_for_negative_and_thickness_follows_the_weight():
    _, e = picture(lesson_network())
    assert e[("x1", "h1")]["color"] == colors.POSITIVE == "#1f77b4"
    assert e[("x1", "h2")]["color"] == colors.NEGATIVE
    by_weight = sorted((abs(float(a["label"])), float(a["penwidth"])) for a in e.values())
    widths = [w for _, w in by_weight]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert float(e[("h3", "out")]["penwidth"]) == colors.MAX_WIDTH  # 0.9, the largest weight
    assert float(e[("x1", "h1")]["penwidth"]) / float(e[("h1", "out")]["penwidth"]) == pytest.approx(0.5 / 0.6, 0.01)


def test_without_x_the_circles_show_names():
    shown, _ = picture(lesson_network())
    assert shown == {n: n for n in ["x1", "x2", "h1", "h2", "h3", "out"]}


def test_show_grads_after_backward_draws_the_gradients():
    model = lesson_network()
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
    with pytest.raises(ValueError, match="takes 2 input"):
        draw_network(lesson_network(), [0.5])
    with pytest.raises(TypeError, match="list of 2"):
        draw_network(lesson_network(), 0.5)
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        draw_network("model")


def test_it_renders_and_is_exported():
    assert micrograd_lesson.draw_network is draw_network
    svg = draw_network(lesson_network(), [0.5, 0.5]).svg()
    assert svg.count('class="node"') == 6 and svg.count('class="edge"') == 9
