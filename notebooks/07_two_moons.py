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
# # Two moons
#
# Two interleaving half-circles of points: no straight line separates them, so a single neuron cannot.
# A small MLP can. We train it with the five-step loop (hinge loss, as in micrograd's demo, and Adam).

# %%
from micrograd_lesson import MLP, Adam, TrainingLoop, accuracy, data, hinge
from micrograd_lesson.viz import plot_decision_boundary, plot_loss

X, y = data.moons(n=100, noise=0.1, seed=1)
print(len(X), "points; the first:", X[0], "class", y[0])

# %%
model = MLP(2, [8, 8, 1], seed=0)  # ReLU hidden layers; the output's sign is the class
loop = TrainingLoop(model, X, data.signed(y), loss=hinge, optimizer=Adam(model.parameters(), lr=0.05))
losses = loop.run(40)  # a progress bar, one tick per full pass over the data
right = accuracy(model, X, y)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, accuracy {right:.0%}")

# %%
loss_curve = plot_loss(losses)
loss_curve

# %% [markdown]
# The decision boundary: the class the network predicts at every point of the plane, with the data on
# top. The boundary bends around the moons: that is what the hidden layers buy.

# %%
boundary = plot_decision_boundary(model, X, y)
boundary

# %% [markdown]
# Try it: fewer hidden neurons (`[2]`), fewer epochs, or more noise (`data.moons(noise=0.3)`). When does
# the boundary stop fitting the moons?

# %% [markdown]
# ## Watch it learn, live
#
# The live page's last section in a cell: press Step or Run and watch the boundary, the hidden neurons'
# maps and the loss curve move; change the layers, the activation or the learning rate and train again.
# Its settings go in as keywords, or as the page's address writes them
# (`widgets.Trainer("dataset=moons&hidden=8,8")`); `trainer.model` is the live network.

# %%
from micrograd_lesson import widgets

trainer = widgets.Trainer(dataset="moons", hidden=[8, 8])
trainer

# %%
trainer.train(10)  # ten steps from code: the widget follows
print(f"step {trainer.step}: train loss {trainer.train_loss:.4f}, test loss {trainer.test_loss:.4f}")
