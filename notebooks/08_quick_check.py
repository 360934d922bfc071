# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Quick check
#
# The lesson ends with one question; here are four, then five gradients to predict with the chain rule.
# Nothing below gives an answer away: you type yours, and see the answer only when you ask for it.

# %%
from micrograd_lesson.app.quiz import check, question_count, question_text, reveal

for number in range(1, question_count() + 1):
    print(f"{number}. {question_text(number)}\n")

# %% [markdown]
# ## Your answers
#
# Put a letter for questions 1 to 4 and a number for 5 to 9 (work those out with local derivative x
# upstream gradient), then run the cell. A wrong answer tells you which one is right, so try the
# question once more in your head before you read on.

# %%
my_answers = {}  # e.g. {1: "C", 5: 6}: question number -> your answer

if not my_answers:
    print("Type your answers into my_answers, e.g. {1: 'C', 5: 6}, and run this cell again.")
for number, answer in sorted(my_answers.items()):
    print(f"{number}. {check(number, answer).message}\n")

# %% [markdown]
# ## Stuck?
#
# `reveal(3)` prints question 3's answer and why. Run it in a new cell when you want it, and not before.

# %%
print(reveal.__doc__)

# %% [markdown]
# ## How the answers are computed
#
# Each exercise builds its expression from Values and calls `backward()`; nothing is hard-coded. The
# same in a few lines, for an expression of your own (not one of the quiz's):

# %%
from micrograd_lesson import parse_expression

parsed = parse_expression("(x*y + 1).tanh()", {"x": 0.5, "y": -2})
parsed.value.backward()
print({name: round(v.grad, 4) for name, v in parsed.inputs.items()})
