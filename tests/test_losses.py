"""Loss functions: hand-worked numbers, gradients against central differences, stability and bad input."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_lesson import Value, binary_cross_entropy, cross_entropy, hinge, mse, topological_order
from micrograd_lesson.losses import l2, softmax
from micrograd_lesson.testing import check_grad, floats


def test_mse_by_hand():
    assert mse([1.0, 2.0], [0.0, 0.0]).data == 2.5
    assert mse([Value(3.0)], [1.0]).data == 4.0


def test_mse_matches_the_numerical_gradient():
    check_grad(lambda a, b, c: mse([a, b, c], [1.0, -2.0, 0.5]), 0.3, 1.7, -0.2)


def test_hinge_by_hand_like_micrograd():
    # relu(1 - y*s): a right answer beyond the margin costs 0, inside it or wrong costs linearly
    assert hinge([2.0, 0.5, -1.0], [1, 1, 1]).data == pytest.approx((0 + 0.5 + 2.0) / 3, abs=1e-15)
    assert hinge([-3.0], [-1]).data == 0.0


@given(st.lists(st.tuples(floats(-3, 3), st.sampled_from([-1, 1])), min_size=1, max_size=5))
def test_hinge_matches_the_numerical_gradient_away_from_its_kink(pairs):
    scores = [s if abs(1 - t * s) > 1e-3 else s + 0.1 for s, t in pairs]
    targets = [t for _, t in pairs]
    check_grad(lambda *s: hinge(list(s), targets), *scores)


def naive_bce(z: float, t: float) -> float:
    p = 1 / (1 + math.exp(-z))
    return -(t * math.log(p) + (1 - t) * math.log(1 - p))


@given(floats(-10, 10), floats(0, 1))
def test_bce_from_logits_is_the_textbook_formula(z, t):
    assert binary_cross_entropy([z], [t]).data == pytest.approx(naive_bce(z, t), rel=1e-9, abs=1e-12)


@settings(max_examples=50)
@given(st.lists(st.tuples(floats(-6, 6), floats(0, 1)), min_size=1, max_size=4))
def test_bce_from_logits_matches_the_numerical_gradient(pairs):
    targets = [t for _, t in pairs]
    check_grad(lambda *z: binary_cross_entropy(list(z), targets), *(z for z, _ in pairs))


@settings(max_examples=50)
@given(st.lists(st.tuples(floats(0.05, 0.95), st.sampled_from([0.0, 1.0])), min_size=1, max_size=4))
def test_bce_from_probabilities_matches_the_numerical_gradient(pairs):
    targets = [t for _, t in pairs]
    check_grad(lambda *p: binary_cross_entropy(list(p), targets, from_logits=False), *(p for p, _ in pairs))


def test_bce_gradient_at_a_logit_of_exactly_zero_is_sigmoid_minus_target():
    for t in (0.0, 1.0, 0.25):
        z = Value(0.0)
        binary_cross_entropy([z], [t]).backward()
        assert z.grad == 0.5 - t


@given(floats(-8, 8), st.sampled_from([0.0, 1.0]))
def test_logits_and_probabilities_give_the_same_loss(z, t):
    from_logits = binary_cross_entropy([z], [t]).data
    from_probability = binary_cross_entropy([Value(z).sigmoid()], [t], from_logits=False).data
    assert from_logits == pytest.approx(from_probability, rel=1e-9)


def test_bce_from_logits_is_stable_for_huge_logits():
    z = [Value(1000.0), Value(-1000.0)]
    loss = binary_cross_entropy(z, [1.0, 1.0])
    assert loss.data == pytest.approx(500.0, rel=1e-15)  # (0 + 1000) / 2, no overflow, no log(0)
    loss.backward()
    assert [v.grad for v in z] == [0.0, -0.5]


def test_bce_refuses_probabilities_outside_0_1_and_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"strictly between 0 and 1, got 1\.0 at position 1"):
        binary_cross_entropy([0.5, 1.0], [1, 0], from_logits=False)
    with pytest.raises(ValueError, match=r"target at position 0 must be a finite number >= 0 and <= 1, got 2"):
        binary_cross_entropy([0.5], [2])
    with pytest.raises(ValueError, match=r"target at position 1 must be a finite number >= 0 and <= 1, got nan"):
        binary_cross_entropy([0.5, 0.5], [Value(1.0), float("nan")])


def math_cross_entropy(scores, target):
    return math.log(sum(math.exp(s) for s in scores)) - scores[target]


@given(st.lists(floats(-5, 5), min_size=2, max_size=5), st.data())
def test_cross_entropy_is_minus_log_softmax(scores, data):
    target = data.draw(st.integers(0, len(scores) - 1))
    assert cross_entropy([scores], [target]).data == pytest.approx(math_cross_entropy(scores, target), rel=1e-9)
    probabilities = [p.data for p in softmax(scores)]
    assert sum(probabilities) == pytest.approx(1.0, rel=1e-12)
    assert -math.log(probabilities[target]) == pytest.approx(math_cross_entropy(scores, target), rel=1e-9)


@settings(max_examples=50)
@given(st.lists(floats(-5, 5), min_size=6, max_size=6), st.integers(0, 2), st.integers(0, 2))
def test_cross_entropy_matches_the_numerical_gradient(scores, t1, t2):
    check_grad(lambda *s: cross_entropy([list(s[:3]), list(s[3:])], [t1, t2]), *scores)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    scores = [Value(1.0), Value(2.0), Value(0.5)]
    cross_entropy([scores], [0]).backward()
    expected = [p.data - (k == 0) for k, p in enumerate(softmax([1.0, 2.0, 0.5]))]
    assert [s.grad for s in scores] == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_is_stable_and_shows_its_steps_in_the_graph():
    loss = cross_entropy([[1000.0, 0.0, -1000.0]], [2])
    assert loss.data == pytest.approx(2000.0, rel=1e-15)  # no overflow in exp, no log(0)
    labels = {node.label for node in topological_order(loss)}
    assert {"shifted0", "shifted2", "exp0", "exp2", "sum", "-log p"} <= labels


def test_cross_entropy_refuses_bad_classes_and_bare_numbers():
    with pytest.raises(ValueError, match=r"class index at position 0 must be a whole number >= 0 and <= 2, got 3"):
        cross_entropy([[1.0, 2.0, 3.0]], [3])
    with pytest.raises(ValueError, match=r"class index at position 0 must be a whole number >= 0 and <= 2, got 1\.0"):
        cross_entropy([[1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(ValueError, match="at least 2 class scores"):
        cross_entropy([1.0, 2.0], [0, 1])


def test_l2_adds_alpha_times_the_sum_of_squares():
    params = [Value(3.0), Value(-4.0)]
    penalty = l2(params, 1e-4)
    assert penalty.data == pytest.approx(25e-4, rel=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([6e-4, -8e-4], rel=1e-15)


@pytest.mark.parametrize("loss", [mse, binary_cross_entropy, hinge])
def test_mismatched_lengths_name_both(loss):
    with pytest.raises(ValueError, match="got 2 predictions, 3 targets"):
        loss([1.0, -1.0], [1, 1, 1])
    with pytest.raises(ValueError, match="at least one: got 0 predictions, 0 targets"):
        loss([], [])
    with pytest.raises(ValueError, match="single number"):
        loss(1.0, [1])


@pytest.mark.parametrize("loss", [mse, binary_cross_entropy, hinge])
def test_generators_are_refused_with_the_fix(loss):
    with pytest.raises(TypeError, match=r"predictions must be a list, tuple or array, got generator: .* only once"):
        loss((p for p in [0.5, 0.5]), [1, 1])
    with pytest.raises(TypeError, match="targets must be a list, tuple or array, got generator"):
        loss([0.5, 0.5], (t for t in [1, 1]))


def test_cross_entropy_refuses_a_generator_of_scores():
    with pytest.raises(TypeError, match="class scores at position 0 must be a list, tuple or array, got generator"):
        cross_entropy([(s for s in [1.0, 2.0])], [0])


def test_hinge_needs_signed_targets():
    with pytest.raises(ValueError, match=r"-1 or \+1, got 0 at position 1 \(data.signed"):
        hinge([0.5, 0.5], [1, 0])


def test_l1_and_a_regularized_loss_add_the_penalty_to_the_data_loss():
    from micrograd_lesson.losses import Regularized, l1

    w = [Value(0.5), Value(-2.0), Value(0.0)]
    penalty = l1(w, 0.1)
    penalty.backward()
    assert penalty.data == 0.1 * 2.5 and [v.grad for v in w] == [0.1, -0.1, 0.0]  # the sign, times the rate
    loss = Regularized(mse, w[:2], "l2", 0.01)
    assert loss([1.0], [0.0]).data == 1.0 + 0.01 * (0.25 + 4.0) and loss.data_loss is mse
    with pytest.raises(ValueError, match="the penalty must be one of l1, l2"):
        Regularized(mse, w, "l3", 0.1)
    with pytest.raises(ValueError, match="regularization rate"):
        Regularized(mse, w, "l1", -0.1)
