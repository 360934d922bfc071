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
# # Graduating to PyTorch
#
# You have followed backprop one scalar at a time: every number a `Value`, every op a node, the chain rule
# applied edge by edge. Real networks run on *tensors*: a whole layer is one matrix multiply, on a GPU or
# across many machines. That is PyTorch, and underneath it does what you have seen here. In this notebook
# your network moves to PyTorch with its weights, and the numbers show it is the same network.
#
# It needs PyTorch: `pip install 'micrograd-lesson[torch]'` (a CPU build is all it needs).

# %%
from micrograd_lesson.torch_bridge import from_torch, require_torch, to_torch

torch = require_torch()  # PyTorch itself; without it, an error that says how to install it
print("PyTorch", torch.__version__)

# %% [markdown]
# ## The same network in both engines
#
# The lecture's network: 3 inputs, two hidden layers of 4 tanh neurons, one tanh output. `to_torch` turns it
# into a `torch.nn.Sequential`: each layer of neurons becomes one `Linear` module, whose weight matrix holds
# one row per neuron (that neuron's weights) and whose bias holds one number per neuron, then its activation.
# Everything is float64, Python's own float, so both engines compute with the same numbers.

# %%
from micrograd_lesson import lecture

n = lecture.MLP(3, [4, 4, 1], seed=0)
net = to_torch(n)
print(net)

# %%
neuron = n.layers[0].neurons[0]
print("our first neuron:  weights", [w.data for w in neuron.w], "bias", neuron.b.data)
print("row 0 of net[0]:   weights", net[0].weight[0].tolist(), "bias", net[0].bias[0].item())

# %% [markdown]
# The lecture's four examples. Ours takes them one at a time, a list of numbers each; PyTorch takes all
# four at once, as one tensor of 4 rows and 3 columns, and gives back 4 rows of 1 output.

# %%
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
batch = torch.tensor(xs, dtype=torch.float64)
print(batch.shape, "->", net(batch).shape)

ours = [n(x).data for x in xs]
theirs = net(batch).squeeze(1).tolist()
print("micrograd_lesson       PyTorch")
for a, b in zip(ours, theirs):
    print(f"{a:+.16f}   {b:+.16f}")

# %% [markdown]
# ## The same loss, two graphs
#
# A smaller network, so that the graphs fit on the page: 2 inputs, 2 tanh neurons, 1 tanh output, and
# the squared error on one example. Our graph has a node for every number: each weight, each product, each
# sum, each tanh.

# %%
from micrograd_lesson import draw_dot

small = lecture.MLP(2, [2, 1], seed=1)
x, target = [1.0, -2.0], 1.0
loss = (small(x) - target) ** 2
loss.backward()
draw_dot(loss, model=small)  # model= names each weight: 'L1.2 w1' is the weight on input 1 of layer 1's neuron 2

# %% [markdown]
# PyTorch records the same computation as it runs. Every tensor that came out of an op keeps `grad_fn`, the
# function that backward() will call for it, and each `grad_fn` keeps `next_functions`: the functions of the
# tensors it was computed from. Walking them from the loss back is PyTorch's version of our `_prev`. The
# leaves are `AccumulateGrad` nodes: that is where a parameter's `.grad` is added up, as our leaves
# accumulate theirs. A whole layer is one node (`AddmmBackward0`: a matrix multiply plus the biases), where
# ours has a node per neuron and per weight.

# %%
from micrograd_lesson.viz import Graph

small_net = to_torch(small)
loss_t = (small_net(torch.tensor(x, dtype=torch.float64))[0] - target) ** 2
loss_t.backward()
names = {id(p): name for name, p in small_net.named_parameters()}  # '0.weight' is net[0]'s weight matrix


def autograd_graph(tensor):
    """PyTorch's record of how tensor was computed: each backward function, linked to the ones it calls next."""
    lines, todo, seen = [], [tensor.grad_fn], set()
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        label = type(fn).__name__
        if hasattr(fn, "variable"):  # AccumulateGrad: the parameter whose .grad it fills
            label += f"\\n{names[id(fn.variable)]} {tuple(fn.variable.shape)}"
        lines.append(f'  n{id(fn)} [label="{label}"]')
        for parent, _ in fn.next_functions:
            if parent is not None:
                lines.append(f"  n{id(parent)} -> n{id(fn)}")
                todo.append(parent)
    caption = "PyTorch's autograd graph: a box per backward function; AccumulateGrad adds into a parameter's .grad"
    head = f'digraph {{\n  rankdir=LR\n  labelloc=t\n  label="{caption}"\n  node [shape=box]\n'
    return Graph(head + "\n".join(lines) + "\n}")


torch_graph = autograd_graph(loss_t)
torch_graph

# %% [markdown]
# Two graphs, one loss. Both engines get every gradient: ours in each `Value`'s `.grad`, PyTorch's in each
# parameter's `.grad`, one row per neuron: our `L1.2 w1` is PyTorch's `0.weight[1, 0]` (layers and neurons
# count from 1 in our names, from 0 in PyTorch). The last digit may differ: PyTorch adds the same terms in
# its own order, and floats round a little differently in another order.

