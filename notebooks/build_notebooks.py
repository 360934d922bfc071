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
from micrograd_lesson.steps import backward_steps

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
from micrograd_lesson.quiz import EXERCISES, QUICK_CHECK, check_answer

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
    "04_backprop_one_scalar_at_a_time": backprop_one_scalar_at_a_time,
    "06_testing_your_gradients": testing_your_gradients,
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
