"""Section 6's settings beside TensorFlow Playground's (issue 24): each reaches the run and its answers.

The runs here are LiveRuns, without the web stack: tests/test_train_api.py holds the HTTP side (bad input, URLs)."""

import math

import pytest

from micrograd_lesson import data, features, floats
from micrograd_lesson.app.requests import BadRequest
from micrograd_lesson.app.sections.live_training import LiveRun, Settings
from micrograd_lesson.engine import Value
from micrograd_lesson.losses import cross_entropy, hinge, l1, mse
from micrograd_lesson.recipe import Recipe, prepare

ALL = list(features.FEATURES)


def run_of(**fields):
    return LiveRun(Settings.read({"stop_at_100": False, **fields} if "stop_at_100" not in fields else fields))


def test_ratio_batch_and_epoch():
    run = run_of(dataset="spiral", ratio=40, batch=7)
    assert (len(run.targets), len(run.points.X_test)) == (40, 60)
    state = run.state()
    assert (state["batches_per_epoch"], state["epoch"]) == (6, 0)  # 7 * 5 + 5
    assert run.train(13, budget=math.inf) == 13
    state = run.state()
    assert (state["step"], state["epoch"]) == (13, 2)
    assert len(state["history"]) == 14  # the readouts stay over the whole sets: one row a step
    assert state["train_loss"] == floats.hinge(floats.outputs(run.model, run.inputs["train"]), run.targets)


def test_features_are_the_networks_inputs_with_their_maps_and_gradients():
    run = run_of(dataset="circles", features=["sin_x2", "x1_sq", "x1"], activation="linear")
    assert run.settings.features == ("x1", "x1_sq", "sin_x2") and run.model.nin == 3
    run.point = [0.5, -1.25]
    inspect = run.inspect()
    assert [(i["feature"], i["label"], i["value"]) for i in inspect["inputs"]] == [
        ("x1", "x1", 0.5),
        ("x1_sq", "x1²", 0.25),
        ("sin_x2", "sin(x2)", math.sin(-1.25)),
    ]
    one, squared, sine = (i["grad"] for i in inspect["inputs"])

    def output(x1, x2):
        return floats.outputs(run.model, features.expand([[x1, x2]], run.settings.features))[0]

    h = 1e-6  # d(output)/d(x1) flows through x1 and x1²: the slope of the output as x1 moves
    assert inspect["x1_grad"] == pytest.approx((output(0.5 + h, -1.25) - output(0.5 - h, -1.25)) / (2 * h), rel=1e-6)
    assert inspect["x1_grad"] == one  # the input x1 is the leaf x1 itself
    assert inspect["x1_grad"] != pytest.approx(one - 2 * 0.5 * squared)
    assert inspect["x2_grad"] == pytest.approx(math.cos(-1.25) * sine, rel=1e-12)
    picture = run.picture()
    grid = picture["grid"]
    xs = [grid["x"][0] + (grid["x"][1] - grid["x"][0]) * i / (grid["size"] - 1) for i in range(grid["size"])]
    assert picture["inputs"][1]["values"][: grid["size"]] == [x * x for x in xs]  # the top row of x1²'s map
    assert [i["id"] for i in picture["inputs"]] == ["x1", "x2", "x3"]  # the network picture's input nodes


def test_regularization_shows_the_penalty_apart_and_trains_on_both():
    run = run_of(dataset="moons", regularization="l1", reg_rate=0.05)
    weights = [Value(w.data) for w in run.weights]
    assert run.penalty == l1(weights, 0.05).data > 0.0
    assert run.train_loss == hinge([run.model(x) for x in run.inputs["train"]], run.targets).data  # the data loss
    loop_loss = run.loop.loss_fn([run.model(x) for x in run.inputs["train"]], run.targets).data
    assert loop_loss == run.train_loss + run.penalty  # what the optimizer sees: both
    run.train(3, budget=math.inf)
    state = run.state()
    assert state["penalty"] == run.penalty and state["last_step"]["penalty_after"] == run.penalty
    assert run_of(dataset="moons").state()["penalty"] == 0.0


def test_every_parameter_has_its_adam_state_and_its_change():
    run = run_of()
    assert all(row["change"] is None and row["m"] == row["v"] == 0.0 for row in run.state()["params"])
    before = [p.data for p in run.params]
    run.train(2, budget=math.inf)
    middle = [p.data for p in run.params]
    run.train(1, budget=math.inf)
    rows, state = run.state()["params"], run.optimizer.state_dict()
    assert [r["m"] for r in rows] == state["m"] and [r["v"] for r in rows] == state["v"]
    assert [r["change"] for r in rows] == [p.data - b for p, b in zip(run.params, middle)] and middle != before
    sgd = run_of(optimizer="sgd")
    sgd.train(1, budget=math.inf)
    assert all(r["m"] is None and r["v"] is None and r["change"] is not None for r in sgd.state()["params"])


