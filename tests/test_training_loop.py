"""The five-step training loop: records, going back, learning; and the lesson's claims, trained."""

import random

import pytest
from hypothesis import given, settings

from micrograd_lesson import (
    MLP,
    SGD,
    Adam,
    Perceptron,
    PhaseRecord,
    TrainingLoop,
    accuracy,
    binary_cross_entropy,
    data,
    hinge,
    mse,
)
from micrograd_lesson.losses import l2
from micrograd_lesson.testing import floats
from micrograd_lesson.training import PHASES

# --- the training loop ------------------------------------------------------------------------------


def small_loop(optimizer="sgd", seed=0):
    X, y = data.xor()
    model = MLP(2, [3, 1], activation="tanh", seed=seed)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9) if optimizer == "sgd" else Adam(model.parameters(), lr=0.05)
    return TrainingLoop(model, X, y, loss=mse, optimizer=opt), model, X, y


def test_five_phases_in_order_with_the_right_records():
    loop, model, X, y = small_loop()
    params = model.parameters()
    records, velocity = [], [0.0] * len(params)
    for epoch in range(2):
        forward = loop.step()
        assert forward.epoch == loop.epoch == epoch
        assert forward.predictions == [model(x).data for x in X]
        loss = loop.step()
        assert loss.loss == mse([model(x) for x in X], y).data
        fresh = mse([model(x) for x in X], y)  # the gradient worked out separately, before the loop's backward
        model.zero_grad()
        fresh.backward()
        expected_grads = [p.grad for p in params]
        backward = loop.step()
        assert backward.grads == expected_grads
        update = loop.step()
        velocity = [0.9 * v + g for v, g in zip(velocity, expected_grads)]  # SGD with momentum 0.9, lr 0.1
        assert update.after == [b - 0.1 * v for b, v in zip(update.before, velocity)] == [p.data for p in params]
        repeat = loop.step()
        assert repeat.loss == loss.loss and loop.losses[-1] == loss.loss
        records += [forward, loss, backward, update, repeat]
    assert [r.phase for r in records] == list(PHASES) * 2
    assert [r.epoch for r in records] == [0] * 5 + [1] * 5
    assert [r.step for r in records[:5]] == [1, 2, 3, 4, 5]
    assert loop.history == records
    assert loop.epoch == 2 and loop.phase == "forward" and loop.loss is None
    for record in records:
        assert record.explanation and record.explanation in str(record)


def test_the_explanations_use_the_lessons_words():
    loop, *_ = small_loop()
    words = ["Forward pass", "loss", "Backpropagation", "Update weights", "Repeat"]
    for word in words:
        assert word in loop.step().explanation


def state(loop):
    return (
        loop.phase,
        loop.epoch,
        [p.data for p in loop.params],
        [p.grad for p in loop.params],
        loop.optimizer.state_dict(),
        list(loop.losses),
        None if loop.loss is None else loop.loss.data,
        None if loop.predictions is None else [p.data for p in loop.predictions],
    )


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_back_restores_everything_exactly_and_stepping_again_repeats_the_numbers(optimizer):
    loop, *_ = small_loop(optimizer)
    states = [state(loop)]
    records = []
    for _ in range(13):  # two full loops and three phases into the third
        records.append(loop.step())
        states.append(state(loop))
    for k in range(12, -1, -1):  # all the way back to the start, one phase at a time
        assert loop.back() == records[k]
        assert state(loop) == states[k]
    assert loop.history == []
    assert [loop.step() for _ in range(13)] == records  # bit for bit: floats compared with ==
    assert state(loop) == states[-1]


def test_back_rebuilds_the_graph_so_backward_can_run_again():
    loop, *_ = small_loop()
    for _ in range(7):  # into the second loop, after its loss
        loop.step()
    grads = loop.step().grads
    loop.back()
    assert loop.phase == "backward" and loop.loss is not None
    assert loop.step().grads == grads
    loop.back()
    loop.back()  # undo the loss: the graph of predictions remains
    assert loop.loss is None and len(loop.predictions) == 4


def test_back_with_nothing_to_undo_says_so():
    loop, *_ = small_loop()
    with pytest.raises(ValueError, match="nothing to go back to"):
        loop.back()


def test_run_lowers_the_loss_and_returns_one_loss_per_loop(capsys):
    loop, *_ = small_loop()
    losses = loop.run(40, progress=False)
    assert len(losses) == 40 and losses == loop.losses
    assert losses[-1] < losses[0]
    assert len(loop.history) == 200
    assert capsys.readouterr().err == ""


def test_run_shows_a_tqdm_progress_bar(capsys):
    loop, *_ = small_loop()
    loop.run(3)
    err = capsys.readouterr().err
    assert "training" in err and "3/3" in err and "epoch" in err


def test_run_from_the_middle_of_a_loop_finishes_it_first():
    loop, *_ = small_loop()
    loop.step()
    loop.step()
    losses = loop.run(2, progress=False)
    assert losses[0] == loop.history[1].loss and loop.phase == "forward" and loop.epoch == 2


