"""Write the lesson's notebooks from the cell sources below: the one place to edit them.

    python notebooks/build_notebooks.py

Every notebook is saved without outputs; pytest (through nbmake) runs each one, and each cell
asserts what it shows. tests/test_notebooks.py checks the saved files match this script.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import v4

HERE = Path(__file__).resolve().parent


def md(text: str) -> tuple[str, str]:
    """A markdown cell."""
    return ("markdown", text.strip("\n"))


def code(text: str) -> tuple[str, str]:
    """A code cell."""
    return ("code", text.strip("\n"))


def single_neuron() -> list[tuple[str, str]]:
    """01: the four things a neuron does, with numbers, and its graph."""
    return [
        md("""
# A single neuron

A neuron (a *perceptron*) does four things:

1. takes in one or more inputs (just numbers);
2. multiplies each input by a weight, a number that says how much that input matters;
3. adds everything up, plus a bias (a constant offset);
4. passes the result through an activation function that decides how strongly it "fires".

Here is the lecture's neuron: inputs 2 and 0, weights -3 and 1, a bias of 6.8814, and tanh.
"""),
        code("""
from micrograd_lesson import Perceptron, draw_dot

neuron = Perceptron(2, activation="tanh")
neuron.w[0].data, neuron.w[1].data = -3.0, 1.0
neuron.b.data = 6.881373587019543
x = [2.0, 0.0]

steps = neuron.explain(x)
print(steps)
assert steps.products == (-6.0, 0.0)
assert round(steps.total, 4) == 0.8814
assert round(steps.output, 4) == 0.7071
"""),
        md("""
## The same neuron as a graph of Values

Calling the neuron builds its output from Values, so every step is a node we can draw: a box per
Value (`label | data | grad`) and an oval per operation. After `backward()`, each weight's grad says
how much the output would move if that weight moved.
"""),
        code("""
o = neuron(x)
o.backward()
print(f"do/dw1 = {neuron.w[0].grad:.4f}   do/dw2 = {neuron.w[1].grad:.4f}   do/db = {neuron.b.grad:.4f}")
assert abs(neuron.w[0].grad - 1.0) < 1e-9  # x1 * (1 - tanh(n)**2) = 2 * 0.5
assert neuron.w[1].grad == 0.0  # x2 is 0: this weight does not matter here
assert abs(neuron.b.grad - 0.5) < 1e-9
draw_dot(o, model=neuron)
"""),
        md("""
## Activation functions

Step 4 is where neurons differ. The same sum `n = 0.8814` through each activation the package knows:
"""),
        code("""
import math

outputs = {}
for activation in ("tanh", "relu", "sigmoid", "linear"):
    other = Perceptron(2, activation=activation)
    for w, w0 in zip(other.parameters(), neuron.parameters()):
        w.data = w0.data
    outputs[activation] = other.explain(x).output
    print(f"{activation:>8}: {outputs[activation]:.4f}")

n = steps.total
assert outputs["relu"] == outputs["linear"] == n  # a positive sum passes through ReLU unchanged
assert abs(outputs["sigmoid"] - 1 / (1 + math.exp(-n))) < 1e-12
assert abs(outputs["tanh"] - math.tanh(n)) < 1e-12
"""),
        md("""
