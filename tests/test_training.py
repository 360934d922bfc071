"""The training loop when things go wrong: divergence stops it with a clear error, Ctrl-C never leaves half a phase."""

import itertools
import math
import subprocess
import sys

import pytest
from interrupting import ctrl_c_during_run, interrupt_at_line
from test_training_loop import state as everything

from micrograd_lesson import MLP, SGD, Adam, TrainingLoop, data, engine, nn, optim, training
from micrograd_lesson.training import TrainingDiverged


def xor_loop(optimizer="sgd", lr=None):
    model = MLP(2, [2, 1], seed=0)
    X, y = data.xor()
    if optimizer == "sgd":
        opt = SGD(model.parameters(), lr=lr or 0.1, momentum=0.9)
    else:
        opt = Adam(model.parameters(), lr=lr or 0.05)
    return TrainingLoop(model, X, y, optimizer=opt)


# --- divergence ------------------------------------------------------------------------------------


def test_an_update_that_would_overflow_stops_training_and_a_smaller_lr_goes_on():
    model = MLP(1, [1], seed=0)
    loop = TrainingLoop(model, [[10.0]], [-10.0], optimizer=SGD(model.parameters(), lr=1e308))
    with pytest.raises(TrainingDiverged) as caught:
        loop.run(3, progress=False)
    message = str(caught.value)
    assert message.startswith("training diverged at epoch 0, in the update phase (step 4 of 5)")
    assert "try a smaller learning rate (lr=1e+308 now)" in message and "would move parameter 0" in message
    assert isinstance(caught.value, ArithmeticError)  # what callers caught before still catches it
    assert loop.phase == "update" and [r.phase for r in loop.history] == ["forward", "loss", "backward"]

    loop.optimizer.lr = 0.01  # the model and the loop are as they were before the update: lower lr, go on
    loop.run(5, progress=False)
    reference_model = MLP(1, [1], seed=0)
    reference = TrainingLoop(reference_model, [[10.0]], [-10.0], optimizer=SGD(reference_model.parameters(), lr=0.01))
    reference.run(5, progress=False)
    assert everything(loop) == everything(reference) and loop.history == reference.history


def test_weights_too_large_for_a_forward_pass_stop_training_at_the_last_finite_ones():
    loop = xor_loop(lr=1e308)  # one update makes the weights so large that the next forward pass overflows
    with pytest.raises(TrainingDiverged, match=r"^training diverged at epoch 1, in the forward phase \(step 1 of 5\)"):
        loop.run(3, progress=False)
    assert loop.phase == "forward" and loop.epoch == 1 and loop.predictions is None and len(loop.history) == 5
    assert all(math.isfinite(p.data) for p in loop.params)

    loop.back()  # undo the repeat and the update, lower lr, and train on
    loop.back()
    loop.optimizer.lr = 0.1
    loop.run(4, progress=False)
    reference = xor_loop(lr=0.1)
    reference.run(4, progress=False)
    assert everything(loop) == everything(reference)


def test_a_loss_too_large_to_compute_stops_training_in_the_loss_phase():
    loop = xor_loop(lr=1e150)
    with pytest.raises(TrainingDiverged, match=r"at epoch 1, in the loss phase \(step 2 of 5\).*Cause: \*\*"):
        loop.run(3, progress=False)
    assert loop.phase == "loss" and loop.loss is None and len(loop.predictions) == 4


# --- interrupts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("optimizer", "record"), [("sgd", True), ("adam", False)])
def test_ctrl_c_at_any_line_of_training_then_resuming_ends_with_the_uninterrupted_weights(optimizer, record):
    reference = xor_loop(optimizer)
    between_phases = [everything(reference)]
    for _ in range(10):
        reference.step()
        between_phases.append(everything(reference))
    for k in itertools.count(1):  # Ctrl-C at the first line run in training.py or optim.py, then the second, ...
        loop = xor_loop(optimizer)
        try:
            with interrupt_at_line(k, training, optim):
                loop.run(2, progress=False, record=record)
        except KeyboardInterrupt:
            assert everything(loop) in between_phases, f"interrupted at line {k}: a phase was left half done"
            assert loop.history == (reference.history[: len(loop.history)] if record else [])
            loop.run(2 - loop.epoch, progress=False, record=record)  # run again: it finishes what is left
        else:
            break
        assert everything(loop) == between_phases[-1], f"interrupted at line {k}"
        assert loop.history == (reference.history if record else [])
    assert k > 500  # every line of two epochs was a place to interrupt


