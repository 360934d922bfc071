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
# # Backpropagation as code
#
# `backward()` walks a graph of Values and applies the chain rule at every edge. What if we wrote that
# walk out, once, as plain Python: one line for every node of the forward pass, then one line for every
# step of the chain rule? That is what `compile_graph` does. Here is the lecture's neuron,
# `o = tanh(x1*w1 + x2*w2 + b)`, first as a drawing:

# %%
from micrograd_lesson import draw_dot
from micrograd_lesson.compiled import compile_graph
from micrograd_lesson.examples import lecture_neuron

neuron = lecture_neuron()  # every node of the lecture's neuron, by name
o = neuron["o"]
draw_dot(o)

# %% [markdown]
# ## The same graph, as code
#
# Nothing has run backward yet. `compile_graph(o)` reads the graph once and writes its code:

# %%
program = compile_graph(o)
print(program.source)

# %% [markdown]
# Read it next to the drawing:
#
# - **The first two lines** take the leaves, the boxes on the left of the drawing with no arrow coming
#   in: `x1, w1, x2, w2, b`, then their grads.
# - **Forward** is the drawing read from left to right, one line per box. A box whose label is a Python
#   name (`n`, `o`) keeps it; `x1*w1` is no name, so its box becomes `v3` with its label in the comment.
# - **The check** adds up every number an op could hide: `tanh(inf)` is a tidy 1.0, so tanh's input is
#   checked; an inf anywhere else reaches `o` or a leaf's grad, which are checked too.
# - **Backward** is the drawing read from right to left: `grad_o = 1.0`, then each op hands its grad to
#   its parents, times the local derivative. tanh's is `1 - o * o`, the lecture's `1 - o.data**2`.
# - A **`+`** passes its grad on unchanged (its local derivative is 1): `grad_v7 = grad_n` is the
#   lecture's "a plus sign just distributes the gradient".
# - A **`*`** sends each parent the *other* parent's value times its grad: `grad_x1 += w1 * grad_v3` is
#   the lecture's `x1.grad = w1.data * x1w1.grad`. It is `+=` because a leaf used twice adds up both.
#
# ## Running it
#
# `program.run()` reads the leaves' `.data` as they are now, writes `o.data` and adds into every leaf's
# `.grad`, exactly as `o.backward()` would, to the last bit:

# %%
program.run()
for name in ("x1", "w1", "x2", "w2", "b"):
    print(f"{name}.grad = {neuron[name].grad:+.4f}")

# %% [markdown]
# The lecture's numbers: `w1.grad = 1.0` (x1 is 2, times `1 - o**2 = 0.5`), `w2.grad = 0` (x2 is 0),
# `x1.grad = -1.5`. Check them against `backward()` on a fresh neuron:

# %%
fresh = lecture_neuron()
fresh["o"].backward()
print([fresh[name].grad for name in ("x1", "w1", "x2", "w2", "b")])
print([neuron[name].grad for name in ("x1", "w1", "x2", "w2", "b")])

# %% [markdown]
# ## Change a weight, run again
#
# The code reads the leaves' current numbers every time it runs, so an optimizer works with it
# unchanged: it nudges each weight's `.data`, and the program runs again. Grads add up, as with
# `backward()`, so zero them first:

# %%
for name in ("x1", "w1", "x2", "w2", "b"):
    neuron[name].grad = 0.0
neuron["w1"].data = -2.0
program.run()
print(f"o = {o.data:.4f}   w1.grad = {neuron['w1'].grad:.4f}")

# %% [markdown]
# ## New inputs, every time
#
# To run the same neuron on other inputs, name the leaves that are inputs when compiling. Such a
# program takes their values on every run, in order or by name, and refuses to run without them, so it
# can never quietly reuse the last input:

# %%
with_inputs = compile_graph(o, inputs=[neuron["x1"], neuron["x2"]])
print(f"o at x1 = 3, x2 = -1: {with_inputs.run(x1=3.0, x2=-1.0):.4f}")
try:
    with_inputs.run()
except TypeError as error:
    print("refused:", error)

# %% [markdown]
# ## Never a silent inf
#
# With `x1 = 1e308`, near the largest float there is, `x1 * w1` overflows to `-inf`, and tanh would
# hide it (`tanh(-inf)` is -1.0). The program notices, lets the engine replay the graph, and raises the
# engine's own error, naming the op and its operands:

# %%
try:
    with_inputs.run(x1=1e308, x2=0.0)
except OverflowError as error:
    overflow = str(error)
    print(overflow)

# %% [markdown]
# ## Why bother: a whole training step
#
# micrograd's demo network, `MLP(2, [16, 16, 1])` on 100 points, builds a loss graph of about 38,700
# nodes, and `backward()` makes and walks all of them again on every step. Compiled once, the same step is
# straight-line code: the same numbers, several times faster (`benchmarks/bench.py` measures it).

# %%
import time

from micrograd_lesson import MLP, data, hinge
from micrograd_lesson.losses import l2

X, y = data.moons(n=100, noise=0.1, seed=1)
model = MLP(2, [16, 16, 1], seed=1337)


def demo_loss():
    return hinge([model(x) for x in X], data.signed(y)) + l2(model.parameters(), 1e-4)


started = time.perf_counter()
demo = compile_graph(demo_loss())
print(f"{len(demo.source.splitlines()):,} lines, compiled in {time.perf_counter() - started:.1f} s")

started = time.perf_counter()
loss = demo_loss()
model.zero_grad()
loss.backward()
engine_grads = [p.grad for p in model.parameters()]
engine_seconds = time.perf_counter() - started

started = time.perf_counter()
model.zero_grad()
demo.run()
program_seconds = time.perf_counter() - started
same = [p.grad for p in model.parameters()] == engine_grads
print(f"engine {engine_seconds * 1e3:.0f} ms, program {program_seconds * 1e3:.0f} ms, the same grads: {same}")

# %% [markdown]
# NB: a program replays the graph it was compiled from. Code that builds a graph by looking at the
# numbers (`binary_cross_entropy` picks its formula by the sign of each prediction) builds another
# graph when they change, so `TrainingLoop(compiled=True)` refuses such a loss. `program.save("step.py")`
# writes the code to a file, and `micrograd-lesson graph '(a*b + c).tanh()' --set a=2 b=-3 c=10 --code`
# prints any expression's.
