"""draw_network: the lesson's playground picture, laid out by us and measured from its SVG.

0.50, 0.50 -> 0.25, 0.40, 0.00 -> 0.51: each number in its circle, each weight on its own line, each bias shown.
"""

import itertools
import re

import pytest
from pictures import (
    box_centre,
    box_meets_circle,
    boxes_overlap,
    child,
    circle_of,
    distance_to_segment,
    find_all,
    line_segment,
    parse_svg,
    rect_box,
    text_of,
)
from PIL import Image

import micrograd_lesson
from micrograd_lesson.engine import Value
from micrograd_lesson.examples import forward_pass_network, seed_network, xor_network
from micrograd_lesson.nn import MLP, Layer, Neuron
from micrograd_lesson.viz import colors, draw_network
from micrograd_lesson.viz.dot import NO_GRADS_NOTE
from micrograd_lesson.viz.graph import NOTEBOOK_WIDTH, svg_size
from micrograd_lesson.viz.network import LABELLED_LAYERS, LABELLED_NEURONS
from micrograd_lesson.viz.svg import text_width

LESSON_WEIGHTS = {  # the lesson's nine weights, on the connections examples.py documents
    ("x1", "h1"): "+0.5", ("x1", "h2"): "-0.3", ("x1", "h3"): "+0.8",
    ("x2", "h1"): "+0.2", ("x2", "h2"): "+0.7", ("x2", "h3"): "-0.4",
    ("h1", "out"): "+0.6", ("h2", "out"): "-0.5", ("h3", "out"): "+0.9",
}  # fmt: skip


def picture(*args, **kwargs):
    """draw_network's SVG, parsed: the root, {name: neuron group}, {(from, to): edge group}."""
    root = parse_svg(draw_network(*args, **kwargs).svg())
    neurons = {name_of(g.get("id").removeprefix("neuron-")): g for g in find_all(root, "g", "neuron")}
    edges = {}
    for g in find_all(root, "g", "edge"):
        a, b = g.get("id").removeprefix("edge-").split("-")
        edges[(name_of(a), name_of(b))] = g
    return root, neurons, edges


def name_of(id_part: str) -> str:
    return id_part.replace("_", ".")  # ids write h1.2 as h1_2


def texts(group, cls):
    return [text_of(t) for t in find_all(group, "text", cls)]


def columns_top_to_bottom(neurons) -> list[list[str]]:
    """The neurons' names column by column (left to right), each column from top to bottom."""
    by_x: dict[float, list[tuple[float, str]]] = {}
    for name, group in neurons.items():
        x, y, _ = circle_of(group)
        by_x.setdefault(x, []).append((y, name))
    return [[name for _, name in sorted(column)] for _, column in sorted(by_x.items())]


def weight_labels(edges):
    """{edge: (label box, label text)} for the edges whose weight is written on them."""
    found = {}
    for edge, group in edges.items():
        label = child(group, "g", "weight-label")
        if label is not None:
            found[edge] = (rect_box(child(label, "rect")), text_of(child(label, "text")))
    return found


NETWORKS = {
    "lesson 2-3-1": lambda: (seed_network(), [0.5, 0.5]),
    "forward pass 2-3-1": lambda: (forward_pass_network(), [0.8, 0.3]),
    "xor 2-4-1": lambda: (xor_network(), [1.0, 0.0]),
    "3-5-4-2": lambda: (MLP(3, [5, 4, 2], seed=3), [0.5, 0.5, 0.1]),
    "8-8-8-8-1, every label": lambda: (MLP(8, [8, 8, 8, 1], seed=1), None),
    "a layer": lambda: (Layer(2, 3, seed=0), None),
    "a neuron": lambda: (Neuron(3, activation="tanh", seed=0), [Value(1.0), 0.0, -1.0]),
}


def test_the_lesson_picture():
    _, neurons, edges = picture(seed_network(), [0.5, 0.5])
    assert columns_top_to_bottom(neurons) == [["x1", "x2"], ["h1", "h2", "h3"], ["out"]]
    values = {name: texts(g, "value") for name, g in neurons.items()}
    assert values == {"x1": ["0.50"], "x2": ["0.50"], "h1": ["0.25"], "h2": ["0.40"], "h3": ["0.00"], "out": ["0.51"]}
    # the biases nobody saw: h1 gets +0.5 * 0.50 + 0.2 * 0.50 = 0.35 and shows 0.25
    biases = {name: texts(g, "bias") for name, g in neurons.items() if name[0] != "x"}
    assert biases == {"h1": ["b -0.10"], "h2": ["b +0.20"], "h3": ["b -0.30"], "out": ["b +0.10"]}
    assert {edge: text for edge, (_, text) in weight_labels(edges).items()} == LESSON_WEIGHTS
    for edge, group in edges.items():
        line = child(group, "line")
        positive = LESSON_WEIGHTS[edge].startswith("+")
        assert line.get("stroke") == (colors.WEIGHT.positive if positive else colors.WEIGHT.negative)
        assert child(child(group, "g", "weight-label"), "text").get("fill") == line.get("stroke")
    widths = sorted(
        (abs(float(LESSON_WEIGHTS[e])), float(g.find("{*}line").get("stroke-width"))) for e, g in edges.items()
    )
    assert [w for _, w in widths] == sorted(w for _, w in widths) and widths[0][1] < widths[-1][1]  # thicker = larger


