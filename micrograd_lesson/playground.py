"""The lesson's "Now try it yourself" playground: two input sliders feeding a network, every activation recomputed."""

from __future__ import annotations

from micrograd_lesson import _checks
from micrograd_lesson.examples import seed_network
from micrograd_lesson.nn import MLP


class Playground:
    """Two inputs between 0 and 1 feeding a network; every activation is recomputed when an input changes."""

    def __init__(self, x1: float = 0.5, x2: float = 0.5, model: MLP | None = None) -> None:
        self.model = model if model is not None else seed_network()
        if self.model.nin != 2:
            raise ValueError(f"the playground's two sliders need a network of 2 inputs, got one of {self.model.nin}")
        self.x1 = self.x2 = 0.0
        self.set(x1=x1, x2=x2)

    def set(self, x1: float | None = None, x2: float | None = None) -> list[list[float]]:
        """Move one or both input sliders and return every layer's activations, input first."""
        new = [
            self.x1 if x1 is None else _checks.number("the slider x1", x1, low=0.0, high=1.0),
            self.x2 if x2 is None else _checks.number("the slider x2", x2, low=0.0, high=1.0),
        ]
        self.activations = self.model.activations(new)  # computed before anything changes: an error leaves all
        self.x1, self.x2 = new
        return self.activations

    @property
    def inputs(self) -> list[float]:
        """The two inputs, [x1, x2]."""
        return [self.x1, self.x2]

    @property
    def output(self) -> float:
        """The network's output for the current inputs."""
        return self.activations[-1][0]

    def __repr__(self) -> str:
        layers = " -> ".join("[" + ", ".join(f"{a:.2f}" for a in layer) + "]" for layer in self.activations)
        return f"Playground({layers}, output {self.output:.4f})"