Try it: change the inputs or the weights above and run the cells again. What input makes the
ReLU neuron output exactly 0?
"""),
    ]


def layers_and_networks() -> list[tuple[str, str]]:
    """02: stacking neurons into layers and networks; the lesson's forward pass; the network picture."""
    return [
        md("""
# Layers and networks

One neuron can only draw a straight line. Put neurons side by side and they form a *layer*: each
sees the same inputs with its own weights. Put layers in a row and you have a *network*: data flows
left to right, each layer's outputs becoming the next layer's inputs.
"""),
        code("""
from micrograd_lesson import MLP, Layer, Value, draw_dot, draw_network

layer = Layer(2, 3, activation="relu", seed=0)
out = layer([0.8, 0.3])
print([round(v.data, 4) for v in out])
assert len(out) == 3
assert isinstance(Layer(2, 1, seed=0)([0.8, 0.3]), Value)  # one neuron: a bare Value, as in micrograd
"""),
        md("""
## The lesson's forward pass

The lesson's example: Input [0.8, 0.3] -> Hidden (3 neurons, ReLU) -> Output (1 neuron, sigmoid).
The lesson does not give its weights; `forward_pass_network()` picks simple ones that give its numbers.
"""),
        code("""
from micrograd_lesson.examples import forward_pass_network

model = forward_pass_network()
inputs, hidden, output = model.activations([0.8, 0.3])
print(f"Input {inputs}  ->  Hidden {[round(h, 2) for h in hidden]}  ->  Output {output[0]:.2f}")
assert [round(h, 2) for h in hidden] == [0.6, 0.0, 0.4] and round(output[0], 2) == 0.73  # the lesson's numbers

# the same numbers, layer by layer, by hand
by_hand = [max(0.0, sum(w.data * x for w, x in zip(n.w, inputs)) + n.b.data) for n in model.layers[0].neurons]
assert by_hand == hidden
assert model([0.8, 0.3]).data == output[0]
"""),
        md("""
The network picture: circles show each neuron's activation for this input; a connection is blue for
a positive weight and red for a negative one, thicker the larger the weight.
"""),
        code("""
picture = draw_network(model, [0.8, 0.3])
assert f"{output[0]:.2f}" in picture.svg()
picture
"""),
        md("""
## Counting parameters

Every neuron has one weight per input plus a bias. The 2-3-1 network has (2 + 1) * 3 + (3 + 1) * 1 = 13.
A network with two hidden layers of 16 has 337: more layers and neurons can learn more complicated
patterns, and need more data and more steps to train.
"""),
        code("""
assert len(model.parameters()) == (2 + 1) * 3 + (3 + 1) * 1 == 13
deep = MLP(2, [16, 16, 1], seed=0)
print(len(deep.parameters()), "parameters")
assert len(deep.parameters()) == 337
"""),
        md("""
## The network's computation graph

Underneath, the network's output is one big graph of Values. Drawn node by node it is long, so here
each neuron is drawn as a single node (`group="neuron"`); `backward()` fills in every weight's grad.
"""),
        code("""
y = model([0.8, 0.3])
y.backward()
slope = y.data * (1 - y.data)  # the sigmoid's local derivative
for w, h in zip(model.layers[1].neurons[0].w, hidden):
    assert abs(w.grad - h * slope) < 1e-12  # d(out)/dw = h * slope: the silent h2 gives its weight no gradient
draw_dot(y, model=model, group="neuron")
"""),
    ]


def training_loop() -> list[tuple[str, str]]:
    """03: the five steps, one phase at a time with TrainingLoop, going back a phase."""
    return [
        md("""
# The training loop, one phase at a time

Every network learns with the same five-step loop: **forward pass**, **loss**, **backpropagation**,
**update**, **repeat**. `TrainingLoop` runs it one phase per `step()`, records what each phase did,
and can go back a phase. Our problem: XOR (output +1 when exactly one input is 1, else -1).
"""),
        code("""
from micrograd_lesson import MLP, SGD, TrainingLoop, data, draw_network

X, y = data.xor()
targets = data.signed(y)  # -1/+1, to match the tanh output
model = MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)
loop = TrainingLoop(model, X, targets, optimizer=SGD(model.parameters(), lr=0.2))  # loss: mean squared error
print(X, targets)
assert targets == [-1, 1, 1, -1]
"""),
        md("## Step 1: forward pass"),
        code("""
forward = loop.step()
print(forward)
assert forward.phase == "forward" and len(forward.predictions) == 4
draw_network(model, X[1])
"""),
        md("## Step 2: loss"),
        code("""
loss = loop.step()
print(loss)
mse = sum((p - t) ** 2 for p, t in zip(forward.predictions, targets)) / 4
assert abs(loss.loss - mse) < 1e-12
"""),
        md("""
## Step 3: backpropagation

Now every weight has a gradient. The picture switches to gradients: blue where raising the weight
would raise the loss, red where it would lower it.
"""),
        code("""
backward = loop.step()
print(backward)
assert backward.grads == [p.grad for p in model.parameters()]
draw_network(model, X[1], show_grads=True)
"""),
        md("""
## Step 4: update

Every weight takes a small step against its gradient: `w -= lr * w.grad`. These are the weights that
changed most:
"""),
        code("""
update = loop.step()
changes = sorted(zip(update.before, update.after, backward.grads), key=lambda row: abs(row[1] - row[0]), reverse=True)
for before, after, grad in changes[:4]:
    print(f"{before:+.4f} -> {after:+.4f}   (grad {grad:+.4f})")
assert all(abs(a - (b - 0.2 * g)) < 1e-12 for b, a, g in zip(update.before, update.after, backward.grads))
draw_network(model, X[1])
"""),
        md("## Step 5: repeat"),
        code("""
repeat = loop.step()
print(repeat)
assert repeat.phase == "repeat" and loop.epoch == 1 and loop.phase == "forward"
"""),
        md("""
## Going back

`back()` undoes the last phase exactly: every weight, grad and optimizer state as it was. Going back
over *repeat* and *update* puts the weights back where they were before the update.
"""),
        code("""
loop.back()
undone = loop.back()
print("undid:", undone.phase)
assert undone.phase == "update" and loop.phase == "update"
assert [p.data for p in model.parameters()] == update.before
again = loop.step()  # and forward again: the same update, bit for bit
assert again.after == update.after
assert loop.step().phase == "repeat"
"""),
        md("## Many times round"),
        code("""
losses = loop.run(99, progress=False)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
for x, t in zip(X, targets):
    print(x, "->", round(model(x).data, 2), " target", t)
assert losses[-1] < 0.05 < losses[0]
assert all((model(x).data > 0) == (t > 0) for x, t in zip(X, targets))
"""),
    ]