def test_the_picture_says_the_output_and_its_colours():
    root, _, _ = picture(seed_network(), [0.5, 0.5])
    legend = child(root, "g", "legend")
    words = " ".join(text_of(t) for t in find_all(legend, "text"))
    assert "output 0.5125" in words and "positive weight" in words and "negative weight" in words
    assert "thicker = larger |weight|" in words and "b, its bias" in words
    assert "The number on each connection is its weight." in words
    swatches = {line.get("stroke") for line in find_all(legend, "line", "swatch")}
    assert swatches == {colors.WEIGHT.positive, colors.WEIGHT.negative}
    assert colors.WEIGHT.positive == "#1f77b4" and colors.WEIGHT.negative == "#d62728"  # blue and red


def test_column_titles_share_one_baseline():
    for make in NETWORKS.values():
        model, x = make()
        root, neurons, _ = picture(model, x)
        titles = find_all(root, "text", "column-title")
        assert len(titles) == len(columns_top_to_bottom(neurons))
        assert len({t.get("y") for t in titles}) == 1
    root, _, _ = picture(seed_network())
    assert [text_of(t) for t in find_all(root, "text", "column-title")] == [
        "Input",
        "Hidden (ReLU)",
        "Output (Sigmoid)",
    ]
    deep = picture(MLP(2, [3, 3, 1], activation="tanh", seed=0))[0]
    assert [text_of(t) for t in find_all(deep, "text", "column-title")][1:3] == ["Hidden 1 (Tanh)", "Hidden 2 (Tanh)"]


def test_columns_are_evenly_spaced_and_each_centred_on_one_line():
    _, neurons, _ = picture(MLP(3, [5, 4, 2], seed=3))
    columns = columns_top_to_bottom(neurons)
    xs = [circle_of(neurons[c[0]])[0] for c in columns]
    assert len({round(b - a, 6) for a, b in itertools.pairwise(xs)}) == 1
    middles = {round(sum(circle_of(neurons[n])[1] for n in c) / len(c), 6) for c in columns}
    assert len(middles) == 1


@pytest.mark.parametrize("name", NETWORKS)
def test_every_weight_label_sits_on_its_own_line_and_overlaps_nothing(name):
    model, x = NETWORKS[name]()
    _, neurons, edges = picture(model, x)
    found = weight_labels(edges)
    assert set(found) == set(edges)  # up to 3 hidden layers of 8, every weight is written
    segments = {edge: line_segment(child(group, "line")) for edge, group in edges.items()}
    circles = [circle_of(g) for g in neurons.values()]
    for edge, (box, _) in found.items():
        cx, cy = box_centre(box)
        own = distance_to_segment(cx, cy, segments[edge])
        nearest_other = min(distance_to_segment(cx, cy, s) for e, s in segments.items() if e != edge)
        assert own < 0.5 < nearest_other, f"{name}: {edge}'s label is nearer another line"
        assert not any(box_meets_circle(box, c) for c in circles), f"{name}: {edge}'s label covers a neuron"
    for (e1, (b1, _)), (e2, (b2, _)) in itertools.combinations(found.items(), 2):
        assert not boxes_overlap(b1, b2), f"{name}: the labels of {e1} and {e2} overlap"


@pytest.mark.parametrize("name", NETWORKS)
def test_names_values_and_biases_are_inside_their_circles_clear_of_every_line(name):
    model, x = NETWORKS[name]()
    _, neurons, _ = picture(model, x)
    for group in neurons.values():
        _, cy, r = circle_of(group)
        for text in find_all(group, "text"):
            size = float(text.get("font-size"))
            half = text_width(text_of(text), size, bold=text.get("font-weight") == "bold") / 2
            top, bottom = float(text.get("y")) - 0.75 * size, float(text.get("y")) + 0.2 * size
            for dy in (top - cy, bottom - cy):
                assert half**2 + dy**2 <= r**2, f"{name}: {text_of(text)!r} sticks out of its circle"


