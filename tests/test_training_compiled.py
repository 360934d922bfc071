"""TrainingLoop(compiled=True): every record, every state and every error of the loop as it is, to the bit."""

import math
import random
import subprocess
import sys

import pytest
from interrupting import interrupt_at_line
from test_training_loop import state

from micrograd_lesson import (
    MLP,
    SGD,
    Adam,
    TrainingLoop,
    Value,
    binary_cross_entropy,
    compiled_loop,
    data,
    features,
    hinge,
    mse,
    total,
    training,
)
from micrograd_lesson import compiled as compiled_module
from micrograd_lesson.app.sections import live_training
from micrograd_lesson.app.sections.live_training import LiveRun, Settings
from micrograd_lesson.losses import cross_entropy
from micrograd_lesson.recipe import Recipe, prepare
from micrograd_lesson.training import TrainingDiverged


def loops(optimizer="adam", lr=None, X=None, y=None, loss=hinge, activation="relu", sizes=(8, 1), weights=None):
    """The same loop twice, on the engine and compiled: a 2-8-1 network on 20 moons (or on X, y, ...)."""
    if X is None:
        X, y = data.moons(n=20, noise=0.1, seed=2)
        y = data.signed(y)
    made = []
    for compiled in (False, True):
        model = MLP(2, list(sizes), activation=activation, seed=4)
        if weights:
            model.set_parameters(weights)
        if optimizer == "adam":
            opt = Adam(model.parameters(), lr=lr or 0.05)
        else:
            opt = SGD(model.parameters(), lr=lr or 0.1, momentum=0.9)
        made.append(TrainingLoop(model, X, y, loss=loss, optimizer=opt, compiled=compiled))
    return made


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_every_phase_records_and_leaves_what_the_engines_loop_does(optimizer):
    eager, compiled = loops(optimizer)
    for _ in range(15):
        assert compiled.step() == eager.step()
        assert state(compiled) == state(eager) and graph(compiled) == graph(eager)
    assert compiled._compiled is not None  # the program did the work, not the engine


def graph(loop):
    """The data and grad of the loop's loss and of each prediction, as the phases leave them."""
    nodes = [loop.loss] if loop.loss else []
    nodes += loop.predictions or []
    return [(node.data, node.grad) for node in nodes]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_back_through_every_phase_and_forward_again_repeats_every_number(optimizer):
    eager, compiled = loops(optimizer)
    records, states = [], [state(compiled)]
    for _ in range(13):
        records.append(compiled.step())
        states.append(state(compiled))
        eager.step()
    for k in range(12, -1, -1):
        assert compiled.back() == eager.back() == records[k]
        assert state(compiled) == state(eager) == states[k]
    assert [compiled.step() for _ in range(13)] == records and state(compiled) == states[-1]


def test_run_gives_the_engines_losses_faster_in_mse_and_tanh_too():
    eager, compiled = loops("sgd", loss=mse, activation="tanh")
    assert compiled.run(10, progress=False) == eager.run(10, progress=False)
    assert compiled.history == eager.history and state(compiled) == state(eager)


XOR = data.xor()


HUGE = [[([1e200, 0.0], 0.0)], [([1e200], 0.0)]]  # d(loss)/d(x1) = 2 * 1e100 * 1e200 * 1e200 overflows


@pytest.mark.parametrize(
    ("X", "y", "lr", "phase", "weights"),
    [
        (*XOR, 1e308, "forward", None),
        (*XOR, 1e150, "loss", None),
        ([[1e-300, 0.0]], [0.0], 0.1, "backward", HUGE),
        ([[10.0, 10.0]], [-10.0], 1e308, "update", None),
    ],
    ids=["forward", "loss", "backward", "update"],
)
def test_training_that_diverges_stops_in_the_same_phase_with_the_same_message(X, y, lr, phase, weights):
    sizes = (1, 1) if weights else (8, 1)
    eager, compiled = loops("sgd", lr=lr, X=X, y=y, loss=mse, sizes=sizes, weights=weights)
    errors = []
    for loop in (eager, compiled):
        with pytest.raises(TrainingDiverged) as caught:
            loop.run(3, progress=False)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and f"in the {phase} phase" in errors[0]
    assert state(compiled) == state(eager) and compiled.history == eager.history


