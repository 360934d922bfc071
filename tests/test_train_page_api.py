"""Section 6's page features in the engine: a weight set on the picture, the parameter table, a point's loss graph."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from micrograd_lesson.app import api
from micrograd_lesson.app.pictures import neuron_ids
from micrograd_lesson.app.requests import BadRequest
from micrograd_lesson.app.sections import live_training
from micrograd_lesson.app.sections.live_training import LiveRun, Settings, respond
from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.nn import MLP


@pytest.fixture(autouse=True)
def all_the_time_it_takes(monkeypatch):
    """Every step asked for is done, however slow the machine: the tests' numbers never depend on the clock."""
    monkeypatch.setattr(live_training, "TIME_BUDGET", 600.0)


def act(run, **request):
    return respond(run, request)


def test_a_weight_set_on_the_picture_moves_the_loss_and_the_script_replays_it_to_the_bit(tmp_path):
    run, _ = act(None, action="step", steps=3)
    before = run.params[0].data
    run, answer = act(run, action="weight", id="x1-h1.1", value=-2.5)
    assert answer["edited"] == f"You set w x1→h1.1 from {before:.4g} to -2.5 at step 3: the readouts follow."
    assert answer["params"][0]["value"] == -2.5 and answer["step"] == 3
    assert answer["history"][-1] == [
        3,
        answer["train_loss"],
        answer["test_loss"],
    ]  # the row of step 3, for the new weights
    assert answer["last_step"] is None  # the panel spoke of other weights
    run, answer = act(run, action="step", steps=2)
    script = tmp_path / "run.py"
    script.write_text(answer["python"])
    printed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert printed.splitlines()[-1] == f"{answer['step']} {answer['train_loss']!r}"  # (it may stop at 100% first)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"id": "x9-h1.1", "value": 1},
            "id must name a weight or bias of this network, such as 'x1-h1.1', got \"x9-h1.1\"",
        ),
        ({"id": ["x1-h1.1"], "value": 1}, "id must name a weight or bias"),
        ({"id": "x1-h1.1", "value": 10.5}, "value must be between -10 and 10, got 10.5"),  # section 2's limit
        ({"id": "x1-h1.1", "value": "1"}, 'value must be a finite number, got "1"'),
        ({"id": "x1-h1.1"}, "value must be a finite number, got null"),
    ],
)
def test_a_refused_weight_names_the_value_and_changes_nothing(request_, message):
    run = LiveRun(Settings())
    before = [p.data for p in run.params]
    with pytest.raises(BadRequest, match="^" + message.replace("(", r"\(").replace("[", r"\[")):
        act(run, action="weight", **request_)
    assert [p.data for p in run.params] == before and run.edits == []


def test_a_weight_cannot_be_set_half_way_through_a_slow_motion_step():
    run, _ = act(None, action="phase")
    with pytest.raises(BadRequest, match="half done"):
        act(run, action="weight", id="b-out", value=1.0)


def test_the_parameter_table_holds_adams_m_and_v_and_the_change_each_step_made():
    run, answer = act(None, action="show")
    assert {row["change"] for row in answer["params"]} == {None}  # no step yet
    before = [p.data for p in run.params]
    run, answer = act(run, action="step", steps=1)
    rows = answer["params"]
    assert [row["id"] for row in rows][:3] == ["x1-h1.1", "x2-h1.1", "b-h1.1"]
    assert [row["m"] for row in rows] == run.optimizer.m and [row["v"] for row in rows] == run.optimizer.v
    assert [row["change"] for row in rows] == [p.data - b for p, b in zip(run.params, before)]
    assert [row["step_grad"] for row in rows] == run._last_grads
    run, answer = act(run, action="configure", settings={"optimizer": "sgd"})
    run, answer = act(run, action="step", steps=1)
    for row in answer["params"]:  # SGD keeps no averages; its change is -lr x grad
        assert row["m"] is None and row["v"] is None
        assert row["change"] == pytest.approx(-0.05 * row["step_grad"], rel=1e-12, abs=1e-15)


