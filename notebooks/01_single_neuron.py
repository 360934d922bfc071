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
# # A single neuron
#
# A neuron (a *perceptron*) does four things:
#
# 1. takes in one or more inputs (just numbers);
# 2. multiplies each input by a weight, a number that says how much that input matters;
# 3. adds everything up, plus a bias (a constant offset);
# 4. passes the result through an activation function that decides how strongly it "fires".
#
# Here is the lecture's neuron: inputs 2 and 0, weights -3 and 1, a bias of 6.8814, and tanh.

# %%
from micrograd_lesson import Perceptron, draw_dot

neuron = Perceptron(2, activation="tanh")
neuron.w[0].data, neuron.w[1].data = -3.0, 1.0
neuron.b.data = 6.881373587019543
x = [2.0, 0.0]

steps = neuron.explain(x)
print(steps)

# %% [markdown]
# ## The same neuron as a graph of Values
#
# Calling the neuron builds its output from Values, so every step is a node we can draw: a box per
# Value (`label | data | grad`) and an oval per operation. After `backward()`, each weight's grad says
# how much the output would move if that weight moved: here do/dw1 = x1 * (1 - tanh(n)**2) = 2 * 0.5 = 1,
# and do/dw2 = 0, because x2 is 0: that weight does not matter for this input.

# %%
o = neuron(x)
o.backward()
print(f"do/dw1 = {neuron.w[0].grad:.4f}   do/dw2 = {neuron.w[1].grad:.4f}   do/db = {neuron.b.grad:.4f}")
draw_dot(o, model=neuron)  # wide: a notebook shows it scaled to its column

# %% [markdown]
# ## Activation functions
#
# Step 4 is where neurons differ. Our neuron's sum, 0.8814, is a poor place to compare them: tanh and
# sigmoid happen to give the same 0.7071 there. So here are the four the package knows at sums where
# they disagree (but for ReLU and linear, which agree on every positive sum), then each drawn over a
# range of sums (the dotted lines are the sums in the table):

# %%
from micrograd_lesson import Value
from micrograd_lesson.nn import ACTIVATIONS
from micrograd_lesson.viz import plot_activations

sums = [-2.0, -0.5, 0.5, 2.0]
outputs = {name: [a.apply(Value(n)).data for n in sums] for name, a in ACTIVATIONS.items()}
print(f"{'n':>8}" + "".join(f"{n:>8g}" for n in sums))
for name, values in outputs.items():
    print(f"{name:>8}" + "".join(f"{v:>8.3f}" for v in values))
plot_activations(marks=sums)

# %% [markdown]
# ReLU passes a positive sum through unchanged, as linear does, and turns a negative one into 0;
# sigmoid squashes any sum into 0 to 1 (1 / (1 + e**-n): 0.5 at 0), and tanh into -1 to 1, through 0 at 0.
#
# Try it: change the inputs or the weights above and run the cells again. What input makes the
# ReLU neuron output exactly 0?
