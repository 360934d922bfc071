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
draw_dot(o, model=neuron)

# %% [markdown]
# ## Activation functions
#
# Step 4 is where neurons differ. The same sum `n = 0.8814` through each activation the package knows:

# %%
outputs = {}
for activation in ("tanh", "relu", "sigmoid", "linear"):
    other = Perceptron(2, activation=activation)
    for w, w0 in zip(other.parameters(), neuron.parameters()):
        w.data = w0.data
    outputs[activation] = other.explain(x).output
    print(f"{activation:>8}: {outputs[activation]:.4f}")

# %% [markdown]
# A positive sum passes through ReLU unchanged, just as through linear; sigmoid squashes it to
# 1 / (1 + e**-n), between 0 and 1, and tanh to tanh(n), between -1 and 1.
#
# Try it: change the inputs or the weights above and run the cells again. What input makes the
# ReLU neuron output exactly 0?
