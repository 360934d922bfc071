"""Section 4, "Backprop, one step at a time": backward() on one graph, one chain-rule contribution at a time.

The only section that needs Graphviz (to lay out the graph): without it this section alone answers 503,
saying how to install it, and the other sections work on.
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_lesson import compiled
from micrograd_lesson.app.pictures import laid_out_frames
from micrograd_lesson.app.requests import BadRequest, choice, number, text
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.examples import LECTURE_INPUTS, LECTURE_NEURON_INPUTS, lecture_expression, lecture_neuron
from micrograd_lesson.expression import ExpressionError, parse_assignments, parse_expression
from micrograd_lesson.viz.frames import MAX_NODES as MAX_BOXES
from micrograd_lesson.viz.frames import box_count

MAX_EXPRESSION = 500  # characters of a typed expression ...
MAX_NAMES = 200  # ... and of its names' values, "a=2 b=-3"
MAX_NODES = 60  # a typed expression's graph, as draw_dot counts nodes
GUESS_LIMIT = 1e6  # a predicted gradient stays within +-1e6
NUDGE = 1e-6  # the nudge check's step, times the input's size
AGREES = 1e-6  # a gradient agrees with a trusted nudge estimate to within this fraction of the larger
LECTURE_TEXT = "(a*b + c) * f"
NEURON_TEXT = "(x1*w1 + x2*w2 + b).tanh()"
CANNOT_DRAW = "Section 4 (backprop one step at a time) draws with Graphviz, which is not working here:"
CHOICES = {"max_expression": MAX_EXPRESSION, "max_names": MAX_NAMES, "max_nodes": MAX_NODES, "guess_limit": GUESS_LIMIT}


class Stepper:
    """backward() on one graph, one chain-rule contribution at a time, forward and back."""

    def __init__(self, source: str, expression: str = "", names: str = "") -> None:
        if source == "lecture":
            self.root, self.text, self.names = lecture_expression(), LECTURE_TEXT, dict(LECTURE_INPUTS)
        elif source == "neuron":
            self.root, self.text, self.names = lecture_neuron()["o"], NEURON_TEXT, dict(LECTURE_NEURON_INPUTS)
        else:
            self.names = parse_assignments(names.split())
            self.text = expression
            self.root = parse_expression(expression, self.names, max_nodes=MAX_NODES).value
            if not self.root.parents:
                raise BadRequest(f"{expression.strip()!r} has no operation to step back through: try one such as a*b")
        self.prepare()

    def prepare(self) -> None:
        """Lay out self.root's flipbook, work out its steps and every grad after each, and start at step 0."""
        self.nodes = topological_order(self.root)
        self.ids = {id(node): f"v{i}" for i, node in enumerate(self.nodes)}  # stable: the engine's own order
        self.frames = laid_out_frames(self.root)  # frame k shows the grads after step k; it runs backward, so ...
        for node in self.nodes:
            node.grad = 0.0  # ... the steps below start from zero grads, not from what it left behind
        self.steps = list(backward_steps(self.root))
        for node in self.nodes:  # back to the start: dL/dL = 1, every other grad 0
            node.grad = 1.0 if node is self.root else 0.0
        self.grads = [[node.grad for node in self.nodes]]  # every grad after 0, 1, 2, ... steps
        for step in self.steps:  # replay, to keep every node's grad after each step
            self._apply(step)
            self.grads.append([node.grad for node in self.nodes])
        self.position = 0
        self.tries: dict[int, int] = {}  # wrong predictions at each position: the first gets a hint, not the answer
        self.nudges = self._nudges()
        # after how many steps each node's grad is first written, and last: before the first it is not shown (blank,
        # not 0: it has not been reached), and an input's nudge check only once its grad is complete
        self.reached = {id(self.root): 0}
        self.complete = {id(self.root): 0}
        self.sent: dict[str, tuple[int, float]] = {}  # each edge's id: after how many steps it sends, and what
        final = self.grads[-1]
        for k, step in enumerate(self.steps, 1):
            for parent in [step.parent] if step.parent is not None else step.node.parents:
                self.reached.setdefault(id(parent), k)
                self.complete[id(parent)] = k
            node, local = step.node, step.node.local_grads
            for i in [step.parent_index] if step.parent is not None else range(len(node.parents)):
                if local is not None:  # its own _backward sends no number of its own along an edge
                    self.sent[self._edge(node, i)] = (k, local[i] * final[self.nodes.index(node)])

    def _apply(self, step: BackwardStep) -> None:
        if step.parent is not None:
            step.parent.grad = step.grad_after
        else:
            for parent, after in zip(step.node.parents, step.grad_after):
                parent.grad = after

    def _nudges(self) -> dict[str, tuple[float, bool]]:
        """Each input's nudge estimate of d(root)/d(input), and whether it can be trusted to judge a gradient."""
        names = list(self.names)
        point = list(self.names.values())

        def f(i: int, x: float) -> float:
            return parse_expression(self.text, dict(zip(names, [*point[:i], x, *point[i + 1 :]]))).value.data

        try:
            return {name: _nudge(lambda x, i=i: f(i, x), point[i]) for i, name in enumerate(names)}
        except (ValueError, ArithmeticError):  # a nudge steps outside the expression's domain (log near 0)
            return {}

    def move(self, by: int) -> None:
        """Step forward (+1) or back (-1), staying within the steps."""
        self.position = max(0, min(len(self.steps), self.position + by))

    def answer(self) -> dict:
        """The graph at the current step: every node's grad so far, the worked edge, the picture."""
        grads = self.grads[self.position]
        for node, g in zip(self.nodes, grads):
            node.grad = g
        done = self.steps[self.position - 1] if self.position else None
        upcoming = self.steps[self.position] if self.position < len(self.steps) else None
        return {
            "expression": self.text,
            "position": self.position,
            "total": len(self.steps),
            "nodes": [
                {
                    "id": self.ids[id(node)],
                    "label": node.label or node.op,
                    "data": node.data,
                    "grad": g if self.position >= self.reached.get(id(node), len(self.steps) + 1) else None,
                    **self._nudge_of(node, g),
                }
                for node, g in zip(self.nodes, grads)
            ],
            "worked": self._step_dict(done),
            "next": None if upcoming is None else {"parent": self._name(upcoming.parent or upcoming.node)},
            "svg": self.frames[self.position].svg(),  # drawn when shown: a session keeps no SVG
            "numbers": self._numbers(grads),  # what the picture may show, by the id its label names ("v3 grad")
        }

    def _numbers(self, grads: list[float]) -> dict[str, float]:
        """Every node's data and its grad once reached, every edge's local derivative, and the gradient each
        edge has sent so far, by stable id: no number the learner has not reached yet."""
        numbers = {}
        for node, g in zip(self.nodes, grads):
            numbers[f"{self.ids[id(node)]} data"] = node.data
            if self.position >= self.reached.get(id(node), len(self.steps) + 1):
                numbers[f"{self.ids[id(node)]} grad"] = g
            for i, local in enumerate(node.local_grads or ()):
                numbers[f"{self._edge(node, i)} local"] = local
        for edge, (k, sent) in self.sent.items():
            if self.position >= k:
                numbers[f"{edge} sent"] = sent
        return numbers

    def _edge(self, node: Value, i: int) -> str:
        """The edge from node's parent i into node's op, as the picture names it: 'v0-v4op-0'."""
        return f"{self.ids[id(node.parents[i])]}-{self.ids[id(node)]}op-{i}"

    def _nudge_of(self, node: Value, grad: float) -> dict:
        """An input's nudge estimate and whether its grad so far agrees with it (None: no verdict can be given)."""
        if node.parents or node.label not in self.nudges or self.position < self.complete.get(id(node), 0):
            return {
                "nudge": None,
                "agrees": None,
            }  # not an input, or its gradient not reached yet: nothing to give away
        estimate, trusted = self.nudges[node.label]
        agrees = abs(grad - estimate) <= AGREES * max(abs(grad), abs(estimate)) if trusted else None
        return {"nudge": estimate, "agrees": agrees}

    def _name(self, node: Value) -> str:
        return node.label or f"{node.op} node {self.ids[id(node)]}"

    def _step_dict(self, step: BackwardStep | None) -> dict | None:
        if step is None:
            return None
        if step.parent is None:
            return {"text": f"{self._name(step.node)} ran its own _backward for all its parents"}
        return {
            "node": self.ids[id(step.node)],
            "parent": self.ids[id(step.parent)],
            "text": f"{self._name(step.parent)}.grad += local × upstream = {step.local:.4g} × {step.upstream:.4g} "
            f"= {step.contribution:.4g}, so {self._name(step.parent)}.grad = {step.grad_after:.4g}",
        }

    def check(self, guess: float) -> dict:
        """Is guess the next step's gradient (the receiving node's grad after it)?"""
        if self.position >= len(self.steps):
            raise BadRequest("every gradient is revealed already: press Back or load again")
        step = self.steps[self.position]
        right = step.grad_after if step.parent is not None else step.grad_after[0]
        name = self._name(step.parent or step.node.parents[0])
        correct = abs(guess - right) <= 0.01 * max(1.0, abs(right))
        misses = self.tries[self.position] = self.tries.get(self.position, 0) + (not correct)
        if not correct and misses == 1:  # a hint, and a second try; the answer only after that (or on Next)
            upstream = self._name(step.node)
            return {
                "correct": False,
                "message": f"Not quite. Hint: {name}.grad gets local × upstream, where local is how {upstream} "
                f"changes with {name} and upstream is {upstream}.grad; add it to what {name}.grad already holds. "
                "Try once more.",
            }
        return {
            "correct": correct,
            "message": f"{'Right' if correct else 'Not quite'}: {name}.grad will be {right:.4g}.",
        }