@pytest.mark.parametrize("name", NETWORKS)
def test_every_bias_appears(name):
    model, x = NETWORKS[name]()
    _, neurons, _ = picture(model, x)
    from micrograd_lesson.nn import layers_of
    from micrograd_lesson.viz.network import node_names

    layers = layers_of(model)
    names = node_names(model.nin, [len(layer) for layer in layers])
    for k, layer in enumerate(layers):
        for name, neuron in zip(names[k + 1], layer, strict=True):
            assert texts(neurons[name], "bias") == [f"b {neuron.b.data:+.2f}"]
            assert f"bias {neuron.b.data:+.4g}" in text_of(child(neurons[name], "title"))
    assert all(not texts(neurons[name], "bias") for name in names[0])  # inputs have none


def test_every_neuron_and_every_edge_is_one_group_with_a_stable_id_and_a_tooltip():
    root, neurons, edges = picture(MLP(3, [4, 2], seed=2), [0.1, 0.2, 0.3])
    assert len(neurons) == 3 + 4 + 2 and len(edges) == 3 * 4 + 4 * 2
    assert ("h3", "out2") in edges and ("x1", "h1") in edges
    for (a, b), group in edges.items():
        assert group.get("class") == "edge" and group.get("id") == f"edge-{a}-{b}".replace(".", "_")
        assert len(find_all(group, "line")) == 1 and text_of(child(group, "title")).startswith(f"w {a}→{b}: weight")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    uses = [u.get("href") for u in find_all(root, "use")]  # each label drawn once more above all the lines
    assert sorted(uses) == sorted(f"#{child(g, 'g', 'weight-label').get('id')}" for g in edges.values())
    again = picture(MLP(3, [4, 2], seed=2), [0.1, 0.2, 0.3])[0]
    assert [e.get("id") for e in again.iter() if e.get("id")] == ids  # the same picture, the same ids


def test_beyond_three_hidden_layers_of_eight_the_weights_move_into_the_tooltips():
    assert (LABELLED_LAYERS, LABELLED_NEURONS) == (3, 8)
    for sizes in ([8, 8, 8, 8, 1], [9, 1], [8] * 6 + [1]):
        model = MLP(8, sizes, seed=0)
        root, neurons, edges = picture(model)
        assert not weight_labels(edges)
        assert all(re.search(r"weight [+-][\d.e-]+, gradient", text_of(child(g, "title"))) for g in edges.values())
        legend = " ".join(text_of(t) for t in find_all(child(root, "g", "legend"), "text"))
        assert "tooltip" in legend
        # still clean: names inside circles, titles on one line, columns apart
        assert len({t.get("y") for t in find_all(root, "text", "column-title")}) == 1
        circles = [circle_of(g) for g in neurons.values()]
        for c1, c2 in itertools.combinations(circles, 2):
            assert (c1[0] - c2[0]) ** 2 + (c1[1] - c2[1]) ** 2 > (c1[2] + c2[2]) ** 2


def test_shown_no_taller_than_its_labels_can_be_read_the_weights_move_into_the_tooltips():
    # section 6 shows its picture at most 430 px tall: for 8-8 its labels would be 6 px, and the page hides them
    tall, short = MLP(2, [8, 8, 1], seed=0), MLP(2, [3, 1], seed=0)
    for model, shown_height, labelled in ((tall, 430, False), (tall, None, True), (short, 430, True)):
        root, _, edges = picture(model, [0.5, -0.5], shown_height=shown_height)
        assert bool(weight_labels(edges)) == labelled
        legend = " ".join(text_of(t) for t in find_all(child(root, "g", "legend"), "text"))
        assert ("Too small here to label the connections" in legend) != labelled and ("tooltip" in legend) != labelled
        assert all(re.search(r"weight [+-][\d.e-]+, gradient", text_of(child(g, "title"))) for g in edges.values())


def test_the_gradients_view_has_its_own_colours_and_legend():
    model = seed_network()
    root, _, _ = picture(model, show_grads=True)
    legend = " ".join(text_of(t) for t in find_all(child(root, "g", "legend"), "text"))
    assert NO_GRADS_NOTE in legend
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    loss.backward()
    root, neurons, edges = picture(model, [0.5, 0.5], show_grads=True, caption="one example: no sum")
    legend = " ".join(text_of(t) for t in find_all(child(root, "g", "legend"), "text"))
    assert NO_GRADS_NOTE not in legend and "positive gradient" in legend and "one example: no sum" in legend
    assert "b, its bias's gradient" in legend
    out = model.layers[1].neurons[0]
    h1_out = edges[("h1", "out")]
    assert out.w[0].grad < 0 and child(h1_out, "line").get("stroke") == colors.GRADIENT.negative
    assert weight_labels(edges)[("h1", "out")][1] == "-0.061"
    assert weight_labels(edges)[("h3", "out")][1] == "0"  # h3 is 0.00: its outgoing weight gets no gradient
    assert child(edges[("h3", "out")], "line").get("stroke") == colors.ZERO
    widths = {e: float(child(g, "line").get("stroke-width")) for e, g in edges.items()}
    assert max(widths, key=widths.get) == ("h2", "out")  # the largest |gradient|, not the largest weight
    assert texts(neurons["out"], "bias") == [f"b {out.b.grad:+.2g}"]
    strokes = {child(g, "line").get("stroke") for g in edges.values()}
    assert not strokes & {colors.WEIGHT.positive, colors.WEIGHT.negative}  # one meaning, one scheme


