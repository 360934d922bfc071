"""The plain-float pass (floats.py) gives the engine's numbers to the bit, for every activation and shape."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_lesson import floats, nn
from micrograd_lesson.losses import hinge
from micrograd_lesson.metrics import accuracy, score_accuracy
from micrograd_lesson.nn import MLP, layer_values

numbers = st.floats(-3.0, 3.0, allow_nan=False)


@st.composite
def models_and_points(draw):
    """An MLP of any shape and activations, with weights as large as after training, and points to run it on."""
    hidden = draw(st.lists(st.integers(1, 5), max_size=3))
    activation = draw(st.sampled_from(sorted(nn.ACTIVATIONS)))
    output = draw(st.sampled_from(sorted(nn.ACTIVATIONS)))
    model = MLP(2, [*hidden, 1], activation=activation, output_activation=output, seed=draw(st.integers(0, 99)))
    for p in model.parameters():
        p.data = draw(numbers)
    points = draw(st.lists(st.tuples(numbers, numbers), min_size=1, max_size=8))
    return model, points


def test_every_activation_of_nn_has_its_float_form():
    assert floats.ACTIVATIONS.keys() == nn.ACTIVATIONS.keys()


@settings(max_examples=60, deadline=None)
@given(models_and_points(), st.floats(-1e3, 1e3, allow_nan=False))
def test_every_neurons_value_at_every_point_is_the_engines(made, a):
    model, points = made
    found = floats.values(floats.layers(model), points)
    for i, x in enumerate(points):
        assert [[column[i] for column in layer] for layer in found] == layer_values(model, x)
    assert floats.outputs(model, points) == [model(x).data for x in points]
    for name, activation in nn.ACTIVATIONS.items():  # each activation alone, on any number
        assert floats.ACTIVATIONS[name](a) == activation.apply(nn.Value(a)).data


@settings(max_examples=30, deadline=None)
@given(models_and_points(), st.data())
def test_hinge_and_accuracy_of_the_float_scores_are_the_engines(made, data):
    model, points = made
    labels = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=len(points), max_size=len(points)))
    scores = floats.outputs(model, points)
    assert floats.hinge(scores, labels) == hinge(scores, labels).data == hinge([model(x) for x in points], labels).data
    if model.layers[-1].neurons[0].activation != "sigmoid":  # a score: its sign is the class
        assert score_accuracy(scores, labels) == accuracy(model, points, labels)


def test_a_hinge_of_scores_that_are_not_finite_or_overflow_is_inf():
    assert floats.hinge([math.inf, 1.0], [-1, 1]) == floats.hinge([1e308, 1e308], [-1, -1]) == math.inf
    assert floats.hinge([math.nan], [1]) == math.inf


# --- section 6's losses and penalties (issue 24): softmax, MSE, L1 and L2, to the engine's bit -------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(numbers, numbers, numbers, st.integers(0, 2), numbers), min_size=1, max_size=8))
def test_cross_entropy_mse_and_scores_are_the_engines(rows):
    from micrograd_lesson.losses import cross_entropy, mse

    scores = [[a * 10, b, c] for a, b, c, _, _ in rows]
    classes = [k for *_, k, _ in rows]
    assert floats.cross_entropy(scores, classes) == cross_entropy(scores, classes).data
    outputs, targets = [a for a, *_ in rows], [t for *_, t in rows]
    assert floats.mse(outputs, targets) == mse(outputs, targets).data
    model = MLP(2, [3, 3], activation="tanh", seed=len(rows))
    points = [(a, b) for a, b, *_ in rows]
    assert floats.scores(model, points) == [[o.data for o in model(x)] for x in points]


@settings(max_examples=40, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=12), st.floats(0.0, 10.0))
def test_the_l1_and_l2_penalties_are_the_engines(weights, rate):
    from micrograd_lesson.engine import Value
    from micrograd_lesson.losses import l1, l2

    values = [Value(w) for w in weights]
    assert floats.penalty(weights, "l1", rate) == l1(values, rate).data
    assert floats.penalty(weights, "l2", rate) == l2(values, rate).data
    assert floats.penalty(weights, "none", rate) == 0.0