class GraphStepper(Stepper):
    """Section 4 on a graph you built (the notebook's Stepper(L)): your own nodes stepped, the nudge check by
    running the graph again from a nudged leaf, as the compiler's replay does.

    Your nodes hold the grads of the step shown (at the end, those of root.backward() from zero grads);
    restore_grads() puts back every grad they held before."""

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Stepper needs a Value (the root of a graph you built), got {type(root).__name__}")
        if not root.parents:
            raise ValueError(f"{root!r} has no operation to step back through: build it with ops, such as a*b")
        order = topological_order(root)
        boxes = box_count(order)
        if boxes > MAX_BOXES:
            raise ValueError(
                f"the graph has {boxes} boxes and ovals to draw, more than the flipbook's {MAX_BOXES}: step a smaller "
                "graph, such as one neuron's (group by neuron: build one neuron of your network on its own inputs)"
            )
        self.kept = [(node, node.grad) for node in order]
        self.root, self.text, self.names = root, root.label or "your graph", {}
        self.unavailable = None
        try:
            self.prepare()
        except BaseException:
            self.restore_grads()
            raise

    def restore_grads(self) -> None:
        """Put back every grad the graph's nodes held before the stepper ran."""
        for node, grad in self.kept:
            node.grad = grad

    def _nudges(self) -> dict[Value, tuple[float, bool]]:
        """Each leaf's nudge estimate of d(root)/d(leaf), by running the graph again from the nudged leaf."""
        try:
            for node in self.nodes:
                compiled.check_replayable(node)  # can the graph be worked out again from its leaves?
        except ValueError as error:
            self.unavailable = (
                f"no nudge check here: it runs your graph again from nudged leaves, as a program would: {error}"
            )
            return {}
        leaves = [node for node in self.nodes if not node.parents]
        try:
            return {
                leaf: _nudge(lambda x, leaf=leaf: compiled.rerun(self.root, {leaf: x}).data, leaf.data)
                for leaf in leaves
            }
        except (ValueError, ArithmeticError):  # a nudge steps outside the graph's domain (log near 0)
            self.unavailable = "no nudge check here: a nudged leaf steps outside an op's domain"
            return {}

    def _nudge_of(self, node: Value, grad: float) -> dict:
        """A leaf's nudge estimate and whether its grad agrees, once that grad is complete (as the page's)."""
        if node not in self.nudges or self.position < self.complete.get(id(node), 0):
            return {"nudge": None, "agrees": None}
        estimate, trusted = self.nudges[node]
        agrees = abs(grad - estimate) <= AGREES * max(abs(grad), abs(estimate)) if trusted else None
        return {"nudge": estimate, "agrees": agrees}

    def answer(self) -> dict:
        """The section's answer, saying when the nudge check cannot run on this graph."""
        answer = super().answer()
        if self.unavailable:
            answer["expression"] = f"{self.text} ({self.unavailable})"
        return answer


