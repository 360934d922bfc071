"""The lecture's code with only its import changed: micrograd_lesson.lecture's Neuron, Layer and MLP."""

import json
import random
import subprocess
import sys

import pytest

from micrograd_lesson import engine, nn, viz
from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.lecture import MLP, Layer, Neuron, Value, draw_dot
from micrograd_lesson.metrics import accuracy
from micrograd_lesson.serialize import load, save
from micrograd_lesson.training import TrainingLoop
from micrograd_lesson.viz import draw_network

# The lecture's four examples and their targets.
XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


# The lecture's own classes, as the video types them, on our Value: the reference for the numbers.
class LectureNeuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)  # b + w1*x1 + w2*x2 + ..., pair by pair
        return act.tanh()

    def parameters(self):
        return [*self.w, self.b]


class LectureLayer:
    def __init__(self, nin, nout):
        self.neurons = [LectureNeuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class LectureMLP:
    def __init__(self, nin, nouts):
        sz = [nin, *nouts]
        self.layers = [LectureLayer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def train_as_the_lecture_does(n, steps=20):
    """The lecture's training cell: forward, squared-error loss, zero the grads, backward, step by -0.1 * grad."""
    losses = []
    for _ in range(steps):
        ypred = [n(x) for x in XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    return losses


def seeded(make, seed):
    random.seed(seed)
    return make()


# --- one import line ---------------------------------------------------------------------------------


def test_one_import_line_brings_value_draw_dot_and_the_lectures_network():
    assert issubclass(Value, engine.Value) and draw_dot is viz.draw_dot
    assert issubclass(Neuron, nn.Neuron) and issubclass(Layer, nn.Layer) and issubclass(MLP, nn.MLP)
    code = "import sys, micrograd_lesson.lecture; print('graphviz' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"  # draw_dot, and with it graphviz, loads on first use


def test_the_lectures_neuron_cell():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert round(o.data, 4) == 0.7071
    assert [round(v.grad, 4) for v in (x1, w1, x2, w2)] == [-1.5, 1.0, 0.5, 0.0]
    assert "{ x1 |" in draw_dot(o).source


def lecture_tanh_cell(value_class):
    """Lecture 2's cell 11: the neuron with tanh written out with exp, o = (e - 1) / (e + 1)."""
    x1, x2 = value_class(2.0, label="x1"), value_class(0.0, label="x2")
    w1, w2 = value_class(-3.0, label="w1"), value_class(1.0, label="w2")
    b = value_class(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    return o, (x1, w1, x2, w2)


def test_minus_and_divide_are_the_lectures_nodes_so_drawing_stepping_and_backward_agree_with_it():
    o, leaves = lecture_tanh_cell(Value)
    ops = [node.op for node in engine.topological_order(o)]
    assert len(ops) == 18 and "-" not in ops and "/" not in ops  # 36 numbers drawn, as in the lecture
    assert o.op == "*" and o.parents[1].op == "**" and o.parents[1].constants == (-1.0,)  # (e - 1) * (e + 1)**-1
    assert o.parents[0].op == "+" and o.parents[0].parents[1].data == -1.0  # e + (-1)
    steps = list(backward_steps(o))
    assert len({step.node for step in steps}) == len([op for op in ops if op])  # one node at a time, each one
    stepped = [v.grad for v in leaves]
    again, fresh = lecture_tanh_cell(Value)
    again.backward()
    assert stepped == [v.grad for v in fresh] and [round(g, 4) for g in stepped] == [-1.5, 1.0, 0.5, 0.0]
    assert round(o.data, 4) == 0.7071 and draw_dot(o).source.count("{ ") == 18
    engines, _ = lecture_tanh_cell(engine.Value)
    assert [node.op for node in engine.topological_order(engines)].count("") == 8  # the engine: 17 nodes, / and -
    assert len(engine.topological_order(engines)) == 17


def test_a_lecture_values_ops_give_lecture_values_and_keep_their_numbers():
    a, b, engines = Value(3.0), Value(4.0), engine.Value(5.0)
    for out in (a - b, a / b, 2 - a, 2 / a, (a * b).tanh() - 1, a**2 - b, -a - b, engines - a, engines / a):
        assert isinstance(out, Value) and out.op in ("+", "*")
    assert type(engines) is not type(a) and (engines - 1.0).op == "-"  # the engine's own Values are left alone
    assert (a - b).data == -1.0 and (2 - a).data == -1.0 and (a / b).data == 3.0 * 4.0**-1
    model = MLP(3, [4, 1], seed=0)
    loss = (model(XS[0]) - YS[0]) ** 2  # the lecture's loss: yout - ygt is yout + (-ygt)
    assert loss.parents[0].op == "+"
    a.m = 0.5  # attributes of your own, as on any Value you make


def test_trace_graph_notebooks_cells_draw_and_render(tmp_path, monkeypatch):
    """micrograd's trace_graph.ipynb with its imports pointed here: draw_dot(y), then dot.render('gout')."""
    monkeypatch.chdir(tmp_path)
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    assert "ReLU" in draw_dot(y).source
    random.seed(1337)
    n = nn.Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = n(x)
    y.backward()
    dot = draw_dot(y)
    assert dot.render("gout") == "gout.svg"
    assert (tmp_path / "gout").read_text() == dot.source
    assert (tmp_path / "gout.svg").read_text().lstrip().startswith("<?xml")


# --- the lecture's numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_random_seed_gives_the_lectures_very_weights(seed):
    """Each neuron draws its weights, then its bias, from the random module: the lecture's order."""
    for ours, theirs in [
        (lambda: Neuron(3), lambda: LectureNeuron(3)),
        (lambda: Layer(3, 4), lambda: LectureLayer(3, 4)),
        (lambda: MLP(3, [4, 4, 1]), lambda: LectureMLP(3, [4, 4, 1])),
    ]:
        ours, theirs = seeded(ours, seed), seeded(theirs, seed)
        assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert all(p.data != 0.0 for p in seeded(lambda: MLP(3, [4, 4, 1]), seed).parameters())  # biases are drawn too


def test_tanh_everywhere_the_output_too():
    model = MLP(3, [4, 4, 1], seed=0)
    assert nn.layer_activations(model) == ["tanh", "tanh", "tanh"]
    assert all(type(n) is Neuron for layer in model.layers for n in layer.neurons)
    assert repr(model.layers[2]) == "Layer of [TanhNeuron(4)]"
    assert isinstance(Layer(3, 1, seed=0)([1.0, 2.0, 3.0]), Value)  # one neuron: a bare Value, as in the lecture


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_lectures_training_gives_its_numbers_to_the_bit(seed):
    """One '+' node per neuron (bias first) adds exactly as the lecture's sum(..., self.b) does, pair by pair."""
    ours, theirs = seeded(lambda: MLP(3, [4, 4, 1]), seed), seeded(lambda: LectureMLP(3, [4, 4, 1]), seed)
    assert [ours(x).data for x in XS] == [theirs(x).data for x in XS]
    assert train_as_the_lecture_does(ours) == train_as_the_lecture_does(theirs)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 1337])
def test_the_lectures_training_cell_learns_with_the_lectures_mlp(seed):
    losses = train_as_the_lecture_does(seeded(lambda: MLP(3, [4, 4, 1]), seed))
    assert losses[-1] < 0.05 < losses[0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 1337])
def test_the_same_cell_stops_learning_with_micrograds_relu_and_linear_network(seed):
    """nn.MLP is micrograd's library network (ReLU hidden, linear output, biases 0): why the lecture has its own."""
    losses = train_as_the_lecture_does(seeded(lambda: nn.MLP(3, [4, 4, 1]), seed))
    assert losses[-1] > 0.5


# --- everything built for nn's networks takes the lecture's --------------------------------------------


def test_drawings_saving_training_and_accuracy_take_the_lectures_network(tmp_path):
    model = MLP(3, [4, 4, 1], seed=0)
    assert "Output (Tanh)" in draw_network(model, XS[0]).source
    loss = sum((model(x) - y) ** 2 for x, y in zip(XS, YS))
    grouped = draw_dot(loss, group="neuron", model=model).source
    assert grouped.count("tanh(w·x + b)") == 9 * len(XS)  # every call of every neuron found, drawn as one node
    save(model, tmp_path / "lecture.json")
    assert json.loads((tmp_path / "lecture.json").read_text())["architecture"]["activations"] == ["tanh"] * 3
    loaded = load(tmp_path / "lecture.json")
    assert [loaded(x).data for x in XS] == [model(x).data for x in XS]
    load(tmp_path / "lecture.json", into=MLP(3, [4, 4, 1], seed=1))
    losses = TrainingLoop(model, XS, YS).run(20, progress=False)
    assert losses[-1] < losses[0]
    assert accuracy(model, XS, YS) == 1.0
