"""The terminal tour of the lesson: each section's text, with real numbers computed on the spot.

A section is a title, its text, and the drawings it offers (file name -> a function that writes the
drawing to a path), so the command line decides where and whether to write them. Drawing needs
micrograd_lesson.viz, imported only when a drawing is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.examples import (
    FORWARD_PASS_INPUT,
    forward_pass_network,
    lecture_expression,
    lecture_neuron,
    seed_network,
    xor_network,
    xor_problem,
)
from micrograd_lesson.nn import MLP
from micrograd_lesson.optim import SGD
from micrograd_lesson.playground import Playground
from micrograd_lesson.training import TrainingLoop


@dataclass(frozen=True)
class Section:
    """One stop of the tour: a title, its text, and the drawings it can write (file name -> writer)."""

    title: str
    text: str
    drawings: dict[str, Callable[[Path], object]] = field(default_factory=dict)


def sections() -> list[Section]:
    """The tour's sections, in the lesson's order."""
    return [neuron(), forward_pass(), training_loop(), backprop(), playground()]


def _graph(root: Value, **options) -> Callable[[Path], object]:
    """A writer that draws root's computation graph (draw_dot) to a path."""

    def write(path: Path) -> object:
        from micrograd_lesson.viz import draw_dot

        return draw_dot(root, **options).save(path)

    return write


def _network(model: MLP, x: list[float], **options) -> Callable[[Path], object]:
    """A writer that draws model's network picture at input x (draw_network) to a path."""

    def write(path: Path) -> object:
        from micrograd_lesson.viz import draw_network

        return draw_network(model, x, **options).save(path)

    return write


# --- 1. a neuron ----------------------------------------------------------------------------------


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

Every number is a Value that remembers how it was made, so o.backward() can work out how much
each of them moves o:

  do/dw1 = {v["w1"].grad:.4f}   do/dx1 = {v["x1"].grad:.4f}   do/dw2 = {v["w2"].grad:.4f}   do/db = {v["b"].grad:.4f}

neuron.svg draws it as in the lecture: a box per Value (label | data | grad), an oval per operation."""
    return Section("1. A neuron's four steps", text, {"neuron.svg": _graph(v["o"])})


# --- 2. a network ----------------------------------------------------------------------------------


def forward_pass() -> Section:
    """The forward pass through a 2-3-1 network, layer by layer."""
    model = forward_pass_network()
    inputs, hidden, output = model.activations(FORWARD_PASS_INPUT)
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
            "These are the lesson's numbers. The weights were picked by hand to give them; a new network",
            "starts from random weights, so its first outputs mean nothing yet. Training changes that.",
            "",
            "network.svg draws it: each circle holds a neuron's name, its value and its bias b; blue",
            "connections are positive weights, red negative, thicker the larger, each labelled with its weight.",
        ]
    )
    return Section("2. The network's forward pass", text, {"network.svg": _network(model, FORWARD_PASS_INPUT)})


# --- 3. the five-step loop -------------------------------------------------------------------------


def training_loop(epochs: int = 100, lr: float = 0.2) -> Section:
    """The five-step loop on XOR with TrainingLoop: the first loop phase by phase, then many loops."""
    model = xor_network()
    X, y = xor_problem()
    loop = TrainingLoop(model, X, y, optimizer=SGD(model.parameters(), lr=lr))  # loss: mean squared error
    forward, loss, backward, update, repeat = (loop.step() for _ in range(5))
    losses = [repeat.loss, *loop.run(epochs - 1, progress=False)]
    final = [model(x).data for x in X]
    rows = "\n".join(f"    {x} -> {p:+.2f}   (target {t:+g})" for x, p, t in zip(X, final, y))
    grad, before, after = backward.grads[0], update.before[0], update.after[0]  # x1 -> h1 comes first in parameters()
    verb = "raise" if grad > 0 else "lower"
    text = f"""\
A network learns XOR (output +1 when exactly one input is 1) with the same five steps, repeated.
Here is the first time round, one phase at a time (training.TrainingLoop):

  1. forward pass     predictions for the four examples: {_numbers(forward.predictions)}
  2. loss             how wrong? mean squared error against {_numbers(y)}: {loss.loss:.4f}
  3. backpropagation  loss.backward() fills in the gradients of all {len(backward.grads)} parameters. The weight
                      from x1 into hidden neuron 1 gets {grad:+.4f}: raising it would {verb} the loss
  4. update           every parameter steps against its gradient, w -= {lr} * w.grad: that
                      weight goes from {before:+.4f} to {after:+.4f}
  5. repeat           {epochs} times in all: the loss falls {_loss_path(losses)}

