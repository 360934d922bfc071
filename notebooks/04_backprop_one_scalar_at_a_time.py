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
# # Backpropagation, one scalar at a time
#
# Backpropagation is the chain rule, applied one edge of the graph at a time: each node hands its
# gradient to its parents, multiplied by the *local* derivative it recorded in the forward pass.
# We replay the lecture's first example by hand, then let the engine do the same, then see why the
# engine visits nodes in a particular order.

# %%
from micrograd_lesson import Value
from micrograd_lesson.backprop import backward_steps

a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
f = Value(-2.0, label="f")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
L = d * f
L.label = "L"
print(L)

# %% [markdown]
# ## The manual replay, as in the lecture
#
# `dL/dL = 1`. Then each node's `_backward()` does one step of the chain rule for its own inputs:
# `parent.grad += local derivative * node.grad`. Going from the top down, each node is complete
# before it is used.

# %%
L.grad = 1.0
L._backward()  # L = d * f:  dL/dd = f = -2,  dL/df = d = 4
print("d.grad =", d.grad, "  f.grad =", f.grad)

# %%
d._backward()  # d = e + c:  a plus passes -2 on unchanged, to both
print("e.grad =", e.grad, "  c.grad =", c.grad)

# %%
e._backward()  # e = a * b:  dL/da = b * -2 = 6,  dL/db = a * -2 = -4
print("a.grad =", a.grad, "  b.grad =", b.grad)

# %% [markdown]
# `backward()` does exactly this for every node. Leaf grads *accumulate* (as in PyTorch), so we zero
# them first; otherwise the manual run's grads would be added in again.

# %%
L.zero_grad()
L.backward()
print([(v.label, v.grad) for v in (a, b, c, f)])

# %% [markdown]
# ## Every contribution, as a table
#
# `backward_steps(L)` runs the same backward pass but stops after each single contribution, so we can
# print them all: which node pushes to which parent, the local derivative, the upstream gradient, and
# what the parent's grad becomes.

# %%
L.zero_grad()
steps = list(backward_steps(L))
print(f"{'step':>4}  {'node':<4} {'parent':<6} {'local':>6} {'upstream':>9} {'adds':>6}   parent.grad")
for s in steps:
    print(
        f"{s.number:>4}  {s.node.label:<4} {s.parent.label:<6} {s.local:>6g} {s.upstream:>9g} "
        f"{s.contribution:>6g}   {s.grad_before:g} -> {s.grad_after:g}"
    )
print("after the last step, as after backward():", (a.grad, b.grad))

# %% [markdown]
# ## Watching it happen
#
# `backward_frames` draws one picture per row of that table, numbered the same way, between a *start*
# (only `L.grad = 1` is known) and an *end* (every grad filled in). In each step the orange node pushes
# its gradient along the orange edge, whose label is `local × upstream`; edges that have already carried
# their gradient are purple (positive) or green (negative), the rest grey. Every frame keeps the same
# layout, so only what changes moves. The stepper below is the live page's section 4 on your own `L`:
# press Next (or focus it and press →) to step, type your prediction of the next gradient and Check it,
# and compare each input's grad with the nudge check (L worked out again from a slightly moved input).

# %%
from micrograd_lesson import widgets
from micrograd_lesson.viz import backward_frames, draw_dot

L.zero_grad()
frames = backward_frames(L)
stepper = widgets.Stepper(L)
stepper

# %% [markdown]
# Your nodes hold the grads of the step shown, so code can step too: step 5 is `e` pushing its -2 to
# `a`. At the last step every grad is what `backward()` gives from zero grads (and
# `stepper.restore_grads()` gives your nodes back what they held before the stepper).

# %%
stepper.position = 5
print("step 5:", a.grad, b.grad)  # a has its 6, b not yet
stepper.position = stepper.total
print("the end:", a.grad, b.grad)

# %% [markdown]
# When backward is done, `chain_rule=True` writes `local × upstream = contribution` on every edge, so
# the whole chain rule can be read off one picture:

# %%
graph = draw_dot(L, chain_rule=True)
graph

# %% [markdown]
# The same for the lecture's neuron, and for a small network's loss (a 2-2-1 tanh network's squared
# error on one example): its frame is larger than the notebook's column, so it scrolls sideways rather
# than shrink its labels. `save_animation(root, "steps.html")` writes any of them as a page that works
# offline (or a `.gif`); from the command line, `micrograd-lesson graph --example lecture-neuron --flipbook
# neuron-steps.html` does the same.

# %%
from IPython.display import display

from micrograd_lesson.examples import lecture_neuron, small_network_loss

neuron_stepper = widgets.Stepper(lecture_neuron()["o"])
network_stepper = widgets.Stepper(small_network_loss())
display(neuron_stepper, network_stepper)


# %% [markdown]
# ## Why a topological order?
#
# Here is the backward pass most of us would write first: call `_backward()` on a node, then recurse
# into its parents. Try it on `b = a + a`, where `a` is itself computed (`a = x * 3`):


# %%
def naive_backward(node):
    node._backward()
    for parent in node._prev:
        naive_backward(parent)


x = Value(2.0, label="x")
a = x * 3
a.label = "a"
b = a + a
b.label = "b"

b.grad = 1.0
naive_backward(b)
naive = x.grad
b.zero_grad()
b.backward()
print("naive:", naive, "   engine:", x.grad, "   by hand: db/dx = 2 * 3 =", 2 * 3)

# %% [markdown]
# The naive walk reaches `a` once per edge from `b`, and each time `a` pushes its whole gradient on to
# `x`: counted twice.


# %% [markdown]
# Remembering which nodes we already visited is not enough either. Below, `m` feeds the output
# directly *and* through `n = tanh(m)`. A recursion that handles `m` as soon as it first meets it pushes
# `m.grad` on to `x` before `n` has added its share to `m.grad`:


# %%
def visit_once_backward(root):
    seen = set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        node._backward()
        for parent in node._prev:
            visit(parent)

    root.grad = 1.0
    visit(root)


x = Value(0.5, label="x")
m = x * 3
m.label = "m"
n = m.tanh()
n.label = "n"
out = m + n
out.label = "out"

visit_once_backward(out)
too_early = x.grad
out.zero_grad()
out.backward()
print("visit once:", too_early, "   engine:", x.grad, "   by hand:", 3 * (1 + (1 - n.data**2)))

# %% [markdown]
# Visiting once counts only the direct path `m -> out`; the engine and the hand count both paths.
#
# `backward()` first sorts the graph so that every node comes after all of its parents (a *topological
# order*), then walks it in reverse: a node is only asked to push its gradient on once everything that
# uses it has pushed into it. The grad is complete by then, however many paths lead through it.

# %%
from micrograd_lesson import topological_order

order = topological_order(out)
print(" -> ".join(v.label or f"{v.data:g}" for v in order))  # the constant 3 has no label
draw_dot(out, chain_rule=True)  # m's grad is the sum of two contributions: from out directly, and through n