def test_a_small_networks_point_graph_steps_every_chain_rule_contribution_and_ends_at_backwards_grads():
    run, _ = act(None, action="configure", settings={"hidden": [3]})
    run, _ = act(run, action="step", steps=2)
    weights = [(p.data, p.grad) for p in run.params]
    run, first = act(run, action="graph", move="show", index=5)
    assert not first["grouped"] and first["boxes"] <= 200 and first["position"] == 0 and first["step"] == 2
    assert first["x"] == run.points.X_train[5] and first["text"].startswith("Start: loss.grad = 1")
    root = run.point_loss(5)(run.model)  # the engine's own graph of that point's loss, on the run's model
    assert first["loss"] == root.data
    kept = [p.grad for p in run.params]
    steps = list(backward_steps(root))
    grads = [p.grad - g for p, g in zip(run.params, kept)]
    for p, g in zip(run.params, kept):
        p.grad = g
    assert first["total"] == len(steps)
    run, nxt = act(run, action="graph", move="next")
    assert nxt["position"] == 1 and nxt["text"].startswith("loss sends gradient to")
    run, end = act(run, action="graph", move="end")
    assert end["position"] == len(steps) and "<svg" in end["svg"]
    shown = run.graph.model.parameters()
    assert [p.grad for p in shown] == grads  # the pass ends where backward() ends
    assert [(p.data, p.grad) for p in run.params] == weights  # the run's own weights and grads untouched
    run, back = act(run, action="graph", move="back")
    assert back["position"] == len(steps) - 1


def test_the_default_networks_point_graph_is_grouped_by_neuron_and_steps_one_neuron_at_a_time():
    run, first = act(None, action="graph", move="show", index=0)
    assert first["grouped"] and first["boxes"] > 200
    units = first["total"]
    assert (
        units == 5 + 8 + 8 + 1
    )  # the mean's * and +, then hinge's relu, + and *, then out, h2.8 ... h2.1, h1.8 ... h1.1
    run, second = act(run, action="graph", move="next")
    assert second["position"] == 1 and second["text"].startswith(
        "loss (*) passes its grad back: the + node.grad += 1 × 1, so it is 1;"
    )
    run, end = act(run, action="graph", move="end")
    texts = run.graph.texts  # each unit's text, drawn when shown (a drawing a step is 0.1 s here)
    assert end["position"] == units and end["text"] == texts[-1]
    assert texts[5].startswith("neuron out passes its grad")
    assert texts[-1].startswith("neuron h1.1 passes its grad")
    # the picture names each neuron as the page does (h1.2, out), never as draw_dot does on its own (L1.2, L3.1)
    shown = re.findall(r">neuron ([^<]+)<", end["svg"])
    assert sorted(shown) == sorted(n for column in neuron_ids(run.model)[1:] for n in column)
    root = run.point_loss(0)(model := MLP(2, [8, 8, 1], seed=0))
    root.backward()
    # the same chain rule, each neuron's sum of contributions perhaps in another order: equal to a few ulps
    assert [p.grad for p in run.graph.model.parameters()] == pytest.approx(
        [p.grad for p in model.parameters()], rel=1e-12
    )


def test_stepping_a_point_graph_needs_one_and_the_index_is_checked():
    run = LiveRun(Settings())
    with pytest.raises(BadRequest, match="click a training point first"):
        act(run, action="graph", move="next")
    with pytest.raises(BadRequest, match="index must be a whole number from 0 to 74, got 75"):
        act(run, action="graph", move="show", index=75)
    with pytest.raises(BadRequest, match="move must be one of show, next, back, start, end"):
        act(run, action="graph", move="up")


def test_weights_from_a_link_set_again_at_their_steps_give_the_same_run_to_the_bit():
    run, _ = act(None, action="configure", settings={"stop_at_100": False, "hidden": [3]})
    run, _ = act(run, action="weight", id="b-out", value=0.3)
    run, _ = act(run, action="step", steps=3)
    run, _ = act(run, action="weight", id="x1-h1", value=-2.5)
    run, first = act(run, action="step", steps=2)
    assert first["weights"] == "0:b-out:0.3,3:x1-h1:-2.5"  # what the address carries
    linked, start = act(None, action="configure", settings=first["settings"], weights=first["weights"])
    assert start["step"] == 0 and start["weights"] == first["weights"]  # step 0's weight set, step 3's to come
    assert start["params"][-1]["value"] == 0.3 and start["params"][0]["value"] != -2.5
    for _ in range(5):  # however the steps are asked for, step 3's weight is set once step 3 is done
        linked, again = act(linked, action="step", steps=1)
    assert again["train_loss"] == first["train_loss"] and again["history"] == first["history"]
    assert again["python"] == first["python"] and again["weights"] == first["weights"]


