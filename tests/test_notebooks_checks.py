"""What each notebook computes: the lesson's numbers, checked here so the learner's cells hold only the lesson.

Each notebook's code cells run in order in one namespace, read from its .py (tests/test_notebooks.py checks
the .ipynb holds the same cells). A check registered with @after(NAME, MARKER) runs right after the one
cell whose source contains MARKER, so it sees the notebook's variables as the learner does at that point.
A check whose cell is gone, or whose marker matches two cells, fails the test: no check is lost quietly.
"""

import ast
import contextlib
import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import jupytext
import pytest

from micrograd_lesson import Value
from micrograd_lesson.app.quiz import EXERCISES
from micrograd_lesson.testing import check_grad, numerical_grad

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
Check = Callable[[dict], None]
CHECKS: dict[str, list[tuple[str, Check]]] = {}


def after(notebook: str, marker: str) -> Callable[[Check], Check]:
    """Register check(namespace) to run after the notebook's cell that contains marker."""

    def register(check: Check) -> Check:
        CHECKS.setdefault(notebook, []).append((marker, check))
        return check

    return register


def code_cells(name: str) -> list[str]:
    """The sources of the notebook's code cells, from its .py."""
    notebook = jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def run_checked(name: str, cells: list[str]) -> dict:
    """Run the cells in one namespace, each cell's checks right after it; return the namespace.

    What Jupyter would show is kept in namespace["__shown__"]: each cell's last expression (its Out[]), as
    namespace["_"] too, and everything passed to IPython's display()."""
    namespace: dict = {"__name__": "__main__", "__shown__": []}
    for marker, _ in CHECKS[name]:
        count = sum(marker in source for source in cells)
        assert count == 1, f"{name}: {count} cells contain {marker!r}, so its check cannot run (expected 1)"
    with shown_by_display(namespace["__shown__"]):
        for i, source in enumerate(cells):
            run_cell(source, f"{name}.py, code cell {i + 1}", namespace)
            for marker, check in CHECKS[name]:
                if marker in source:
                    check(namespace)
    return namespace


