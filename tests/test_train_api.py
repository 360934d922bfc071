"""Section 6's endpoint, POST /api/train, through Starlette's test client: a live run's numbers and its refusals."""

from __future__ import annotations

import gc
import itertools
import math
import subprocess
import sys
import weakref

import pytest
from starlette.testclient import TestClient  # needs httpx, from the dev extra

from micrograd_lesson import nn
from micrograd_lesson.app import server
from micrograd_lesson.app.sections import live_training
from micrograd_lesson.app.sections.live_training import LiveRun, Settings
from micrograd_lesson.losses import hinge
from micrograd_lesson.metrics import accuracy
from micrograd_lesson.nn import layer_values


@pytest.fixture(autouse=True)
def all_the_time_it_takes(monkeypatch):
    """Every step asked for is done, however slow the machine: the tests' numbers never depend on the clock."""
    monkeypatch.setattr(live_training, "TIME_BUDGET", 600.0)


def train(client, session: str, **body) -> dict:
    """POST body to /api/train in the session; the answer, which must be a 200."""
    answer = client.post("/api/train", json={"session": session, **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def refused(client, session: str, **body):
    """POST body to /api/train in the session; the response."""
    return client.post("/api/train", json={"session": session, **body})


def floats(value) -> list[float]:
    """Every float anywhere in an answer."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [f for item in value for f in floats(item)]
    return []


def test_the_first_show_makes_the_default_run_at_step_0(client, session):
    answer = train(client, session, action="show", seq=7)
    assert answer["seq"] == 7
    assert answer["settings"] == {
        "dataset": "xor",
        "noise": 0.1,
        "data_seed": 0,
        "hidden": [8, 8],
        "activation": "relu",
        "lr": 0.05,
        "optimizer": "adam",
        "seed": 0,
        "stop_at_100": True,
        "ratio": 75,  # issue 24's settings, as the page was before them: 3/4 train, full batch, x1 and x2, no penalty
        "batch": None,
        "features": ["x1", "x2"],
        "regularization": "none",
        "reg_rate": 0.001,
        "stop_mse": 0.0,
    }
    assert answer["step"] == 0 and answer["last_step"] is None and answer["restarted"] is None
    assert answer["history"] == [[0, answer["train_loss"], answer["test_loss"]]]
    assert answer["status"] == {"kind": "ready", "message": ""}
    assert answer["loss_name"].startswith("hinge loss")
    assert (len(answer["points"]["train"]), len(answer["points"]["test"])) == (75, 25)
    ids = [p["id"] for p in answer["params"]]
    assert ids[:3] == ["x1-h1.1", "x2-h1.1", "b-h1.1"] and ids[-1] == "b-out" and len(ids) == 8 * 3 + 8 * 9 + 9
    assert [n["id"] for n in answer["inspect"]["neurons"]][-1] == "out"
    assert "from micrograd_lesson" in answer["python"]


def test_the_readouts_are_the_engines_numbers(client, session):
    answer = train(client, session, action="step", steps=3)
    run = LiveRun(Settings())
    run.train(3)
    X, y = run.points.X_train, run.targets
    assert answer["train_loss"] == hinge([run.model(x) for x in X], y).data
    assert answer["train_loss"] == run.train_loss and answer["test_loss"] == run.test_loss
    p = run.points
    assert answer["train_accuracy"] == accuracy(run.model, X, p.y_train) < 1.0
    assert answer["test_accuracy"] == accuracy(run.model, p.X_test, p.y_test)


def test_the_garbage_collector_is_on_between_steps(client, session):
    assert gc.isenabled()
    train(client, session, action="step", steps=2)
    train(client, session, action="phase")
    train(client, session, action="picture", grads=True)
    assert gc.isenabled()


def test_a_step_trains_and_the_last_step_panel_says_what_it_did(client, session):
    start = train(client, session, action="show")
    answer = train(client, session, action="step", steps=2)
    assert answer["step"] == 2 and [row[0] for row in answer["history"]] == [0, 1, 2]
    last = answer["last_step"]
    assert last["loss_before"] == answer["history"][1][1] and last["loss_after"] == answer["train_loss"]
    assert len(last["nudges"]) == 4 and last["nudges"][0]["lr"] == 0.05
    before = {p["id"]: p["value"] for p in train(client, session, action="show")["params"]}
    nudge = last["nudges"][0]
    assert abs(nudge["change"]) == max(abs(n["change"]) for n in last["nudges"])
    assert nudge["id"] in before and start["params"] != answer["params"]
    label = {p["id"]: p["label"] for p in answer["params"]}  # one name a weight, as section 2 and the table name it
    assert [n["name"] for n in last["nudges"]] == [label[n["id"]] for n in last["nudges"]]


def test_reset_after_20_steps_gives_the_step_0_loss_exactly(client, session):
    start = train(client, session, action="show")
    assert train(client, session, action="step", steps=20)["train_loss"] != start["train_loss"]
    reset = train(client, session, action="reset")
    assert reset["step"] == 0 and reset["train_loss"] == start["train_loss"] and reset["params"] == start["params"]
    assert reset["history"] == start["history"]


def test_new_weights_and_new_data_take_the_next_seed(client, session):
    start = train(client, session, action="step", steps=3)
    weights = train(client, session, action="new_weights")
    assert weights["settings"]["seed"] == 1 and weights["step"] == 0
    assert weights["points"] == start["points"] and weights["params"] != start["params"]
    fresh = train(client, session, action="new_data")
    assert fresh["settings"]["data_seed"] == 1 and fresh["settings"]["seed"] == 1
    assert fresh["points"] != start["points"]


def test_configure_says_what_restarted_and_keeps_the_rest(client, session):
    train(client, session, action="step", steps=5)
    answer = train(client, session, action="configure", settings={"lr": 0.1, "hidden": [3]})
    assert answer["restarted"] == "Changing the hidden layers and the learning rate restarts training from step 0."
    assert answer["step"] == 0 and answer["settings"]["hidden"] == [3] and answer["settings"]["dataset"] == "xor"
    again = train(client, session, action="configure", settings={})
    assert again["restarted"] == "Training restarts from step 0 with the same settings."
    assert train(client, session, action="show")["restarted"] is None


URL_SETTINGS = {
    "dataset": "moons",
    "noise": 0.2,
    "data_seed": 7,
    "hidden": [5, 3, 2],
    "activation": "tanh",
    "lr": 0.3,
    "optimizer": "sgd",
    "seed": 12,
    "stop_at_100": False,
    "ratio": 60,
    "batch": 7,
    "features": ["x1", "x2_sq", "sin_x1"],
    "regularization": "l1",
    "reg_rate": 0.01,
    "stop_mse": 0.0,
}


def test_settings_from_a_url_give_the_same_step_0_loss_as_a_fresh_run_with_them(client, session):
    train(client, session, action="step", steps=4)  # a tab that has trained, then opens a shared URL
    answer = train(client, session, action="configure", settings=URL_SETTINGS)
    assert answer["settings"] == URL_SETTINGS
    fresh = LiveRun(Settings.read(URL_SETTINGS))
    assert answer["train_loss"] == fresh.train_loss and answer["step"] == 0
    other = client.post("/api/session", json={}).json()["session"]
    assert train(client, other, action="configure", settings=URL_SETTINGS)["params"] == answer["params"]


@pytest.mark.parametrize("seed", range(5))
def test_xor_reaches_100_percent_within_500_steps_and_stops_saying_when(client, session, seed):
    train(client, session, action="configure", settings={"seed": seed})
    answer = train(client, session, action="step", steps=500)
    step = answer["step"]
    assert answer["train_accuracy"] == 1.0 and 1 <= step < 500  # the training points decide, never the test points
    assert answer["status"]["kind"] == "stopped" and answer["status"]["message"].startswith(
        f"Stopped at step {step}: 100% training accuracy"
    )
    on = train(client, session, action="step", steps=3)  # once per run: it trains on past it
    assert on["step"] == step + 3 and on["status"]["kind"] == "ready" and f"at step {step}" in on["status"]["message"]


def test_stopping_at_100_percent_can_be_turned_off(client, session):
    train(client, session, action="configure", settings={"stop_at_100": False})
    answer = train(client, session, action="step", steps=40)
    assert answer["step"] == 40 and answer["test_accuracy"] == 1.0 and answer["status"]["kind"] == "ready"


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_learning_rate_of_10_diverges_with_a_message_and_the_next_request_works(
    client, session, optimizer, activation
):
    settings = {"lr": 10, "optimizer": optimizer, "activation": activation, "stop_at_100": False}
    start = train(client, session, action="configure", settings=settings)
    answer = train(client, session, action="step", steps=50)
    status = answer["status"]
    assert status["kind"] == "diverged" and answer["step"] < 50
    assert "learning rate 10 " in status["message"] and "smaller" in status["message"]
    assert all(math.isfinite(f) for f in floats(answer))
    assert answer["train_loss"] <= 2 * max(start["train_loss"], 1.0)  # the weights from before the step that blew up
    assert train(client, session, action="picture")["grid"]["size"] == 30
    again = train(client, session, action="step", steps=1)
    assert again["status"]["kind"] == "diverged" and again["step"] == answer["step"]
    assert train(client, session, action="reset")["status"]["kind"] == "ready"
    assert train(client, session, action="configure", settings={"lr": 0.05})["status"]["kind"] == "ready"


def test_a_slow_motion_step_that_diverges_says_so_in_its_update_phase(client, session):
    start = train(client, session, action="configure", settings={"lr": 10})
    phases = [train(client, session, action="phase") for _ in range(4)]
    assert [a["phase"]["name"] for a in phases[:3]] == ["forward", "loss", "backprop"]
    assert phases[3]["phase"] is None and phases[3]["status"]["kind"] == "diverged"
    values = [[p["value"] for p in answer["params"]] for answer in (start, phases[3])]
    assert phases[3]["step"] == 0 and values[0] == values[1]  # the weights from before the step
    assert train(client, session, action="phase")["phase"]["name"] == "forward"


def test_the_history_stays_within_200_rows_evenly_thinned_with_both_ends(client, session):
    settings = {"hidden": [2], "stop_at_100": False, "lr": 0.01, "ratio": 10}  # 10 training points: cheap steps
    train(client, session, action="configure", settings=settings)
    for _ in range(2):
        answer = train(client, session, action="step", steps=1000)
    answer = train(client, session, action="step", steps=7)
    rows = answer["history"]
    assert answer["step"] == 2007 and len(rows) <= 200
    assert rows[0][0] == 0 and rows[-1] == [2007, answer["train_loss"], answer["test_loss"]]
    gaps = {b[0] - a[0] for a, b in itertools.pairwise(rows[:-1])}
    assert len(gaps) == 1 and gaps.pop() <= 2007 / 100


def test_a_request_stops_when_its_time_is_up_and_says_how_far_it_got(client, session, monkeypatch):
    monkeypatch.setattr(live_training, "TIME_BUDGET", 0.0)
    train(client, session, action="configure", settings={"stop_at_100": False})
    assert train(client, session, action="step", steps=1000)["step"] == 1


def test_the_slow_motion_step_runs_the_five_phases_in_order(client, session):
    names = []
    for index in range(1, 6):
        answer = train(client, session, action="phase")
        phase = answer["phase"]
        assert phase["index"] == index and phase["text"]
        names.append(phase["name"])
        assert answer["step"] == (0 if index < 4 else 1)
        if phase["name"] == "loss":
            assert phase["highlight"] == ["out"]
        if phase["name"] == "forward":
            assert "h1.1" in phase["highlight"] and "x1-h1.1" in phase["highlight"]
    assert names == ["forward", "loss", "backprop", "update", "repeat"]
    stepped = train(client, session, action="step", steps=1)
    assert stepped["step"] == 2


def test_a_step_finishes_a_half_done_slow_motion_step_first(client, session):
    train(client, session, action="phase")
    train(client, session, action="phase")
    answer = train(client, session, action="step", steps=3)
    plain = client.post("/api/session", json={}).json()["session"]
    assert answer["step"] == 3 and answer["train_loss"] == train(client, plain, action="step", steps=3)["train_loss"]
    assert train(client, session, action="phase")["phase"]["name"] == "forward"


def test_inspecting_a_point_between_phases_changes_no_training_number(client, session):
    for _ in range(3):  # forward, loss, backprop: the gradients are in the parameters now
        train(client, session, action="phase")
    train(client, session, action="point", x1=-0.5, x2=2.0)
    train(client, session, action="picture", grads=True)
    answer = train(client, session, action="step", steps=4)
    plain = client.post("/api/session", json={}).json()["session"]
    assert answer["train_loss"] == train(client, plain, action="step", steps=4)["train_loss"]


def test_the_inspected_point_has_each_neurons_steps_value_and_gradient(client, session):
    answer = train(client, session, action="point", x1=0.25, x2=-1.5)
    inspect = answer["inspect"]
    assert (inspect["x1"], inspect["x2"]) == (0.25, -1.5)
    run = LiveRun(Settings(), point=(0.25, -1.5))
    values = layer_values(run.model, [0.25, -1.5])
    neurons = {n["id"]: n for n in inspect["neurons"]}
    assert neurons["out"]["value"] == inspect["output"] == values[-1][0] and neurons["out"]["grad"] == 1.0
    out = run.model.layers[-1].neurons[0]
    for j in range(8):  # the output is linear: d(out)/d(h2.j) is h2.j's weight into it
        assert neurons[f"h2.{j + 1}"]["grad"] == out.w[j].data
        assert neurons[f"h2.{j + 1}"]["value"] == values[2][j]
        assert neurons[f"h2.{j + 1}"]["off"] == (values[2][j] == 0.0)
    steps = neurons["h1.1"]["steps"]
    assert len(steps) == 4 and steps[0] == "1. inputs: 0.2500, -1.5000" and steps[3].startswith("4. activation: relu(")


def test_the_picture_has_the_grid_every_hidden_neuron_and_the_network(client, session):
    answer = train(client, session, action="show")
    picture = train(client, session, action="picture", grads=False)
    grid = picture["grid"]
    assert grid["size"] == 30 and len(grid["values"]) == 900 and grid["threshold"] == 0.0
    points = answer["points"]["train"] + answer["points"]["test"]
    for axis, (low, high) in enumerate([grid["x"], grid["y"]]):
        assert low < min(p[axis] for p in points) and max(p[axis] for p in points) < high
    assert [n["id"] for n in picture["neurons"]] == [f"h{k}.{j}" for k in (1, 2) for j in range(1, 9)]
    assert all(len(n["values"]) == 900 for n in picture["neurons"])
    assert picture["svg"].lstrip().startswith("<") and 'id="neuron-h1_1"' in picture["svg"]
    run = LiveRun(Settings())
    (xmin, _), (_, ymax) = run.bounds
    assert grid["values"][0] == run.model([xmin, ymax]).data  # the top left corner
    assert "gradients" in train(client, session, action="picture", grads=True)["svg"]


def test_a_network_with_no_hidden_layer_trains_and_draws(client, session):
    answer = train(client, session, action="configure", settings={"hidden": [], "stop_at_100": False})
    assert [n["id"] for n in answer["inspect"]["neurons"]] == ["out"]
    assert train(client, session, action="step", steps=3)["step"] == 3
    assert train(client, session, action="picture")["neurons"] == []


def test_the_page_offers_every_activation_a_network_has_and_each_trains_and_draws(client):
    offered = client.post("/api/session", json={}).json()["choices"]["live_training"]["activations"]
    assert offered == list(nn.ACTIVATIONS)  # a new activation in nn reaches the page with no second edit
    for activation in offered:
        sid = client.post("/api/session", json={}).json()["session"]
        answer = train(client, sid, action="configure", settings={"activation": activation, "hidden": [3]})
        assert answer["settings"]["activation"] == activation
        assert train(client, sid, action="step", steps=2)["step"] == 2
        assert train(client, sid, action="picture")["neurons"]


SCRIPT_RUNS = [
    {},
    {"optimizer": "sgd", "lr": 0.2},
    {"activation": "tanh", "hidden": [4]},
    {"dataset": "moons", "noise": 0.15, "data_seed": 3, "activation": "sigmoid"},
    {"dataset": "circles", "noise": 0.05, "hidden": [6, 3], "seed": 9},
]


def run_script(source: str, folder) -> list[str]:
    """The lines a script prints, run in a fresh Python."""
    script = folder / "run.py"
    script.write_text(source)
    printed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True)
    return printed.stdout.splitlines()


@pytest.mark.parametrize("settings", SCRIPT_RUNS)
def test_the_python_script_gives_the_pages_loss_at_step_10(client, session, settings, tmp_path):
    train(client, session, action="configure", settings={**settings, "stop_at_100": False})
    answer = train(client, session, action="step", steps=10)
    assert answer["step"] == 10 and answer["status"]["kind"] == "ready"
    lines = run_script(answer["python"], tmp_path)
    assert len(lines) == 11 and lines[0] == f"0 {answer['history'][0][1]!r}"
    assert lines[-1] == f"10 {answer['train_loss']!r}"


def test_past_the_compiled_steps_the_script_still_gives_the_pages_loss(client, session, tmp_path):
    train(client, session, action="configure", settings={"stop_at_100": False, "hidden": [4]})
    steps = live_training.COMPILED_AFTER + 5
    answer = train(client, session, action="step", steps=steps)
    assert answer["step"] == steps
    assert run_script(answer["python"], tmp_path)[-1] == f"{steps} {answer['train_loss']!r}"


def test_every_float_in_every_answer_is_finite(client, session):
    answers = [train(client, session, action="configure", settings={"lr": 10, "stop_at_100": False})]
    answers += [train(client, session, action=a, steps=30) for a in ("step", "phase", "show")]
    answers.append(train(client, session, action="picture", grads=True))
    assert all(math.isfinite(f) for answer in answers for f in floats(answer))


@pytest.fixture(scope="module")
def at_step_2():
    """(client, session, its answer) for one session trained 2 steps, shared by the refusals below: each finds it as
    it was, or the refusal before it changed something and failed (a fresh session and 2 steps each cost 10 times
    more than the refusal itself)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live_training, "TIME_BUDGET", 600.0)
        client = TestClient(server.create_app(), base_url="http://127.0.0.1")
        session = client.post("/api/session", json={}).json()["session"]
        return client, session, train(client, session, action="step", steps=2)


@pytest.mark.parametrize(
    "body, words",
    [
        ({"action": "train"}, "action must be one of show, configure, step"),
        ({"action": None}, "action must be one of"),
        ({"action": "step"}, "steps must be a whole number from 1 to 1000, got null"),
        ({"action": "step", "steps": 0}, "steps must be a whole number from 1 to 1000, got 0"),
        ({"action": "step", "steps": 1001}, "from 1 to 1000, got 1001"),
        ({"action": "step", "steps": True}, "steps must be a whole number"),
        ({"action": "step", "steps": 2.5}, "steps must be a whole number"),
        ({"action": "step", "steps": "10"}, "steps must be a whole number"),
        ({"action": "point", "x1": 7, "x2": 0}, "x1 must be between -6 and 6, got 7"),
        ({"action": "point", "x1": 0}, "x2 must be a finite number"),
        ({"action": "point", "x1": False, "x2": 0}, "x1 must be a finite number"),
        ({"action": "picture", "grads": "yes"}, "grads must be true or false"),
        ({"action": "configure"}, "settings must be an object"),
        ({"action": "configure", "settings": [1]}, "settings must be an object"),
        ({"action": "configure", "settings": {"colour": 1}}, "settings has no field 'colour'"),
        ({"action": "configure", "settings": {"lr": 0}}, "lr must be above 0 and at most 10, got 0"),
        ({"action": "configure", "settings": {"lr": 11}}, "lr must be between 0 and 10, got 11"),
        ({"action": "configure", "settings": {"lr": -1}}, "lr must be between 0 and 10"),
        ({"action": "configure", "settings": {"lr": True}}, "lr must be a finite number, got true"),
        ({"action": "configure", "settings": {"lr": "0.1"}}, "lr must be a finite number"),
        ({"action": "configure", "settings": {"noise": 2}}, "noise must be between 0 and 0.5, got 2"),
        ({"action": "configure", "settings": {"noise": -0.1}}, "noise must be between 0 and 0.5"),
        ({"action": "configure", "settings": {"dataset": "mnist"}}, "dataset must be one of xor, moons, circles"),
        ({"action": "configure", "settings": {"activation": "softplus"}}, "activation must be one of relu, tanh"),
        # issue 24's settings (linear became an activation: softplus stands for an unknown one above)
        ({"action": "configure", "settings": {"ratio": 5}}, "ratio must be a whole number from 10 to 90, got 5"),
        ({"action": "configure", "settings": {"ratio": 91}}, "ratio must be a whole number from 10 to 90, got 91"),
        ({"action": "configure", "settings": {"ratio": 50.5}}, "ratio must be a whole number from 10 to 90"),
        ({"action": "configure", "settings": {"batch": 0}}, "batch must be null (the whole training set) or a whole"),
        ({"action": "configure", "settings": {"batch": 76}}, "number from 1 to 75, the training set's size, got 76"),
        ({"action": "configure", "settings": {"ratio": 20, "batch": 30}}, "from 1 to 20, the training set's size"),
        ({"action": "configure", "settings": {"features": ["x1", "x3"]}}, "a feature must be one of x1, x2, x1_sq"),
        ({"action": "configure", "settings": {"features": []}}, "features must be at least one of x1"),
        ({"action": "configure", "settings": {"features": ["x1", "x1"]}}, "each once"),
        ({"action": "configure", "settings": {"regularization": "l3"}}, "regularization must be one of none, l1, l2"),
        ({"action": "configure", "settings": {"reg_rate": -0.1}}, "reg_rate must be between 0 and 10, got -0.1"),
        ({"action": "configure", "settings": {"dataset": "plane", "stop_at_100": True}}, "stop_at_100 is for classes"),
        ({"action": "configure", "settings": {"stop_mse": 0.05}}, "stop_mse is for regression, and xor is a dataset"),
        ({"action": "configure", "settings": {"optimizer": "rmsprop"}}, "optimizer must be one of sgd, adam"),
        ({"action": "configure", "settings": {"hidden": [8] * 7}}, "hidden must be a list of at most 6 whole"),
        ({"action": "configure", "settings": {"hidden": [9]}}, "numbers from 1 to 8, got [9]"),
        ({"action": "configure", "settings": {"hidden": [0]}}, "hidden must be a list"),
        ({"action": "configure", "settings": {"hidden": [True]}}, "hidden must be a list"),
        ({"action": "configure", "settings": {"hidden": [2.0]}}, "hidden must be a list"),
        ({"action": "configure", "settings": {"hidden": "8,8"}}, "hidden must be a list"),
        ({"action": "configure", "settings": {"seed": -1}}, "seed must be a whole number from 0 to 1000000000"),
        ({"action": "configure", "settings": {"seed": 10**9 + 1}}, "seed must be a whole number"),
        ({"action": "configure", "settings": {"seed": 1.5}}, "seed must be a whole number"),
        ({"action": "configure", "settings": {"data_seed": True}}, "data_seed must be a whole number"),
        ({"action": "configure", "settings": {"stop_at_100": 1}}, "stop_at_100 must be true or false, got 1"),
    ],
)
def test_bad_input_gets_400_naming_the_field_and_the_next_request_works(at_step_2, body, words):
    client, session, start = at_step_2
    answer = refused(client, session, **body)
    assert answer.status_code == 400
    assert words in answer.json()["error"]
    after = train(client, session, action="show")  # nothing changed: a refused request does nothing
    assert after["step"] == 2 and after["settings"] == start["settings"] and after["params"] == start["params"]


@pytest.mark.parametrize("sid", ["no-such-session", None, 12])
def test_a_missing_or_unknown_session_gets_410(client, sid):
    answer = client.post("/api/train", json={"session": sid, "action": "show"})
    assert answer.status_code == 410 and "session" in answer.json()["error"]


def test_a_dropped_session_gets_410_and_a_new_one_starts_afresh(monkeypatch):
    monkeypatch.setattr(server, "MAX_SESSIONS", 2)
    client = TestClient(server.create_app(), base_url="http://127.0.0.1")
    first = client.post("/api/session", json={}).json()["session"]
    train(client, first, action="step", steps=3)
    for _ in range(2):
        client.post("/api/session", json={})
    assert refused(client, first, action="show").status_code == 410
    fresh = client.post("/api/session", json={}).json()["session"]
    assert train(client, fresh, action="show")["step"] == 0


def test_over_the_cap_of_trainings_the_server_says_it_is_busy(client, session):
    held = 0
    try:
        while server.TRAINING_SLOTS.acquire(blocking=False):  # as if MAX_TRAININGS other tabs were training
            held += 1
        assert held == server.MAX_TRAININGS
        busy = refused(client, session, action="step", steps=1)
        assert busy.status_code == 503 and busy.json()["error"] == server.BUSY
        assert refused(client, session, action="phase").status_code == 503
        for action in ("show", "picture", "reset"):  # only training waits for a slot: the page still loads
            assert train(client, session, action=action)
    finally:
        for _ in range(held):
            server.TRAINING_SLOTS.release()
    assert train(client, session, action="step", steps=1)["step"] == 1


def test_a_run_at_work_keeps_its_compiled_program_and_lets_it_go_at_any_phase_with_the_same_numbers(monkeypatch):
    """Half-way through a slow-motion step, a run lets its program go too (issue 26 item 1: it kept it for good)."""
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 3)  # compiled sooner: the same code, a shorter test
    settings = Settings(stop_at_100=False, hidden=(4,))
    run, alone = LiveRun(settings), LiveRun(settings)
    run.train(live_training.COMPILED_AFTER + 1, budget=math.inf)
    with run.lock:  # a request is working on it
        assert not run.drop_compiled() and run.loop.compiled
    run.phase()
    run.phase()  # half-way through a slow-motion step
    assert run.drop_compiled() and not run.loop.compiled
    run.train(2, budget=math.inf)  # the step finishes on the engine, and the next one compiles again
    assert run.loop.compiled
    alone.train(live_training.COMPILED_AFTER + 3, budget=math.inf)
    assert [p.data for p in run.params] == [p.data for p in alone.params] and run.train_loss == alone.train_loss


