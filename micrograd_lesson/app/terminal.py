"""Text for a terminal: colour only where it shows, lines fitted to its width, and questions asked in turns.

The command line (cli.py) prints through these; the quiz's questions, answers and judging are app/quiz.py's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from micrograd_lesson.engine import Value, topological_order

if TYPE_CHECKING:
    from micrograd_lesson.app.quiz import GradientExercise, Question, Score

# --- colour, only on a terminal ---------------------------------------------------------------------------


class Style:
    """Wraps text in ANSI colours when enabled, else returns it unchanged."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def heading(self, text: str) -> str:
        """Bold."""
        return self._wrap("1", text)

    def good(self, text: str) -> str:
        """Green."""
        return self._wrap("32", text)

    def bad(self, text: str) -> str:
        """Red."""
        return self._wrap("31", text)

    def dim(self, text: str) -> str:
        """Dimmed."""
        return self._wrap("2", text)


def colour_enabled(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set or TERM is dumb."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


# --- lines fitted to the terminal ---------------------------------------------------------------------------


def terminal_width() -> int:
    """The terminal's width in columns: $COLUMNS if set, else the terminal's own, else 80."""
    return shutil.get_terminal_size((80, 24)).columns


def wrap(text: str, first: str = "", width: int | None = None) -> str:
    """Fit each line of text to width (the terminal's), never breaking a word. A long line goes on under its
    hanging column: where its text resumes after a gap of two spaces ('  2. loss   how wrong? ...'), else
    under its own indentation. The first line starts with first, and every line after it is indented as far."""
    width = width or terminal_width()
    indent = " " * len(first)
    lines = []
    for i, line in enumerate(text.splitlines() or [""]):
        line = (first if i == 0 else indent) + line
        if len(line) <= width:
            lines.append(line)
            continue
        hang = len(first) or _hanging(line)
        lines.append(
            textwrap.fill(
                line,
                width,
                subsequent_indent=" " * (hang if hang < width // 2 else _indentation(line)),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def reflow(text: str) -> str:
    """text with its hard-wrapped paragraphs joined into long lines, for wrap() to fit to the terminal: a line
    of prose continues the prose line above it, and a line indented to the hanging column of the line above
    continues that line."""
    lines: list[str] = []
    for line in text.splitlines():
        above = lines[-1] if lines else ""
        prose = _indentation(line) == _indentation(above) == 0
        hanging = _indentation(line) == _hanging(above) > _indentation(above)
        if above.strip() and line.strip() and (prose or hanging):
            lines[-1] = f"{above} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _hanging(line: str) -> int:
    """The column where an indented line's text resumes after its first gap of two or more spaces, else its
    indentation ('  1. forward pass     predictions' -> the column of 'predictions')."""
    start = _indentation(line)
    if start == 0:
        return 0
    gap = line.find("  ", start)
    return gap + len(line[gap:]) - len(line[gap:].lstrip(" ")) if gap != -1 else start


def node_table(root: Value) -> str:
    """Every node of root's graph, parents first: label, op, data and grad."""
    lines = [f"  {'node':<16} {'op':<8} {'data':>12} {'grad':>12}"]
    for node in topological_order(root):
        label = node.label or "(unnamed)"
        lines.append(f"  {label:<16} {node._op:<8} {node.data:>12.6g} {node.grad:>12.6g}")
    return "\n".join(lines)


# --- asking, on a terminal or from a pipe -------------------------------------------------------------------


def pause(out: TextIO) -> bool:
    """Wait for Enter; False when the input ends (Ctrl-D). The prompt goes to out: input() would use stderr."""
    print("\n[Enter] for the next section, Ctrl-D to stop ", end="", file=out, flush=True)
    try:
        input()
    except EOFError:
        print(file=out)
        return False
    return True


def ask(prompt: str, parse: Callable[[str], object], out: TextIO) -> str | None:
    """Read an answer from stdin; None at the end of input. A bad answer is asked again on a terminal,
    and raises ValueError from a pipe (nobody is there to correct it)."""
    while True:
        print(prompt, end="", file=out, flush=True)
        try:
            text = input()
        except EOFError:
            print(file=out)
            return None
        interactive = sys.stdin.isatty()
        if not interactive:  # echo piped answers, so the transcript reads like a conversation
            print(text, file=out)
        try:
            parse(text)
        except (ValueError, argparse.ArgumentTypeError) as error:
            if not interactive:
                raise ValueError(str(error)) from None
            print(f"  {error}", file=out)
            continue
        return text.strip()


# --- the quiz, asked in turns: two tries a question, scored -------------------------------------------------


def show_question(question: Question, number: int, out: TextIO, style: Style) -> None:
    """Print a multiple-choice question, numbered, and its options, each wrapped under its letter."""
    print("\n" + style.heading(wrap(f"{number}. {question.prompt}")), file=out)
    for option in question.options:
        print(wrap(option.text, f"  {option.letter}. "), file=out)


def two_tries(
    question: Question | GradientExercise, ask: Callable[[], str | None], score: Score, out: TextIO, style: Style
) -> bool:
    """Ask question up to twice, keeping score; False when the input has ended. A blank answer skips it."""
    from micrograd_lesson.app.quiz import TRIES, attempt, skipped

    for number in range(1, TRIES + 1):
        answer = ask()
        if answer is None:  # no more input
            return False
        if answer == "":  # an exercise skipped: its answer, explained, and no score either way
            print(style.dim(wrap(skipped(question))), file=out)
            return True
        feedback = attempt(answer, question, number)
        score.record(number, feedback.correct)
        print((style.good if feedback.correct else style.bad)(wrap(feedback.message)), file=out)
        if feedback.correct:
            return True
    return True
