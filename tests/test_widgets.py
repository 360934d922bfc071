"""The notebook widgets' Python side, with no front-end attached: their state from code and from a view's messages
(answered by the sections, refused as the page's requests are), a learner's own graph stepped, and each widget's
module built from the page's own files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings

pytest.importorskip("anywidget", reason="needs the notebooks extra: pip install 'micrograd-lesson[notebooks]'")

from micrograd_lesson import widgets
from micrograd_lesson.app import api
from micrograd_lesson.app.sections import live_training
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.nn import MLP
from micrograd_lesson.testing import expressions
from micrograd_lesson.training import TrainingLoop
from micrograd_lesson.viz.graph import NOTEBOOK_WIDTH, svg_size

PACKAGE = Path(widgets.__file__).parent
WIDGETS = [widgets.Playground, widgets.Loop, widgets.Stepper, widgets.Trainer, widgets.Quiz]


def listening(widget) -> list[dict]:
    """Every message the widget sends its views from now on (no front-end is attached to take them)."""
    sent = []
    widget.send = lambda content, buffers=None: sent.append(json.loads(json.dumps(content)))
    return sent


def lecture_graph() -> tuple[dict[str, Value], Value]:
    """The lecture's L = (a*b + c) * f, its leaves by name."""
    leaves = {name: Value(x, label=name) for name, x in (("a", 2.0), ("b", -3.0), ("c", 10.0), ("f", -2.0))}
    e = leaves["a"] * leaves["b"]
    L = (e + leaves["c"]) * leaves["f"]
    return leaves, L


# --- state from code --------------------------------------------------------------------------------------------


def test_the_playground_follows_x1_set_from_code_and_refuses_a_value_off_the_slider_without_a_change():
    pg = widgets.Playground()
    assert f"{pg.output:.4f}" == "0.5125"
    seen = []
    pg.observe(lambda change: seen.append(change["new"]), "output")
    pg.x1 = 1.0
    assert f"{pg.output:.4f}" == "0.6330"
    assert [f"{x:.4f}" for x in seen] == ["0.6330"]
    with pytest.raises(Exception, match=r"x1 must be between 0 and 1, got 2\.0"):
        pg.x1 = 2.0
    assert (pg.x1, f"{pg.output:.4f}") == (1.0, "0.6330")


def test_a_change_from_code_makes_every_view_refresh_and_a_look_does_not():
    pg = widgets.Playground()
    sent = listening(pg)
    pg.x2 = 0.25
    assert sent == [{"changed": None}]
    assert pg.picture().lstrip().startswith(("<svg", "<?xml"))
    assert sent == [{"changed": None}]  # showing changes nothing


def test_the_trainer_takes_settings_as_keywords_or_a_url_string_and_trains_from_code():
    trainer = widgets.Trainer("dataset=moons&hidden=4,4&stop=0", lr=0.1)
    chosen = trainer.state.settings.as_dict()
    assert [chosen[name] for name in ("dataset", "hidden", "stop_at_100", "lr")] == ["moons", [4, 4], False, 0.1]
    assert isinstance(trainer.model, MLP) and trainer.model is trainer.state.model
    assert trainer.step == 0
    first = trainer.train_loss
    trainer.train(3)
    assert trainer.step == 3 and trainer.train_loss != first
    assert [row[0] for row in trainer.history] == [0, 1, 2, 3]
    assert trainer.history[-1] == (3, trainer.train_loss, trainer.test_loss)
    with pytest.raises(ValueError, match="lr must be"):
        widgets.Trainer(lr=20)


def test_the_trainer_trains_every_step_asked_from_code_however_slow_the_machine(monkeypatch):
    """The page asks for half a second's steps at a time; from code, train(3) is three steps even where one takes
    that long (a loaded machine), and stops early only where the run stops."""
    monkeypatch.setattr(live_training, "TIME_BUDGET", 0.0)  # every request takes one step
    trainer = widgets.Trainer(hidden=[2], stop_at_100=False)
    trainer.train(3)
    assert trainer.step == 3 and [row[0] for row in trainer.history] == [0, 1, 2, 3]
    stopping = widgets.Trainer()  # XOR, stopping at 100% training accuracy within a few dozen steps
    stopping.train(1000)
    assert stopping.state.status == "stopped" and stopping.step == stopping.state.stopped_at < 1000


def test_the_trainer_reads_an_address_as_the_page_writes_it():
    """The page writes reg=, batch=all and features=a,b (issue 24's keys): a link from the page opens in a Trainer."""
    address = "?dataset=moons&hidden=4&stop=0&ratio=60&batch=all&features=x1,x2,x1_sq&reg=l2&reg_rate=0.001"
    chosen = widgets.Trainer(address).state.settings.as_dict()
    assert [chosen[k] for k in ("ratio", "batch", "features", "regularization", "reg_rate")] == [
        60,
        None,
        ["x1", "x2", "x1_sq"],
        "l2",
        0.001,
    ]
    assert widgets.Trainer("batch=10").state.settings.as_dict()["batch"] == 10


