"""The terminal tour of the lesson: each section's text, with real numbers computed on the spot.

A section is a title, its text, and the drawings it offers (file name -> a function that makes the
drawing), so the command line decides where and whether to write them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import MLP
from micrograd_lesson.steps import backward_steps


@dataclass(frozen=True)
class Section:
    """One stop of the tour: a title, its text, and the drawings it can write (name -> maker)."""

    title: str
    text: str
    drawings: dict[str, Callable[[], object]] = field(default_factory=dict)


def sections() -> list[Section]:
    """The tour's sections, in the lesson's order."""
    return [neuron(), forward_pass(), training_loop(), backprop()]


# --- 1. a neuron ----------------------------------------------------------------------------------


def lecture_neuron() -> dict[str, Value]:
    """The lecture's neuron o = tanh(x1*w1 + x2*w2 + b), built node by node and labelled."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.881373587019543, label="b")  # chosen so that n comes out at 0.8814 and tanh(n) at 0.7071
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2, "n": n, "o": o}


def neuron() -> Section:
    """A single neuron's four steps, with the lecture's numbers."""
    v = lecture_neuron()
    x1, x2, w1, w2, b, n, o = (v[k].data for k in ("x1", "x2", "w1", "w2", "b", "n", "o"))
    v["o"].backward()
    text = f"""\
A neuron does four things. The lecture's neuron has two inputs and a tanh activation:

  1. takes its inputs              x1 = {x1:g}, x2 = {x2:g}
  2. multiplies each by a weight   x1*w1 = {x1:g} * {w1:g} = {x1 * w1:g},  x2*w2 = {x2:g} * {w2:g} = {x2 * w2:g}
  3. adds them up, plus a bias     n = {x1 * w1:g} + {x2 * w2:g} + {b:.4f} = {n:.4f}
  4. applies its activation        o = tanh(n) = {o:.4f}

Every number is a Value that remembers how it was made, so o.backward() can tell each input how
much it moved o:  do/dw1 = {v["w1"].grad:.4f}   do/dx1 = {v["x1"].grad:.4f}   do/dw2 = {v["w2"].grad:.4f}   \
do/db = {v["b"].grad:.4f}"""
    return Section("1. A neuron's four steps", text)


# --- 2. a network ----------------------------------------------------------------------------------

FORWARD_INPUT = [0.8, 0.3]  # the lesson's example input


def forward_network() -> MLP:
    """A small 2-3-1 network (ReLU hidden layer, sigmoid output) with fixed random weights."""
    return MLP(2, [3, 1], activation="relu", output_activation="sigmoid", seed=20)


def forward_pass() -> Section:
    """The forward pass through a 2-3-1 network, layer by layer."""
    model = forward_network()
    inputs, hidden, output = model.activations(FORWARD_INPUT)
    lines = []
    for i, unit in enumerate(model.layers[0].neurons):
        total = sum(w.data * x for w, x in zip(unit.w, inputs)) + unit.b.data
        terms = " + ".join(f"{w.data:.2f}*{x:g}" for w, x in zip(unit.w, inputs))
        lines.append(f"  hidden {i + 1}: relu({terms} + {unit.b.data:g}) = relu({total:.2f}) = {hidden[i]:.2f}")
    text = "\n".join(
        [
            "Neurons side by side make a layer; layers in a row make a network. Data flows left to right:",
            "",
            f"  Input {_numbers(inputs)}  ->  Hidden {_numbers(hidden)}  ->  Output {output[0]:.2f}",
            "",
            "Each hidden neuron combines both inputs with its own weights, then applies ReLU",
            "(a negative sum becomes 0.0: that neuron stays silent for this input):",
            "",
            *lines,
            "",
            f"The output neuron does the same with the three hidden values and a sigmoid: {output[0]:.4f}.",
            "These weights are random, so the output means nothing yet. Training changes that.",
        ]
    )
    return Section("2. The network's forward pass", text)


# --- 3. the five-step loop -------------------------------------------------------------------------

XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [-1.0, 1.0, 1.0, -1.0]  # XOR with targets -1/+1, to match the tanh output


def xor_network() -> MLP:
    """A 2-4-1 tanh network that learns XOR in a hundred steps."""
    return MLP(2, [4, 1], activation="tanh", output_activation="tanh", seed=1)