def playground() -> list[tuple[str, str]]:
    """05: sliders for the two inputs driving the lesson's network picture and output."""
    return [
        md("""
# The playground

The lesson's tiny network: two inputs, three ReLU neurons, one sigmoid output. Drag the sliders and
watch the values flow through. Blue connections are positive weights, red negative, thicker stronger.
"""),
        code("""
import ipywidgets as widgets
from IPython.display import display

from micrograd_lesson import Playground
from micrograd_lesson.viz import draw_network
from micrograd_lesson.viz.frames import inline_svg

playground = Playground(x1=0.5, x2=0.5)
x1 = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="x1", readout_format=".2f")
x2 = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="x2", readout_format=".2f")
output = widgets.Label()
picture = widgets.HTML()


def show(change=None):
    playground.set(x1=x1.value, x2=x2.value)
    output.value = f"Output: {playground.output:.4f}"
    picture.value = inline_svg(draw_network(playground.model, playground.inputs).svg(), "playground-")


x1.observe(show, names="value")
x2.observe(show, names="value")
show()
display(widgets.VBox([widgets.HBox([x1, x2]), output, picture]))
"""),
        md("""
At 0.50 / 0.50 the hidden neurons show 0.25, 0.40 and 0.00, and the output is 0.5125, as in the
lesson. The cell below moves the sliders from code and checks what the widgets show.
"""),
        code("""
x1.value, x2.value = 0.5, 0.5
assert output.value == "Output: 0.5125"
assert all(f">{a}<" in picture.value for a in ("0.25", "0.40", "0.00"))

x1.value = 1.0  # everything downstream moves
print(playground)
assert output.value == "Output: 0.6330"
x1.value = 0.5
assert output.value == "Output: 0.5125"
"""),
        md("""
Try it: which slider moves the output more? Why does the third hidden neuron stay at 0.00 for so many
inputs? (Look at its weights and its bias.)
"""),
    ]


def two_moons() -> list[tuple[str, str]]:
    """07: train an MLP on two moons with a progress bar; the loss and the decision boundary."""
    return [
        md("""
# Two moons

Two interleaving half-circles of points: no straight line separates them, so a single neuron cannot.
A small MLP can. We train it with the five-step loop (hinge loss, as in micrograd's demo, and Adam).
"""),
        code("""
from micrograd_lesson import MLP, Adam, TrainingLoop, accuracy, data, hinge
from micrograd_lesson.viz import plot_decision_boundary, plot_loss

X, y = data.moons(n=100, noise=0.1, seed=1)
print(len(X), "points; the first:", X[0], "class", y[0])
assert len(X) == 100 and set(y) == {0, 1}
"""),
        code("""
model = MLP(2, [8, 8, 1], seed=0)  # ReLU hidden layers; the output's sign is the class
loop = TrainingLoop(model, X, data.signed(y), loss=hinge, optimizer=Adam(model.parameters(), lr=0.05))
losses = loop.run(40)  # a progress bar, one tick per full pass over the data
right = accuracy(model, X, y)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, accuracy {right:.0%}")
assert losses[-1] < losses[0] / 10
assert right >= 0.95
"""),
        code("""
figure = plot_loss(losses)
assert len(figure.axes[0].lines[0].get_ydata()) == 40
figure
"""),
        md("""
The decision boundary: the class the network predicts at every point of the plane, with the data on
top. The boundary bends around the moons: that is what the hidden layers buy.
"""),
        code("""
figure = plot_decision_boundary(model, X, y)
assert figure.axes[0].get_title() == "decision boundary"
figure
"""),
        md("""
Try it: fewer hidden neurons (`[2]`), fewer epochs, or more noise (`data.moons(noise=0.3)`). When does
the boundary stop fitting the moons?
"""),
    ]


