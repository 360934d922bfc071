"""accuracy: the fraction of examples a model classifies right."""

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