def xor_loss(model: MLP) -> Value:
    """Steps 1 and 2: predict all four XOR examples, then their mean squared error."""
    preds = [model(x) for x in XOR_X]
    return sum((p - t) ** 2 for p, t in zip(preds, XOR_Y)) / len(XOR_X)


def sgd_update(model: MLP, lr: float) -> None:
    """Step 4: move every parameter a little against its gradient."""
    for p in model.parameters():
        p.data -= lr * p.grad


def training_loop(epochs: int = 100, lr: float = 0.2) -> Section:
    """The five-step loop on XOR: one iteration in detail, then many."""
    model = xor_network()
    w = model.layers[0].neurons[0].w[0]
    losses = []
    for epoch in range(epochs):  # 5. repeat
        loss = xor_loss(model)  # 1. forward pass and 2. loss
        model.zero_grad()
        loss.backward()  # 3. backpropagation
        if epoch == 0:
            before, grad = w.data, w.grad
        sgd_update(model, lr)  # 4. update
        if epoch == 0:
            after = w.data
        losses.append(loss.data)
    final = [model(x).data for x in XOR_X]
    rows = "\n".join(f"    {x} -> {p:+.2f}   (target {t:+g})" for x, p, t in zip(XOR_X, final, XOR_Y))
    text = f"""\
A network learns XOR (output +1 when exactly one input is 1) with the same five steps, repeated:

  1. forward pass     predict all four examples with the current weights
  2. loss             how wrong? mean squared error: {losses[0]:.4f} at the start
  3. backpropagation  loss.backward() fills in every weight's grad; the first weight has
                      grad {grad:+.4f}: raising it would {"raise" if grad > 0 else "lower"} the loss
  4. update           step each weight against its grad: w -= {lr} * w.grad, so the first weight
                      goes from {before:+.4f} to {after:+.4f}
  5. repeat           {epochs} times: the loss falls {_loss_path(losses)}

  Remember model.zero_grad() before backward(): grads add up, as they must inside one graph.

After {epochs} steps the network answers:
{rows}"""
    return Section("3. The five-step training loop", text)


def _loss_path(losses: list[float]) -> str:
    marks = [0, len(losses) // 4, len(losses) // 2, len(losses) - 1]
    return " -> ".join(f"{losses[i]:.3f}" for i in marks)


# --- 4. backprop one scalar at a time --------------------------------------------------------------


def lecture_expression() -> Value:
    """The lecture's first graph: L = (a*b + c) * f, with a=2, b=-3, c=10, f=-2, every node labelled."""
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def backprop() -> Section:
    """backward_steps as a table on the lecture's expression, then why grads add up."""
    L = lecture_expression()
    header = f"  {'step':>4}  {'from':<4} {'to':<4} {'local':>7} {'x upstream':>11} {'= adds':>7}   grad of 'to'"
    lines = [header]
    for s in backward_steps(L):
        lines.append(
            f"  {s.index:>4}  {s.node.label:<4} {s.parent.label:<4} {s.local:>7g} {s.upstream:>11g} "
            f"{s.contribution:>7g}   {s.grad_before:g} -> {s.grad_after:g}"
        )
    a = Value(3.0, label="a")
    twice = a + a
    twice.backward()
    text = "\n".join(
        [
            "The lecture's first graph: e = a*b, d = e + c, L = d*f, with a=2, b=-3, c=10, f=-2.",
            "backward() starts with L.grad = 1 and walks the graph from L back to the leaves. At each",
            "edge the chain rule multiplies the node's local derivative by the gradient arriving from",
            "above (upstream), and adds the result into the parent's grad:",
            "",
            *lines,
            "",
            f"So dL/da = {_leaf(L, 'a').grad:g} and dL/db = {_leaf(L, 'b').grad:g}: nudge a up by 0.001 and L moves by "
            f"about {_leaf(L, 'a').grad * 0.001:g}.",
            "",
            "Why add? In b = a + a, a reaches b twice, by two edges. Each edge brings 1 x 1, and",
            f"backward() adds them: a.grad = {a.grad:g}. It also waits until a node has heard from every",
            "node above it before passing its grad on (a topological order); otherwise a parent could",
            "pass on a grad that is still incomplete.",
        ]
    )
    return Section("4. Backpropagation, one scalar at a time", text)


def _leaf(root: Value, label: str) -> Value:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node.label == label and not node._prev:
            return node
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    raise KeyError(label)


def _numbers(xs: list[float]) -> str:
    return "[" + ", ".join(f"{x:.2f}" for x in xs) + "]"