def test_a_loss_that_picks_its_formula_by_the_numbers_is_refused():
    """binary_cross_entropy only: cross_entropy's shift by the largest score is worked out per point (issue 24)."""
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match=r"cannot use binary_cross_entropy: it picks its formula by the numbers"):
        TrainingLoop(model, [[0.0, 1.0]], [1.0], loss=binary_cross_entropy, compiled=True)


def test_a_changed_model_is_compiled_anew_and_changed_data_needs_no_compiling_never_run_stale(monkeypatch):
    """The data are one point's program's arguments: a point that moves, or a label that flips, is no new program."""
    eager, compiled = loops("sgd")
    compiles = []
    real = compiled_loop._PointProgram
    monkeypatch.setattr(compiled_loop, "_PointProgram", lambda *a, **k: compiles.append(1) or real(*a, **k))
    for change in (
        lambda loop: None,
        lambda loop: loop.X[0].__setitem__(0, 3.0),  # a point of the data moves
        lambda loop: loop.y.__setitem__(1, -loop.y[1]),  # a label flips
        lambda loop: setattr(loop.model.layers[0].neurons[0], "activation", "tanh"),
        lambda loop: None,
    ):
        for loop in (eager, compiled):
            change(loop)
        for _ in range(5):
            assert compiled.step() == eager.step()
        assert state(compiled) == state(eager)
    assert len(compiles) == 2  # the first program, and one for the changed network


def test_values_of_yours_in_the_data_keep_adding_up_their_grads():
    made = []
    for compiled in (False, True):
        X = [[Value(0.5, label="a"), Value(-1.0)], [Value(1.5), Value(2.0)]]  # each loop its own
        model = MLP(2, [8, 1], seed=4)
        made.append(
            TrainingLoop(model, X, [1, -1], loss=hinge, optimizer=SGD(model.parameters(), 0.1), compiled=compiled)
        )
    eager, compiled = made
    for _ in range(10):
        assert compiled.step() == eager.step()
    grads = [v.grad for row in compiled.X for v in row]
    assert grads == [v.grad for row in eager.X for v in row] and grads[0] != 0.0


def test_a_loss_function_that_returns_no_value_is_the_loss_phases_error():
    X, y = data.xor()
    model = MLP(2, [2, 1], seed=0)
    loop = TrainingLoop(model, X, y, loss=lambda p, t: 1.0, compiled=True)
    loop.step()
    with pytest.raises(TypeError, match="the loss function must return one Value, got float"):
        loop.step()


def test_ctrl_c_at_any_line_then_resuming_ends_as_the_uninterrupted_loop():
    def loop():
        X, y = data.xor()
        model = MLP(2, [2, 1], seed=0)
        return TrainingLoop(model, X, y, optimizer=Adam(model.parameters(), lr=0.05), compiled=True)

    reference = loop()
    between_phases = [state(reference)]
    for _ in range(5):
        reference.step()
        between_phases.append(state(reference))

    def interrupted_at(k: int, *modules) -> bool:
        interrupted = loop()
        try:
            with interrupt_at_line(k, *modules):
                interrupted.run(1, progress=False)
        except KeyboardInterrupt:
            assert state(interrupted) in between_phases, f"interrupted at line {k}: a phase was left half done"
            interrupted.run(1 - interrupted.epoch, progress=False)
            assert state(interrupted) == between_phases[-1] and interrupted.history == reference.history, k
            return True
        return False

    k = 1
    while interrupted_at(k, training):  # Ctrl-C at each line run in training.py, then resume
        k += 1
    assert k > 100
    lines = range(1, 4000, 37)  # and at lines of compiled.py and compiled_loop.py: compiling, running the program
    assert sum(interrupted_at(k, compiled_module, compiled_loop) for k in lines) > len(lines) / 2


def test_the_program_can_be_let_go_and_taken_up_at_any_phase_and_the_numbers_stay_the_same():
    eager, compiled = loops("adam")
    for k in range(23):  # off and on again before each phase: the graph is rebuilt, then compiled anew
        compiled.compiled = k % 2 == 0
        assert compiled.step() == eager.step()
        assert state(compiled)[:6] == state(eager)[:6], k
        if compiled.predictions is not None:  # let go when the program went: built again where a phase needs it
            assert graph(compiled) == graph(eager), k
    assert compiled.compiled


