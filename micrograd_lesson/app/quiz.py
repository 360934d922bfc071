"""The lesson's quick check, three more questions like it, and "predict the gradient" exercises.

Plain data plus small check functions, so the command line and a notebook ask the same questions. The
questions are numbered from 1, multiple choice first (QUESTIONS), then the exercises (EXERCISES);
check(number, answer) judges an answer and reveal(number) gives the answer away, only when asked. No
right option is longer than every wrong one, and the right letters are spread over A to D.
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
    """A multiple-choice question with exactly one correct option, and a hint that does not give it away."""

    prompt: str
    options: tuple[Option, ...]
    hint: str = ""

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
            "It updates every weight, nudging each one a little toward a value that makes the loss smaller.",
            False,
            "Close, but that is the next step of the loop. Backpropagation only works out the gradients; "
            "the update step (an optimizer such as SGD: w -= learning_rate * w.grad) then uses them to change "
            "the weights. You can run backward() and look at every grad without any weight changing.",
        ),
        Option(
            "B",
            "It computes the gradient of the loss with respect to every weight, by the chain rule from the loss back.",
            True,
            "Yes. Starting from dL/dL = 1 at the loss, each node passes its gradient to its inputs, multiplied "
            "by its local derivative (local x upstream), and contributions that meet at a node add up. "
            "Afterwards every weight's .grad says which way, and how strongly, it pushes the loss.",
        ),
        Option(
            "C",
            "It runs the data backwards through the network, from the output to the inputs, to make its predictions.",
            False,
            "Predictions come from the forward pass: data flows from the inputs to the output. What flows "
            "backwards is not data but gradients, d(loss)/d(each node), computed after the loss is known.",
        ),
        Option(
            "D",
            "It chooses the network's architecture: how many layers to stack, and how many neurons to put in each one.",
            False,
            "The architecture is chosen before training, by a person or a search, and stays fixed while the "
            "network learns. Backpropagation works inside whatever architecture you picked, computing the "
            "gradients of its weights.",
        ),
    ),
    hint="Think of what flows backwards through the network, and which step of the loop uses it afterwards.",
)

AFTER_BACKPROP = Question(
    prompt="In the five-step loop, which step comes right after backpropagation?",
    options=(
        Option(
            "A",
            "The update: every weight takes a small step against its own gradient.",
            True,
            "Yes. Backpropagation has just filled in every weight's grad; the update uses them, w -= lr * w.grad, "
            "so that the loss goes down a little. Then the loop repeats with the new weights.",
        ),
        Option(
            "B",
            "The loss: one number that says how wrong the predictions are.",
            False,
            "The loss comes before backpropagation: backward() starts from the loss, so it must exist first. "
            "The order is forward pass, loss, backpropagation, update, repeat.",
        ),
        Option(
            "C",
            "The forward pass: the data flows through the network to predictions.",
            False,
            "The forward pass starts the next loop, after the update has changed the weights; right after "
            "backpropagation the gradients are known but no weight has moved yet.",
        ),
        Option(
            "D",
            "Repeat: back to the start of the loop, with the very same weights as before.",
            False,
            "Repeating with the same weights would make the same predictions and the same loss forever. Something "
            "has to use the gradients to change the weights first.",
        ),
    ),
    hint="Backpropagation fills in every weight's grad. Which step needs those grads?",
)

SILENT_RELU = Question(
    prompt="A ReLU neuron's inputs times its weights, plus its bias, add up to -0.31. What does it send on?",
    options=(
        Option(
            "A",
            "-0.31: ReLU passes every number through as it is.",
            False,
            "That is the linear activation. ReLU is max(0, n): it passes positive sums through and turns negative "
            "ones into 0.",
        ),
        Option(
            "B",
            "0.31: ReLU takes the size of its sum, never its sign.",
            False,
            "That would be the absolute value |n|. ReLU is max(0, n): a negative sum becomes 0, not its size.",
        ),
        Option(
            "C",
            "0.0: ReLU turns every negative sum into exactly zero.",
            True,
            "Yes. ReLU is max(0, n), so the neuron stays silent for this input, as hidden neuron 2 does in the "
            "lesson's forward pass: relu(-0.31) = 0.00. Its local derivative there is 0 too.",
        ),
        Option(
            "D",
            "1.0: a neuron fires at full strength whenever it gets a sum.",
            False,
            "A ReLU neuron's output grows with its sum and has no ceiling; and a negative sum gives 0, not 1. "
            "Firing at 1 or not at all is a step function, which would give no useful gradient.",
        ),
    ),
    hint="ReLU is max(0, n).",
)

HIDDEN_BIAS = Question(
    prompt="The playground's h1 gets +0.5 * 0.50 + 0.2 * 0.50 = 0.35 from its two inputs, yet shows 0.25. Why?",
    options=(
        Option(
            "A",
            "ReLU scales every positive sum down by a fixed factor.",
            False,
            "ReLU passes a positive sum through unchanged: relu(0.35) is 0.35. Something is added to the sum first.",
        ),
        Option(
            "B",
            "The weights are rounded off before the sum is taken.",
            False,
            "The weights are used exactly as they are, and +0.5 and +0.2 need no rounding. Look at the neuron's "
            "own number, the one it adds whatever its inputs are.",
        ),
        Option(
            "C",
            "The output neuron sends part of its value back to h1.",
            False,
            "Values flow forward only: h1 never hears from the output in the forward pass. (Gradients flow "
            "backwards, but they change no value until the update.)",
        ),
        Option(
            "D",
            "Its bias, -0.10, is added to the sum before ReLU.",
            True,
            "Yes. A neuron adds its bias to its weighted sum: 0.35 - 0.10 = 0.25, and relu(0.25) = 0.25. The "
            "network picture writes each neuron's bias b inside its circle.",
        ),
    ),
    hint="A neuron does four things: inputs, times weights, added up plus something, through its activation.",
)

QUESTIONS = (QUICK_CHECK, AFTER_BACKPROP, SILENT_RELU, HIDDEN_BIAS)  # numbered 1 to 4; the exercises follow


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

    @property
    def hint(self) -> str:
        """A nudge that does not give the number away."""
        return f"Go from {self.output} back to {self.wrt} one node at a time: local derivative x upstream gradient."

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


def question_count() -> int:
    """How many questions there are, multiple choice and exercises together."""
    return len(QUESTIONS) + len(EXERCISES)


def question_text(number: int) -> str:
    """Question number (from 1) as a learner reads it: its prompt, and its options if it has any."""
    item = _numbered(number)
    if isinstance(item, Question):
        return "\n".join([item.prompt, *(f"  {o.letter}. {o.text}" for o in item.options)])
    return item.question


def check(number: int, answer: str | float) -> Feedback:
    """Judge an answer to question number: a letter for a multiple-choice one, a number for an exercise."""
    return judge(answer, _numbered(number))


def judge(answer: str | float, item: Question | GradientExercise) -> Feedback:
    """Judge an answer to a question or an exercise; a wrong one is told the right answer, and why."""
    return check_answer(answer, item) if isinstance(item, Question) else item.check(answer)


def first_try(answer: str | float, item: Question | GradientExercise = QUICK_CHECK) -> Feedback:
    """Judge a first try: right, the explanation; wrong, only a hint, so that a second try is still a try."""
    feedback = judge(answer, item)
    if feedback.correct:
        return feedback
    if isinstance(item, Question):
        return Feedback(False, f"{item.option(answer).letter} is not it. Hint: {item.hint} Try once more.")
    return Feedback(False, f"Not quite: you said {_guess(answer):g}. Hint: {item.hint} Try once more.")


TRIES = 2  # each question gets two tries: a wrong first try is given a hint, a wrong second one the answer
SCORING = (
    "Each question gives you two tries: a wrong first try gets a hint, a wrong second try the answer. "
    "A question counts as right on either try; the score also says how many were right at the first try."
)


class Score:
    """Questions asked, answered right (on either try), and answered right at the first try."""

    def __init__(self) -> None:
        self.asked = self.right = self.first = 0

    def record(self, attempt: int, correct: bool) -> None:
        """Count one try (attempt 1 or 2) and whether it was right."""
        self.asked += attempt == 1
        self.right += correct
        self.first += correct and attempt == 1

    def __str__(self) -> str:
        return f"Score: {self.right} of {self.asked} right ({self.first} at the first try)"


def attempt(answer: str | float, item: Question | GradientExercise, number: int) -> Feedback:
    """Judge try number (1 or 2) of an answer: a wrong first try gets only a hint, a wrong second one the answer."""
    return first_try(answer, item) if number == 1 else judge(answer, item)


def item(number: int) -> Question | GradientExercise:
    """Question number (from 1): the multiple-choice questions first, then the exercises."""
    return _numbered(number)


def skipped(exercise: GradientExercise) -> str:
    """What a learner who skips an exercise is told: its answer, and why."""
    return f"Skipped: it is {exercise.answer():.4g}. {exercise.explanation}"


def reveal(number: int) -> str:
    """Question number's answer and why: for when a learner asks for it, and only then."""
    item = _numbered(number)
    if isinstance(item, Question):
        right = item.answer
        return f"{number}. The answer is {right.letter}: {right.text} {right.explanation}"
    return f"{number}. d{item.output}/d{item.wrt} = {item.answer():.4g}. {item.explanation}"


def _numbered(number: int) -> Question | GradientExercise:
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= question_count():
        raise ValueError(f"questions are numbered 1 to {question_count()}, got {number!r}")
    return QUESTIONS[number - 1] if number <= len(QUESTIONS) else EXERCISES[number - len(QUESTIONS) - 1]