def test_ctrl_c_in_the_middle_of_backward_leaves_the_old_gradients():
    def at_backward():
        loop = xor_loop()
        for _ in range(7):  # the second epoch's backward is next: every grad holds the first epoch's
            loop.step()
        return loop

    reference = at_backward()
    before = everything(reference)
    reference.step()
    after = everything(reference)
    for k in itertools.count(1):  # Ctrl-C at each line of zero_grad() and backward()
        loop = at_backward()
        try:
            with interrupt_at_line(k, engine, nn):
                loop.step()
        except KeyboardInterrupt:
            assert everything(loop) == before, f"interrupted at line {k}"
            loop.step()
        else:
            break
        assert everything(loop) == after and loop.history == reference.history
    assert k > 100


def test_a_real_ctrl_c_during_run_then_resuming_ends_with_the_uninterrupted_weights():
    loop = xor_loop("adam")

    ctrl_c_during_run(loop, 3, 1_000_000)  # once training has got going
    loop.run(2, progress=False)
    reference = xor_loop("adam")
    reference.run(loop.epoch, progress=False)
    assert everything(loop) == everything(reference) and loop.history == reference.history


# --- the divergence rule, and undoing a step -------------------------------------------------------------


def test_the_divergence_rule_undoes_the_step_that_made_the_loss_jump_and_says_what_to_try():
    loop = xor_loop(lr=50.0)
    loop.divergence = training.Divergence()
    before = []
    with pytest.raises(TrainingDiverged) as caught:
        for _ in range(100):
            before.append(everything(loop))
            loop.run(1, progress=False)
    step = len(before) - 1  # the step before: the loss it led to is judged in the next loop's loss phase
    assert str(caught.value) == caught.value.summary
    assert str(caught.value).startswith(f"Training diverged at step {step}: the loss ")
    assert "The learning rate 50 is too large for this network: try a smaller one, such as 5." in str(caught.value)
    assert everything(loop) == before[-2] and loop.phase == "forward" and loop.epoch == step - 1


def test_check_step_judges_the_loss_you_worked_out_and_undo_step_puts_everything_back():
    loop = xor_loop("adam")
    loop.divergence = training.Divergence()
    loop.run(2, progress=False)
    start = everything(loop)
    for _ in range(4):  # forward, loss, backward, update
        loop.step()
    loop.check_step(loop.start_loss)  # a loss where it started: training goes on
    with pytest.raises(TrainingDiverged, match=r"^Training diverged at step 3: the loss exploded from .* to inf\."):
        loop.check_step(math.inf)
    assert everything(loop) == start and loop.phase == "forward" and loop.epoch == 2
    loop.run(1, progress=False)
    loop.undo_step()  # between loops, the last one completed is undone
    assert everything(loop) == start
    with pytest.raises(ValueError, match="check_step"):
        loop.check_step(0.0)


def test_a_loop_that_lets_go_of_its_graph_between_phases_gives_the_same_numbers():
    loop, reference = xor_loop("adam"), xor_loop("adam")
    for _ in range(12):
        loop.let_go()
        assert loop.step() == reference.step()
        assert everything(loop)[:6] == everything(reference)[:6]  # the graph is built again only where a phase needs it
    assert loop.run(3, progress=False) == reference.run(3, progress=False)


FIRST_RUNS = """
import sys
from micrograd_lesson import MLP, SGD, TrainingLoop, data


def new_loop():
    model = MLP(2, [2, 1], seed=0)
    X, y = data.xor()
    return TrainingLoop(model, X, y, optimizer=SGD(model.parameters(), lr=0.1))


loaded = set(sys.modules)
calls, at, ends = 0, 0, []


def interrupt(frame, event, arg):  # Ctrl-C as the at-th call of the run begins
    global calls
    calls += 1
    if calls == at:
        raise KeyboardInterrupt


while True:
    at, calls = at + 1, 0
    loop = new_loop()
    sys.settrace(interrupt)
    try:
        loop.run(1, progress=False)
        sys.settrace(None)
        break
    except KeyboardInterrupt:
        sys.settrace(None)
        loop.run(1 - loop.epoch, progress=False)  # run again: it finishes what is left
    ends.append([p.data for p in loop.params])
assert set(sys.modules) == loaded, sorted(set(sys.modules) - loaded)  # the run imported nothing, first or later
reference = new_loop()
reference.run(1, progress=False)
assert all(end == [p.data for p in reference.params] for end in ends)
print(at)
"""


def test_ctrl_c_at_every_call_of_a_first_run_then_running_again_ends_as_the_uninterrupted_run():
    """Issue 26 item 20: run() imported tqdm (and asyncio) even with progress=False, and a Ctrl-C inside those
    imports broke every later run() in the process. Now it imports nothing: no call of a first run is an import."""
    done = subprocess.run([sys.executable, "-c", FIRST_RUNS], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 300  # every call of the first run was a place to interrupt
