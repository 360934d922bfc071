"""accuracy: the fraction of examples a model classifies right."""

import re

import pytest

from micrograd_lesson import (
    MLP,
    accuracy,
)

# --- accuracy -------------------------------------------------------------------------------------------


def test_accuracy_thresholds_and_label_styles():
    linear = MLP(1, [1], seed=0)
    linear.layers[0].neurons[0].w[0].data = 1.0
    X = [[-2.0], [-0.5], [0.5], [2.0]]
    assert accuracy(linear, X, [0, 0, 1, 1]) == 1.0  # the sign of a score
    assert accuracy(linear, X, [-1, -1, 1, 1]) == 1.0
    assert accuracy(linear, X, [0, 1, 1, 1]) == 0.75
    assert accuracy(linear, X, [0, 0, 0, 1], threshold=1.0) == 1.0
    sigmoid = MLP(1, [1], output_activation="sigmoid", seed=0)
    sigmoid.layers[0].neurons[0].w[0].data = 1.0
    assert accuracy(sigmoid, X, [0, 0, 1, 1]) == 1.0  # sigmoid outputs split at 0.5


def test_accuracy_with_several_outputs_is_argmax():
    model = MLP(2, [2], activation="linear", output_activation="linear", seed=0)
    for neuron, w in zip(model.layers[0].neurons, [[1.0, 0.0], [0.0, 1.0]]):
        neuron.w[0].data, neuron.w[1].data = w
    assert accuracy(model, [[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]], [0, 1, 0]) == pytest.approx(2 / 3)


def test_accuracy_needs_one_label_per_input():
    with pytest.raises(ValueError, match="got 2 inputs, 1 labels"):
        accuracy(MLP(1, [1], seed=0), [[0.0], [1.0]], [0])


def one_output():
    """A model whose output is its input: the class is its sign."""
    model = MLP(1, [1], seed=0)
    model.layers[0].neurons[0].w[0].data = 1.0
    return model, [[-2.0], [-0.5], [0.5], [2.0]]


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([0, 2, 1, 1], "'s label at position 1 must be 0 or 1 (or -1 or +1) for a model with one output, got 2"),
        ([0, 0, 0.5, 1], "label at position 2 must be 0 or 1 (or -1 or +1) for a model with one output, got 0.5"),
        ([0, 0, 1, "1"], "label at position 3 must be 0 or 1 (or -1 or +1) for a model with one output, got str"),
        ([False, False, True, True], "label at position 0 must be 0 or 1 (or -1 or +1) for a model with one output"),
        ([0, -1, 1, 1], "accuracy's labels mix 0/1 and -1/+1: 0 at position 0, -1 at position 1; use one style"),
    ],
)
def test_accuracy_refuses_a_label_one_output_cannot_mean(y, message):
    model, X = one_output()
    with pytest.raises(ValueError, match=re.escape(message)):
        accuracy(model, X, y)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([0, 2, 1], "label at position 1, a class index, must be a whole number >= 0 and <= 1, got 2"),
        ([0, 1, -1], "label at position 2, a class index, must be a whole number >= 0 and <= 1, got -1"),
        ([0, 1.0, 1], "label at position 1, a class index, must be a whole number >= 0 and <= 1, got 1.0"),
    ],
)
def test_accuracy_with_several_outputs_needs_class_indexes(y, message):
    model = MLP(2, [2], seed=0)
    with pytest.raises(ValueError, match=re.escape(message)):
        accuracy(model, [[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]], y)


def test_accuracy_refuses_a_generator_and_says_to_pass_a_list():
    model, X = one_output()
    y = [0, 0, 1, 1]
    with pytest.raises(
        TypeError,
        match=r"accuracy's inputs must be a list, tuple or array, got generator: .*"
        r"\(it can be read only once: pass list\(\.\.\.\) of it\)",
    ):
        accuracy(model, (x for x in X), y)
    with pytest.raises(TypeError, match="accuracy's labels must be a list, tuple or array, got generator"):
        accuracy(model, X, (label for label in y))
    with pytest.raises(TypeError, match=r"accuracy's labels .* got set: .* \(a set has no order: pass a list\)"):
        accuracy(model, X[:2], {0, 1})


def test_accuracy_takes_numpy_arrays():
    import numpy as np

    model, X = one_output()
    assert accuracy(model, np.array(X), np.array([0, 0, 1, 1])) == 1.0
    assert accuracy(model, tuple(X), (-1, -1, 1, 1)) == 1.0
