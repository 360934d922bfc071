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
# # The training loop, one phase at a time
#
# Every network learns with the same five-step loop: **forward pass**, **loss**, **backpropagation**,
# **update**, **repeat**. `TrainingLoop` runs it one phase per `step()`, records what each phase did,
# and can go back a phase. Our problem: XOR (output +1 when exactly one input is 1, else -1).

# %%
from micrograd_lesson import SGD, TrainingLoop, draw_network
from micrograd_lesson.examples import xor_network, xor_problem

X, targets = xor_problem()  # the four corners; targets -1/+1, to match the tanh output
model = xor_network()  # 2 inputs, 4 tanh neurons, 1 tanh output
loop = TrainingLoop(model, X, targets, optimizer=SGD(model.parameters(), lr=0.2))  # loss: mean squared error
print(X, targets)
print(model)

# %% [markdown]
# ## Step 1: forward pass

# %%
forward = loop.step()
print(forward)
draw_network(model, X[1])

# %% [markdown]
# ## Step 2: loss

# %%
loss = loop.step()
print(loss)
mse = sum((p - t) ** 2 for p, t in zip(forward.predictions, targets)) / 4
print(f"by hand, the mean of the squared errors: {mse:.4f}")

# %% [markdown]
# ## Step 3: backpropagation
#
# Now every weight has a gradient. The picture switches to gradients, in colours of their own: purple
# where raising the weight would raise the loss, green where it would lower it. The loss adds up all
# four examples, so each gradient is a sum over the four; the circles show the values for one input,
# [0, 1], and the picture says so.

# %%
backward = loop.step()
print(backward)
summed = "Gradients of the loss over all four examples, summed; values for the input [0, 1]."
draw_network(model, X[1], show_grads=True, caption=summed)

# %% [markdown]
# ## Step 4: update
#
# Every weight takes a small step against its gradient: `w -= lr * w.grad`. These are the weights that
# changed most:

# %%
update = loop.step()
changes = sorted(zip(update.before, update.after, backward.grads), key=lambda row: abs(row[1] - row[0]), reverse=True)
for before, after, grad in changes[:4]:
    print(f"{before:+.4f} -> {after:+.4f}   (grad {grad:+.4f})")
draw_network(model, X[1])

# %% [markdown]
# ## Step 5: repeat

# %%
repeat = loop.step()
print(repeat)
print("epoch", loop.epoch, "done; next phase:", loop.phase)

# %% [markdown]
# ## Going back
#
# `back()` undoes the last phase exactly: every weight, grad and optimizer state as it was. Going back
# over *repeat* and *update* puts the weights back where they were before the update.

# %%
loop.back()
undone = loop.back()
print("undid:", undone.phase, "  next phase:", loop.phase)

# %% [markdown]
# Stepping forward again makes the same update, bit for bit, and finishes the epoch again:

# %%
again = loop.step()
print(again.phase, "again: the same weights as before?", again.after == update.after)
finished = loop.step()
print(finished)

# %% [markdown]
# ## Many times round

# %%
losses = loop.run(99, progress=False)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
for x, t in zip(X, targets):
    print(x, "->", round(model(x).data, 2), " target", t)

# %% [markdown]
# ## The same loop, live
#
# `Loop(loop)` is the live page's five-step section on your own loop: Next runs a phase, Back undoes it
# exactly, Reset goes back to where the widget found the loop. (`Loop()` alone is the page's XOR network,
# with a ReLU neuron that never turns on.) Code and the buttons step the same loop:

# %%
from micrograd_lesson import widgets

live = widgets.Loop(loop)
live

# %%
live.next()  # as the Next button, and every view of the widget shows it: the forward pass ...
live.next()  # ... and the loss
print(f"epoch {live.epoch}: loss {live.loss:.4f}, next phase: {live.phase}")
live.back()
live.back()
