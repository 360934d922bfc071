"""The quick check and the predict-the-gradient exercises: right answers, explanations, tolerances."""

import pytest

from micrograd_lesson.app.quiz import (
    EXERCISES,
    QUESTIONS,
    QUICK_CHECK,
    GradientExercise,
    check,
    check_answer,
    first_try,
    question_count,
    question_text,
    reveal,
)
from micrograd_lesson.expression import parse_expression
from micrograd_lesson.testing import numerical_grad


def test_the_quick_check_has_four_options_and_one_right_answer():
    assert QUICK_CHECK.prompt == "What does backpropagation do during neural network training?"
    assert QUICK_CHECK.letters == ("A", "B", "C", "D")
    assert [option.correct for option in QUICK_CHECK.options].count(True) == 1
    right = QUICK_CHECK.answer
    assert right.letter == "B"
    assert "chain rule" in right.text and "gradient" in right.text and "weight" in right.text
    assert all(len(option.explanation) > 80 for option in QUICK_CHECK.options)


def test_every_question_has_one_right_option_never_the_uniquely_longest_and_letters_spread_over_a_to_d():
    assert QUESTIONS[0] is QUICK_CHECK
    for question in QUESTIONS:
        assert question.letters == ("A", "B", "C", "D")
        assert [option.correct for option in question.options].count(True) == 1
        right = len(question.answer.text)
        assert any(len(o.text) >= right for o in question.options if not o.correct), question.prompt
        assert question.hint and question.answer.text not in question.hint
    assert sorted(question.answer.letter for question in QUESTIONS) == ["A", "B", "C", "D"]


def test_a_wrong_first_try_gets_a_hint_and_not_the_answer():
    for question in QUESTIONS:
        for option in question.options:
            feedback = first_try(option.letter, question)
            if option.correct:
                assert feedback == check_answer(option.letter, question)
                continue
            assert not feedback.correct and feedback.message.endswith("Try once more.")
            assert question.answer.text not in feedback.message and "The answer is" not in feedback.message
            assert question.answer.explanation not in feedback.message
    for exercise in EXERCISES:
        wrong = first_try(exercise.answer() + 3, exercise)
        assert not wrong.correct and wrong.message.startswith(f"Not quite: you said {exercise.answer() + 3:g}. Hint:")
        assert exercise.explanation not in wrong.message
        assert first_try(exercise.answer(), exercise) == exercise.check(exercise.answer())


# The answer key, question by question: the letters and the numbers a learner should arrive at.
ANSWER_KEY = {1: "B", 2: "A", 3: "C", 4: "D", 5: 6.0, 6: -2.0, 7: 4.0, 8: 1.0, 9: 2.0}


def test_the_numbered_questions_their_answer_key_and_reveal():
    assert question_count() == len(ANSWER_KEY) == len(QUESTIONS) + len(EXERCISES)
    for number, answer in ANSWER_KEY.items():
        assert check(number, answer).correct
        shown = reveal(number)
        if isinstance(answer, str):
            assert shown.startswith(f"{number}. The answer is {answer}: ")
            assert all(not check(number, other).correct for other in "ABCD" if other != answer)
            assert question_text(number).count("\n  ") == 4  # the prompt, then its four options
        else:
            assert shown.startswith(f"{number}. d") and f"= {answer:g}. " in shown
            assert not check(number, answer + 1).correct
            assert question_text(number) == EXERCISES[number - 5].question
    for bad in (0, 10, -1, True, "3", 2.0):
        with pytest.raises(ValueError, match="numbered 1 to 9"):
            reveal(bad)


def test_each_answer_is_explained_and_a_wrong_one_names_the_right_one():
    right = check_answer("B")
    assert right.correct and right.message.startswith("B is right.")
    for letter in "ACD":
        feedback = check_answer(letter)
        assert not feedback.correct
        assert feedback.message.startswith(f"{letter} is not it.")
        assert QUICK_CHECK.option(letter).explanation in feedback.message
        assert "The answer is B" in feedback.message


def test_letters_are_read_leniently_and_others_refused():
    assert check_answer(" b ").correct
    for bad in ("E", "", "AB", None, 2):
        with pytest.raises(ValueError, match="answer with one of A, B, C, D"):
            check_answer(bad)


# dL/da, dL/dc, dL/df for L = (a*b + c) * f; do/dw1 for the lecture's neuron; db/da for b = a + a
HAND_WORKED = [6.0, -2.0, 4.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("exercise", "expected"), list(zip(EXERCISES, HAND_WORKED)), ids=lambda x: getattr(x, "wrt", "")
)
def test_exercise_answers_match_hand_work_and_central_differences(exercise, expected):
    assert exercise.answer() == pytest.approx(expected, abs=1e-9)
    names = list(exercise.inputs)
    numerical = numerical_grad(
        lambda *xs: parse_expression(exercise.expression, dict(zip(names, xs))).value, *exercise.inputs.values()
    )
    assert numerical[names.index(exercise.wrt)] == pytest.approx(expected, abs=1e-6)
    assert f"= {expected:g}" in exercise.explanation  # the explanation arrives at the same number


def test_exercises_read_as_questions():
    first = EXERCISES[0]
    assert first.question == "L = (a*b + c) * f, with a = 2, b = -3, c = 10, f = -2. What is dL/da?"
    assert all("local" in e.explanation.lower() or "passes" in e.explanation for e in EXERCISES)


def test_check_accepts_answers_within_the_tolerance_only():
    exercise = EXERCISES[0]  # dL/da = 6
    assert exercise.check(6).correct
    assert exercise.check("6.0").correct
    assert exercise.check(6.05).correct  # within 1% of 6
    assert not exercise.check(6.1).correct
    assert not exercise.check(-6).correct
    assert exercise.check(6.1, tolerance=0.02).correct
    near_zero = GradientExercise("a * b", {"a": 1.0, "b": 0.0}, "a", "y", "dy/da = b = 0.")
    assert near_zero.check(0.005).correct and not near_zero.check(0.02).correct  # absolute near 0


def test_feedback_explains_with_local_times_upstream():
    wrong = EXERCISES[0].check(-4)
    assert wrong.message.startswith("Not quite: you said -4.")
    assert "local x upstream" in wrong.message
    assert EXERCISES[0].check(6).message.startswith("Yes: dL/da = 6.")


@pytest.mark.parametrize("guess", ["six", "", None, "nan", float("inf")])
def test_a_guess_must_be_a_finite_number(guess):
    with pytest.raises(ValueError, match="the answer must be"):
        EXERCISES[0].check(guess)
