"""The inputs a network may be given for a point (x1, x2): x1 and x2 themselves and five features made of them.

As TensorFlow Playground offers them: x1², x2², x1·x2, sin(x1), sin(x2). Each is one formula, written once, that
works on floats (expand: every point's inputs, computed once) and on Values (as_values: one point's inputs as a
graph, so d(output)/d(x1) flows through x1² too). Both do the same operations, so the numbers agree to the bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value


def _sin(a: Value | float) -> Value | float:
    return a.sin() if isinstance(a, Value) else math.sin(a)


# name -> (what a learner reads, the formula of (x1, x2)); in this order, the network's inputs
FEATURES: dict[str, tuple[str, Callable]] = {
    "x1": ("x1", lambda a, b: a),
    "x2": ("x2", lambda a, b: b),
    "x1_sq": ("x1²", lambda a, b: a * a),
    "x2_sq": ("x2²", lambda a, b: b * b),
    "x1_x2": ("x1·x2", lambda a, b: a * b),
    "sin_x1": ("sin(x1)", lambda a, b: _sin(a)),
    "sin_x2": ("sin(x2)", lambda a, b: _sin(b)),
}


def checked(names: Sequence[str]) -> list[str]:
    """names as a list in FEATURES' order, or the ValueError naming an unknown one, a repeat or an empty list."""
    _checks.sequence("the features", names)
    for name in names:
        _checks.one_of("a feature", name, FEATURES)
    if not names or len(set(names)) != len(names):
        raise ValueError(f"the features must be at least one of {', '.join(FEATURES)}, each once; got {list(names)}")
    return [name for name in FEATURES if name in names]


def expand(X: Sequence[Sequence[float]], names: Sequence[str]) -> list[list[float]]:
    """Every point's inputs: the features names, as floats, in FEATURES' order."""
    formulas = [FEATURES[name][1] for name in checked(names)]
    return [[f(float(a), float(b)) for f in formulas] for a, b in X]


def as_values(x1: Value, x2: Value, names: Sequence[str]) -> list[Value]:
    """One point's inputs as Values built from the leaves x1 and x2: the features names, in FEATURES' order."""
    return [FEATURES[name][1](x1, x2) for name in checked(names)]