def backprop_one_scalar_at_a_time() -> list[tuple[str, str]]:
    """04: the lecture's manual replay, backward_steps, and why backward needs a topological order."""
    return [
        md("""
# Backpropagation, one scalar at a time

Backpropagation is the chain rule, applied one edge of the graph at a time: each node hands its
gradient to its parents, multiplied by the *local* derivative it recorded in the forward pass.
We replay the lecture's first example by hand, then let the engine do the same, then see why the
engine visits nodes in a particular order.
"""),
        code("""
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
assert L.data == -8.0
"""),
        md("""
## The manual replay, as in the lecture

`dL/dL = 1`. Then each node's `_backward()` does one step of the chain rule for its own inputs:
`parent.grad += local derivative * node.grad`. Going from the top down, each node is complete
before it is used.
"""),
        code("""
L.grad = 1.0
L._backward()  # L = d * f:  dL/dd = f = -2,  dL/df = d = 4
print("d.grad =", d.grad, "  f.grad =", f.grad)
assert (d.grad, f.grad) == (-2.0, 4.0)

d._backward()  # d = e + c:  a plus passes -2 on unchanged, to both
print("e.grad =", e.grad, "  c.grad =", c.grad)
assert (e.grad, c.grad) == (-2.0, -2.0)

e._backward()  # e = a * b:  dL/da = b * -2 = 6,  dL/db = a * -2 = -4
print("a.grad =", a.grad, "  b.grad =", b.grad)
assert (a.grad, b.grad) == (6.0, -4.0)
"""),
        md("""
`backward()` does exactly this for every node. Leaf grads *accumulate* (as in PyTorch), so we zero
them first; otherwise the manual run's grads would be added in again.
"""),
        code("""
L.zero_grad()
L.backward()
print([(v.label, v.grad) for v in (a, b, c, f)])
assert [a.grad, b.grad, c.grad, f.grad] == [6.0, -4.0, -2.0, 4.0]
"""),
        md("""
## Every contribution, as a table

`backward_steps(L)` runs the same backward pass but stops after each single contribution, so we can
print them all: which node pushes to which parent, the local derivative, the upstream gradient, and
what the parent's grad becomes.
"""),
        code("""
L.zero_grad()
steps = list(backward_steps(L))
print(f"{'step':>4}  {'node':<4} {'parent':<6} {'local':>6} {'upstream':>9} {'adds':>6}   parent.grad")
for s in steps:
    print(
        f"{s.index:>4}  {s.node.label:<4} {s.parent.label:<6} {s.local:>6g} {s.upstream:>9g} "
        f"{s.contribution:>6g}   {s.grad_before:g} -> {s.grad_after:g}"
    )

edges = [(s.node.label, s.parent.label) for s in steps]
assert edges == [("L", "d"), ("L", "f"), ("d", "e"), ("d", "c"), ("e", "a"), ("e", "b")]
assert all(s.contribution == s.local * s.upstream for s in steps)
assert (a.grad, b.grad) == (6.0, -4.0)  # after the last step, the same as backward()
"""),
        md("""
## Watching it happen

`backward_frames` draws one picture per row of that table: the node pushing its gradient is
highlighted, the edge it pushes along carries `local × upstream`, and every grad known so far is
filled in. Drag the slider to step through.
"""),
        code("""
import ipywidgets as widgets
from IPython.display import display

from micrograd_lesson.viz import backward_frames, draw_dot
from micrograd_lesson.viz.frames import inline_svg

L.zero_grad()
frames = backward_frames(L)
picture = widgets.HTML()
step = widgets.IntSlider(value=1, min=1, max=len(frames), description="step")


def show(change=None):
    picture.value = inline_svg(frames[step.value - 1].svg(), f"frame{step.value}-")


step.observe(show, names="value")
show()
display(widgets.VBox([step, picture]))

assert len(frames) == len(steps) == 6
step.value = 5  # e pushes its -2 to a: a.grad = 0 + -3 × -2 = 6
assert "e sends gradient to a: a.grad = 0.0000 + &#45;3.0000 × &#45;2.0000 = 6.0000" in picture.value
step.value = 1
"""),
        md("""
When backward is done, `chain_rule=True` writes `local × upstream = contribution` on every edge, so
the whole chain rule can be read off one picture:
"""),
        code("""
graph = draw_dot(L, chain_rule=True)
assert (a.grad, b.grad) == (6.0, -4.0)
assert sum("×" in line for line in graph.source.splitlines() if "->" in line) == 6  # one label per edge
graph
"""),
        md("""
## Why a topological order?

Here is the backward pass most of us would write first: call `_backward()` on a node, then recurse
into its parents. Try it on `b = a + a`, where `a` is itself computed (`a = x * 3`):
"""),
        code("""
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
assert naive == 12.0  # a pushed its (complete) gradient to x once per edge from b: counted twice
assert x.grad == 6.0
"""),
        md("""
Remembering which nodes we already visited is not enough either. Below, `m` feeds the output
directly *and* through `n = tanh(m)`. A recursion that handles `m` as soon as it first meets it pushes
`m.grad` on to `x` before `n` has added its share to `m.grad`:
"""),
        code("""
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
assert too_early == 3.0  # only the direct path m -> out
assert abs(x.grad - 3 * (1 + (1 - n.data**2))) < 1e-12  # both paths
"""),
        md("""
`backward()` first sorts the graph so that every node comes after all of its parents (a *topological
order*), then walks it in reverse: a node is only asked to push its gradient on once everything that
uses it has pushed into it. The grad is complete by then, however many paths lead through it.
"""),
        code("""
from micrograd_lesson import topological_order

order = topological_order(out)
print(" -> ".join(v.label or f"{v.data:g}" for v in order))  # the constant 3 has no label
position = {v: i for i, v in enumerate(order)}
assert all(position[p] < position[v] for v in order for p in v._prev)
draw_dot(out, chain_rule=True)  # m's grad is the sum of two contributions: from out directly, and through n
"""),
    ]


