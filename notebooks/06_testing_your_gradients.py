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
# # Testing your gradients
#
# How do you know a derivative is right? Nudge the input a tiny bit and watch the output. That is the
# *numerical* gradient, and it is the oracle every hand-written derivative can be tested against.

# %%
from micrograd_lesson import Value
from micrograd_lesson.testing import check_grad, numerical_grad


def f(x):
    return x**2


h = 1e-6
by_hand = (f(3.0 + h) - f(3.0 - h)) / (2 * h)  # central difference
print(by_hand, numerical_grad(f, 3.0))  # both close to the true slope, 2 * 3 = 6

# %% [markdown]
# `check_grad` builds the expression from Values, runs `backward()`, and compares each input's grad
# with the numerical one. It returns a report you can print, and raises if they differ.

# %%
report = check_grad(lambda x, w: (x * w).tanh() * x, 0.3, -1.2)
print(report)

# %% [markdown]
# ## A bug, caught
#
# Suppose you add your own sigmoid and forget a factor in its local derivative
# (`s` instead of `s * (1 - s)`). The forward value is right, so nothing looks wrong until you check:

# %%
import math


def my_sigmoid(x):
    s = 1 / (1 + math.exp(-x.data))
    return Value(s, (x,), "sigmoid", "", (s,))  # bug: the local derivative should be s * (1 - s)


print(my_sigmoid(Value(0.7)).data, Value(0.7).sigmoid().data)  # the forward pass agrees

try:
    check_grad(my_sigmoid, 0.7)
except AssertionError as error:
    print(error)

# %% [markdown]
# ## Your own property test
#
# One point can be lucky. A property test tries many: `hypothesis` draws the inputs, and
# `micrograd_lesson.testing` provides strategies for them (`floats`, `values`, and whole random
# `expressions`). A decorated test is an ordinary function, so a notebook can simply call it.

# %%
from hypothesis import given, settings

from micrograd_lesson.testing import expressions, floats


@settings(max_examples=50, deadline=None, database=None)
@given(floats(-3, 3))
def test_softplus(x):
    check_grad(lambda v: (1 + v.exp()).log(), x)


test_softplus()  # 50 random x in [-3, 3]: silence means every one passed
print("softplus: 50 examples passed")


# %%
@settings(max_examples=30, deadline=None, database=None)
@given(expressions(max_inputs=2, max_steps=5))
def test_backward_on_random_graphs(expression):
    check_grad(expression, *expression.inputs)


test_backward_on_random_graphs()
print("30 random expression graphs passed")


# %% [markdown]
# And the same kind of test finds the bug above by itself, then shrinks it to a simple failing input:


# %%
@settings(max_examples=50, deadline=None, database=None, print_blob=False)
@given(floats(-3, 3))
def test_my_sigmoid(x):
    check_grad(my_sigmoid, x)


try:
    test_my_sigmoid()
    found = False
except AssertionError:
    found = True
print("hypothesis found the bug:", found)