def run_cell(source: str, where: str, namespace: dict) -> None:
    """Run a cell as Jupyter does: its statements, then its last expression, whose value is shown."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, where, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), where, "eval"), namespace)
        namespace["_"] = value
        if value is not None:
            namespace["__shown__"].append(value)


@contextlib.contextmanager
def shown_by_display(shown: list):
    """IPython.display.display records what it is given in shown, while the block runs."""
    import IPython.display

    real = IPython.display.display
    IPython.display.display = lambda *objects, **_: shown.extend(objects)
    try:
        yield
    finally:
        IPython.display.display = real


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a notebook that writes a file writes it here


def needing(name: str, *values) -> object:
    """pytest.param(*values) for the notebook name; the root conftest.py marks it with the extra it needs."""
    return pytest.param(*values, id=name)


@pytest.fixture(scope="module", params=[needing(path.stem, path.stem) for path in sorted(NOTEBOOKS.glob("*.py"))])
def notebook(request, tmp_path_factory) -> tuple[str, Callable[[], dict]]:
    """(name, run): run() runs the notebook with its checks, in a folder of its own, and returns its namespace;
    the same run for both tests below (pytest runs them one after the other, then lets the namespace go)."""
    name, ran = request.param, []

    def run() -> dict:
        if not ran:
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(tmp_path_factory.mktemp(name))  # a notebook that writes a file writes it here
                ran.append(run_checked(name, code_cells(name)))
        return ran[0]

    return name, run


def test_notebook_computes_the_lesson(notebook):
    name, run = notebook
    assert name in CHECKS, f"{name}.py has no checks in {Path(__file__).name}"
    run()


# --- the checks can fail: doctored notebooks -------------------------------------------------------------

DOCTORED = [
    ("01_single_neuron", "neuron.b.data = 6.881373587019543", "neuron.b.data = 6.0"),
    ("01_single_neuron", "sums = [-2.0, -0.5, 0.5, 2.0]", "sums = [-2.0, 0.0, 0.5, 2.0]"),
    ("02_layers_and_networks", "max(0.0, ", "max(-1.0, "),
    ("03_training_loop", "lr=0.2", "lr=0.3"),
    ("04_backprop_one_scalar_at_a_time", "d = e + c\nd.label", "d = e - c\nd.label"),
    ("05_playground", "playground.x1 = 1.0", "playground.x2 = 1.0"),
    ("06_testing_your_gradients", '"sigmoid", "", (s,)', '"sigmoid", "", (s * (1 - s),)'),
    ("07_two_moons", "MLP(2, [8, 8, 1], seed=0)", "MLP(2, [1, 1], seed=0)"),  # too small to learn
    ("08_quick_check", '"y": -2', '"y": -3'),
    ("09_graduating_to_pytorch", 'sgd.param_groups[0]["lr"] = 1.0 - 0.9 * k / 100', 'sgd.param_groups[0]["lr"] = 1.0'),
    ("10_backprop_as_code", "with_inputs.run(x1=3.0, x2=-1.0)", "with_inputs.run(x1=3.0, x2=-2.0)"),
]


@pytest.mark.parametrize(("name", "old", "new"), [needing(row[0], *row) for row in DOCTORED])
def test_a_notebook_that_computes_something_else_is_caught(name, old, new):
    cells = code_cells(name)
    assert sum(old in source for source in cells) == 1
    doctored = [source.replace(old, new) for source in cells]
    assert all(sum(marker in source for source in doctored) == 1 for marker, _ in CHECKS[name])  # a check fails
    with pytest.raises(AssertionError):
        run_checked(name, doctored)


# --- every drawing fits the notebook's column ------------------------------------------------------------


def drawings(shown: list) -> list:
    """What a notebook showed that is a picture: drawings, figures, and the HTML of widgets, inside boxes too."""
    found = []
    for thing in shown:
        children = getattr(thing, "children", None)
        if children is not None:
            found += drawings(list(children))
        elif (
            hasattr(thing, "_repr_mimebundle_")
            or hasattr(thing, "savefig")
            or "<svg" in str(getattr(thing, "value", ""))
        ):
            found.append(thing)
    return found


def test_every_drawing_a_notebook_shows_fits_its_column(notebook):
    """Each one drawn as Jupyter draws it (the notebook's one run: nbmake's is `pytest -p nbmake --nbmake`)."""
    from micrograd_lesson.viz.graph import NOTEBOOK_WIDTH, svg_size

    name, run = notebook
    everything = run()["__shown__"]
    for thing in everything:
        repr(thing)  # the text Jupyter shows beside a richer form
    shown = drawings(everything)
    measured = []  # the drawings shown as SVG
    for thing in shown:
        if hasattr(thing, "savefig"):  # a matplotlib figure, shown as a PNG at the figure's size
            assert thing.get_figwidth() * thing.dpi <= NOTEBOOK_WIDTH
            thing.savefig(io.BytesIO(), format="png")
        elif hasattr(thing, "_repr_mimebundle_"):
            bundle = thing._repr_mimebundle_()
            data = bundle[0] if isinstance(bundle, tuple) else bundle  # a widget's is (data, metadata)
            if "image/svg+xml" in data:
                assert svg_size(data["image/svg+xml"])[0] <= NOTEBOOK_WIDTH, f"{name}: {thing!r} is too wide"
                measured.append(thing)
        else:  # a widget's HTML: the SVG fitted to the column, or a wider one in a box that scrolls
            html = thing.value
            width = float(re.search(r'<svg[^>]* width="([\d.]+)', html)[1])
            assert width <= NOTEBOOK_WIDTH or html.startswith('<div style="max-width: 100%; overflow-x: auto">'), name
    pictures = {"01_single_neuron": 2, "02_layers_and_networks": 2, "03_training_loop": 3}
    assert len(shown) >= pictures.get(name, 0)  # the pictures were seen, so they were measured
    widgets = {"03_training_loop": 1, "04_backprop_one_scalar_at_a_time": 3, "05_playground": 1, "07_two_moons": 1}
    assert sum(type(thing).__module__ == "micrograd_lesson.widgets" for thing in measured) >= widgets.get(name, 0)


def test_a_check_whose_cell_is_gone_is_caught():
    cells = [source for source in code_cells("01_single_neuron") if "o.backward()" not in source]
    with pytest.raises(AssertionError, match=r"0 cells contain 'o\.backward\(\)'"):
        run_checked("01_single_neuron", cells)


# --- 01: a single neuron ----------------------------------------------------------------------------------


@after("01_single_neuron", "steps = neuron.explain(x)")
def the_lecture_neurons_four_steps(ns):
    steps = ns["steps"]
    assert steps.products == (-6.0, 0.0)
    assert round(steps.total, 4) == 0.8814
    assert round(steps.output, 4) == 0.7071


@after("01_single_neuron", "o.backward()")
def the_neurons_grads(ns):
    neuron = ns["neuron"]
    assert abs(neuron.w[0].grad - 1.0) < 1e-9  # x1 * (1 - tanh(n)**2) = 2 * 0.5
    assert neuron.w[1].grad == 0.0  # x2 is 0
    assert abs(neuron.b.grad - 0.5) < 1e-9


@after("01_single_neuron", "sums = [")
def the_activations_compared_where_they_differ(ns):
    outputs, sums = ns["outputs"], ns["sums"]
    for k, n in enumerate(sums):
        shown = [outputs[name][k] for name in ("tanh", "relu", "sigmoid", "linear")]
        distinct = 3 if n > 0 else 4  # ReLU is linear for n > 0; otherwise no two agree (tanh and sigmoid do at 0.8814)
        assert len({round(v, 3) for v in shown}) == distinct, f"two activations agree at n = {n}"
        assert shown == [math.tanh(n), max(0.0, n), pytest.approx(1 / (1 + math.exp(-n))), n]
    figure = ns["plot_activations"](marks=sums)
    assert len(figure.axes[0].lines) >= 4 and figure.axes[0].get_legend() is not None  # four curves, a legend


# --- 02: layers and networks ------------------------------------------------------------------------------


@after("02_layers_and_networks", "out = layer([0.8, 0.3])")
def a_layer_gives_one_output_per_neuron(ns):
    assert len(ns["out"]) == 3
    assert isinstance(ns["single"], Value)  # one neuron: a bare Value, as in micrograd


@after("02_layers_and_networks", "inputs, hidden, output = model.activations(")
def the_lessons_forward_pass(ns):
    hidden, output, model = ns["hidden"], ns["output"], ns["model"]
    assert [round(h, 2) for h in hidden] == [0.6, 0.0, 0.4] and round(output[0], 2) == 0.73
    assert ns["by_hand"] == hidden
    assert model([0.8, 0.3]).data == output[0]


@after("02_layers_and_networks", "picture = draw_network(model, [0.8, 0.3])")
def the_picture_shows_the_output(ns):
    assert f"{ns['output'][0]:.2f}" in ns["picture"].svg()


@after("02_layers_and_networks", "deep = MLP(2, [16, 16, 1], seed=0)")
def counting_parameters(ns):
    assert len(ns["model"].parameters()) == (2 + 1) * 3 + (3 + 1) * 1 == 13
    assert len(ns["deep"].parameters()) == 337


@after("02_layers_and_networks", "y.backward()")
def an_output_weights_grad_is_its_activation_times_the_slope(ns):
    y = ns["y"]
    slope = y.data * (1 - y.data)
    for w, h in zip(ns["model"].layers[1].neurons[0].w, ns["hidden"], strict=True):
        assert abs(w.grad - h * slope) < 1e-12  # the silent h2 gives its weight no gradient


# --- 03: the training loop --------------------------------------------------------------------------------


@after("03_training_loop", "X, targets = xor_problem()")
def xor_targets_match_tanh(ns):
    assert ns["targets"] == [-1, 1, 1, -1]


@after("03_training_loop", "forward = loop.step()")
def step_1_forward(ns):
    assert ns["forward"].phase == "forward" and len(ns["forward"].predictions) == 4


@after("03_training_loop", "loss = loop.step()")
def step_2_loss_is_the_mean_squared_error(ns):
    mse = sum((p - t) ** 2 for p, t in zip(ns["forward"].predictions, ns["targets"], strict=True)) / 4
    assert abs(ns["loss"].loss - mse) < 1e-12


@after("03_training_loop", "backward = loop.step()")
def step_3_backward_records_every_grad(ns):
    assert ns["backward"].grads == [p.grad for p in ns["model"].parameters()]
    legend = ns["_"].svg()  # the gradients picture the cell shows says what its gradients are summed over
    assert "all four examples, summed" in legend and "positive gradient" in legend


@after("03_training_loop", "update = loop.step()")
def step_4_update_is_w_minus_lr_times_grad(ns):
    update, grads = ns["update"], ns["backward"].grads
    assert all(abs(a - (b - 0.2 * g)) < 1e-12 for b, a, g in zip(update.before, update.after, grads, strict=True))


@after("03_training_loop", "repeat = loop.step()")
def step_5_repeat_ends_the_epoch(ns):
    assert ns["repeat"].phase == "repeat" and ns["loop"].epoch == 1 and ns["loop"].phase == "forward"


@after("03_training_loop", "undone = loop.back()")
def going_back_restores_the_weights(ns):
    assert ns["undone"].phase == "update" and ns["loop"].phase == "update"
    assert [p.data for p in ns["model"].parameters()] == ns["update"].before


@after("03_training_loop", "again = loop.step()")
def going_forward_again_is_the_same_update(ns):
    assert ns["again"].after == ns["update"].after
    assert ns["finished"].phase == "repeat"


@after("03_training_loop", "losses = loop.run(99, progress=False)")
def xor_is_learned(ns):
    losses, model = ns["losses"], ns["model"]
    assert losses[-1] < 0.05 < losses[0]
    assert all((model(x).data > 0) == (t > 0) for x, t in zip(ns["X"], ns["targets"], strict=True))


@after("03_training_loop", "live = widgets.Loop(loop)")
def the_live_loop_is_the_learners_own(ns):
    live, loop = ns["live"], ns["loop"]
    assert live.loop is loop and live.phase == "forward" and live.epoch == loop.epoch


@after("03_training_loop", "live.next()  # as the Next button")
def the_live_loop_steps_and_goes_back(ns):
    live, model = ns["live"], ns["model"]
    assert live.phase == "forward"  # two phases run and undone
    weights = [p.data for p in model.parameters()]
    for _ in range(4):  # forward, loss, backward, update
        live.next()
    assert live.phase == "repeat" and [p.data for p in model.parameters()] != weights
    live.reset()  # back to where the widget found the loop
    assert live.phase == "forward" and [p.data for p in model.parameters()] == weights


# --- 04: backprop one scalar at a time ----------------------------------------------------------------------


@after("04_backprop_one_scalar_at_a_time", 'L.label = "L"')
def the_lectures_expression(ns):
    assert ns["L"].data == -8.0


@after("04_backprop_one_scalar_at_a_time", "L._backward()  # L = d * f")
def replay_l(ns):
    assert (ns["d"].grad, ns["f"].grad) == (-2.0, 4.0)


@after("04_backprop_one_scalar_at_a_time", "d._backward()  # d = e + c")
def replay_d(ns):
    assert (ns["e"].grad, ns["c"].grad) == (-2.0, -2.0)


@after("04_backprop_one_scalar_at_a_time", "e._backward()  # e = a * b")
def replay_e(ns):
    assert (ns["a"].grad, ns["b"].grad) == (6.0, -4.0)


@after("04_backprop_one_scalar_at_a_time", "L.backward()")
def backward_gives_the_replays_grads(ns):
    assert [ns[name].grad for name in "abcf"] == [6.0, -4.0, -2.0, 4.0]


@after("04_backprop_one_scalar_at_a_time", "steps = list(backward_steps(L))")
def every_contribution_in_order(ns):
    steps = ns["steps"]
    edges = [(s.node.label, s.parent.label) for s in steps]
    assert edges == [("L", "d"), ("L", "f"), ("d", "e"), ("d", "c"), ("e", "a"), ("e", "b")]
    assert all(s.contribution == s.local * s.upstream for s in steps)
    assert (ns["a"].grad, ns["b"].grad) == (6.0, -4.0)  # after the last step, the same as backward()


@after("04_backprop_one_scalar_at_a_time", "frames = backward_frames(L)")
def the_stepper_steps_the_learners_own_graph(ns):
    stepper = ns["stepper"]
    assert len(ns["frames"]) == len(ns["steps"]) + 2 == 8  # the start, six steps, the end
    assert stepper.total == 6 and stepper.position == 0
    assert (ns["L"].grad, ns["a"].grad) == (1.0, 0.0)  # the nodes hold step 0's grads


@after("04_backprop_one_scalar_at_a_time", "stepper.position = 5")
def code_steps_the_stepper_to_a_grad_6(ns):
    answer = ns["stepper"].ask({"action": "back"})  # step 5: e pushes its -2 to a: a.grad = 0 + -3 × -2 = 6
    assert answer["position"] == 5 and "a.grad = 6" in answer["worked"]["text"]
    assert (ns["a"].grad, ns["b"].grad) == (6.0, 0.0)
    ns["stepper"].position = 6
    assert (ns["a"].grad, ns["b"].grad) == (6.0, -4.0)


@after("04_backprop_one_scalar_at_a_time", "neuron_stepper = widgets.Stepper(")
def steppers_of_the_neuron_and_a_networks_loss(ns):
    assert ns["neuron_stepper"].total == 9
    assert ns["network_stepper"].total > 18


@after("04_backprop_one_scalar_at_a_time", "graph = draw_dot(L, chain_rule=True)")
def the_chain_rule_on_every_edge(ns):
    assert (ns["a"].grad, ns["b"].grad) == (6.0, -4.0)
    assert sum("×" in line for line in ns["graph"].source.splitlines() if "->" in line) == 6  # one per edge


@after("04_backprop_one_scalar_at_a_time", "naive_backward(b)")
def the_naive_backward_counts_twice(ns):
    assert ns["naive"] == 12.0  # a pushed its (complete) gradient to x once per edge from b
    assert ns["x"].grad == 6.0


@after("04_backprop_one_scalar_at_a_time", "visit_once_backward(out)")
def visiting_once_is_too_early(ns):
    n = ns["n"]
    assert ns["too_early"] == 3.0  # only the direct path m -> out
    assert abs(ns["x"].grad - 3 * (1 + (1 - n.data**2))) < 1e-12  # both paths


@after("04_backprop_one_scalar_at_a_time", "order = topological_order(out)")
def parents_come_first(ns):
    position = {v: i for i, v in enumerate(ns["order"])}
    assert all(position[p] < position[v] for v in ns["order"] for p in v._prev)


# --- 05: the playground -------------------------------------------------------------------------------------


@after("05_playground", "playground = widgets.Playground(")
def the_widget_shows_the_lessons_numbers(ns):
    playground = ns["playground"]
    assert f"{playground.output:.4f}" == "0.5125"
    assert all(f">{a}<" in playground.picture() for a in ("0.25", "0.40", "0.00"))
    ns["__outputs__"] = []  # every output the widget shows from here on
    playground.observe(lambda change: ns["__outputs__"].append(f"{change['new']:.4f}"), names="output")


@after("05_playground", "playground.x1 = 0.5  # back")
def moved_from_code_and_back(ns):
    assert ns["__outputs__"] == ["0.6330", "0.5125"]  # the slider moved from code, and the output followed
    assert (ns["playground"].x1, f"{ns['playground'].output:.4f}") == (0.5, "0.5125")


# --- 06: testing your gradients -----------------------------------------------------------------------------


@after("06_testing_your_gradients", "by_hand = (f(3.0 + h) - f(3.0 - h)) / (2 * h)")
def the_numerical_gradient(ns):
    assert abs(ns["by_hand"] - 6.0) < 1e-6
    assert abs(numerical_grad(ns["f"], 3.0)[0] - 6.0) < 1e-6


@after("06_testing_your_gradients", "report = check_grad(")
def check_grad_passes_a_right_gradient(ns):
    assert ns["report"].ok


@after("06_testing_your_gradients", "def my_sigmoid(x):")
def check_grad_catches_the_bug_the_forward_pass_hides(ns):
    my_sigmoid = ns["my_sigmoid"]
    assert my_sigmoid(Value(0.7)).data == Value(0.7).sigmoid().data
    try:
        check_grad(my_sigmoid, 0.7)
    except AssertionError:
        return
    raise AssertionError("check_grad passed my_sigmoid's derivative")


@after("06_testing_your_gradients", "test_my_sigmoid()")
def hypothesis_finds_the_bug(ns):
    assert ns["found"] is True


# --- 07: two moons ------------------------------------------------------------------------------------------


@after("07_two_moons", "X, y = data.moons(")
def the_moons(ns):
    assert len(ns["X"]) == 100 and set(ns["y"]) == {0, 1}


@after("07_two_moons", "losses = loop.run(40)")
def the_moons_are_learned(ns):
    losses = ns["losses"]
    assert losses[-1] < losses[0] / 10
    assert ns["right"] >= 0.95


@after("07_two_moons", "loss_curve = plot_loss(losses)")
def the_loss_curve_has_a_point_per_epoch(ns):
    assert len(ns["loss_curve"].axes[0].lines[0].get_ydata()) == 40


@after("07_two_moons", "boundary = plot_decision_boundary(")
def the_decision_boundary(ns):
    assert ns["boundary"].axes[0].get_title() == "decision boundary"


@after("07_two_moons", "trainer.train(10)")
def the_trainer_learns_the_moons_from_code(ns):
    trainer = ns["trainer"]
    assert trainer.state.settings.dataset == "moons" and trainer.state.settings.hidden == (8, 8)
    assert trainer.step >= 1 and trainer.history[-1] == (trainer.step, trainer.train_loss, trainer.test_loss)
    assert trainer.train_loss < trainer.history[0][1]  # the loss fell


# --- 08: quick check ----------------------------------------------------------------------------------------


@after("08_quick_check", "for number in range(1, question_count() + 1)")
def every_question_is_printed_and_none_answered(ns):
    assert ns["question_count"]() == 9


@after("08_quick_check", "my_answers = {}")
def no_answer_is_given_until_asked_for(ns):
    assert ns["my_answers"] == {}


@after("08_quick_check", "parsed = parse_expression(")
def an_expression_of_the_learners_own(ns):
    inputs = ns["parsed"].inputs
    slope = 1 - math.tanh(0.5 * -2 + 1) ** 2  # tanh'(0) = 1
    assert inputs["x"].grad == pytest.approx(-2 * slope) and inputs["y"].grad == pytest.approx(0.5 * slope)


# --- 09: graduating to PyTorch ------------------------------------------------------------------------------


def torch_numbers(net, field: str = "data") -> list[float]:
    """Every weight and bias of a Sequential (or their grads) in our order: neuron by neuron, weights then bias."""
    linears = [m for m in net if type(m).__name__ == "Linear"]
    rows = [(w, b) for m in linears for w, b in zip(getattr(m.weight, field).tolist(), getattr(m.bias, field).tolist())]
    return [x for w, b in rows for x in (*w, b)]


@after("09_graduating_to_pytorch", "net = to_torch(n)")
def the_lectures_network_moves_with_every_weight(ns):
    assert [p.data for p in ns["n"].parameters()] == torch_numbers(ns["net"])  # bit for bit
    assert [type(m).__name__ for m in ns["net"]] == ["Linear", "Tanh"] * 3


@after("09_graduating_to_pytorch", "theirs = net(batch)")
def the_same_outputs(ns):
    ours, theirs = ns["ours"], ns["theirs"]
    assert len(ours) == len(theirs) == 4
    assert all(abs(a - b) < 1e-12 for a, b in zip(ours, theirs))  # tanh outputs: magnitudes below 1


@after("09_graduating_to_pytorch", "torch_graph = autograd_graph(loss_t)")
def pytorchs_graph_ends_in_the_four_parameters(ns):
    source = ns["torch_graph"].source
    for leaf in ("0.weight (2, 2)", "0.bias (2,)", "2.weight (1, 2)", "2.bias (1,)"):
        assert source.count(f"AccumulateGrad\\n{leaf}") == 1
    assert source.count("AddmmBackward0") == 2  # one node per layer
    assert abs(ns["loss_t"].item() - ns["loss"].data) <= 1e-12 * ns["loss"].data


@after("09_graduating_to_pytorch", "for i, (layer, linear) in enumerate(")
def the_same_gradients(ns):
    ours = [p.grad for p in ns["small"].parameters()]
    theirs = torch_numbers(ns["small_net"], "grad")
    assert len(ours) == len(theirs) == 9
    assert all(abs(a - b) < 1e-12 for a, b in zip(ours, theirs))  # gradients below 4 here


@after("09_graduating_to_pytorch", "torch_losses.append(batch_loss.item())")
def the_same_training_in_both(ns):
    ours, theirs = ns["our_losses"], ns["torch_losses"]
    assert len(ours) == len(theirs) == 20
    assert all(abs(a - b) <= 1e-9 * max(abs(a), abs(b)) for a, b in zip(ours, theirs))
    assert theirs[-1] < theirs[0] / 2
    assert len(ns["our_seconds"]) == len(ns["torch_seconds"]) == 20  # each step timed: measured, not claimed


@after("09_graduating_to_pytorch", "back = from_torch(demo_net)")
def the_trained_network_comes_back(ns):
    back, model, X, y = ns["back"], ns["model"], ns["X"], ns["y"]
    assert [p.data for p in back.parameters()] == torch_numbers(ns["demo_net"])
    assert ns["accuracy"](back, X, y) == ns["accuracy"](model, X, y) >= 0.9


# --- 10: backprop as code -----------------------------------------------------------------------------------


def _grads(neuron: dict) -> list[float]:
    return [neuron[name].grad for name in ("x1", "w1", "x2", "w2", "b")]


@after("10_backprop_as_code", "print(program.source)")
def the_neurons_code_reads_as_the_lecture(ns):
    source = ns["program"].source
    for line in ("o = tanh(n)", "grad_n += (1 - o * o) * grad_o", "grad_v7 = grad_n", "grad_x1 += w1 * grad_v3"):
        assert f"    {line}  #" in source  # each line the notebook's text reads out
    assert "v3 = x1 * w1  # * label 'x1*w1'" in source and len(source.splitlines()) < 40


@after("10_backprop_as_code", "program.run()\nfor name in")
def the_lectures_grads(ns):
    grads = _grads(ns["neuron"])
    assert [round(g, 4) for g in grads] == [-1.5, 1.0, 0.5, 0.0, 0.5]


@after("10_backprop_as_code", 'fresh["o"].backward()')
def the_same_grads_as_backward_to_the_bit(ns):
    assert _grads(ns["fresh"]) == _grads(ns["neuron"])


@after("10_backprop_as_code", 'neuron["w1"].data = -2.0')
def a_new_weight_runs_as_the_engine_would(ns):
    from micrograd_lesson.examples import lecture_neuron

    expected = lecture_neuron()
    expected["w1"].data = -2.0
    out = ((expected["x1"] * expected["w1"] + expected["x2"] * expected["w2"]) + expected["b"]).tanh()
    out.backward()
    assert ns["o"].data == out.data and _grads(ns["neuron"]) == _grads(expected)


@after("10_backprop_as_code", "with_inputs = compile_graph(")
def inputs_by_name_and_never_the_last_ones(ns):
    assert (ns["neuron"]["x1"].data, ns["neuron"]["x2"].data) == (3.0, -1.0)
    assert math.isclose(ns["o"].data, math.tanh(3.0 * -2.0 + -1.0 * 1.0 + 6.881373587019543), rel_tol=1e-15)


@after("10_backprop_as_code", "with_inputs.run(x1=1e308")
def the_hidden_overflow_is_the_engines_error(ns):
    assert ns["overflow"] == "* overflowed to -inf (operands 1e+308 (label 'x1'), -2.0 (label 'w1'))"


@after("10_backprop_as_code", "demo = compile_graph(demo_loss())")
def the_demo_compiles(ns):
    assert len(ns["demo"].source.splitlines()) > 100_000


@after("10_backprop_as_code", "program_seconds = ")
def the_demo_program_gives_the_engines_grads(ns):
    assert ns["same"] is True


def test_running_the_quiz_notebook_prints_no_answer():
    """Run All shows the questions and nothing else: no right letter, no explanation, no exercise's number."""
    from micrograd_lesson.app.quiz import QUESTIONS, reveal

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run_checked("08_quick_check", code_cells("08_quick_check"))
    shown = printed.getvalue()
    assert "1. What does backpropagation do" in shown and "9. b = a + a" in shown
    for question in QUESTIONS:
        assert question.answer.explanation not in shown
    for exercise in EXERCISES:
        assert exercise.explanation not in shown
    assert "The answer is" not in shown and "is right" not in shown and "Yes:" not in shown
    assert "reveal(3)" not in "".join(code_cells("08_quick_check"))  # the notebook only says how to ask
    assert reveal(3).startswith("3. The answer is C")


def test_the_quiz_notebook_checks_an_answer_the_learner_typed():
    cells = [c.replace("my_answers = {}", 'my_answers = {2: "A", 5: 7}') for c in code_cells("08_quick_check")]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run_checked_without_checks(cells)
    shown = printed.getvalue()
    assert "2. A is right." in shown and "5. Not quite: you said 7." in shown


def run_checked_without_checks(cells: list[str]) -> None:
    namespace: dict = {"__name__": "__main__"}
    for i, source in enumerate(cells):
        exec(compile(source, f"cell {i + 1}", "exec"), namespace)
