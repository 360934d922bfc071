"""Gradients flowing back: a frame per chain-rule contribution, a GIF, and an offline HTML flipbook."""

import re
import xml.etree.ElementTree as ET

import pytest
from lecture import lecture_example
from PIL import Image

from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.viz import backward_frames, colors, save_animation
from micrograd_lesson.viz.frames import inline_svg


def test_one_frame_per_contribution_and_grads_end_as_backward_leaves_them():
    def graph():
        x = Value(0.5, label="x")
        return (x * x + x).tanh()  # x is used three times: three contributions reach it

    y, twin = graph(), graph()
    frames = backward_frames(y)
    contributions = sum(len(v._prev) for v in topological_order(y))
    assert len(frames) == contributions == 5
    twin.backward()
    assert [v.grad for v in topological_order(y)] == [v.grad for v in topological_order(twin)]


def test_each_frame_shows_the_grads_known_at_that_moment():
    frames = backward_frames(lecture_example()[0])
    assert len(frames) == 6
    # a and b receive their gradients in the last two steps (a: 6, b: -4)
    assert r"{ a | data\ 2.0000 | grad\ 0.0000 }" in frames[3].source
    assert r"{ a | data\ 2.0000 | grad\ 6.0000 }" in frames[4].source
    assert r"{ b | data\ -3.0000 | grad\ 0.0000 }" in frames[4].source
    assert r"{ b | data\ -3.0000 | grad\ -4.0000 }" in frames[5].source


def test_each_frame_names_its_step_and_highlights_one_edge():
    L = lecture_example()[0]
    steps = list(backward_steps(L))
    frames = backward_frames(L)
    for k, (frame, step) in enumerate(zip(frames, steps)):
        assert f"step {k + 1} of 6" in frame.source
        marked = re.findall(r"-> \w+ \[([^\]]*color=\"#ff7f0e\"[^\]]*)\]", frame.source)
        assert len(marked) == 1
        assert f"{step.local:.4f} × {step.upstream:.4f} = {step.contribution:.4f}" in marked[0]
    assert "e.grad = 0.0000 + 1.0000 × -2.0000 = -2.0000" in frames[2].source


def test_edges_not_yet_reached_carry_no_colour():
    first = backward_frames(lecture_example()[0])[0].source
    edge_lines = [line for line in first.splitlines() if "->" in line and "op " in line.split("->")[1]]
    coloured = [line for line in edge_lines if colors.GRADIENT.positive in line or colors.GRADIENT.negative in line]
    assert coloured == []  # only the highlighted edge into L's op has been used so far


def test_with_chain_rule_an_edge_shows_its_product_only_once_it_has_run():
    """Step 3 of the lecture's backward: e's edges (step 5, 6) and c's edge (step 4) show only their local slope."""
    frame = backward_frames(lecture_example()[0], chain_rule=True)[2].source
    edge_labels = re.findall(r"(\w+) -> (\w+op) \[[^\]]*label=\"([^\"]*)\"", frame)
    shown = sorted(label for _, _, label in edge_labels)
    assert shown == sorted(
        [
            "-2.0000 × 1.0000 = -2.0000",  # step 1: L -> d
            "4.0000 × 1.0000 = 4.0000",  # step 2: L -> f
            "1.0000 × -2.0000 = -2.0000",  # step 3, this frame: d -> e
            "local 1.0000",  # step 4: d -> c, not yet
            "local -3.0000",  # step 5: e -> a, not yet
            "local 2.0000",  # step 6: e -> b, not yet
        ]
    )


def test_gif_opens_with_pillow_and_has_every_frame(tmp_path):
    path = save_animation(lecture_example()[0], tmp_path / "backprop.gif", seconds_per_frame=0.5)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 6
        assert gif.info["duration"] == 500


def test_html_flipbook_has_one_inline_svg_per_frame_and_needs_no_network(tmp_path):
    path = save_animation(lecture_example()[0], tmp_path / "backprop.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 6 == len(re.findall(r'class="frame[ "]', page))
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert 'id="previous"' in page and 'id="next"' in page and "step 1 of 6" in page
    assert page.count('class="frame current"') == 1  # the first frame shows first
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        ET.fromstring(svg.replace("xlink:", ""))  # each is well-formed
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # frames' SVG ids made unique


def test_inline_svg_drops_the_prolog_and_namespaces():
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- x -->\n<svg xmlns="http://w" xmlns:xlink="http://x">'
    svg += '<g id="a"/></svg>'
    assert inline_svg(svg, "p-") == '<svg><g id="p-a"/></svg>'


def test_bad_paths_and_leaves_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.gif or \.html"):
        save_animation(lecture_example()[0], tmp_path / "x.mp4")
    leaf = Value(1.0)
    with pytest.raises(ValueError, match="no steps"):
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
    assert {label: node.grad for label, node in nodes.items()} == before