def test_a_run_left_half_way_through_a_compiled_step_is_freed_once_replaced_or_dropped(monkeypatch):
    """Issue 26 item 1: such a run was held for good by a registry of compiled programs, so memory grew."""
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 3)  # compiled sooner: the same code, a shorter test
    settings = {"stop_at_100": False, "hidden": [4]}
    freed = []
    for action in ("reset", "configure", None):  # replaced by Reset or a new configuration, or its session dropped
        run, _ = live_training.respond(None, {"action": "configure", "settings": settings})
        run.train(live_training.COMPILED_AFTER + 1, budget=math.inf)
        run.phase()  # left half-way through a slow-motion step
        left = weakref.ref(run)
        if action:
            live_training.respond(run, {"action": action, "settings": settings})
        del run
        gc.collect()
        freed.append(left() is None)  # nothing else holds it
    assert freed == [True, True, True]


def test_the_last_step_keeps_its_own_gradients_through_a_slow_motion_backprop(client, session):
    """-lr x grad = change holds for the last step's nudges (SGD) even after the next step's backprop phase."""
    train(client, session, action="configure", settings={"optimizer": "sgd", "lr": 0.1, "stop_at_100": False})
    train(client, session, action="step", steps=3)
    for name in ("forward", "loss", "backprop"):  # the next step, stopped before its update: new gradients
        answer = train(client, session, action="phase")
        assert answer["phase"]["name"] == name
    now = {p["id"]: p["grad"] for p in answer["params"]}
    nudges = answer["last_step"]["nudges"]
    assert any(now[n["id"]] != n["grad"] for n in nudges)  # the backprop phase changed these gradients
    for n in nudges:
        assert math.isclose(-0.1 * n["grad"], n["change"], rel_tol=1e-9, abs_tol=1e-15), n