def testing_your_gradients() -> list[tuple[str, str]]:
    """06: numerical_grad, check_grad, and a learner's own hypothesis test."""
    return [
        md("""
# Testing your gradients

How do you know a derivative is right? Nudge the input a tiny bit and watch the output. That is the
*numerical* gradient, and it is the oracle every hand-written derivative can be tested against.
"""),
        code("""
from micrograd_lesson import Value
from micrograd_lesson.testing import check_grad, numerical_grad


def f(x):
    return x**2


h = 1e-6
by_hand = (f(3.0 + h) - f(3.0 - h)) / (2 * h)  # central difference
print(by_hand, numerical_grad(f, 3.0))
assert abs(by_hand - 6.0) < 1e-6
assert abs(numerical_grad(f, 3.0)[0] - 6.0) < 1e-6
"""),
        md("""
`check_grad` builds the expression from Values, runs `backward()`, and compares each input's grad
with the numerical one. It returns a report you can print, and raises if they differ.
"""),
        code("""
report = check_grad(lambda x, w: (x * w).tanh() * x, 0.3, -1.2)
print(report)
assert report.ok
"""),
        md("""
## A bug, caught

Suppose you add your own sigmoid and forget a factor in its local derivative
(`s` instead of `s * (1 - s)`). The forward value is right, so nothing looks wrong until you check:
"""),
        code("""
import math


def my_sigmoid(x):
    s = 1 / (1 + math.exp(-x.data))
    return Value(s, (x,), "sigmoid", "", (s,))  # bug: the local derivative should be s * (1 - s)


assert my_sigmoid(Value(0.7)).data == Value(0.7).sigmoid().data  # the forward pass agrees

try:
    check_grad(my_sigmoid, 0.7)
    caught = False
except AssertionError as error:
    print(error)
    caught = True
assert caught
"""),
        md("""
## Your own property test

One point can be lucky. A property test tries many: `hypothesis` draws the inputs, and
`micrograd_lesson.testing` provides strategies for them (`floats`, `values`, and whole random
`expressions`). A decorated test is an ordinary function, so a notebook can simply call it.
"""),
        code("""
from hypothesis import given, settings

from micrograd_lesson.testing import expressions, floats


@settings(max_examples=50, deadline=None, database=None)
@given(floats(-3, 3))
def test_softplus(x):
    check_grad(lambda v: (1 + v.exp()).log(), x)


test_softplus()  # 50 random x in [-3, 3]: silence means every one passed
print("softplus: 50 examples passed")
"""),
        code("""
@settings(max_examples=30, deadline=None, database=None)
@given(expressions(max_inputs=2, max_steps=5))
def test_backward_on_random_graphs(expression):
    check_grad(expression, *expression.inputs)


test_backward_on_random_graphs()
print("30 random expression graphs passed")
"""),
        md("""
And the same kind of test finds the bug above by itself, then shrinks it to a simple failing input:
"""),
        code("""
@settings(max_examples=50, deadline=None, database=None, print_blob=False)
@given(floats(-3, 3))
def test_my_sigmoid(x):
    check_grad(my_sigmoid, x)


try:
    test_my_sigmoid()
    found = False
except AssertionError:
    found = True
print("hypothesis found the bug:", found)
assert found
"""),
    ]