def test_training_loop_refuses_bad_input():
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="got 2 inputs, 1 targets"):
        TrainingLoop(model, [[0.0, 0.0], [1.0, 1.0]], [1])
    loop = TrainingLoop(model, [[0.0, 0.0]], [1], loss=lambda p, t: 1.0)
    loop.step()
    with pytest.raises(TypeError, match="must return one Value, got float"):
        loop.step()
    assert loop.phase == "loss" and loop.loss is None and len(loop.history) == 1  # nothing half-done
    with pytest.raises(ValueError, match="epochs"):
        loop.run(-1)


def test_training_loop_refuses_generators_and_says_to_pass_lists():
    X, y = data.xor()
    with pytest.raises(TypeError, match=r"TrainingLoop's inputs must be a list, .* got generator: .* only once"):
        TrainingLoop(MLP(2, [1], seed=0), (x for x in X), y)
    with pytest.raises(TypeError, match="TrainingLoop's targets must be a list, tuple or array, got generator"):
        TrainingLoop(MLP(2, [1], seed=0), X, (t for t in y))


def test_the_default_loop_is_mse_with_sgd():
    model = MLP(1, [1], seed=0)
    loop = TrainingLoop(model, [[1.0]], [2.0])
    assert loop.run(50, progress=False)[-1] < 1e-3
    assert isinstance(loop.optimizer, SGD) and isinstance(loop.history[0], PhaseRecord)


# --- the lesson's claims, trained -----------------------------------------------------------------------


@settings(max_examples=100)
@given(floats(-5, 5), floats(-5, 5), floats(-5, 5))
def test_no_straight_line_gets_xor_more_than_three_quarters_right(w1, w2, b):
    X, y = data.xor()
    p = Perceptron(2, activation="linear", seed=0)
    p.w[0].data, p.w[1].data, p.b.data = w1, w2, b
    assert accuracy(p, X, y) <= 0.75


def test_a_trained_perceptron_cannot_fit_xor_but_a_small_mlp_can():
    X, y = data.xor()
    perceptron = Perceptron(2, activation="linear", seed=0)
    loop = TrainingLoop(perceptron, X, y, loss=binary_cross_entropy, optimizer=Adam(perceptron.parameters(), lr=0.1))
    loop.run(200, progress=False)
    assert accuracy(perceptron, X, y) <= 0.75  # one neuron draws one straight line; XOR needs two

    mlp = MLP(2, [4, 1], seed=3)  # ReLU hidden, linear out; with 4 ReLUs some seeds die early: this one does not
    loop = TrainingLoop(mlp, X, data.signed(y), loss=hinge, optimizer=SGD(mlp.parameters(), lr=0.1))
    losses = loop.run(200, progress=False)
    assert losses[-1] == 0.0 and accuracy(mlp, X, y) == 1.0


def test_micrograd_demo_reaches_100_percent_on_two_moons():
    """karpathy's demo.ipynb: MLP(2, [16, 16, 1]), hinge + 1e-4 L2, lr 1.0 - 0.9k/100, 100 full-batch steps.

    Our moons are sklearn's construction with the stdlib generator, so the points differ from the demo's.
    seed=1 (the demo's random_state) reaches 100%; seeds 0, 2 and 3 stop at 99%, 99% and 98%.

    The loop runs compiled: the engine's losses and grads to the bit (as test_compiled.py holds on this demo), one
    point's program run over the 100 points, in a quarter of the time of a program of the whole graph and a tenth
    of building and walking it 100 times."""
    X, y = data.moons(n=100, noise=0.1, seed=1)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    optimizer = SGD(model.parameters(), lr=1.0)

    def loss(scores: list, targets: list):  # hinge + 1e-4 L2, as the demo writes it
        return hinge(scores, targets) + l2(model.parameters(), 1e-4)

    loop = TrainingLoop(model, X, data.signed(y), loss=loss, optimizer=optimizer, compiled=True)
    for k in range(100):
        optimizer.lr = 1.0 - 0.9 * k / 100
        loop.run(1, progress=False, record=False)
    assert accuracy(model, X, y) == 1.0


def test_numpy_arrays_work_as_data_like_lists():
    """Learners arrive with numpy data (sklearn's make_moons); `not X` on an array used to raise numpy's error."""
    import numpy as np

    X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([-1, 1, 1, -1])
    on_arrays = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
    on_lists = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
    losses = TrainingLoop(on_arrays, X, y, optimizer=SGD(on_arrays.parameters(), lr=0.2)).run(5, progress=False)
    expected = TrainingLoop(on_lists, X.tolist(), y.tolist(), optimizer=SGD(on_lists.parameters(), lr=0.2))
    assert losses == expected.run(5, progress=False)
    assert accuracy(on_arrays, X, y) == accuracy(on_lists, X.tolist(), y.tolist())
    assert on_arrays(X[1]).data == on_lists([0.0, 1.0]).data
    with pytest.raises(ValueError, match="at least one"):
        TrainingLoop(on_arrays, np.zeros((0, 2)), np.zeros(0))