def test_a_point_anywhere_on_the_plot_can_be_inspected_up_to_6(client, session):
    """The plot reaches past 3 with noise (and MARGIN beyond the outermost points): the point reaches 6 either way."""
    train(client, session, action="configure", settings={"dataset": "circles", "noise": 0.5})
    answer = train(client, session, action="picture")
    assert max(abs(v) for v in answer["grid"]["x"] + answer["grid"]["y"]) < live_training.POINT_LIMIT == 6.0
    answer = train(client, session, action="point", x1=-4.5, x2=6)
    assert [answer["inspect"]["x1"], answer["inspect"]["x2"]] == [-4.5, 6]
    assert "between -6 and 6" in refused(client, session, action="point", x1=0, x2=-6.01).json()["error"]


def test_a_network_whose_relus_all_died_says_so_and_what_to_try(client, session):
    assert train(client, session, action="show")["dead"] is None
    settings = {"dataset": "circles", "optimizer": "sgd", "lr": 10, "stop_at_100": False}
    train(client, session, action="configure", settings=settings)
    answer = train(client, session, action="step", steps=5)  # lr 10 kills every ReLU of layer 2 within a few steps
    assert answer["dead"].startswith("Every ReLU of hidden layer 2 gives 0 for every training point")
    assert "New weights, a smaller learning rate, or tanh" in answer["dead"]
    assert train(client, session, action="configure", settings={"activation": "tanh"})["dead"] is None
