"""Backward, stepped: a start, a frame per chain-rule contribution, an end; one layout; a GIF and an offline flipbook.

Measured from the SVG: node positions, which edge is the step's, label sizes, the legend.
"""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from lecture import lecture_example
from pictures import child, find_all, parse_svg, text_of
from PIL import Image

from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.examples import GRAPHS, lecture_neuron
from micrograd_lesson.viz import backward_frames, colors, save_animation
from micrograd_lesson.viz.frames import READABLE, flipbook
from micrograd_lesson.viz.graph import NOTEBOOK_WIDTH, svg_size
from micrograd_lesson.viz.svg import inline_svg


def parsed(frames):
    return [parse_svg(frame.svg()) for frame in frames]


def grads_shown(root) -> dict[str, str]:
    """{label: the grad text} of every labelled Value box in a frame."""
    shown = {}
    for group in find_all(root, "g", "value"):
        label = child(group, "text", "label")
        if label is not None:
            shown[text_of(label)] = text_of(child(group, "text", "grad"))
    return shown


def name_and_text(root) -> tuple[str, str]:
    return text_of(child(root, "text", "frame-name")), " ".join(
        text_of(t) for t in find_all(root, "text", "frame-text")
    )


def with_own_backward() -> Value:
    """y = tanh(x * 3) with tanh made the lecture's way: a node that brings its own _backward."""
    x = Value(0.5, label="x")
    m = x * 3.0
    m.label = "m"
    t = math.tanh(m.data)
    y = Value(t, (m,), "tanh", label="y")

    def _backward():
        m.grad += (1 - t**2) * y.grad

    y._backward = _backward
    return y


def test_a_start_a_frame_per_contribution_and_an_end_and_grads_end_as_backward_leaves_them():
    def graph():
        x = Value(0.5, label="x")
        return (x * x + x).tanh()  # x is used three times: three contributions reach it

    y, twin = graph(), graph()
    frames = backward_frames(y)
    contributions = sum(len(v._prev) for v in topological_order(y))
    assert len(frames) == contributions + 2 == 7
    names = [name_and_text(root)[0] for root in parsed(frames)]
    assert names == ["start", *(f"step {k} of 5" for k in range(1, 6)), "done"]
    twin.backward()
    assert [v.grad for v in topological_order(y)] == [v.grad for v in topological_order(twin)]


def test_the_start_sets_the_roots_grad_to_1_and_the_end_has_every_grad():
    frames = parsed(backward_frames(lecture_example()[0]))
    assert grads_shown(frames[0]) == {k: "grad 1" if k == "L" else "grad 0" for k in "abcdefL"}
    assert name_and_text(frames[0]) == ("start", "backward() starts at L: L.grad = 1, since dL/dL = 1.")
    done = {"a": "6", "b": "-4", "c": "-2", "d": "-2", "e": "-2", "f": "4", "L": "1"}
    assert grads_shown(frames[-1]) == {k: f"grad {v}" for k, v in done.items()}
    assert name_and_text(frames[-1])[1].startswith("Every grad is filled in, as backward() leaves them: a.grad = 6")


def test_each_frame_shows_the_grads_known_at_that_moment():
    frames = parsed(backward_frames(lecture_example()[0]))
    assert len(frames) == 8
    # a and b receive their gradients in steps 5 and 6 (a: 6, b: -4)
    assert grads_shown(frames[4])["a"] == "grad 0" and grads_shown(frames[5])["a"] == "grad 6"
    assert grads_shown(frames[5])["b"] == "grad 0" and grads_shown(frames[6])["b"] == "grad -4"
    assert name_and_text(frames[3]) == ("step 3 of 6", "d sends gradient to e: e.grad = 0 + 1 × -2 = -2")


def test_the_same_node_sits_at_the_same_place_in_every_frame():
    for name, make in GRAPHS.items():
        frames = parsed(backward_frames(make()))
        assert len({(root.get("width"), root.get("height")) for root in frames}) == 1, name
        for kind, tag in (("value", "rect"), ("op", "ellipse")):
            places = [
                {
                    g.get("id"): (
                        child(g, tag).get("x", child(g, tag).get("cx")),
                        child(g, tag).get("y", child(g, tag).get("cy")),
                    )
                    for g in find_all(root, "g", kind)
                }
                for root in frames
            ]
            assert all(p == places[0] for p in places) and places[0], f"{name}: a {kind} moved"
        paths = [[p.get("d") for p in find_all(root, "path")] for root in frames]
        assert all(p == paths[0] for p in paths), f"{name}: an edge moved"