def test_run_without_recording_gives_the_same_losses_and_keeps_nothing():
    def loop():
        model = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
        return TrainingLoop(model, [[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1])

    recorded, unrecorded = loop(), loop()
    assert unrecorded.run(20, progress=False, record=False) == recorded.run(20, progress=False)
    assert len(recorded.history) == 100 and unrecorded.history == [] and unrecorded._undo == []
    assert [p.data for p in unrecorded.params] == [p.data for p in recorded.params]
    unrecorded.step()
    unrecorded.back()  # a phase recorded after an unrecorded run still goes back exactly
    assert unrecorded.phase == "forward" and unrecorded.epoch == 20
    with pytest.raises(ValueError, match="nothing to go back to"):
        unrecorded.back()


def test_the_relu_xor_network_learns_xor_while_its_dead_h3_never_moves():
    from micrograd_lesson.examples import relu_xor_network, xor_problem

    model = relu_xor_network()
    h3 = model.layers[0].neurons[2]
    before = [p.data for p in h3.parameters()]
    X, y = xor_problem()
    loop = TrainingLoop(model, X, y)
    losses = loop.run(150, progress=False, record=False)
    assert losses[-1] < 0.05 and [model(x).data > 0 for x in X] == [t > 0 for t in y]
    assert [p.data for p in h3.parameters()] == before  # off for every input: gradient 0, every step


def test_a_step_without_recording_gives_the_same_phases_and_keeps_nothing():
    def loop():
        model = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
        return TrainingLoop(model, [[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1])

    recorded, unrecorded = loop(), loop()
    for _ in range(12):  # two loops and two phases of a third
        assert unrecorded.step(record=False) == recorded.step()
    assert len(recorded.history) == 12 and unrecorded.history == [] and unrecorded._undo == []
    with pytest.raises(ValueError, match="nothing to go back to"):
        unrecorded.back()


# --- batches (issue 24): a loop is one batch, the order seeded ----------------------------------------------


def batch_loop(batch_size, batch_seed=0, compiled=False):
    X, y = data.moons(n=10, noise=0.1, seed=1)
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    return TrainingLoop(
        model, X, y, loss=mse, optimizer=opt, batch_size=batch_size, batch_seed=batch_seed, compiled=compiled
    )


def test_a_full_batch_is_every_example_in_its_own_order_as_without_batches():
    assert batch_loop(10).run(5, progress=False) == batch_loop(None).run(5, progress=False)
    assert batch_loop(None).batch() == list(range(10)) and batch_loop(None).batches_per_pass == 1


def test_batches_take_every_example_once_a_pass_in_a_seeded_order():
    loop = batch_loop(4, batch_seed=3)
    assert loop.batches_per_pass == 3  # 4 + 4 + 2
    for first in (0, 3):
        batches = [loop.batch(first + k) for k in range(3)]
        assert [len(b) for b in batches] == [4, 4, 2] and sorted(i for b in batches for i in b) == list(range(10))
    assert loop.batch(0) != loop.batch(3)  # each pass shuffled anew
    assert batch_loop(4, batch_seed=3).batch(4) == loop.batch(4) and batch_loop(4, batch_seed=4).batch(0) != loop.batch(
        0
    )
    losses = loop.run(6, progress=False)
    assert (
        losses
        == batch_loop(4, batch_seed=3).run(6, progress=False)
        != batch_loop(4, batch_seed=4).run(6, progress=False)
    )
    assert loop.epoch == 6  # loops (steps) completed: two passes


def test_a_loop_of_a_batch_predicts_and_scores_that_batch_only():
    loop = batch_loop(3, batch_seed=1)
    loop.step()
    assert len(loop.predictions) == 3
    record = loop.step()
    chosen = loop.batch()
    assert record.loss == mse([loop.model(loop.X[i]) for i in chosen], [loop.y[i] for i in chosen]).data


def test_going_back_and_undoing_keep_the_batch_a_loop_works_on():
    loop = batch_loop(3, batch_seed=2)
    loop.run(4, progress=False)
    first = [loop.step() for _ in range(5)]  # loop 4, the second batch of the second pass
    for _ in range(5):
        loop.back()
    assert [loop.step() for _ in range(5)] == first
    loop.undo_step()
    assert [loop.step() for _ in range(5)] == first


def test_batches_give_the_same_numbers_compiled():
    """The compiled loop runs one point's program over each batch (not the engine): the same numbers to the bit."""
    compiled, engine = batch_loop(3, compiled=True), batch_loop(3)
    assert compiled.run(7, progress=False) == engine.run(7, progress=False)
    assert [p.data for p in compiled.params] == [p.data for p in engine.params]
    assert compiled._compiled._results is not None  # the last loop's numbers came from the program


@pytest.mark.parametrize("bad", [0, -1, 11, 2.5, True])
def test_a_batch_size_outside_1_to_the_examples_is_refused_by_name(bad):
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        batch_loop(bad)
