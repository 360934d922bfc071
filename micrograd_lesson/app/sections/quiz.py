"""Section 5, "Check yourself": the quick check and the exercises (app.quiz's questions), and the page's score."""

from __future__ import annotations

from micrograd_lesson.app import quiz
from micrograd_lesson.app.requests import choice, number

ANSWER_LIMIT = 1e6  # an exercise's numeric answer stays within +-1e6
CHOICES = {"answer_limit": ANSWER_LIMIT}
ITEMS = ("check", *(f"e{i}" for i in range(len(quiz.EXERCISES))))  # what the page asks: the check, then e0, e1, ...


def questions() -> dict:
    """The quick check and the exercises, without their answers: what a new session shows."""
    return {
        "check": {"prompt": quiz.QUICK_CHECK.prompt, "options": [[o.letter, o.text] for o in quiz.QUICK_CHECK.options]},
        "exercises": [e.question for e in quiz.EXERCISES],
        "total": len(ITEMS),
    }


def respond(answers: dict[str, bool] | None, request: dict) -> tuple[dict[str, bool], dict]:
    """Judge one answer and keep the score (an item counts once, right or wrong, as first answered)."""
    answers = {} if answers is None else answers
    item = choice(request, "item", ITEMS)
    if item == "check":
        feedback = quiz.check_answer(choice(request, "answer", quiz.QUICK_CHECK.letters))
    else:
        feedback = quiz.EXERCISES[int(item[1:])].check(number(request, "answer", -ANSWER_LIMIT, ANSWER_LIMIT))
    answers.setdefault(item, feedback.correct)
    return answers, {
        "correct": feedback.correct,
        "message": feedback.message,
        "score": sum(answers.values()),
        "answered": len(answers),
        "total": len(ITEMS),
    }
