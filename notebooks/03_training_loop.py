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
from micrograd_lesson import MLP, SGD, TrainingLoop, data, draw_network

X, y = data.xor()
targets = data.signed(y)  # -1/+1, to match the tanh output
model = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
loop = TrainingLoop(model, X, targets, optimizer=SGD(model.parameters(), lr=0.2))  # loss: mean squared error
print(X, targets)
assert targets == [-1, 1, 1, -1]

# %% [markdown]
# ## Step 1: forward pass

# %%
forward = loop.step()
print(forward)
assert forward.phase == "forward" and len(forward.predictions) == 4
draw_network(model, X[1])

# %% [markdown]
# ## Step 2: loss

# %%
loss = loop.step()
print(loss)
mse = sum((p - t) ** 2 for p, t in zip(forward.predictions, targets)) / 4
assert abs(loss.loss - mse) < 1e-12

# %% [markdown]
# ## Step 3: backpropagation
#
# Now every weight has a gradient. The picture switches to gradients: blue where raising the weight
# would raise the loss, red where it would lower it.

# %%
backward = loop.step()
print(backward)
assert backward.grads == [p.grad for p in model.parameters()]
draw_network(model, X[1], show_grads=True)

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
assert all(abs(a - (b - 0.2 * g)) < 1e-12 for b, a, g in zip(update.before, update.after, backward.grads))
draw_network(model, X[1])

# %% [markdown]
# ## Step 5: repeat

# %%
repeat = loop.step()
print(repeat)
assert repeat.phase == "repeat" and loop.epoch == 1 and loop.phase == "forward"

# %% [markdown]
# ## Going back
#
# `back()` undoes the last phase exactly: every weight, grad and optimizer state as it was. Going back
# over *repeat* and *update* puts the weights back where they were before the update.

# %%
loop.back()
undone = loop.back()
print("undid:", undone.phase)
assert undone.phase == "update" and loop.phase == "update"
assert [p.data for p in model.parameters()] == update.before
again = loop.step()  # and forward again: the same update, bit for bit
assert again.after == update.after
assert loop.step().phase == "repeat"

# %% [markdown]
# ## Many times round

# %%
losses = loop.run(99, progress=False)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
for x, t in zip(X, targets):
    print(x, "->", round(model(x).data, 2), " target", t)
assert losses[-1] < 0.05 < losses[0]
assert all((model(x).data > 0) == (t > 0) for x, t in zip(X, targets))