After {epochs} loops the network answers:
{rows}

xor-network.svg draws the trained network at input [1, 0]."""
    return Section("3. The five-step training loop", text, {"xor-network.svg": _network(model, [1.0, 0.0])})


def _loss_path(losses: list[float]) -> str:
    marks = [0, len(losses) // 4, len(losses) // 2, len(losses) - 1]
    return " -> ".join(f"{losses[i]:.3f}" for i in marks)


# --- 4. backprop one scalar at a time --------------------------------------------------------------


def backprop() -> Section:
    """backward_steps as a table on the lecture's expression, then why grads add up."""
    L = lecture_expression()
    header = f"  {'step':>4}  {'node -> parent':<14} {'local':>6} {'upstream':>9} {'local*upstream':>15}   parent.grad"
    lines = [header]
    for s in backward_steps(L):
        lines.append(
            f"  {s.number:>4}  {s.node.label:<4} -> {s.parent.label:<6} {s.local:>6g} {s.upstream:>9g} "
            f"{s.contribution:>15g}   {s.grad_before:g} -> {s.grad_after:g}"
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
            "Why add? Take a new graph, b = a + a with a = 3: a reaches b by two edges, each bringing",
            f"local 1 * upstream 1, and backward() adds them: a.grad = {a.grad:g}. For the same reason it waits",
            "until a node has heard from every node that uses it before passing its grad on (it walks",
            "a topological order); otherwise the node would pass on a grad that is still incomplete.",
            "",
            "backprop.svg draws L's graph with local * upstream written on every edge; open",
            "backprop-steps.html in a browser to step through the table above, one picture per row,",
            "from the start (L.grad = 1) to the end (every grad filled in).",
        ]
    )
    drawn = lecture_expression()
    drawn.backward()
    return Section(
        "4. Backpropagation, one scalar at a time",
        text,
        {"backprop.svg": _graph(drawn, chain_rule=True), "backprop-steps.html": _animation(lecture_expression())},
    )


def _animation(root: Value) -> Callable[[Path], object]:
    """A writer that saves backward on root as a flipbook, one picture per chain-rule step."""

    def write(path: Path) -> object:
        from micrograd_lesson.viz import save_animation

        return save_animation(root, path, chain_rule=True)

    return write


# --- 5. the playground -----------------------------------------------------------------------------


def playground() -> Section:
    """The lesson's "Now try it yourself" network, and what moving one input does."""
    model = seed_network()
    pg = Playground(0.5, 0.5, model=model)
    lines = playground_lines(pg)
    moved = Playground(1.0, 0.5, model=model)
    text = "\n".join(
        [
            "The lesson's playground network: two inputs, three ReLU neurons, one sigmoid output, with",
            "the weights from the lesson's picture, and biases it does not show (examples.py works them",
            "out from its numbers). At x1 = 0.50, x2 = 0.50:",
            "",
            *lines,
            "",
            f"Slide x1 to 1.00 and everything downstream moves: hidden {_numbers(moved.activations[1])}, "
            f"output {moved.output:.4f}.",
            "",
            "playground.svg draws the network at 0.50/0.50, each bias inside its neuron; try other inputs with",
            "the playground command (below), the sliders of the 05_playground notebook, or the live lesson's.",
        ]
    )
    return Section("5. The playground network", text, {"playground.svg": _network(model, [0.5, 0.5])})


def playground_lines(pg: Playground) -> list[str]:
    """Each neuron of the playground's network as a line of arithmetic, hidden layer first, then the output."""
    inputs, hidden, output = pg.activations
    hidden_layer, output_layer = pg.model.layers
    lines = []
    for i, unit in enumerate(hidden_layer.neurons):
        terms = " ".join(f"{w.data:+.1f}*{x:.2f}" for w, x in zip(unit.w, inputs))
        lines.append(f"  h{i + 1}     = relu({terms} {unit.b.data:+.2f}) = {hidden[i]:.2f}")
    top = output_layer.neurons[0]
    terms = " ".join(f"{w.data:+.1f}*h{i + 1}" for i, w in enumerate(top.w))
    lines.append(f"  output = sigmoid({terms} {top.b.data:+.2f}) = {output[0]:.4f}")
    return lines


def _leaf(root: Value, label: str) -> Value:
    return next(node for node in topological_order(root) if node.label == label and not node._prev)


def _numbers(xs: list[float]) -> str:
    return "[" + ", ".join(f"{x:.2f}" for x in xs) + "]"
