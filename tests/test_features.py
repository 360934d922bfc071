"""Section 6's input features: floats and Values by the same formulas, to the bit, and clear errors."""

import math

import pytest

from micrograd_lesson import features
from micrograd_lesson.engine import Value


def test_every_feature_as_floats_and_as_values_gives_the_same_numbers():
    names = list(features.FEATURES)
    point = [0.7, -1.3]
    floats = features.expand([point], names)[0]
    x1, x2 = Value(point[0]), Value(point[1])
    values = features.as_values(x1, x2, names)
    assert (
        [v.data for v in values]
        == floats
        == [0.7, -1.3, 0.7 * 0.7, 1.3 * 1.3, 0.7 * -1.3, math.sin(0.7), math.sin(-1.3)]
    )


def test_the_gradient_of_x1_flows_through_every_feature_made_of_it():
    x1, x2 = Value(0.5), Value(2.0)
    squared, product, sine = features.as_values(x1, x2, ["x1_sq", "x1_x2", "sin_x1"])
    (squared + product + sine).backward()
    assert x1.grad == 2 * 0.5 + 2.0 + math.cos(0.5)  # d(x1² + x1·x2 + sin x1)/dx1
    assert x2.grad == 0.5


def test_features_come_in_one_order_and_bad_ones_are_named():
    assert features.checked(["sin_x2", "x1"]) == ["x1", "sin_x2"]
    assert features.expand([[1.0, 2.0]], ["x2", "x1"]) == [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"a feature must be one of x1, x2.*got 'x3'"):
        features.expand([[1.0, 2.0]], ["x1", "x3"])
    for bad in ([], ["x1", "x1"]):
        with pytest.raises(ValueError, match=r"at least one .* each once"):
            features.checked(bad)
