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
# # The playground
#
# The lesson's tiny network: two inputs, three ReLU neurons, one sigmoid output. Drag the sliders and
# watch the values flow through. Blue connections are positive weights, red negative, thicker stronger;
# each neuron shows its bias b, which the lesson's picture leaves out (h1 gets 0.35 from its inputs and
# shows 0.25: its bias is -0.10). Hover or focus a neuron for its four steps, and type any weight.
#
# This is the live page's own playground (`micrograd-lesson serve`, section 2) as a widget: it runs in
# JupyterLab, Notebook 7, VS Code, Colab and marimo, and where no widget can run (a rendered notebook)
# it shows the picture.

# %%
from micrograd_lesson import widgets

playground = widgets.Playground(x1=0.5, x2=0.5)
playground

# %% [markdown]
# At 0.50 / 0.50 the hidden neurons show 0.25, 0.40 and 0.00, and the output is 0.5125, as in the
# lesson. Code can move a slider too, and everything downstream follows, in the widget as well:

# %%
playground.x1 = 1.0
print(f"Output: {playground.output:.4f}")
playground.x1 = 0.5  # back to the lesson's numbers
print(f"Output: {playground.output:.4f}")

# %% [markdown]
# Try it: which slider moves the output more? Why does the third hidden neuron stay at 0.00 for so many
# inputs? (Look at its weights and its bias.)
