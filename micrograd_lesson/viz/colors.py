"""The colour language of every picture: one scheme per meaning, and thickness always means size.

- a weight's sign (the network picture): blue positive, red negative, as the lesson and TensorFlow Playground draw it;
- a gradient's sign (computation graphs, the backward flipbook, the network's gradients view): purple positive,
  green negative, so a thick arrow is never read as a weight;
- the backward step being worked: orange;
- zero, or not reached yet: grey;
- a dataset's classes and the activation functions in a plot: palettes of their own.

Every picture carries a legend saying which of these it uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignScheme:
    """The colours for one kind of signed number: what it is, its positive colour and its negative colour."""

    meaning: str  # 'weight' or 'gradient'
    positive: str
    negative: str

    def color(self, x: float) -> str:
        """The positive colour for x > 0, the negative one for x < 0, ZERO for 0."""
        if x > 0:
            return self.positive
        if x < 0:
            return self.negative
        return ZERO


WEIGHT = SignScheme("weight", "#1f77b4", "#d62728")  # blue, red
GRADIENT = SignScheme("gradient", "#7b3294", "#1b7837")  # purple, green
ZERO = "#9e9e9e"  # grey: nothing flows, or not yet
HIGHLIGHT = "#ff7f0e"  # orange: what the current backward step touches
HIGHLIGHT_FILL = "#ffe8cc"  # the light orange behind the step's node and label
HIGHLIGHT_TEXT = "#8a3b00"  # dark orange: the step's own text, the most readable on the frame
TEXT = "#212121"
CLASSES = ("#e6ab02", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f")  # class 0, class 1, ...
# A dataset's first three classes as the live page's section 6 draws them (app/static/sections/live_training.js):
# orange, blue (class 1: output above 0) and green; the plane in the light colour, each point in the dark one.
PAGE_CLASSES = ("#e07a10", "#1f5fbf", "#2ea05a")
PAGE_CLASSES_DARK = ("#a84f00", "#174a9c", "#1b7a3a")
PAGE_CLASS_MARKS = ("−", "+", "×")  # drawn inside each point, so a class is never told by colour alone
PAGE_SHADE = 0.56  # how strongly the plane takes its class's light colour over white (the page's "discretize")
ACTIVATION_COLORS = {"tanh": "#8c564b", "relu": "#e377c2", "sigmoid": "#17becf", "linear": "#7f7f7f"}
LINE = "#424242"  # a plain line that means nothing but itself: a loss curve, an op's result

MIN_WIDTH = 0.6  # so that a tiny number still draws a visible line
MAX_WIDTH = 5.0


def width(x: float, largest: float, low: float = MIN_WIDTH, high: float = MAX_WIDTH) -> float:
    """A line width proportional to |x|, high for the largest, never thinner than low."""
    if largest <= 0:
        return low
    return max(low, high * abs(x) / largest)
