"""The lesson's quick check, and "predict the gradient" exercises that check a learner's number.

Plain data plus small check functions, so the command line and a notebook ask the same questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from micrograd_lesson.examples import LECTURE_INPUTS, LECTURE_NEURON_INPUTS
from micrograd_lesson.expression import parse_expression


@dataclass(frozen=True)
class Option:
    """One answer to a multiple-choice question, with why it is right or wrong."""

    letter: str
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with exactly one correct option."""

    prompt: str
    options: tuple[Option, ...]

    @property
    def answer(self) -> Option:
        """The correct option."""
        return next(option for option in self.options if option.correct)

    @property
    def letters(self) -> tuple[str, ...]:
        """The options' letters, in order: ('A', 'B', 'C', 'D')."""
        return tuple(option.letter for option in self.options)

    def option(self, letter: str) -> Option:
        """The option with this letter (case-insensitive); ValueError for any other letter."""
        if isinstance(letter, str):
            for option in self.options:
                if option.letter == letter.strip().upper():
                    return option
        raise ValueError(f"answer with one of {', '.join(self.letters)}, got {letter!r}")


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, and the explanation to show."""

    correct: bool
    message: str


QUICK_CHECK = Question(
    prompt="What does backpropagation do during neural network training?",
    options=(
        Option(
            "A",
            "It updates the weights, nudging each one toward a better value.",
            False,
            "Close, but that is the next step of the loop. Backpropagation only works out the gradients; "
            "the update step (an optimizer such as SGD: w -= learning_rate * w.grad) then uses them to change "
            "the weights. You can run backward() and look at every grad without any weight changing.",
        ),
        Option(
            "B",
            "It computes how much each weight contributed to the error: the gradient of the loss with respect "
            "to every weight, by applying the chain rule backwards from the loss through the network.",
            True,
            "Yes. Starting from dL/dL = 1 at the loss, each node passes its gradient to its inputs, multiplied "
            "by its local derivative (local x upstream), and contributions that meet at a node add up. "
            "Afterwards every weight's .grad says which way, and how strongly, it pushes the loss.",
        ),
        Option(
            "C",
            "It runs the data backwards through the network, from the output to the input, to make predictions.",
            False,
            "Predictions come from the forward pass: data flows from the inputs to the output. What flows "
            "backwards is not data but gradients, d(loss)/d(each node), computed after the loss is known.",
        ),
        Option(
            "D",
            "It decides the network's architecture: how many layers and neurons to use.",
            False,
            "The architecture is chosen before training, by a person or a search, and stays fixed while the "
            "network learns. Backpropagation works inside whatever architecture you picked, computing the "
            "gradients of its weights.",
        ),
    ),
)


def check_answer(letter: str, question: Question = QUICK_CHECK) -> Feedback:
    """Check a letter against question; the message explains the chosen option (and the right one if wrong)."""
    chosen = question.option(letter)
    if chosen.correct:
        return Feedback(True, f"{chosen.letter} is right. {chosen.explanation}")
    right = question.answer
    return Feedback(
        False, f"{chosen.letter} is not it. {chosen.explanation}\nThe answer is {right.letter}: {right.text}"
    )


@dataclass(frozen=True)
class GradientExercise:
    """Predict d(output)/d(wrt) of a small expression built on Value; check a guess within a tolerance."""

    expression: str
    inputs: dict[str, float] = field(hash=False)
    wrt: str
    output: str
    explanation: str  # the chain rule for this input: local derivative x upstream gradient

    @property
    def question(self) -> str:
        """The exercise as a learner reads it."""
        given = ", ".join(f"{name} = {value:g}" for name, value in self.inputs.items())
        return f"{self.output} = {self.expression}, with {given}. What is d{self.output}/d{self.wrt}?"

    def answer(self) -> float:
        """The true gradient, computed by building the expression from Values and calling backward()."""
        parsed = parse_expression(self.expression, self.inputs)
        parsed.value.backward()
        return parsed.inputs[self.wrt].grad

    def check(self, guess: float | str, tolerance: float = 0.01) -> Feedback:
        """Right when |guess - answer| <= tolerance * max(1, |answer|); the message explains either way."""
        number = _guess(guess)
        answer = self.answer()
        correct = abs(number - answer) <= tolerance * max(1.0, abs(answer))
        verdict = f"Yes: d{self.output}/d{self.wrt} = {answer:.4g}." if correct else f"Not quite: you said {number:g}."
        return Feedback(correct, f"{verdict} {self.explanation}")


_LECTURE = LECTURE_INPUTS
_NEURON = LECTURE_NEURON_INPUTS

EXERCISES = (
    GradientExercise(
        "(a*b + c) * f",
        _LECTURE,
        "a",
        "L",
        "Write e = a*b and d = e + c, so L = d * f. Upstream: dL/de = dL/dd * dd/de = f * 1 = -2. "
        "Local: de/da = b = -3. Chain rule, local x upstream: dL/da = -3 * -2 = 6.",
    ),
    GradientExercise(
        "(a*b + c) * f",
        _LECTURE,
        "c",
        "L",
        "d = e + c, and a plus node passes its gradient through unchanged: the local derivative dd/dc is 1. "
        "Upstream: dL/dd = f = -2. So dL/dc = 1 * -2 = -2.",
    ),
    GradientExercise(
        "(a*b + c) * f",
        _LECTURE,
        "f",
        "L",
        "L = d * f, and the local derivative of a product with respect to one factor is the other factor: "
        "dL/df = d = a*b + c = 4. Upstream is dL/dL = 1, so dL/df = 4 * 1 = 4.",
    ),
    GradientExercise(
        "(x1*w1 + x2*w2 + b).tanh()",
        _NEURON,
        "w1",
        "o",
        "With n = x1*w1 + x2*w2 + b = 0.8814, o = tanh(n) = 0.7071 and do/dn = 1 - o**2 = 0.5. The plus nodes pass "
        "0.5 on to x1*w1. Local: d(x1*w1)/dw1 = x1 = 2. So do/dw1 = 2 * 0.5 = 1.",
    ),
    GradientExercise(
        "a + a",
        {"a": 3.0},
        "a",
        "b",
        "a is used twice: each use gets local derivative 1 times upstream 1, and the two contributions add "
        "up (that is why backward() uses +=). So db/da = 1 + 1 = 2, not 1.",
    ),
)


def _guess(guess: float | str) -> float:
    try:
        number = float(guess)
    except (TypeError, ValueError):
        raise ValueError(f"the answer must be a number such as 6 or -0.5, got {guess!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"the answer must be a finite number, got {guess!r}")
    return number