def test_without_x_the_circles_show_names():
    _, neurons, _ = picture(seed_network())
    assert {name: texts(g, "name") for name, g in neurons.items()} == {n: [n] for n in neurons}
    assert not any(texts(g, "value") for g in neurons.values())


def test_png_needs_no_graphviz(monkeypatch, tmp_path):
    monkeypatch.setenv("MICROGRAD_LESSON_DOT", str(tmp_path / "no-such-dot"))
    drawing = draw_network(seed_network(), [0.5, 0.5])
    path = drawing.save(tmp_path / "net.png")
    width, height = svg_size(drawing.svg())
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (round(width), round(height))
        assert len(image.convert("RGB").getcolors(maxcolors=100_000)) > 10  # something is drawn
    assert draw_network(seed_network(), format="png")._repr_mimebundle_()["image/png"].startswith(b"\x89PNG")


def test_two_pictures_in_one_notebook_page_share_no_id_and_each_shows_its_own_labels():
    model = seed_network()
    weights = draw_network(model, [0.5, 0.5])
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    loss.backward()
    gradients = draw_network(model, [0.5, 0.5], show_grads=True)
    page = [weights._repr_mimebundle_()["image/svg+xml"], gradients.html(), gradients._repr_svg_()]
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in page]
    assert all(ids) and not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    for svg, own in zip(page, ids, strict=True):
        assert {href[1:] for href in re.findall(r'href="([^"]+)"', svg)} <= own  # every <use> shows its own label


def test_png_text_falls_back_to_pillows_own_font_when_no_system_font_is_installed(monkeypatch):
    from micrograd_lesson.viz import svg

    monkeypatch.setattr(svg, "FONT_FILES", {False: ("no-such-font.ttf",), True: ("no-such-font.ttf",)})
    svg._font.cache_clear()
    try:
        png = draw_network(seed_network(), [0.5, 0.5]).png()
    finally:
        svg._font.cache_clear()
    assert png.startswith(b"\x89PNG")


def test_a_notebook_shows_it_no_wider_than_its_column():
    wide = draw_network(MLP(8, [8, 8, 8, 1], seed=1))
    assert svg_size(wide.svg())[0] > NOTEBOOK_WIDTH
    shown = wide._repr_mimebundle_()["image/svg+xml"]
    width, height = svg_size(shown)
    assert width == NOTEBOOK_WIDTH and height == pytest.approx(
        svg_size(wide.svg())[1] * width / svg_size(wide.svg())[0], abs=0.01
    )
    assert 'viewBox="0 0 ' in shown  # scaled, not cropped


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"expected 2 input\(s\), got 1: \[0\.5\]"):
        draw_network(seed_network(), [0.5])
    with pytest.raises(ValueError, match=r"expected a list of 2 input\(s\), got a single number 0\.5"):
        draw_network(seed_network(), 0.5)
    with pytest.raises(TypeError, match=r"expected a list of 2 input number\(s\), got str"):
        draw_network(seed_network(), "ab")
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        draw_network("model")


def test_it_is_exported_and_saves_as_its_extension_says(tmp_path):
    assert micrograd_lesson.draw_network is draw_network
    drawing = draw_network(seed_network(), [0.5, 0.5])
    assert drawing.save(tmp_path / "n.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        drawing.save(tmp_path / "n.dot")
    assert drawing.pipe(encoding="utf-8") == drawing.svg()


def test_an_off_relu_is_drawn_dashed_and_grey_and_the_legend_says_what_that_means():
    from micrograd_lesson.examples import relu_xor_network

    root, neurons, _ = picture(relu_xor_network(), [0.0, 1.0])  # h3's ReLU gives 0 for every XOR input
    off = {name for name, g in neurons.items() if "off" in g.get("class").split()}
    assert off == {"h2", "h3"}  # the five-step loop's record says the same for this input
    for name, group in neurons.items():
        (circle,) = find_all(group, "circle")
        assert (circle.get("stroke-dasharray") is not None) == (name in off), name  # a pattern, not colour alone
    legend = " ".join(text_of(t) for t in find_all(root, "text") if "dashed grey neuron is off" in text_of(t))
    assert legend
    _, no_input, _ = picture(relu_xor_network())  # without an input no neuron has a value, so none is off
    assert not any("off" in g.get("class").split() for g in no_input.values())
