"""How good a trained model is: the fraction of examples it classifies right."""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import Module


def accuracy(
    model: Module, X: Sequence[Sequence[Value | float]], y: Sequence[int], threshold: float | None = None
) -> float:
    """The fraction of examples the model classifies right.

    One output: the class is positive when the output is above threshold (0.5 for a sigmoid output, else 0:
    the sign, for hinge scores or logits); labels may be 0/1 or -1/+1. Several outputs: the largest one's
    index is the predicted class."""
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"accuracy needs one label per input and at least one: got {len(X)} inputs, {len(y)} labels")
    if threshold is None:
        threshold = 0.5 if _output_activation(model) == "sigmoid" else 0.0
    correct = 0
    for x, label in zip(X, y):
        out = model(x)
        if isinstance(out, Value):
            correct += (out.data > threshold) == (label > 0)
        else:
            scores = [v.data for v in out]
            correct += scores.index(max(scores)) == label
    return correct / len(X)


def _output_activation(model: Module) -> str | None:
    if hasattr(model, "layers"):
        model = model.layers[-1]
    if hasattr(model, "neurons"):
        model = model.neurons[-1]
    return getattr(model, "activation", None)