def test_training_imports_no_compiler_until_a_loop_is_compiled():
    code = "import sys, micrograd_lesson.training; print('micrograd_lesson.compiled' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_one_points_program_serves_every_batch_the_engines_numbers_and_never_compiles_per_step(monkeypatch):
    """A batch is any list of points: batches of 7, 7 and 6 of 20 points, in a new order each epoch."""
    eager, compiled = loops("adam")
    compiles = []
    real = compiled_loop._PointProgram
    monkeypatch.setattr(compiled_loop, "_PointProgram", lambda *a, **k: compiles.append(1) or real(*a, **k))
    X, y = list(eager.X), list(eager.y)
    order = list(range(len(X)))
    for epoch in range(3):
        random.Random(epoch).shuffle(order)
        for batch in (order[:7], order[7:14], order[14:]):
            for loop in (eager, compiled):
                loop.X, loop.y = [X[i] for i in batch], [y[i] for i in batch]
            for _ in range(5):
                assert compiled.step() == eager.step()
                assert state(compiled) == state(eager) and graph(compiled) == graph(eager)
    assert len(compiles) == 1 and compiled._compiled._whole.program is None


def penalty(model, before=False, alpha=1e-3):
    """hinge + alpha * sum(p*p), the penalty added after the data loss (as micrograd's demo) or before it."""

    def loss(predictions, targets):
        reg = alpha * sum(p * p for p in model.parameters())
        return reg + hinge(predictions, targets) if before else hinge(predictions, targets) + reg

    return loss


@pytest.mark.parametrize(
    ("make_loss", "by_point"),
    [
        (lambda model: penalty(model), True),
        (lambda model: lambda p, t: mse(p, t) ** 0.5, True),  # a top whose terms' grads depend on their values
        (lambda model: lambda p, t: total([mse(p, t), *p]), False),  # a prediction goes to the top twice
        (lambda model: penalty(model, before=True), False),  # the penalty's grads come after the points'
    ],
    ids=["penalty-after", "root-of-mse", "prediction-twice", "penalty-before"],
)
def test_a_loss_one_points_program_cannot_split_gets_the_whole_graphs_program_and_the_same_numbers(make_loss, by_point):
    made = []
    for compiled in (False, True):
        model = MLP(2, [6, 1], activation="tanh", seed=4)
        X, y = data.moons(n=12, noise=0.1, seed=2)
        made.append(TrainingLoop(model, X, data.signed(y), loss=make_loss(model), compiled=compiled))
    eager, compiled = made
    for _ in range(15):
        assert compiled.step() == eager.step()
        assert state(compiled) == state(eager) and graph(compiled) == graph(eager)
    assert (compiled._compiled._whole.program is None) == by_point