def test_the_loop_steps_your_own_training_loop_and_reset_takes_it_back_to_where_it_was():
    model = MLP(2, [2, 1], seed=0)  # unseeded, about 1 network in 12 had a zero loss, so the update changed nothing
    loop = TrainingLoop(model, [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0])
    loop.step()  # a forward pass before the widget
    start = [p.data for p in model.parameters()]
    widget = widgets.Loop(loop)
    for _ in range(3):  # loss, backward, update
        widget.next()
    assert widget.loop is loop and widget.phase == "repeat" and widget.loss is not None
    assert [p.data for p in model.parameters()] != start
    widget.reset()
    assert [p.data for p in model.parameters()] == start and widget.phase == "loss" and len(loop.history) == 1


def test_a_loop_or_a_settings_string_of_the_wrong_kind_is_refused_by_name():
    with pytest.raises(TypeError, match=r"Loop needs a TrainingLoop .* got MLP"):
        widgets.Loop(MLP(2, [1]))
    with pytest.raises(TypeError, match=r"Trainer's settings string must be text .* got \{'lr': 0.1\}"):
        widgets.Trainer({"lr": 0.1})


def test_the_quiz_judges_an_answer_from_code_and_keeps_the_score():
    quiz = widgets.Quiz()
    assert quiz.answer("q5", 6)["correct"] and (quiz.score, quiz.first) == (1, 1)  # dL/da of the lecture's L
    assert not quiz.answer("q6", 5)["correct"] and quiz.answer("q6", -2)["correct"]  # right on the second try
    assert (quiz.score, quiz.first) == (2, 1)


# --- a learner's own graph -------------------------------------------------------------------------------------


def test_stepper_on_your_graph_reaches_a_grad_6_and_gives_back_the_grads_you_had():
    leaves, L = lecture_graph()
    leaves["a"].grad = 5.0  # from an earlier backward of the learner's
    stepper = widgets.Stepper(L)
    assert stepper.position == 0 and stepper.total > 0
    assert all(node["nudge"] is None for node in stepper.ask({"action": "show"})["nodes"])  # nothing given away
    stepper.position = stepper.total
    assert (leaves["a"].grad, leaves["b"].grad) == (6.0, -4.0)  # backward from zero grads
    nodes = {n["label"]: n for n in stepper.ask({"action": "show"})["nodes"]}
    assert nodes["a"]["agrees"] is True and round(nodes["a"]["nudge"], 4) == 6.0
    stepper.back()
    assert stepper.position == stepper.total - 1
    stepper.restore_grads()
    assert (leaves["a"].grad, leaves["b"].grad) == (5.0, 0.0)


def test_a_stepper_on_your_graph_names_it_in_place_of_the_choice_of_graph_and_keeps_it():
    _, L = lecture_graph()
    L.label = "L"
    stepper = widgets.Stepper(L)
    assert stepper._setup["graph"] == "yours, from Python: L" and "graph" not in widgets.Stepper()._setup
    sent = listening(stepper)
    stepper.next()
    stepper._received(stepper, {"id": "v:1", "path": "backprop", "body": {"action": "load", "source": "lecture"}}, [])
    assert sent[-1]["status"] == 400 and "steps the graph you gave it" in sent[-1]["answer"]["error"]
    assert stepper.state.root is L and stepper.position == 1


@settings(max_examples=15, deadline=None)
@given(expressions(max_steps=5))
def test_stepping_any_graph_to_the_end_leaves_backwards_grads_and_restoring_gives_the_old_ones(expression):
    xs = [Value(x) for x in expression.inputs]
    root = expression(*xs)
    nodes = topological_order(root)
    for i, node in enumerate(nodes):
        node.grad = float(i)  # whatever the learner's nodes held before
    before = [node.grad for node in nodes]
    stepper = widgets.GraphStepper(root)
    stepper.move(len(stepper.steps))
    stepper.answer()
    fresh = expression(*[Value(x) for x in expression.inputs])
    fresh.backward()
    assert [node.grad for node in nodes] == [node.grad for node in topological_order(fresh)]
    stepper.restore_grads()
    assert [node.grad for node in nodes] == before


def test_a_lecture_style_node_with_its_own_backward_steps_but_has_no_nudge_check_and_says_why():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = a * b
    product = Value(out.data, (a, b), "*")  # a lecture-style node: its own _backward closure

    def _backward():
        a.grad += b.data * product.grad
        b.grad += a.data * product.grad

    product._backward = _backward
    answer = widgets.Stepper(product.tanh()).ask({"action": "show"})
    assert "no nudge check here" in answer["expression"] and "made by hand" in answer["expression"]
    assert all(node["nudge"] is None for node in answer["nodes"])


