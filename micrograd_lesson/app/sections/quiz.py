"""Section 5, "Check yourself": the terminal quiz's questions, hints, two tries and score (all from app.quiz)."""

from __future__ import annotations

from dataclasses import dataclass, field

from micrograd_lesson.app import quiz
from micrograd_lesson.app.requests import BadRequest, choice, number

ANSWER_LIMIT = 1e6  # an exercise's numeric answer stays within +-1e6
CHOICES = {"answer_limit": ANSWER_LIMIT}
ITEMS = tuple(f"q{n}" for n in range(1, quiz.question_count() + 1))  # what the page asks: q1, q2, ...
OUTCOMES = {1: "right", 2: "right on the second try"}


@dataclass
class Answers:
    """A session's quiz: the tries each question has had, the ones that are over, and the score."""

    tries: dict[str, int] = field(default_factory=dict)
    over: set[str] = field(default_factory=set)
    score: quiz.Score = field(default_factory=quiz.Score)


def questions() -> dict:
    """Every question without its answer, as a new session shows them, and how the score is kept."""
    items = []
    for n, name in enumerate(ITEMS, 1):
        q = quiz.item(n)
        if isinstance(q, quiz.Question):
            items.append({"id": name, "prompt": q.prompt, "options": [[o.letter, o.text] for o in q.options]})
        else:
            items.append({"id": name, "prompt": q.question, "options": None})
    return {"items": items, "total": len(ITEMS), "tries": quiz.TRIES, "scoring": quiz.SCORING}


def respond(answers: Answers | None, request: dict) -> tuple[Answers, dict]:
    """Judge one try at one question, as the terminal quiz does: a hint after a wrong first try, the answer after
    a wrong second one; keep the score."""
    answers = Answers() if answers is None else answers
    name = choice(request, "item", ITEMS)
    q = quiz.item(ITEMS.index(name) + 1)
    if name in answers.over:
        raise BadRequest(f"question {name[1:]} is over: its answer is shown")
    given = choice(request, "answer", q.letters) if isinstance(q, quiz.Question) else None
    if given is None:
        given = number(request, "answer", -ANSWER_LIMIT, ANSWER_LIMIT)
    attempt = answers.tries[name] = answers.tries.get(name, 0) + 1
    feedback = quiz.attempt(given, q, attempt)
    answers.score.record(attempt, feedback.correct)
    if feedback.correct or attempt == quiz.TRIES:
        answers.over.add(name)
    outcome = OUTCOMES[attempt] if feedback.correct else "try again" if attempt < quiz.TRIES else "wrong"
    return answers, {
        "correct": feedback.correct,
        "outcome": outcome,
        "over": name in answers.over,
        "message": feedback.message,
        "score": str(answers.score),
        "right": answers.score.right,
        "first": answers.score.first,
        "answered": answers.score.asked,
        "total": len(ITEMS),
    }
