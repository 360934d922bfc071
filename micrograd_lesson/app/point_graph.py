"""Section 6's "one point's loss, backward": a training point's whole loss graph, stepped back one piece at a time.

A small network's graph (at most the flipbook's 200 boxes) is drawn node by node and stepped one chain-rule
contribution at a time, with section 4's machinery (backprop.backward_steps, the flipbook's laid-out frames).
A larger one is drawn as draw_dot(group='neuron') draws it, each neuron call one node, and stepped one
neuron at a time: the chain rule run over that neuron's own nodes, last layer first. Either way the graph is
built on a copy of the model, so stepping it never touches the run's weights or gradients.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from micrograd_lesson.app.pictures import laid_out_frames, neuron_ids, param_names
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.viz import colors
from micrograd_lesson.viz.frames import MAX_NODES, box_count, describe, short
from micrograd_lesson.viz.neurons import neuron_calls

GROUPED_NODES = 1000  # a grouped drawing's nodes: six layers of 8 make about 560
LossOf = Callable[[object], Value]  # the model's copy to that point's loss, labelled


class PointGraph:
    """One training point's loss graph for the weights of one step, and where the learner is in its backward pass."""

    def __init__(self, model, loss_of: LossOf, step: int) -> None:
        self.model = copy.deepcopy(model)  # the run's own parameters keep their grads and values
        for p, name in zip(self.model.parameters(), param_names(self.model)):
            p.label = name  # 'w x1→h1.2', as the page names it: every box says which parameter it is
        self.root = loss_of(self.model)
        self.calls = neuron_calls(topological_order(self.root), self.model)
        ids = neuron_ids(self.model)
        self.page_names = {}  # each neuron call by the page's name for its neuron: draw_dot's 'L1.2' is h1.2
        for call in self.calls:
            layer, j = (int(n) for n in call.name[1:].split("."))
            self.page_names[call.name] = ids[layer][j - 1]
            call.output.label = call.output.label or ids[layer][j - 1]  # its output named so in every box
        self.step = step
        self.nodes = topological_order(self.root)
        boxes = box_count(self.nodes)
        self.grouped = boxes > MAX_NODES
        self.boxes = boxes
        self.position = 0
        if self.grouped:
            self._by_neuron()
        else:
            self.frames = laid_out_frames(self.root)  # runs backward itself: the steps below start afresh
            for node in self.nodes:
                node.grad = 0.0
            self.steps: list[BackwardStep] = list(backward_steps(self.root))
            self.texts = [describe(step) for step in self.steps]

    def _by_neuron(self) -> None:
        """The chain rule one unit at a time (each neuron call whole, each node outside a neuron alone): every
        node's grad after each unit, and what each unit did, in words."""
        unit_of = {v: call for call in self.calls for v in call.inside}
        units: list[tuple[str, Value, list[Value]]] = []  # (name, the node drawn lit, its nodes in backward order)
        seen = set()
        for node in reversed(self.nodes):
            if not node.parents:
                continue
            call = unit_of.get(node)
            if call is None:
                units.append((node.label or f"the {node.op} node", node, [node]))
            elif call.name not in seen:  # a call's output comes after all of its own nodes: its unit starts there
                seen.add(call.name)
                inside = [v for v in reversed(self.nodes) if v in call.inside]
                units.append((f"neuron {self.page_names[call.name]}", call.output, inside))
        for node in self.nodes:
            node.grad = 1.0 if node is self.root else 0.0
        self.units = units
        self.snapshots = [[v.grad for v in self.nodes]]
        self.texts = []
        for name, output, inside in units:
            for node in inside:  # the engine's chain rule, parent.grad += local * node.grad
                for parent, local in zip(node.parents, node.local_grads):
                    parent.grad += local * node.grad
            self.snapshots.append([v.grad for v in self.nodes])
            if len(inside) > 1:
                sent = "; ".join(f"{_name(p)}.grad = {short(p.grad)}" for p in _inputs(inside))
                self.texts.append(f"{name} passes its grad {short(output.grad)} back through its own nodes: {sent}")
            else:  # one node: the chain rule written out, local × upstream
                sent = "; ".join(
                    f"{_name(p)}.grad += {short(local)} × {short(output.grad)}, so it is {short(p.grad)}"
                    for p, local in zip(output.parents, output.local_grads)
                )
                op = f" ({output.op})" if output.label else ""
                self.texts.append(f"{name}{op} passes its grad back: {sent}")

    @property
    def total(self) -> int:
        """How many steps backward takes here: chain-rule contributions, or units (neurons and loss nodes)."""
        return len(self.units) if self.grouped else len(self.steps)

    def move(self, to: str) -> None:
        """Go to the next or previous step, or to the start or the end."""
        moves = {"next": self.position + 1, "back": self.position - 1, "start": 0, "end": self.total}
        self.position = max(0, min(self.total, moves[to]))

    def answer(self) -> dict:
        """Where the pass is: the step's text, the loss and the picture of every grad so far."""
        k = self.position
        if self.grouped:
            from micrograd_lesson.viz import draw_dot

            for v, g in zip(self.nodes, self.snapshots[k]):
                v.grad = g
            lit = self.units[k - 1][1] if k else self.root
            svg = draw_dot(self.root, group="neuron", model=self.model, highlight=lit, max_nodes=GROUPED_NODES).svg()
            svg = re.sub(r">neuron (L\d+\.\d+)<", lambda m: f">neuron {self.page_names[m[1]]}<", svg)  # h1.2, not L1.2
        else:
            svg = self.frames[k].svg()
        name = self.root.label
        text = self.texts[k - 1] if k else f"Start: {name}.grad = 1, since d{name}/d{name} = 1."
        return {
            "grouped": self.grouped,
            "boxes": self.boxes,
            "position": k,
            "total": self.total,
            "step": self.step,
            "loss": self.root.data,
            "text": text,
            "svg": svg[svg.index("<svg") :],
            "highlight": colors.HIGHLIGHT_FILL,  # the fill behind the piece just worked: the page scrolls to it
        }


def _inputs(inside: list[Value]) -> list[Value]:
    """The nodes a unit sends gradient to from outside it: its weights, bias and inputs."""
    mine = set(inside)
    found: dict[int, Value] = {}
    for node in inside:
        for parent in node.parents:
            if parent not in mine:
                found.setdefault(id(parent), parent)
    return list(found.values())


def _name(v: Value) -> str:
    if v.label:
        return v.label
    return f"the {v.op} node" if v.parents else f"the constant {v.data:g}"