def test_a_network_of_several_outputs_and_a_loss_of_them_runs_on_one_points_program():
    def loss(predictions, targets):
        return total([(p[0] - t) ** 2 + 0.5 * p[1] * p[1] for p, t in zip(predictions, targets)]) * 0.25

    made = []
    for compiled in (False, True):
        model = MLP(2, [5, 2], seed=1)
        made.append(TrainingLoop(model, *data.xor(), loss=loss, compiled=compiled))
    eager, compiled = made
    for _ in range(15):
        assert compiled.step() == eager.step()  # each record holds both outputs of every point
        assert [(p.data, p.grad) for p in compiled.params] == [(p.data, p.grad) for p in eager.params]
        if compiled.predictions is not None:
            both = [[(o.data, o.grad) for o in out] for loop in (compiled, eager) for out in loop.predictions]
            assert both[: len(both) // 2] == both[len(both) // 2 :]
    assert compiled._compiled._whole.program is None


def test_parameters_labelled_as_the_programs_own_names_keep_the_engines_numbers():
    names = ["k", "row", "rows", "numbers", "saved", "upstream", "order", "outputs", "forward", "backward", "x1"]
    made = []
    for compiled in (False, True):
        model = MLP(2, [4, 1], seed=3)
        for p, name in zip(model.parameters(), names * 2):
            p.label = name
        made.append(TrainingLoop(model, *data.xor(), compiled=compiled))
    eager, compiled = made
    for _ in range(10):
        assert compiled.step() == eager.step() and state(compiled) == state(eager)
        assert compiled._compiled._results is not None  # the program's numbers, not the engine's after it gave up


def flat_graph(loop):
    """The data and grad of the loop's loss and of every output of every prediction, as the phases leave them."""
    nodes = [loop.loss] if loop.loss else []
    nodes += [o for out in loop.predictions or [] for o in (out if isinstance(out, list) else [out])]
    return [(node.data, node.grad) for node in nodes]


def loop_state(loop):
    """state() but the predictions' data (flat_graph has them, for a network of several outputs too)."""
    return (loop.phase, loop.epoch, [(p.data, p.grad) for p in loop.params], loop.optimizer.state_dict(), loop.losses)


@pytest.mark.parametrize("recipe", [{"batch": 7}, {"batch": None, "regularization": "l2"}], ids=["batch", "l2"])
def test_three_classes_run_on_a_program_per_class_that_shifts_by_the_largest_score_to_the_bit(recipe):
    """cross_entropy's part for a point takes the right class's score (one program per class) and the largest
    score, which the program works out from the point's scores as losses.largest does (issue 24)."""
    made = [prepare(Recipe(dataset="three_blobs", hidden=(4,), ratio=20, **recipe)) for _ in range(2)]
    eager, compiled = made[0].loop, made[1].loop
    compiled.compiled = True
    for _ in range(4 * 12):  # a pass of 3 batches of 7, 7 and 6 (or 12 full-batch steps of 20 points)
        assert compiled.step() == eager.step()
        assert loop_state(compiled) == loop_state(eager) and flat_graph(compiled) == flat_graph(eager)
    assert len(compiled._compiled._programs) == 3 and compiled._compiled._whole.program is None
    assert compiled._compiled._results is not None  # the program did the last step's work, not the engine


def test_the_seven_features_and_l2_run_on_one_points_program_to_the_bit():
    recipe = Recipe(dataset="spiral", hidden=(8, 8), features=tuple(features.FEATURES), regularization="l2", ratio=20)
    made = [prepare(recipe) for _ in range(2)]
    eager, compiled = made[0].loop, made[1].loop
    compiled.compiled = True
    for _ in range(4 * 4):
        assert compiled.step() == eager.step()
        assert state(compiled) == state(eager) and graph(compiled) == graph(eager)
    assert len(compiled._compiled._programs) == 1 and compiled._compiled._whole.program is None


def test_cross_entropy_on_a_network_of_your_own_runs_on_the_engine_which_no_program_replays():
    """The whole graph's program would keep the first step's largest scores: the loop runs on the engine."""

    class Doubled(MLP):
        def __call__(self, x):
            return [2 * out for out in super().__call__(x)]

    X, y = data.three_blobs(n=9, seed=1)
    made = []
    for compiled in (False, True):
        model = Doubled(2, [3, 3], seed=2)
        made.append(TrainingLoop(model, X, y, loss=cross_entropy, compiled=compiled))
    eager, compiled = made
    for _ in range(3 * 4):
        assert compiled.step() == eager.step()
        assert loop_state(compiled) == loop_state(eager) and flat_graph(compiled) == flat_graph(eager)
    assert compiled._compiled._whole.program is None and compiled._compiled._results is None


def test_section_6_steps_three_classes_and_the_seven_features_with_l2_compiled_to_the_engines_numbers(monkeypatch):
    """Issue 24: both ran on the engine (three classes by rule, seven features past the old size limit)."""
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 2)  # the same path as at step 50, sooner
    for fields in ({"dataset": "three_blobs"}, {"features": list(features.FEATURES), "regularization": "l2"}):
        settings = Settings.read({**fields, "hidden": [4], "ratio": 20, "stop_at_100": False})
        runs = [LiveRun(settings) for _ in range(2)]
        runs[1].compilable = False  # its twin on the engine
        for run in runs:
            run.train(4, budget=math.inf)
        assert runs[0].loop.compiled and not runs[1].loop.compiled
        assert [p.data for p in runs[0].params] == [p.data for p in runs[1].params]
        assert runs[0].train_loss == runs[1].train_loss
    largest = {"dataset": "three_blobs", "features": list(features.FEATURES), "hidden": [8] * 6, "stop_at_100": False}
    for fields in ({"features": list(features.FEATURES), "regularization": "l2", "stop_at_100": False}, largest):
        assert LiveRun(Settings.read(fields)).compilable  # the default 8-8 on 75 points, and the largest network