def test_a_weight_set_by_hand_drops_a_links_weights_still_to_come_and_reset_drops_them_all():
    run, _ = act(None, action="configure", settings={"hidden": [3]}, weights="4:x1-h1:1, 0:x2-h1:-1.25,")
    run, answer = act(run, action="step", steps=2)
    assert answer["weights"] == "0:x2-h1:-1.25,4:x1-h1:1.0"  # in step order, each value to the bit
    run, answer = act(run, action="weight", id="b-out", value=0.5)
    assert answer["weights"] == "0:x2-h1:-1.25,2:b-out:0.5"  # step 4's belonged to the run the link replayed
    run, answer = act(run, action="reset")
    assert answer["weights"] == ""


@pytest.mark.parametrize(
    ("weights", "message"),
    [  # asked of a network of 3 hidden neurons, h1 to h3
        ("0:x9-h1:1", "weights: 'x9-h1' in '0:x9-h1:1' is no weight or bias of this network, such as 'x1-h1'"),
        ("0:x1-h1.1:1", "weights: 'x1-h1.1' in '0:x1-h1.1:1' is no weight"),  # the run's 8-8 has it, the new one not
        ("0:x1-h1:11", "weights: the value in '0:x1-h1:11' must be a number from -10 to 10"),
        ("0:x1-h1:nan", "weights: the value in '0:x1-h1:nan' must be a number from -10 to 10"),
        ("x1-h1:1", "weights: 'x1-h1:1' must be step:parameter:value, such as '0:x1-h1:1.5'"),
        ("-1:x1-h1:1", "weights: the step in '-1:x1-h1:1' must be a whole number from 0 to 1000000000"),
        (5, "weights must be text of at most 4000 characters"),
    ],
)
def test_a_links_refused_weights_name_the_piece_and_change_nothing(weights, message):
    lesson = api.Lesson()  # through a session, as the page asks: the run it had is the run it keeps
    sid = lesson.handle("/api/session", b"{}")[1]["session"]

    def ask(**request) -> tuple[int, dict]:
        return lesson.handle("/api/train", json.dumps({"session": sid, **request}).encode())

    status, before = ask(action="step", steps=1)
    status, refused = ask(action="configure", settings={"hidden": [3]}, weights=weights)
    assert status == 400 and refused["error"].startswith(message)
    status, after = ask(action="show")
    assert after["settings"] == before["settings"] and after["settings"]["hidden"] != [3]
    assert after["params"] == before["params"] and after["weights"] == "" and after["step"] == 1


def test_setting_weights_by_hand_keeps_the_address_within_what_a_link_may_carry():
    run, _ = act(None, action="configure", settings={"hidden": [3], "stop_at_100": False})
    for k in range(200):  # the same weight set again at the same step: only the last one counts, and is kept
        run, answer = act(run, action="weight", id="x1-h1", value=k / 100)
    assert answer["weights"] == "0:x1-h1:1.99"
    for _ in range(400):  # one more a step, until the address would be too long: refused, nothing changed
        try:
            run, answer = act(run, action="weight", id="x2-h1", value=-1.2345678901234567)
        except BadRequest as refusal:
            assert "as many as its address can carry: press Reset" in str(refusal)
            break
        run, answer = act(run, action="step", steps=1)
    else:
        raise AssertionError("400 weights set by hand were never refused")
    assert len(answer["weights"]) <= live_training.WEIGHTS_TEXT
    _, again = act(None, action="configure", settings=answer["settings"], weights=answer["weights"])
    assert again["weights"] == answer["weights"]  # the link the page writes is one the server takes


def test_the_notebook_trainer_reads_the_weights_of_an_address():
    pytest.importorskip("anywidget", reason="needs the notebooks extra: pip install 'micrograd-lesson[notebooks]'")
    from micrograd_lesson.widgets import Trainer

    trainer = Trainer("dataset=moons&hidden=3&weights=0:x1-h1:1.5,2:b-out:-0.25")
    assert trainer.model.parameters()[0].data == 1.5
    trainer.train(2)
    assert trainer.model.parameters()[-1].data == -0.25
