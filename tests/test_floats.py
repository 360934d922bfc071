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