def test_a_graph_past_the_flipbooks_200_boxes_is_refused_with_what_to_do_and_grads_untouched():
    x = Value(0.5)
    x.grad = 2.0
    total = x
    for _ in range(120):
        total = total * 1.01
    with pytest.raises(ValueError, match=r"more than the flipbook's 200: step a smaller graph.*group by neuron"):
        widgets.Stepper(total)
    assert x.grad == 2.0


# --- a view's messages -------------------------------------------------------------------------------------------


def test_a_views_request_is_answered_to_it_by_id_and_every_other_view_is_told_to_refresh():
    pg = widgets.Playground()
    sent = listening(pg)
    body = {"action": "inputs", "x1": 1.0, "x2": 0.5}
    pg._received(pg, {"id": "view1:7", "path": "playground", "body": body}, [])
    (answer, changed) = sent
    assert answer["id"] == "view1:7" and answer["status"] == 200 and f"{answer['answer']['output']:.4f}" == "0.6330"
    assert changed == {"changed": "view1:7"}
    assert (pg.x1, f"{pg.output:.4f}") == (1.0, "0.6330")  # the traits follow the view


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],  # not an object
        {"action": "fly"},
        {"action": "inputs", "x1": 3.0, "x2": 0.5},
        {"action": "param", "id": "h9-out", "value": 1.0},
        {"action": "inputs", "x1": "0.5", "x2": 0.5},
    ],
)
def test_a_bad_request_from_a_view_is_refused_as_the_pages_is_and_changes_nothing(body):
    pg = widgets.Playground()
    sent = listening(pg)
    pg._received(pg, {"id": "v:1", "path": "playground", "body": body}, [])
    lesson = api.Lesson()
    session = lesson.new_session()["session"]
    request = {**body, "session": session} if isinstance(body, dict) else body
    page = lesson.handle("/api/playground", json.dumps(request).encode())
    assert sent == [{"id": "v:1", "status": page[0], "answer": page[1]}] and page[0] == 400
    assert f"{pg.output:.4f}" == "0.5125"


def test_a_message_for_another_section_is_refused_and_one_without_an_id_is_dropped():
    pg = widgets.Playground()
    sent = listening(pg)
    pg._received(pg, {"id": "v:1", "path": "train", "body": {"action": "step", "steps": 1}}, [])
    pg._received(pg, {"path": "playground", "body": {"action": "reset"}}, [])
    pg._received(pg, "hello", [])
    assert sent == [
        {"id": "v:1", "status": 404, "answer": {"error": "this widget answers 'playground' only, got 'train'"}}
    ]


# --- what the notebook shows -----------------------------------------------------------------------------------


def test_each_widget_but_the_quiz_carries_its_picture_as_svg_for_where_no_front_end_runs():
    """As a drawing shows itself: no wider than the notebook's column, and with ids no other picture has (two
    networks on one page shared every label's id, and each <use> showed the first one's label)."""
    _, L = lecture_graph()
    ids = []
    for widget in (widgets.Playground(), widgets.Loop(), widgets.Stepper(L), widgets.Trainer(hidden=[2])):
        data, _ = widget._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in data
        assert data["image/svg+xml"].startswith("<svg") and data["image/svg+xml"].rstrip().endswith("</svg>")
        assert svg_size(data["image/svg+xml"])[0] <= NOTEBOOK_WIDTH
        ids += re.findall(r'\bid="([^"]+)"', data["image/svg+xml"] + widget._repr_mimebundle_()[0]["image/svg+xml"])
    assert len(ids) == len(set(ids)) > 50
    data, _ = widgets.Quiz()._repr_mimebundle_()
    assert "image/svg+xml" not in data


# --- one front-end: the page's own modules ----------------------------------------------------------------------


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: w.__name__)
def test_each_widgets_module_holds_the_pages_section_module_byte_for_byte(widget):
    static = PACKAGE / "app" / "static"
    module = widget._esm if isinstance(widget._esm, str) else widget._esm.contents
    for part in (static / "shared.js", static / "sections" / f"{widget.section}.js"):
        assert part.read_text(encoding="utf-8") in module
    assert "export default {render};" in module


def test_no_other_js_file_in_the_package_defines_a_section():
    mounts = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.js")
        if re.search(r"^export function mount\(", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert mounts == sorted(f"app/static/sections/{api.section_name(section)}.js" for section in api.SECTIONS.values())


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: w.__name__)
def test_the_section_and_the_shared_helpers_declare_no_name_twice_in_the_one_module(widget):
    static = PACKAGE / "app" / "static"
    declared = r"^(?:export )?(?:const|let|function|async function|class) (\w+)"
    shared = re.findall(declared, (static / "shared.js").read_text(encoding="utf-8"), re.MULTILINE)
    own = re.findall(declared, (static / "sections" / f"{widget.section}.js").read_text(encoding="utf-8"), re.MULTILINE)
    assert not (set(shared) & set(own)) and not ({"helpers", "render"} & (set(shared) | set(own)))
