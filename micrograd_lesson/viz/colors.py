"""Colour by sign, thickness by size: the TensorFlow Playground convention used in every picture."""

from __future__ import annotations

POSITIVE = "#1f77b4"  # blue
NEGATIVE = "#d62728"  # red
ZERO = "#9e9e9e"  # grey: nothing flows
HIGHLIGHT = "#ff7f0e"  # orange: what the current backward step touches

MIN_WIDTH = 0.4  # so that a tiny number still draws a visible line
MAX_WIDTH = 5.0


def sign_color(x: float) -> str:
    """Blue for positive, red for negative, grey for zero."""
    if x > 0:
        return POSITIVE
    if x < 0:
        return NEGATIVE
    return ZERO


def width(x: float, largest: float) -> str:
    """A pen width proportional to |x|, MAX_WIDTH for the largest, never thinner than MIN_WIDTH."""
    if largest <= 0:
        return f"{MIN_WIDTH:.2f}"
    return f"{max(MIN_WIDTH, MAX_WIDTH * abs(x) / largest):.2f}"