def _nudge(f: Callable[[float], float], x: float) -> tuple[float, bool]:
    """f's slope at x by central differences, with a step scaled to x (a fixed 1e-6 loses every digit at 1e6),
    and whether it can be trusted: steps of two sizes agree, and so do both sides (not at a kink, as relu's)."""
    h = NUDGE * (abs(x) or 1.0)
    central = (f(x + h) - f(x - h)) / (2 * h)
    wider = (f(x + 10 * h) - f(x - 10 * h)) / (20 * h)
    at_x = f(x)
    right, left = (f(x + h) - at_x) / h, (at_x - f(x - h)) / h
    scale = max(abs(central), abs(wider), 1e-300)
    trusted = abs(central - wider) <= 1e-6 * scale and abs(right - left) <= 1e-3 * max(abs(right), abs(left), 1e-300)
    return central, trusted


def trouble() -> str | None:
    """What this section will say when asked, if no Graphviz program can be found (None when one can)."""
    from micrograd_lesson.viz.render import GraphvizNotFoundError, find_dot

    try:
        find_dot()
    except GraphvizNotFoundError as error:
        return f"{CANNOT_DRAW} {error}"
    return None


def respond(stepper: Stepper | None, request: dict) -> tuple[Stepper | None, dict]:
    """Load a graph, step it, or check a prediction (the lecture's graph on first use)."""
    from micrograd_lesson.viz.render import GraphvizNotFoundError, RenderError

    try:
        return _respond(stepper, request)
    except (GraphvizNotFoundError, RenderError) as error:
        raise BadRequest(f"{CANNOT_DRAW} {error}", 503) from None


def _respond(stepper: Stepper | None, request: dict) -> tuple[Stepper, dict]:
    action = choice(request, "action", ("show", "load", "next", "back", "predict"))
    if action == "load":
        source = choice(request, "source", ("lecture", "neuron", "custom"))
        expression = names = ""
        if source == "custom":
            expression, names = text(request, "expression", MAX_EXPRESSION), text(request, "names", MAX_NAMES)
        try:
            stepper = Stepper(source, expression, names)
        except (ExpressionError, ValueError, TypeError, ArithmeticError) as error:
            raise BadRequest(str(error)) from None
    elif stepper is None:
        stepper = Stepper("lecture")
    if action in ("next", "back"):
        stepper.move(1 if action == "next" else -1)
    elif action == "predict":
        return stepper, stepper.check(number(request, "guess", -GUESS_LIMIT, GUESS_LIMIT))
    return stepper, stepper.answer()