def test_each_step_makes_its_node_and_edge_the_most_visible_thing():
    L = lecture_example()[0]
    steps = list(backward_steps(lecture_example()[0]))
    for root, step in zip(parsed(backward_frames(L))[1:-1], steps, strict=True):
        marked = find_all(root, "g", "step")
        assert len(marked) == 1
        path = child(marked[0], "path")
        assert path.get("stroke") == colors.HIGHLIGHT
        widths = [float(p.get("stroke-width")) for p in find_all(root, "path")]
        assert float(path.get("stroke-width")) == max(widths) > sorted(widths)[-2]
        label = child(marked[0], "text", "edge-label")
        assert label.get("font-weight") == "bold" and label.get("fill") == colors.HIGHLIGHT_TEXT
        assert text_of(label) == f"{step.local:g} × {step.upstream:g} = {step.contribution:g}"
        unmarked = [t for t in find_all(root, "text", "edge-label") if t is not label]
        assert all(t.get("font-weight") is None for t in unmarked)  # the step's label is the one in bold
        boxes = {text_of(child(g, "text", "label")): child(g, "rect") for g in find_all(root, "g", "value")}
        assert boxes[step.node.label].get("stroke") == colors.HIGHLIGHT
        assert float(boxes[step.node.label].get("stroke-width")) == max(
            float(r.get("stroke-width")) for r in boxes.values()
        )
        assert boxes[step.parent.label].get("stroke") == colors.HIGHLIGHT  # the parent receiving it


def test_edges_not_yet_reached_are_grey_and_those_that_ran_carry_the_gradient_colours():
    frames = parsed(backward_frames(lecture_example()[0]))
    start = frames[0]
    assert {child(g, "path").get("stroke") for g in find_all(start, "g", "edge")} == {colors.ZERO}
    done = frames[-1]
    strokes = [child(g, "path").get("stroke") for g in find_all(done, "g", "edge")]
    assert sorted(strokes) == sorted([colors.GRADIENT.positive] * 2 + [colors.GRADIENT.negative] * 4)  # a: +6, f: +4


def test_with_chain_rule_an_edge_shows_its_product_only_once_it_has_run():
    """Step 3 of the lecture's backward: e's edges (steps 5, 6) and c's edge (step 4) show only their local slope."""
    frame = parsed(backward_frames(lecture_example()[0], chain_rule=True))[3]
    shown = sorted(text_of(t) for t in find_all(frame, "text", "edge-label"))
    assert shown == sorted(
        [
            "-2 × 1 = -2",  # step 1: L -> d
            "4 × 1 = 4",  # step 2: L -> f
            "1 × -2 = -2",  # step 3, this frame: d -> e
            "local 1",  # step 4: d -> c, not yet
            "local -3",  # step 5: e -> a, not yet
            "local 2",  # step 6: e -> b, not yet
        ]
    )
    quiet = parsed(backward_frames(lecture_example()[0], chain_rule=False))[3]
    assert [text_of(t) for t in find_all(quiet, "text", "edge-label")] == ["1 × -2 = -2"]  # the step's own edge


def test_a_node_with_its_own_backward_is_one_step_on_dashed_edges():
    frames = parsed(backward_frames(with_own_backward()))
    assert [name_and_text(root)[0] for root in frames] == ["start", *(f"step {k} of 3" for k in (1, 2, 3)), "done"]
    assert name_and_text(frames[1])[1].startswith("y runs its own _backward: m.grad 0 -> ")
    own = [g for g in find_all(frames[1], "g", "edge") if child(g, "path").get("stroke-dasharray")]
    assert len(own) == 1 and text_of(child(own[0], "text", "edge-label")) == "its own _backward"
    assert "Dashed" in " ".join(text_of(t) for t in find_all(child(frames[1], "g", "legend"), "text"))


def test_every_frame_has_a_legend_for_its_colours():
    for root in parsed(backward_frames(lecture_example()[0])):
        legend = child(root, "g", "legend")
        swatches = {line.get("stroke") for line in find_all(legend, "line", "swatch")}
        assert swatches == {colors.HIGHLIGHT, colors.GRADIENT.positive, colors.GRADIENT.negative, colors.ZERO}
        words = " ".join(text_of(t) for t in find_all(legend, "text"))
        assert "this step" in words and "positive gradient" in words and "local derivative × upstream" in words


def shown_at(page: str, window: int = 1024) -> tuple[float, float, float]:
    """How a flipbook page shows its frames in a window this wide: (scale, shown width, room in the window)."""
    room = window - 2 * int(re.search(r"body \{[^}]*margin: (\d+)px", page)[1])
    min_width = float(re.search(r"\.frame svg \{[^}]*min-width: ([\d.]+)px", page)[1])
    assert "max-width: 100%" in re.search(r"\.frame svg \{([^}]*)\}", page)[1]
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', page)[1])
    shown = max(min(width, room), min_width)
    return shown / width, shown, room


