"""How good a trained model is: the fraction of examples it classifies right."""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value
from micrograd_lesson.nn import Module, class_of, decision_threshold


def accuracy(
    model: Module, X: Sequence[Sequence[Value | float]], y: Sequence[int], threshold: float | None = None
) -> float:
    """The fraction of examples the model classifies right.

    One output: the class is positive when the output is above threshold (0.5 for a sigmoid output, else 0:
    the sign, for hinge scores or logits); labels may be 0/1 or -1/+1. Several outputs: the largest one's
    index is the predicted class, and each label a class index. X and y are lists (or tuples or arrays):
    a generator is refused, since it can be read only once."""
    _checks.paired("accuracy", X, y, "input", "label")
    first = model(X[0])  # one output, or one per class: what the labels must be
    _checks.class_labels("accuracy", y, None if isinstance(first, Value) else len(first))
    if threshold is None:
        threshold = decision_threshold(model)
    correct = 0
    for x, label in zip(X, y):
        out = model(x)
        expected = int(label > 0) if isinstance(out, Value) else label  # one output: -1/+1 labels count as 0/1
        correct += class_of(out, threshold) == expected
    return correct / len(X)


def score_accuracy(scores: Sequence[float], y: Sequence[int], threshold: float = 0.0) -> float:
    """The fraction of one-output scores (plain floats) that say the right class: above threshold says class 1.

    Labels may be 0/1 or -1/+1; accuracy(model, X, y) gives the same number from the model's outputs."""
    _checks.paired("score_accuracy", scores, y, "score", "label")
    return sum((s > threshold) == (label > 0) for s, label in zip(scores, y)) / len(y)
