"""Section 6's page features in the engine: a weight set on the picture, the parameter table, a point's loss graph."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

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
