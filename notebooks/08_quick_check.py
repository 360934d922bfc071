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
# The lesson ends with one question. Read the options, pick one, and run the cell.

# %%
from micrograd_lesson.app.quiz import EXERCISES, QUICK_CHECK, check_answer

print(QUICK_CHECK.prompt)
for option in QUICK_CHECK.options:
    print(f"  {option.letter}. {option.text}")

# %%
my_answer = None  # put your letter here, e.g. "C", and run the cell again

if my_answer is None:
    print("Type your letter into my_answer and run this cell again.")
else:
    print(check_answer(my_answer).message)

# %% [markdown]
# ## Predict the gradient
#
# Work these out with the chain rule (local derivative x upstream gradient), then type your numbers.
# Leave one as `None` to see its answer.

# %%
for i, exercise in enumerate(EXERCISES):
    print(i, exercise.question)

# %%
my_gradients = [6, 3, None, None, None]  # example guesses: replace them with yours (None shows the answer)

for exercise, guess in zip(EXERCISES, my_gradients):
    print(exercise.question)
    if guess is None:
        print(f"  answer: {exercise.answer():.4g}. {exercise.explanation}")
    else:
        print("  " + exercise.check(guess).message)
    print()

# %% [markdown]
# ## How the answers are computed
#
# Each exercise builds its expression from Values and calls `backward()`; nothing is hard-coded. The
# same in a few lines, for the first one:

# %%
from micrograd_lesson import parse_expression

parsed = parse_expression("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
parsed.value.backward()
print({name: v.grad for name, v in parsed.inputs.items()})

# %% [markdown]
# ## Answer key
#
# Answered already, or stuck? This cell prints the right letter and why.

# %%
print(check_answer("B").message)
