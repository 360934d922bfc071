"""draw_dot: the lecture's computation graph, the chain rule written on its edges, and any label text."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lecture import lecture_example
from PIL import Image

import micrograd_lesson
from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.engine import Value
from micrograd_lesson.examples import seed_network
from micrograd_lesson.nn import MLP, Neuron
from micrograd_lesson.viz import colors, draw_dot
from micrograd_lesson.viz.dot import CHAIN_RULE_NOTE, LOCAL_NOTE, NO_GRADS_NOTE

ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def attrs(text: str | None) -> dict[str, str]:
    """DOT attributes 'a=1 b="x y"' as a dict, quotes removed."""
    return {k: v[1:-1] if v.startswith('"') else v for k, v in ATTR.findall(text or "")}


def parse(source: str):
    """The nodes {id: attrs} and edges [(tail, head, attrs)] of DOT written by the graphviz package."""
    nodes, edges = {}, []
    for line in source.splitlines():
        edge = re.fullmatch(r"\t+(\w+) -> (\w+)(?: \[(.*)\])?", line)
        node = re.fullmatch(r"\t+(\w+) \[(.*)\]", line)
        if edge:
            edges.append((edge[1], edge[2], attrs(edge[3])))
        elif node and node[1] not in ("graph", "node", "edge"):
            nodes[node[1]] = attrs(node[2])
    return nodes, edges


def record_of(nodes, v_label):
    return next(a for a in nodes.values() if a.get("shape") == "record" and a["label"].startswith("{ " + v_label))


def test_draw_dot_is_importable_from_the_package():
    assert micrograd_lesson.draw_dot is draw_dot
    assert "draw_dot" in micrograd_lesson.__all__


def test_a_record_per_value_and_a_node_per_op():
    L, _ = lecture_example()
    L.backward()
    nodes, edges = parse(draw_dot(L).source)
    records = [a for a in nodes.values() if a["shape"] == "record"]
    ops = [a["label"] for a in nodes.values() if a["shape"] == "ellipse"]
    assert len(records) == 7 and sorted(ops) == ["*", "*", "+"]
    assert len(edges) == 3 * 3  # two operands in and one result out, per op
    assert record_of(nodes, "a")["label"] == r"{ a | data\ 2.0000 | grad\ 6.0000 }"
    assert record_of(nodes, "L")["label"] == r"{ L | data\ -8.0000 | grad\ 1.0000 }"
    no_grad = parse(draw_dot(L, show_grad=False).source)[0]
    assert record_of(no_grad, "a")["label"] == r"{ a | data\ 2.0000 }"


def test_operands_enter_in_order_and_the_drawing_is_stable():
    L, _ = lecture_example()
    first = draw_dot(L).source
    assert first == draw_dot(L).source
    nodes, edges = parse(first)
    into_mul = [tail for tail, head, _ in edges if nodes[head].get("label") == "*"]
    names = [nodes[t]["label"].split(" |")[0][2:] for t in into_mul]
    assert names == ["a", "b", "d", "f"]  # a*b, then d*f: operand order
    b_first = draw_dot(Value(-3.0, label="b") * Value(2.0, label="a")).source
    _, b_edges = parse(b_first)
    assert [t for t, _, _ in b_edges[:2]] == ["v0", "v1"]


def test_a_value_used_twice_gets_two_edges():
    a = Value(3.0, label="a")
    y = a + a
    y.backward()
    nodes, edges = parse(draw_dot(y, chain_rule=True).source)
    assert [(t, h) for t, h, _ in edges] == [("v0", "v1op"), ("v0", "v1op"), ("v1op", "v1")]
    assert record_of(nodes, "a")["label"].endswith(r"grad\ 2.0000 }")


def test_chain_rule_writes_local_times_upstream_on_each_edge():
    L, _ = lecture_example()
    L.backward()
    _, edges = parse(draw_dot(L, chain_rule=True).source)
    written = [e["label"] for _, _, e in edges if "label" in e]
    assert written == [
        "-3.0000 × -2.0000 = 6.0000",  # a: local b, upstream e.grad, contribution a.grad
        "2.0000 × -2.0000 = -4.0000",  # b
        "1.0000 × -2.0000 = -2.0000",  # e: + passes the gradient through
        "1.0000 × -2.0000 = -2.0000",  # c
        "-2.0000 × 1.0000 = -2.0000",  # d: local f
        "4.0000 × 1.0000 = 4.0000",  # f: local d
    ]
    assert CHAIN_RULE_NOTE in draw_dot(L, chain_rule=True).source  # the picture says which number is which
    assert CHAIN_RULE_NOTE not in draw_dot(L).source


def test_chain_rule_before_backward_shows_only_the_local_derivatives():
    L, _ = lecture_example()
    source = draw_dot(L, chain_rule=True).source
    written = [e["label"] for _, _, e in parse(source)[1] if "label" in e]
    assert written == ["local -3.0000", "local 2.0000", "local 1.0000", "local 1.0000", "local -2.0000", "local 4.0000"]
    assert NO_GRADS_NOTE in source and LOCAL_NOTE in source and CHAIN_RULE_NOTE not in source


def test_edges_are_coloured_by_the_sign_of_the_gradient_and_sized_by_it():
    L, _ = lecture_example()
    L.backward()
    _, edges = parse(draw_dot(L).source)
    into_first_mul = edges[:2]  # a receives +6, b receives -4
    assert into_first_mul[0][2]["color"] == colors.GRADIENT.positive
    assert into_first_mul[1][2]["color"] == colors.GRADIENT.negative
    widths = {float(e["penwidth"]) for _, _, e in edges}
    assert float(into_first_mul[0][2]["penwidth"]) == max(widths)  # |6| is the largest flow
    flows_to_width = sorted((abs(f), float(e["penwidth"])) for f, (_, _, e) in zip([6, -4], into_first_mul))
    assert flows_to_width[0][1] < flows_to_width[1][1]


def test_every_drawing_has_a_legend_for_what_its_colours_mean():
    L, _ = lecture_example()
    before = draw_dot(L).source
    assert "each box: a Value's label, data and grad" in before and colors.GRADIENT.positive not in before
    L.backward()
    after = draw_dot(L).source
    for key in (f'bgcolor="{colors.GRADIENT.positive}"', "positive gradient", f'bgcolor="{colors.GRADIENT.negative}"'):
        assert key in after
    assert "thicker = larger |gradient|" in after
    assert colors.WEIGHT.positive not in after and colors.WEIGHT.negative not in after  # gradients, never weights
    assert "this step" in draw_dot(L, highlight=next(backward_steps(L))).source
    assert "each box: a Value's label and data" in draw_dot(L, show_grad=False).source


def test_all_zero_grads_say_backward_has_not_run():
    L, _ = lecture_example()
    before = draw_dot(L).source
    assert NO_GRADS_NOTE in before and "backward()" in NO_GRADS_NOTE
    assert "color=" not in before.split("\tv0 ")[1]  # and nothing pretends to carry a gradient
    L.backward()
    assert NO_GRADS_NOTE not in draw_dot(L).source
    assert NO_GRADS_NOTE not in draw_dot(Value(1.0), show_grad=False).source


def test_highlight_a_value():
    L, v = lecture_example()
    nodes, _ = parse(draw_dot(L, highlight=v["d"]).source)
    assert record_of(nodes, "d")["color"] == colors.HIGHLIGHT
    assert "color" not in record_of(nodes, "a")
    with pytest.raises(ValueError, match="not part of the graph"):
        draw_dot(L, highlight=Value(1.0))
    with pytest.raises(TypeError, match="highlight"):
        draw_dot(L, highlight="d")


def test_highlight_a_backward_step_marks_the_node_and_the_edge_receiving_gradient():
    L, v = lecture_example()
    steps = backward_steps(L)
    step = next(steps)  # L pushes its grad to d: local f = -2, upstream 1
    nodes, edges = parse(draw_dot(L, highlight=step).source)
    assert step.node is v["L"] and step.parent is v["d"]
    assert record_of(nodes, "L")["fillcolor"] and record_of(nodes, "L")["color"] == colors.HIGHLIGHT
    assert record_of(nodes, "d")["color"] == colors.HIGHLIGHT  # the receiving parent
    marked = [(t, h, e) for t, h, e in edges if e.get("color") == colors.HIGHLIGHT]
    assert len(marked) == 1
    assert marked[0][2]["label"] == "-2.0000 × 1.0000 = -2.0000"
    assert nodes[marked[0][0]]["label"].startswith("{ d ")


def test_bad_arguments_are_named():
    L, _ = lecture_example()
    with pytest.raises(TypeError, match="float"):
        draw_dot(2.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(L, rankdir="sideways")
    with pytest.raises(ValueError, match="group"):
        draw_dot(L, group="layer")
    with pytest.raises(ValueError, match="model="):
        draw_dot(L, group="neuron")
    with pytest.raises(ValueError, match="format"):
        draw_dot(L, format="pdf")


def test_max_nodes_guards_large_graphs_with_a_way_out():
    model = seed_network()
    loss = sum((model(x) - 1.0) ** 2 for x in [[0.5, 0.5], [0.1, 0.9], [0.9, 0.2]])
    with pytest.raises(ValueError, match=r"max_nodes=40.*group='neuron'"):
        draw_dot(loss, max_nodes=40)
    draw_dot(loss, max_nodes=1000)


def test_group_neuron_draws_each_neuron_call_as_one_node():
    model = seed_network()
    examples = [[0.5, 0.5], [0.1, 0.9]]
    loss = sum((model(x) - 1.0) ** 2 for x in examples)
    loss.backward()
    full_nodes, _ = parse(draw_dot(loss).source)
    nodes, edges = parse(draw_dot(loss, group="neuron", model=model, chain_rule=True).source)
    neurons = [a["label"] for a in nodes.values() if a["label"].startswith("neuron")]
    assert len(neurons) == 4 * len(examples)  # 3 hidden + 1 output neuron per example
    assert r"neuron L1.1\nrelu(w·x + b)" in neurons and r"neuron L2.1\nsigmoid(w·x + b)" in neurons
    # a call of a neuron with n inputs draws n products, the sum and the activation (n + 2 Values, each
    # with its op node) as its output Value and one neuron node: 6 fewer for a hidden neuron, 8 for the output
    assert len(full_nodes) - len(nodes) == len(examples) * (3 * 6 + 8)
    assert all(a["label"] not in ("*", "ReLU", "sigmoid") for a in nodes.values())
    # parameters get names, and each neuron's edges carry what flows to each input
    out_bias = model.layers[1].neurons[0].b
    bias_records = [k for k, a in nodes.items() if a["label"].startswith(r"{ L2.1\ b ")]
    assert len(bias_records) == 1
    flows = [float(e["label"].split("= ")[1]) for t, _, e in edges if t == bias_records[0]]
    assert len(flows) == 2 and sum(flows) == pytest.approx(out_bias.grad, abs=1e-4)


def test_a_neuron_call_is_its_products_one_sum_and_its_activation():
    neuron = Neuron(3, activation="tanh", seed=0)
    x = [Value(0.3), Value(-0.2), Value(0.5)]
    out = neuron(x)
    summed = out._prev[0]
    assert (out._op, summed._op, summed._prev[0]) == ("tanh", "+", neuron.b)
    assert [(m._op, m._prev) for m in summed._prev[1:]] == [("*", (w, xi)) for w, xi in zip(neuron.w, x)]
    nodes, _ = parse(draw_dot(out).source)
    assert sorted(a["label"] for a in nodes.values() if a["shape"] == "ellipse") == ["*", "*", "*", "+", "tanh"]


def test_group_neuron_draws_a_linear_neuron_with_each_inputs_gradient():
    neuron = Neuron(2, activation="linear", seed=0)
    x = [Value(0.3, label="x1"), Value(-0.2, label="x2")]
    y = neuron(x) * 2.0
    y.backward()
    nodes, edges = parse(draw_dot(y, group="neuron", model=neuron, chain_rule=True).source)
    assert [a["label"] for a in nodes.values() if a["label"].startswith("neuron")] == [r"neuron L1.1\nlinear(w·x + b)"]
    assert not any(a["label"] == "+" for a in nodes.values())
    x1 = next(k for k, a in nodes.items() if a["label"].startswith(r"{ x1 "))
    [flow] = [e["label"] for t, _, e in edges if t == x1]
    assert flow.endswith(f"= {neuron.w[0].data * 2.0:.4f}") and x[0].grad == neuron.w[0].data * 2.0


@pytest.mark.parametrize("used_outside", ["the sum", "a product"])
def test_group_neuron_leaves_a_neuron_whose_inside_is_used_elsewhere_ungrouped(used_outside):
    model = MLP(2, [1], output_activation="tanh", seed=0)
    x = [Value(0.3), Value(-0.2)]
    out = model(x)
    summed = out._prev[0]
    y = out + (summed if used_outside == "the sum" else summed._prev[2])
    nodes, _ = parse(draw_dot(y, group="neuron", model=model).source)
    assert not any(a["label"].startswith("neuron") for a in nodes.values())
    assert any(a["label"] == "tanh" for a in nodes.values())


def test_png_opens_with_pillow(tmp_path):
    L, _ = lecture_example()
    L.backward()
    path = draw_dot(L, chain_rule=True).save(tmp_path / "L.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > image.height > 50


def svg_text(svg: str) -> str:
    root = ET.fromstring(svg)  # raises if the SVG is not well-formed XML
    return "".join(e.text or "" for e in root.iter("{http://www.w3.org/2000/svg}text"))


def no_space(s: str) -> str:
    return re.sub(r"\s", "", s)


# XML 1.0 (so SVG) cannot hold control characters, surrogates, U+FFFE or U+FFFF: those are shown escaped
printable = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")


@settings(max_examples=40, deadline=None)
@given(st.text(printable, max_size=12), st.text(max_size=6))
def test_any_label_renders_as_itself_in_valid_svg(label, wild):
    a = Value(1.5, label=label)
    b = Value(2.0, label=wild + '|{}<>"\\\n&lt;')  # control characters too: shown escaped, never broken XML
    graph = draw_dot(a * b)
    shown = no_space(svg_text(graph.svg()))
    assert no_space(label) in shown
    assert no_space('|{}<>"\\&lt;') in shown


def test_characters_svg_cannot_hold_are_shown_escaped():
    shown = svg_text(draw_dot(Value(1.0, label="bell\x07 \ufffe nul\x00")).svg())
    assert "bell\\x07" in shown and "\\ufffe" in shown and "nul\\x00" in shown