# %%
for i, (layer, linear) in enumerate(zip(small.layers, small_net[::2]), 1):  # layer 1 is L1 and net[0]
    print(f"layer {i}, weights' grads, ours:    {[[w.grad for w in neuron.w] for neuron in layer.neurons]}")
    print(f"layer {i}, weights' grads, PyTorch: {linear.weight.grad.tolist()}")
    print(f"layer {i}, biases' grads, ours:     {[neuron.b.grad for neuron in layer.neurons]}")
    print(f"layer {i}, biases' grads, PyTorch:  {linear.bias.grad.tolist()}")

# %% [markdown]
# ## The same training, batched as tensors
#
# micrograd's demo: two moons, `MLP(2, [16, 16, 1])` (ReLU, ReLU, a linear output), hinge loss plus a
# little L2, and SGD with a learning rate that shrinks each step. Ours runs the five-step loop with
# `TrainingLoop`, one example at a time; PyTorch runs the same five steps on all 100 examples at once. Both
# start from the same weights, and each step is timed.

# %%
import time

from micrograd_lesson import MLP, SGD, TrainingLoop, data, hinge
from micrograd_lesson.losses import l2

X, y = data.moons(100, noise=0.1, seed=1)
targets = data.signed(y)  # -1 or +1, for the hinge loss
model = MLP(2, [16, 16, 1], seed=1337)
demo_net = to_torch(model)  # converted before training: the same starting weights

optimizer = SGD(model.parameters(), lr=1.0)
loop = TrainingLoop(model, X, targets, lambda s, t: hinge(s, t) + l2(model.parameters(), 1e-4), optimizer)
our_losses, our_seconds = [], []
for k in range(20):
    optimizer.lr = 1.0 - 0.9 * k / 100
    start = time.perf_counter()
    our_losses += loop.run(1, progress=False, record=False)  # forward, loss, backward, update, repeat
    our_seconds.append(time.perf_counter() - start)

# %%
torch.set_num_threads(1)  # tensors this small are quickest on one thread: more would only wait for each other
inputs = torch.tensor(X, dtype=torch.float64)  # 100 rows of 2
labels = torch.tensor(targets, dtype=torch.float64)
sgd = torch.optim.SGD(demo_net.parameters(), lr=1.0)
torch_losses, torch_seconds = [], []
for k in range(20):
    sgd.param_groups[0]["lr"] = 1.0 - 0.9 * k / 100
    start = time.perf_counter()
    scores = demo_net(inputs).squeeze(1)  # 1. forward: 100 scores in one call
    data_loss = torch.relu(1 - labels * scores).mean()  # 2. loss: the hinge ...
    batch_loss = data_loss + 1e-4 * sum((p * p).sum() for p in demo_net.parameters())  # ... plus L2
    sgd.zero_grad()
    batch_loss.backward()  # 3. backward
    sgd.step()  # 4. update
    torch_losses.append(batch_loss.item())  # 5. repeat
    torch_seconds.append(time.perf_counter() - start)

# %%
import statistics

print("step  micrograd_lesson     PyTorch")
for k, (a, b) in enumerate(zip(our_losses, torch_losses)):
    print(f"{k:4}  {a:.15f}  {b:.15f}")
ours_ms, torch_ms = statistics.median(our_seconds) * 1e3, statistics.median(torch_seconds) * 1e3
print(f"time per step, measured here (median of 20): micrograd_lesson {ours_ms:.2f} ms, PyTorch {torch_ms:.3f} ms")

# %% [markdown]
# The same losses, step by step, to many digits: the same network, trained the same way. PyTorch adds
# numbers in its own order, so the last digits may differ.
#
# The times are what this machine measured just now. Ours spends them in Python, creating a `Value` and
# recording its parents for each of the thousands of numbers of a step; PyTorch does a layer as one
# matrix multiply in compiled code, and moves the same code to a GPU when there is one. What it does
# with each node is what you have been doing by hand: the local derivative, times the gradient from above,
# added into `.grad`.
#
# ## And back
#
# `from_torch` brings a Sequential of `Linear` and `ReLU`, `Tanh`, `Sigmoid` or `Identity` modules back
# as our MLP, so a network trained in PyTorch can be drawn, explained and stepped through here.

# %%
from micrograd_lesson import accuracy
from micrograd_lesson.nn import layer_activations

back = from_torch(demo_net)
print("layers of", [len(layer.neurons) for layer in back.layers], "neurons:", layer_activations(back))
print(f"accuracy: ours {accuracy(model, X, y):.0%}, PyTorch's brought back {accuracy(back, X, y):.0%}")

# %% [markdown]
# Models also travel as files. `micrograd-lesson train --save model.json` saves a trained network as
# JSON; `load_torch("model.json")` opens it as a `torch.nn.Sequential`, and `save_torch(net, "model.json")`
# writes a Sequential back to that format, which `serialize.load` reads.