def test_three_classes_train_on_cross_entropy_and_answer_the_winner():
    run = run_of(dataset="three_blobs", stop_at_100=True)
    assert run.model.layers[-1].neurons.__len__() == 3 and run.state()["loss_name"].startswith("softmax")
    run.train(40, budget=math.inf)
    scores = [[o.data for o in run.model(x)] for x in run.inputs["test"]]
    assert run.test_loss == cross_entropy(scores, run.points.y_test).data
    right = sum(max(range(3), key=row.__getitem__) == label for row, label in zip(scores, run.points.y_test))
    assert run.test_accuracy == right / len(scores)
    assert run.state()["status"]["kind"] == "stopped"  # three blobs part cleanly: 100% training accuracy
    inspect = run.inspect()
    assert len(inspect["output"]) == 3 and sum(inspect["probabilities"]) == pytest.approx(1.0)
    assert inspect["winner"] == max(range(3), key=inspect["output"].__getitem__)
    grid = run.picture()["grid"]
    assert grid["kind"] == "three_classes" and set(grid["classes"]) == {0, 1, 2}
    assert all(1 / 3 <= p <= 1.0 for p in grid["probability"])


def test_regression_trains_on_mse_and_stops_by_it():
    run = LiveRun(Settings.read({"dataset": "plane"}))
    assert (run.settings.stop_at_100, run.settings.stop_mse) == (False, 0.01)  # the kind's own stop rule
    state = run.state()
    assert state["kind"] == "regression" and state["train_accuracy"] is None and state["test_accuracy"] is None
    assert state["points"]["train"][0][2] == run.points.y_train[0] and isinstance(run.points.y_train[0], float)
    assert run.train_loss == mse([run.model(x) for x in run.inputs["train"]], run.targets).data
    run.train(300, budget=math.inf)
    status = run.state()["status"]  # stopped by the training MSE: the held-out points never decide (issue 22)
    assert status["kind"] == "stopped" and "training MSE fell below 0.01" in status["message"]
    assert run.train_loss < 0.01 <= run.history.rows()[-2][1]  # at the first step below it
    grid = run.picture()["grid"]
    assert grid["range"] == [-1.0, 1.0] and len(grid["values"]) == grid["size"] ** 2
    back = Settings.read({"dataset": "xor"}, run.settings)
    assert (back.stop_at_100, back.stop_mse) == (True, 0.0)


def test_a_batch_step_that_diverges_is_undone_and_said():
    run = run_of(dataset="moons", batch=5, lr=10.0, optimizer="sgd", activation="linear")
    run.train(50, budget=math.inf)
    assert run.state()["status"]["kind"] == "diverged"
    assert all(math.isfinite(p.data) for p in run.params) and "learning rate 10" in run.message


def test_a_class_only_setting_with_regression_is_refused():
    with pytest.raises(BadRequest, match="stop_at_100 is for classes"):
        Settings.read({"dataset": "multi_gaussian", "stop_at_100": True})


# --- what a learner is promised: the spiral learnable, the plane fitted ------------------------------------


SPIRAL = {"dataset": "spiral", "hidden": [8, 8], "activation": "tanh", "features": ALL}  # else the page's defaults


@pytest.mark.parametrize("data_seed", [0, 1, 2])
def test_the_spiral_is_learnable_on_the_seven_features(data_seed):
    """95% training accuracy within 2,000 steps with the page's defaults for the rest (Settings()), trained on the
    compiled loop (the same numbers as the engine, tests/test_training_compiled.py), judged every 25 steps."""
    settings = Settings.read({**SPIRAL, "data_seed": data_seed})
    assert (settings.lr, settings.optimizer, settings.ratio, settings.batch, settings.noise) == (
        0.05,
        "adam",
        75,
        None,
        0.1,  # the page's default noise since issue 22 (XOR's points visible)
    )
    made = prepare(settings.recipe())
    made.loop.compiled = True
    for _ in range(2000 // 25):
        made.loop.run(25, progress=False, record=False)
        outputs = floats.outputs(made.model, made.inputs)
        if sum((o > 0) == (label == 1) for o, label in zip(outputs, made.points.y_train)) >= 0.95 * len(outputs):
            break
    else:
        pytest.fail("the spiral was not learned to 95% within 2,000 steps")


def test_regression_reaches_an_mse_below_0_05_on_the_plane():
    made = prepare(Recipe(dataset="plane", noise=0.0))  # the page's defaults: 8-8 ReLU, Adam at 0.05, full batch
    made.loop.run(40, progress=False, record=False)  # below 0.05 from step 11
    assert floats.mse(floats.outputs(made.model, made.inputs), made.targets) < 0.05
    test = features.expand(made.points.X_test, ["x1", "x2"])
    assert floats.mse(floats.outputs(made.model, test), made.points.y_test) < 0.05
    assert data.KINDS["plane"] == "regression"