@pytest.mark.parametrize("name", GRAPHS)
def test_a_flipbook_at_1024_px_shows_every_edge_label_at_11_px_or_more(name, tmp_path):
    page = save_animation(GRAPHS[name](), tmp_path / "steps.html").read_text()
    scale, shown, room = shown_at(page)
    labels = re.findall(r'<text [^>]*class="edge-label"[^>]*>', page)
    sizes = {float(re.search(r'font-size="([\d.]+)"', tag)[1]) for tag in labels}
    assert sizes and min(sizes) * scale >= READABLE == 11
    if name != "network-loss":  # the lecture's expression and neuron fit the window whole
        assert shown <= room
    else:  # a network's loss is larger: its frame scrolls inside its box instead of shrinking its labels
        assert "overflow-x: auto" in re.search(r"\.frame \{([^}]*)\}", page)[1]


def test_html_flipbook_has_one_inline_svg_per_frame_and_needs_no_network(tmp_path):
    path = save_animation(lecture_example()[0], tmp_path / "backprop.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 8 == len(re.findall(r'class="frame[ "]', page))
    names = re.findall(r'data-name="([^"]+)"', page)
    assert names == ["start", *(f"step {k} of 6" for k in range(1, 7)), "done"]
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert 'id="previous"' in page and 'id="next"' in page and '<span id="counter" aria-live="polite">start<' in page
    assert page.count('class="frame current"') == 1  # the start shows first
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        ET.fromstring(svg.replace("xlink:", ""))  # each is well-formed
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # frames' SVG ids made unique


def test_a_notebook_shows_a_frame_scaled_to_its_column_or_scrolling_with_labels_still_readable():
    for make in GRAPHS.values():
        frame = backward_frames(make())[1]
        html = frame.html("f-")
        width = float(re.search(r'<svg[^>]* width="([\d.]+)px"', html)[1]) if "px" in html else svg_size(frame.svg())[0]
        natural = svg_size(frame.svg())[0]
        assert width * 14 / natural >= READABLE  # the labels (14 px) never shrink below 11 px
        assert width <= NOTEBOOK_WIDTH or "overflow-x: auto" in html


def test_gif_opens_with_pillow_and_has_every_frame(tmp_path):
    path = save_animation(lecture_example()[0], tmp_path / "backprop.gif", seconds_per_frame=0.5)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 8
        assert gif.info["duration"] == 500


def test_inline_svg_drops_the_prolog_and_namespaces_and_renames_ids_and_their_uses():
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- x -->\n<svg xmlns="http://w" xmlns:xlink="http://x">'
    svg += '<g id="a"/><use href="#a"/></svg>'
    assert inline_svg(svg, "p-") == '<svg><g id="p-a"/><use href="#p-a"/></svg>'


def test_flipbook_of_frames_directly():
    frames = backward_frames(lecture_neuron()["o"])
    page = flipbook(frames, seconds_per_frame=2)
    assert "setInterval" in page and ", 2000)" in page and page.count("<svg") == len(frames) == 11


def test_bad_paths_and_leaves_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.gif or \.html"):
        save_animation(lecture_example()[0], tmp_path / "x.mp4")
    leaf = Value(1.0)
    with pytest.raises(ValueError, match="no parents"):
        save_animation(leaf, tmp_path / "x.gif")
    assert leaf.grad == 0.0  # refused before backward touched it
    with pytest.raises(ValueError, match="seconds_per_frame"):
        save_animation(lecture_example()[0], tmp_path / "x.gif", seconds_per_frame=0)


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), True, -1.0, 61, "1", None])
def test_a_bad_frame_time_is_refused_before_backward_touches_a_grad(tmp_path, seconds):
    L, nodes = lecture_example()
    with pytest.raises(ValueError, match=r"seconds_per_frame must be a finite number > 0 and <= 60, got"):
        save_animation(L, tmp_path / "steps.html", seconds_per_frame=seconds)
    assert all(node.grad == 0.0 for node in nodes.values())
    assert list(tmp_path.iterdir()) == []


def test_bad_drawing_options_fail_before_any_gradient_changes():
    L, nodes = lecture_example()
    L.backward()
    before = {label: node.grad for label, node in nodes.items()}
    with pytest.raises(ValueError, match="max_nodes"):
        backward_frames(L, max_nodes=3)
    with pytest.raises(ValueError, match="rankdir"):
        save_animation(L, "never.gif", rankdir="sideways")
    with pytest.raises(TypeError):
        backward_frames(L, group="neuron")
    assert {label: node.grad for label, node in nodes.items()} == before


def test_the_small_networks_loss_is_its_squared_error_on_one_example():
    from micrograd_lesson.examples import small_network_loss

    loss = small_network_loss()
    h1, h2 = math.tanh(0.5 * 1 - 1.0 * -0.5 + 0.1), math.tanh(-0.3 * 1 + 0.8 * -0.5 + 0.0)
    out = math.tanh(1.0 * h1 - 0.7 * h2 + 0.2)
    assert loss.data == pytest.approx((out - 1.0) ** 2, rel=1e-12) and loss.label == "loss"
    labels = {v.label for v in topological_order(loss)}
    assert {"x1", "x2", "h1.w1", "h2.b", "out.w2", "out.b", "h1", "h2", "out", "target", "error"} <= labels
