"""Loss functions: one number that says how wrong the network is, built from Values so it can be backpropagated.

Each takes the predictions (Values or floats, one per example) and the targets, and returns the mean
loss over the examples as one Value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value, as_value, total


def mse(predictions: Sequence[Value | float], targets: Sequence[Value | float]) -> Value:
    """Mean squared error: the mean of (prediction - target)**2."""
    _checks.paired("mse", predictions, targets, "prediction", "target")
    squares = [(as_value(p) - t) ** 2 for p, t in zip(predictions, targets)]
    return total(squares) * (1.0 / len(squares))


def binary_cross_entropy(
    predictions: Sequence[Value | float], targets: Sequence[float], from_logits: bool = True
) -> Value:
    """Mean binary cross-entropy for targets in [0, 1]; predictions are logits (any number) unless from_logits=False,
    when they are probabilities strictly between 0 and 1."""
    _checks.paired("binary_cross_entropy", predictions, targets, "prediction", "target")
    for i, t in enumerate(targets):
        _checks.data_of(f"binary_cross_entropy's target at position {i}", t, low=0.0, high=1.0)
    terms = []
    for i, (p, t) in enumerate(zip(predictions, targets)):
        p = as_value(p)
        if from_logits:
            # -[t log s(z) + (1-t) log(1 - s(z))] = softplus(z) - t*z, and softplus is written so that exp
            # only ever sees a number <= 0: it never overflows, and log never sees 0.
            if p.data >= 0.0:
                terms.append(p * (1.0 - t) + (1.0 + (-p).exp()).log())
            else:
                terms.append(-p * t + (1.0 + p.exp()).log())
        else:
            if not 0.0 < p.data < 1.0:
                raise ValueError(
                    f"binary_cross_entropy with from_logits=False needs probabilities strictly between 0 and 1, "
                    f"got {p.data!r} at position {i} (pass logits with from_logits=True for a stable loss)"
                )
            terms.append(-(p.log() * t + (1.0 - p).log() * (1.0 - t)))
    return total(terms) * (1.0 / len(terms))


def hinge(scores: Sequence[Value | float], targets: Sequence[int]) -> Value:
    """micrograd's max-margin loss: the mean of relu(1 - target * score), for targets -1 or +1."""
    _checks.paired("hinge", scores, targets, "prediction", "target")
    for i, t in enumerate(targets):
        if t not in (-1, 1):
            raise ValueError(f"hinge needs targets -1 or +1, got {t!r} at position {i} (data.signed(y) maps 0/1)")
    margins = [(1 + -t * as_value(s)).relu() for s, t in zip(scores, targets)]
    return total(margins) * (1.0 / len(margins))


def l2(parameters: Iterable[Value], alpha: float) -> Value:
    """L2 regularisation, alpha * sum(p**2): a pull of every weight towards 0, as in micrograd's demo."""
    squares = [p * p for p in parameters]
    if not squares:
        raise ValueError("l2 needs at least one parameter")
    return alpha * total(squares)


def l1(parameters: Iterable[Value], alpha: float) -> Value:
    """L1 regularisation, alpha * sum(|p|): a pull of every weight towards 0 by the same amount, whatever its size."""
    sizes = [p.relu() + (-p).relu() for p in parameters]  # |p|, as two ReLUs: one of them is 0
    if not sizes:
        raise ValueError("l1 needs at least one parameter")
    return alpha * total(sizes)


PENALTIES = {"l1": l1, "l2": l2}  # regularization's name -> the penalty it adds


class Regularized:
    """A loss with a penalty on some weights added: loss(predictions, targets) + penalty(weights, rate).

    penalty is 'l1' or 'l2' (PENALTIES); what it adds is the same at every step, so the data loss and the
    penalty can be read apart: loss.data_loss is the loss it wraps."""

    def __init__(self, data_loss: Callable, weights: Sequence[Value], penalty: str, rate: float) -> None:
        _checks.one_of("the penalty", penalty, PENALTIES)
        self.data_loss, self.weights, self.penalty = data_loss, list(weights), penalty
        self.rate = _checks.number("the regularization rate", rate, low=0.0)

    def __call__(self, predictions: Sequence, targets: Sequence) -> Value:
        """The data loss of predictions against targets, plus the penalty on the weights as they are now."""
        return self.data_loss(predictions, targets) + PENALTIES[self.penalty](self.weights, self.rate)


def cross_entropy(logits: Sequence[Sequence[Value | float]], targets: Sequence[int]) -> Value:
    """Mean softmax cross-entropy: logits holds one list of class scores per example, targets the right class index."""
    _checks.paired("cross_entropy", logits, targets, "example", "target")
    losses = []
    for i, (scores, target) in enumerate(zip(logits, targets)):
        if not isinstance(scores, (Value, int, float)):
            _checks.sequence(f"cross_entropy's class scores at position {i}", scores)
        if isinstance(scores, (Value, int, float)) or len(scores) < 2:
            raise ValueError(
                f"cross_entropy needs a list of at least 2 class scores per example, got {scores!r} at {i}"
            )
        _checks.whole(f"cross_entropy's class index at position {i}", target, low=0, high=len(scores) - 1)
        scores = [as_value(s) for s in scores]
        # 1. subtract the largest score: the softmax is unchanged, and every exp below is at most 1
        shifted = [_labelled(s - largest(scores), f"shifted{k}") for k, s in enumerate(scores)]
        # 2. exponentiate: every score becomes positive
        exps = [_labelled(s.exp(), f"exp{k}") for k, s in enumerate(shifted)]
        # 3. sum them: the normaliser (at least 1, since the top score became exp(0) = 1)
        normaliser = _labelled(total(exps), "sum")
        # 4. normalise: probability of the right class = exps[target] / normaliser, and
        # 5. the loss is its negative log. Written as log(normaliser) - shifted[target], the same number,
        #    so a tiny probability never rounds to 0 and makes the log fail.
        losses.append(_labelled(normaliser.log() - shifted[target], "-log p"))
    return total(losses) * (1.0 / len(losses))


def softmax(scores: Sequence[Value | float]) -> list[Value]:
    """The probabilities cross_entropy works with: steps 1 to 4 (shift, exp, sum, normalise)."""
    if isinstance(scores, (Value, int, float)) or not scores:
        raise ValueError(f"softmax needs a list of class scores, got {scores!r}")
    scores = [as_value(s) for s in scores]
    top = max(s.data for s in scores)
    exps = [(s - top).exp() for s in scores]
    normaliser = total(exps)
    return [e / normaliser for e in exps]


def largest(scores: Sequence[Value]) -> Value:
    """The largest score's number as a leaf, as `score - top` makes for a number top: no gradient flows through the
    max. It names the scores it is the largest of (largest_of), so a compiled loop can work it out again."""
    top = Value(max(s.data for s in scores))
    top.largest_of = tuple(scores)
    return top


def _labelled(v: Value, label: str) -> Value:
    v.label = label
    return v
