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
# shows 0.25: its bias is -0.10).

# %%
import ipywidgets as widgets
from IPython.display import display

from micrograd_lesson import Playground
from micrograd_lesson.viz import draw_network

playground = Playground(x1=0.5, x2=0.5)
x1 = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="x1", readout_format=".2f")
x2 = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="x2", readout_format=".2f")
output = widgets.Label()
picture = widgets.HTML()


def show(change=None):
    playground.set(x1=x1.value, x2=x2.value)
    output.value = f"Output: {playground.output:.4f}"
    picture.value = draw_network(playground.model, playground.inputs).html()


x1.observe(show, names="value")
x2.observe(show, names="value")
show()
display(widgets.VBox([widgets.HBox([x1, x2]), output, picture]))

# %% [markdown]
# At 0.50 / 0.50 the hidden neurons show 0.25, 0.40 and 0.00, and the output is 0.5125, as in the
# lesson. Code can move a slider too, and everything downstream follows:

# %%
x1.value = 1.0
print(output.value)
print(playground)
x1.value = 0.5  # back to the lesson's numbers
print(output.value)

# %% [markdown]
# Try it: which slider moves the output more? Why does the third hidden neuron stay at 0.00 for so many
# inputs? (Look at its weights and its bias.)
