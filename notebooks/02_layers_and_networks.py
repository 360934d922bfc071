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
# # Layers and networks
#
# One neuron can only draw a straight line. Put neurons side by side and they form a *layer*: each
# sees the same inputs with its own weights. Put layers in a row and you have a *network*: data flows
# left to right, each layer's outputs becoming the next layer's inputs.

# %%
from micrograd_lesson import MLP, Layer, draw_dot, draw_network

layer = Layer(2, 3, activation="relu", seed=0)
out = layer([0.8, 0.3])
print([round(v.data, 4) for v in out])  # three neurons, three outputs

single = Layer(2, 1, seed=0)([0.8, 0.3])
print(single)  # a layer of one neuron gives a bare Value, as in micrograd

# %% [markdown]
# ## The lesson's forward pass
#
# The lesson's example: Input [0.8, 0.3] -> Hidden (3 neurons, ReLU) -> Output (1 neuron, sigmoid).
# The lesson does not give its weights; `forward_pass_network()` picks simple ones that give its numbers.

# %%
from micrograd_lesson.examples import forward_pass_network

model = forward_pass_network()
inputs, hidden, output = model.activations([0.8, 0.3])
print(f"Input {inputs}  ->  Hidden {[round(h, 2) for h in hidden]}  ->  Output {output[0]:.2f}")

# the hidden layer by hand: each neuron's weighted sum plus its bias, through ReLU
by_hand = [max(0.0, sum(w.data * x for w, x in zip(n.w, inputs)) + n.b.data) for n in model.layers[0].neurons]
print("by hand:", [round(h, 2) for h in by_hand])

# %% [markdown]
# The network picture: each circle holds a neuron's name, its value for this input and its bias b;
# each connection is blue for a positive weight and red for a negative one, thicker the larger the
# weight, and carries the weight itself. The legend under it says the same.

# %%
picture = draw_network(model, [0.8, 0.3])
picture

# %% [markdown]
# ## Counting parameters
#
# Every neuron has one weight per input plus a bias. The 2-3-1 network has (2 + 1) * 3 + (3 + 1) * 1 = 13.
# A network with two hidden layers of 16 has 337: more layers and neurons can learn more complicated
# patterns, and need more data and more steps to train.

# %%
print(len(model.parameters()), "parameters in the 2-3-1 network")
deep = MLP(2, [16, 16, 1], seed=0)
print(len(deep.parameters()), "parameters in the 2-16-16-1 network")

# %% [markdown]
# ## The network's computation graph
#
# Underneath, the network's output is one big graph of Values. Drawn node by node it is long, so here
# each neuron is drawn as a single node (`group="neuron"`); `backward()` fills in every weight's grad.
# Its edges carry gradients, so they take the gradient colours: purple positive, green negative.
# An output weight's grad is the hidden activation it carries times the sigmoid's slope, so the silent
# h2 gives its weight no gradient.

# %%
y = model([0.8, 0.3])
y.backward()
slope = y.data * (1 - y.data)  # the sigmoid's local derivative
for w, h in zip(model.layers[1].neurons[0].w, hidden):
    print(f"h = {h:.2f}   w.grad = {w.grad:.4f}   h * slope = {h * slope:.4f}")
draw_dot(y, model=model, group="neuron")