def quick_check() -> list[tuple[str, str]]:
    """08: the lesson's quiz and predict-the-gradient exercises."""
    return [
        md("""
# Quick check

The lesson ends with one question. Read the options, pick one, and run the cell.
"""),
        code("""
from micrograd_lesson.app.quiz import EXERCISES, QUICK_CHECK, check_answer

print(QUICK_CHECK.prompt)
for option in QUICK_CHECK.options:
    print(f"  {option.letter}. {option.text}")
"""),
        code("""
my_answer = None  # put your letter here, e.g. "C", and run the cell again

if my_answer is None:
    print("Type your letter into my_answer and run this cell again.")
else:
    feedback = check_answer(my_answer)
    print(feedback.message)
    assert feedback.message.startswith(my_answer.strip().upper())
"""),
        md("""
## Predict the gradient

Work these out with the chain rule (local derivative x upstream gradient), then type your numbers.
Leave one as `None` to see its answer.
"""),
        code("""
for i, exercise in enumerate(EXERCISES):
    print(i, exercise.question)
"""),
        code("""
my_gradients = [6, 3, None, None, None]  # example guesses: replace them with yours (None shows the answer)

for exercise, guess in zip(EXERCISES, my_gradients):
    print(exercise.question)
    if guess is None:
        print(f"  answer: {exercise.answer():.4g}. {exercise.explanation}")
    else:
        print("  " + exercise.check(guess).message)
    print()
"""),
        md("""
## How the answers are computed

Each exercise builds its expression from Values and calls `backward()`; nothing is hard-coded. The
same in a few lines, for the first one:
"""),
        code("""
from micrograd_lesson import parse_expression

parsed = parse_expression("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
parsed.value.backward()
print({name: v.grad for name, v in parsed.inputs.items()})
assert parsed.inputs["a"].grad == 6.0
"""),
        md("""
## Answer key

This cell checks the key itself (the test suite runs it): B is the right letter, and every
exercise's own answer passes its check.
"""),
        code("""
print(check_answer("B").message)
assert check_answer("B").correct
assert EXERCISES[0].check(6).correct and not EXERCISES[1].check(3).correct  # the example guesses above
assert not any(check_answer(letter).correct for letter in "ACD")
assert [round(e.answer(), 6) for e in EXERCISES] == [6.0, -2.0, 4.0, 1.0, 2.0]
assert all(e.check(e.answer()).correct for e in EXERCISES)
print("answer key OK")
"""),
    ]


NOTEBOOKS = {
    "01_single_neuron": single_neuron,
    "02_layers_and_networks": layers_and_networks,
    "03_training_loop": training_loop,
    "04_backprop_one_scalar_at_a_time": backprop_one_scalar_at_a_time,
    "05_playground": playground,
    "06_testing_your_gradients": testing_your_gradients,
    "07_two_moons": two_moons,
    "08_quick_check": quick_check,
}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook called name, with stable cell ids and no outputs."""
    cells = []
    for i, (kind, source) in enumerate(NOTEBOOKS[name]()):
        cell = v4.new_markdown_cell(source) if kind == "markdown" else v4.new_code_cell(source)
        cell.id = f"cell-{i:02d}"
        cells.append(cell)
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return notebook


def main() -> None:
    """Write every notebook next to this script."""
    for name in NOTEBOOKS:
        path = HERE / f"{name}.ipynb"
        nbformat.write(build(name), path)
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
