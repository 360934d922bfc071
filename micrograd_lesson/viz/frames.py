"""Backward, stepped: a picture per chain-rule contribution, between a start and an end, as a GIF or an HTML flipbook.

The graph is laid out once, by Graphviz, with room for the widest text every box and edge label will
ever hold; every frame is drawn by us from those positions, so nothing moves from one frame to the next.
The first frame is the start (the root's grad set to 1), then come backward_steps' contributions,
numbered 1..N as the tour's table numbers them, and the last frame has every grad filled in. The step
being worked is the orange node, the orange edge and its bold label; edges that have carried their
gradient take the gradient colours, the others stay grey; a legend says so on every frame. Each text that
shows a number names it in data-for, as the network picture's do: a box's "v3 data" and "v3 grad", an edge's
local derivative "v0-v4op-0 local" and the gradient it sent "v0-v4op-0 sent" (its upstream is "v4 grad"),
so a page can check every number drawn against its own.
A flipbook draws at most MAX_NODES (200) boxes and ovals, as box_count counts them: a caller with a bigger
graph can say so in its own words before asking.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from micrograd_lesson import _checks
from micrograd_lesson._files import write_file
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.viz import colors, svg
from micrograd_lesson.viz.dot import RANKDIRS, op_text
from micrograd_lesson.viz.graph import Drawing
from micrograd_lesson.viz.render import layout
from micrograd_lesson.viz.svg import element, inline_svg, text_width

__all__ = ["backward_frames", "save_animation", "flipbook", "inline_svg", "short", "box_count", "MAX_NODES"]

MAX_SECONDS_PER_FRAME = 60.0  # a minute a frame is plenty (a GIF frame can last at most 655.35 s)
MAX_NODES = 200  # boxes and ovals a flipbook draws at most: every frame holds them all

FONT = 14  # a box's text and an op's name
EDGE_FONT = 14  # an edge's label
CAPTION_FONT = 16
READABLE = 11  # px: an edge label is never shown smaller than this (the flipbook scrolls instead)
SCREEN = 1024 - 2 * 16  # a 1024 px window less the page's margins: the width a frame should fit
MARGIN = 20
BOX_HEIGHT = 30
LEGEND_FONT = 13
LEGEND_WIDTH = 620


@dataclass(frozen=True)
class FrameState:
    """What one frame shows: its name ('start', 'step 3 of 6', 'done'), what happens, every grad at that moment,
    the step being worked (None at the start and the end), and the edges (node, parent index) that have run."""

    name: str
    text: str
    grads: tuple[float, ...]  # in topological order
    step: BackwardStep | None
    ran: frozenset[tuple[Value, int]]


def backward_frames(
    root: Value, rankdir: str | None = None, chain_rule: bool = True, max_nodes: int = MAX_NODES
) -> list[Drawing]:
    """Run backward on root one contribution at a time; return its frames: the start, one per step, the end.

    rankdir: 'LR' (left to right) or 'TB' and the others draw_dot takes; None picks LR when the frame then
    fits a 1024 px window with its edge labels at least READABLE px, else the narrower of LR and TB.
    chain_rule: write local × upstream on every edge that has run (and its local derivative on those that
    have not); False writes it on the step's own edge only. max_nodes: refuse larger graphs.
    Like backward(), this fills in root's grads, and leaf grads add to what they held: call
    root.zero_grad() first to watch them start from 0."""
    frames = LaidOutFrames(root, rankdir, chain_rule, max_nodes)
    return [frames[i] for i in range(len(frames))]


def box_count(order: list[Value]) -> int:
    """How many shapes a frame of this graph draws: a box per value and an oval per operation."""
    return len(order) + sum(1 for v in order if v.parents)


class LaidOutFrames:
    """backward_frames laid out once and drawn one at a time, when asked: frames[i] is backward_frames(...)[i].

    For a page that shows one frame at a time and need not keep them all (same arguments, same effect on grads).
    blank_unreached: a grad backward has not reached yet is drawn blank ("grad"), not as the 0 it holds, as a
    page's exercise hides it until the learner gets there."""

    def __init__(
        self,
        root: Value,
        rankdir: str | None = None,
        chain_rule: bool = True,
        max_nodes: int = MAX_NODES,
        blank_unreached: bool = False,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"backward_frames needs a Value, got {type(root).__name__}: {root!r}")
        if rankdir is not None and rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be None or one of {', '.join(RANKDIRS)}, got {rankdir!r}")
        if not root.parents:
            raise ValueError(f"{root!r} has no parents, so backward has no steps to draw")
        order = topological_order(root)
        count = box_count(order)
        if count > max_nodes:
            raise ValueError(f"the graph has {count} boxes and ovals to draw, more than max_nodes={max_nodes}")
        self.states = frame_states(root, order)  # runs backward: every check above comes first
        self.shapes = shapes = _Shapes(order, self.states, chain_rule)
        if rankdir is not None:
            placed = _place(shapes, rankdir)
        else:
            placed = _place(shapes, "LR")
            if placed.width * READABLE / EDGE_FONT > SCREEN:  # too wide to read whole: TB if that is narrower
                tall = _place(shapes, "TB")
                placed = tall if tall.width < placed.width else placed
        self.placed = placed
        self.page = _page(shapes, placed)
        self.blank_unreached = blank_unreached

    def __len__(self) -> int:
        """How many frames: the start, one per step, the end."""
        return len(self.states)

    def __getitem__(self, i: int) -> Drawing:
        """Frame i, drawn now."""
        return _draw(self.shapes, self.placed, self.page, self.states[i], self.blank_unreached)


def frame_states(root: Value, order: list[Value]) -> list[FrameState]:
    """Run backward_steps on root and record what each frame shows: the start, every step, the end."""
    index = {v: i for i, v in enumerate(order)}
    steps, snapshots = [], []
    for step in backward_steps(root):
        steps.append(step)
        snapshots.append(tuple(v.grad for v in order))
    first = steps[0]
    start = list(snapshots[0])  # the first step's receiving parents, as they were before it
    receivers = first.node.parents if first.parent is None else (first.parent,)
    befores = first.grad_before if first.parent is None else (first.grad_before,)
    for parent, before in zip(receivers, befores):
        start[index[parent]] = before
    name = _name(root)
    states = [
        FrameState(
            "start",
            f"backward() starts at {name}: {name}.grad = 1, since d{name}/d{name} = 1.",
            tuple(start),
            None,
            frozenset(),
        )
    ]
    ran: set[tuple[Value, int]] = set()
    for k, (step, grads) in enumerate(zip(steps, snapshots), 1):
        ran |= {(step.node, i) for i in range(len(step.node.parents))} if step.parent is None else {_edge(step)}
        states.append(FrameState(f"step {k} of {len(steps)}", describe(step), grads, step, frozenset(ran)))
    leaves = [v for v in order if not v.parents and v.label][:8]
    filled = ", ".join(f"{v.label}.grad = {short(v.grad)}" for v in leaves)
    text = "Every grad is filled in, as backward() leaves them" + (f": {filled}." if filled else ".")
    states.append(FrameState("done", text, snapshots[-1], None, frozenset(ran)))
    return states


def describe(step: BackwardStep) -> str:
    """One step in words, with its numbers: 'e sends gradient to a: a.grad = 0 + -3 × -2 = 6'."""
    node = _name(step.node)
    if step.parent is None:  # the node's own _backward, for all its parents at once
        grads = ", ".join(
            f"{_name(parent)}.grad {short(before)} -> {short(after)}"
            for parent, before, after in zip(step.node.parents, step.grad_before, step.grad_after)
        )
        return f"{node} runs its own _backward: {grads}"
    name = _name(step.parent)
    grad = f"{name}.grad" if step.parent.label else "its grad"
    return (
        f"{node} sends gradient to {name}: {grad} = {short(step.grad_before)} + "
        f"{short(step.local)} × {short(step.upstream)} = {short(step.grad_after)}"
    )


def short(x: float) -> str:
    """A number as a frame shows it, in at most 4 significant digits: 6, -0.5, 0.8814 (never '-0')."""
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def _name(v: Value) -> str:
    if v.label:
        return v.label
    return f"the {v.op} node" if v.parents else f"the leaf {short(v.data)}"


def _edge(step: BackwardStep) -> tuple[Value, int]:
    return (step.node, step.parent_index)


# --- what is drawn, and where ---------------------------------------------------------------------------------


class _Shapes:
    """Every box, oval and edge label with its text in every frame, sized for the widest it will hold."""

    def __init__(self, order: list[Value], states: list[FrameState], chain_rule: bool) -> None:
        self.order, self.states, self.chain_rule = order, states, chain_rule
        self.index = {v: i for i, v in enumerate(order)}
        self.final = states[-1].grads
        self.fields = {}  # Value -> widths of its fields: name (if any), data, grad
        for i, v in enumerate(order):
            texts = [v.label] if v.label else []
            texts.append(f"data {short(v.data)}")
            widest_grad = max((f"grad {short(state.grads[i])}" for state in states), key=len)
            texts.append(widest_grad)
            self.fields[v] = [text_width(t, FONT) + 16 for t in texts]
        self.ops = [v for v in order if v.parents]
        self.edges = [(v, i) for v in self.ops for i in range(len(v.parents))]  # parent i -> the op making v
        self.any_own_backward = any(v.local_grads is None for v in self.ops)

    def box_width(self, v: Value) -> float:
        return sum(self.fields[v])

    def op_width(self, v: Value) -> float:
        return max(40.0, text_width(op_text(v), FONT) + 24)

    def label(self, edge: tuple[Value, int], state: FrameState) -> str:
        """An edge's label in this frame: local × upstream = sent once it has run, else its local derivative."""
        return "".join(text for text, _ in self.label_parts(edge, state))

    def label_parts(self, edge: tuple[Value, int], state: FrameState) -> list[tuple[str, str | None]]:
        """The label in pieces, each number with the id of what it shows (data-for), the words with None."""
        node, i = edge
        if node.local_grads is None:
            own = edge in state.ran and (self.chain_rule or _is_step(edge, state))
            return [("its own _backward", None)] if own else []
        local, key = node.local_grads[i], _edge_key(self, edge)
        if edge in state.ran and (self.chain_rule or _is_step(edge, state)):
            upstream = self.final[self.index[node]]  # a node's grad is complete before it sends any of it
            return [
                (short(local), f"{key} local"),
                (" × ", None),
                (short(upstream), f"{_id(self, node)} grad"),
                (" = ", None),
                (short(local * upstream), f"{key} sent"),
            ]
        return [("local ", None), (short(local), f"{key} local")] if self.chain_rule else []

    def widest_label(self, edge: tuple[Value, int]) -> float:
        return max(text_width(self.label(edge, state), EDGE_FONT, bold=True) for state in self.states) + 8


def _is_step(edge: tuple[Value, int], state: FrameState) -> bool:
    step = state.step
    if step is None or edge[0] is not step.node:
        return False
    return step.parent is None or edge[1] == step.parent_index


@dataclass(frozen=True)
class _Placed:
    """Graphviz's answer, in px: each box's and oval's centre by id; each edge's path, arrow tip and label
    centre, in the order shapes.edges then shapes.ops (the parent -> op edges, then each op -> its Value)."""

    centres: dict[str, tuple[float, float]]
    paths: list[tuple[list[tuple[float, float]], tuple[float, float] | None, tuple[float, float] | None]]
    width: float
    height: float


def _id(shapes: _Shapes, v: Value) -> str:
    return f"v{shapes.index[v]}"


def _edge_key(shapes: _Shapes, edge: tuple[Value, int]) -> str:
    """An edge's stable id, 'v0-v4op-0': from parent v0 into v4's op, as its operand 0."""
    node, i = edge
    return f"{_id(shapes, node.parents[i])}-{_id(shapes, node)}op-{i}"


def _place(shapes: _Shapes, rankdir: str) -> _Placed:
    """Lay the graph out once with Graphviz: boxes, ovals and edge labels of fixed sizes, in rankdir."""
    lines = [
        "digraph {",
        f"  graph [rankdir={rankdir} nodesep=0.3 ranksep=0.3 margin=0]",
        '  node [shape=box fixedsize=true label=""]',
        "  edge [arrowsize=0.8]",
    ]
    for v in shapes.order:
        lines.append(f"  {_id(shapes, v)} [width={shapes.box_width(v) / 72:.4f} height={BOX_HEIGHT / 72:.4f}]")
    for v in shapes.ops:
        lines.append(f"  {_id(shapes, v)}op [shape=ellipse width={shapes.op_width(v) / 72:.4f} height=0.4]")
    for k, (node, i) in enumerate(shapes.edges):  # a label cell as wide as the widest text the edge will carry
        width = shapes.widest_label((node, i))
        cell = f'<table border="0" cellpadding="0" cellspacing="0" fixedsize="true" width="{width:.0f}" height="20">'
        label = f"<{cell}<tr><td></td></tr></table>>"
        lines.append(f"  {_id(shapes, node.parents[i])} -> {_id(shapes, node)}op [id={k} label={label}]")
    for k, v in enumerate(shapes.ops, len(shapes.edges)):
        lines.append(f"  {_id(shapes, v)}op -> {_id(shapes, v)} [id={k}]")
    lines.append("}")
    found = layout("\n".join(lines))
    _, _, width, height = (float(n) for n in found["bb"].split(","))

    def point(text: str) -> tuple[float, float]:
        x, y = text.split(",")[:2]
        return float(x), height - float(y)  # Graphviz's y grows upwards, SVG's downwards

    centres = {obj["name"]: point(obj["pos"]) for obj in found["objects"]}
    paths = []
    for edge in sorted(found["edges"], key=lambda e: int(e["id"])):  # in the order they were written
        parts = edge["pos"].split()
        tip = point(parts.pop(0)[2:]) if parts[0].startswith("e,") else None
        paths.append(([point(p) for p in parts], tip, point(edge["lp"]) if "lp" in edge else None))
    return _Placed(centres, paths, width, height)


# --- drawing one frame --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """A frame's size and its parts' places, the same for every frame."""

    width: float
    height: float
    caption_lines: int
    graph_left: float
    graph_top: float
    legend_top: float
    legend: list


def _page(shapes: _Shapes, placed: _Placed) -> _Page:
    width = max(placed.width + 2 * MARGIN, LEGEND_WIDTH)
    room = width - 2 * MARGIN
    lines = max(len(svg.wrap(state.text, CAPTION_FONT, room)) for state in shapes.states)
    graph_top = MARGIN + CAPTION_FONT * 1.5 * (lines + 1) + 14
    legend = _legend_rows(shapes, room)
    legend_top = graph_top + placed.height + 26
    height = legend_top + len(legend) * LEGEND_FONT * 1.7 + MARGIN
    return _Page(width, height, lines, (width - placed.width) / 2, graph_top, legend_top, legend)


def _legend_rows(shapes: _Shapes, room: float) -> list:
    rows: list = [
        ("keys", [(colors.HIGHLIGHT, "this step: the node sending its gradient, and the edge it sends along")]),
        (
            "keys",
            [
                (colors.GRADIENT.positive, "positive gradient sent"),
                (colors.GRADIENT.negative, "negative"),
                (colors.ZERO, "not sent yet"),
            ],
        ),
    ]
    notes = ["thicker = larger |gradient|."]
    if shapes.chain_rule:
        notes.append(
            "On each edge: local derivative × upstream grad = gradient sent back (before its step, the local "
            "derivative alone)."
        )
    if shapes.any_own_backward:
        notes.append("Dashed: a node with its own _backward sends its gradient.")
    rows += [line for note in notes for line in svg.wrap(note, LEGEND_FONT, room)]
    return rows


def _draw(shapes: _Shapes, placed: _Placed, page: _Page, state: FrameState, blank_unreached: bool = False) -> Drawing:
    title = f"Backpropagation, {state.name}: {state.text}"
    root = svg.document(page.width, page.height, title)
    caption = element(root, "g", class_="caption", fill=colors.TEXT)
    y = MARGIN + CAPTION_FONT
    element(
        caption,
        "text",
        state.name,
        class_="frame-name",
        x=float(MARGIN),
        y=y,
        font_size=CAPTION_FONT + 2,
        font_weight="bold",
    )
    for line in svg.wrap(state.text, CAPTION_FONT, page.width - 2 * MARGIN):
        y += CAPTION_FONT * 1.5
        element(caption, "text", line, class_="frame-text", x=float(MARGIN), y=y, font_size=CAPTION_FONT)

    ox, oy = page.graph_left, page.graph_top
    step = state.step
    worked = set() if step is None else {step.node}
    if state.name == "start":
        worked = {shapes.order[-1]}  # the root, its grad just set to 1
    receiving = set() if step is None else set(step.node.parents if step.parent is None else (step.parent,))
    largest = max((abs(_sent(shapes, e)) for e in shapes.edges), default=0.0)

    graph = element(root, "g", class_="graph", font_size=FONT)
    edges = element(graph, "g", class_="edges")
    for k, edge in enumerate(shapes.edges):
        node, i = edge
        points, tip, at = placed.paths[k]
        is_step = _is_step(edge, state)
        if is_step:
            color, width = colors.HIGHLIGHT, 5.0
        elif edge in state.ran:
            sent = _sent(shapes, edge)
            color, width = colors.GRADIENT.color(sent), colors.width(sent, largest, low=1.2, high=3.5)
        else:
            color, width = colors.ZERO, 1.2
        group = element(edges, "g", class_="edge step" if is_step else "edge", id=f"edge-{_edge_key(shapes, edge)}")
        element(group, "title", f"{_name(node.parents[i])} -> {op_text(node)} (operand {i + 1} of {_name(node)})")
        dashed = "6 4" if node.local_grads is None else None
        _arrow(group, points, tip, ox, oy, color, width, dashed)
        parts = shapes.label_parts(edge, state)
        if parts and at is not None:
            _edge_label(group, parts, at[0] + ox, at[1] + oy, is_step)
    for k, v in enumerate(shapes.ops, len(shapes.edges)):
        points, tip, _ = placed.paths[k]
        group = element(edges, "g", class_="result", id=f"result-{_id(shapes, v)}")
        color, width = (colors.HIGHLIGHT, 2.5) if v in worked and step is not None else (colors.LINE, 1.2)
        _arrow(group, points, tip, ox, oy, color, width, None)

    nodes = element(graph, "g", class_="nodes")
    for v in shapes.ops:
        x, y = placed.centres[f"{_id(shapes, v)}op"]
        group = element(nodes, "g", class_="op", id=f"op-{_id(shapes, v)}")
        hot = v in worked
        element(
            group,
            "ellipse",
            cx=x + ox,
            cy=y + oy,
            rx=shapes.op_width(v) / 2,
            ry=14.4,
            fill=colors.HIGHLIGHT_FILL if hot else "white",
            stroke=colors.HIGHLIGHT if hot else colors.TEXT,
            stroke_width=2.5 if hot else 1.2,
        )
        element(group, "text", op_text(v), x=x + ox, y=y + oy + FONT * 0.35, text_anchor="middle", fill=colors.TEXT)
    reached = {shapes.order[-1]} | {node.parents[i] for node, i in state.ran}  # the root, and each edge's parent
    for i, v in enumerate(shapes.order):
        x, y = placed.centres[_id(shapes, v)]
        fresh = v in receiving or (state.step is None and v in worked)  # its grad has just been set
        grad = None if blank_unreached and v not in reached else state.grads[i]
        _box(nodes, shapes, v, (x + ox, y + oy), grad, v in worked, v in receiving, fresh)

    legend = element(root, "g", class_="legend", font_size=LEGEND_FONT, fill=colors.TEXT)
    y = page.legend_top
    for row in page.legend:
        if isinstance(row, tuple):
            x = float(MARGIN)
            for color, meaning in row[1]:
                element(
                    legend, "line", class_="swatch", x1=x, y1=y - 4, x2=x + 26, y2=y - 4, stroke=color, stroke_width=4.0
                )
                element(legend, "text", meaning, x=x + 32, y=y)
                x += 32 + text_width(meaning, LEGEND_FONT) + 18
        else:
            element(legend, "text", row, x=float(MARGIN), y=y)
        y += LEGEND_FONT * 1.7
    return Drawing(root, min_scale=READABLE / EDGE_FONT, name=state.name)


def _sent(shapes: _Shapes, edge: tuple[Value, int]) -> float:
    """The gradient an edge sends back once it has run: local × the node's (complete) grad; 0 for an own _backward."""
    node, i = edge
    if node.local_grads is None:
        return 0.0
    return node.local_grads[i] * shapes.final[shapes.index[node]]


def _arrow(group, points, tip, ox: float, oy: float, color: str, width: float, dashed: str | None) -> None:
    """An edge as Graphviz routed it: its curve (a cubic Bézier path), then an arrowhead at its tip."""
    (x0, y0), rest = points[0], points[1:]
    d = f"M{svg.number(x0 + ox)} {svg.number(y0 + oy)}"
    for k in range(0, len(rest) - 2, 3):
        d += " C" + " ".join(f"{svg.number(x + ox)} {svg.number(y + oy)}" for x, y in rest[k : k + 3])
    element(group, "path", d=d, fill="none", stroke=color, stroke_width=width, stroke_dasharray=dashed)
    if tip is None:
        return
    (bx, by), (tx, ty) = points[-1], tip
    length = max(1e-9, ((tx - bx) ** 2 + (ty - by) ** 2) ** 0.5)
    nx, ny = (ty - by) / length, -(tx - bx) / length  # across the arrow
    half = max(4.0, width * 1.3)
    corners = [(tx, ty), (bx + nx * half, by + ny * half), (bx - nx * half, by - ny * half)]
    element(
        group,
        "polygon",
        points=" ".join(f"{svg.number(x + ox)},{svg.number(y + oy)}" for x, y in corners),
        fill=color,
        stroke=color,
    )


def _edge_label(group, parts: list[tuple[str, str | None]], x: float, y: float, is_step: bool) -> None:
    width = text_width("".join(text for text, _ in parts), EDGE_FONT, bold=is_step) + 8
    height = EDGE_FONT + 6
    element(
        group,
        "rect",
        x=x - width / 2,
        y=y - height / 2,
        width=width,
        height=height,
        rx=4.0,
        fill=colors.HIGHLIGHT_FILL if is_step else "white",
        fill_opacity=0.9,
        stroke=colors.HIGHLIGHT if is_step else "none",
        stroke_width=1.5,
    )
    label = element(
        group,
        "text",
        class_="edge-label",
        x=x,
        y=y + EDGE_FONT * 0.35,
        font_size=EDGE_FONT,
        text_anchor="middle",
        fill=colors.HIGHLIGHT_TEXT if is_step else colors.TEXT,
        font_weight="bold" if is_step else None,
    )
    last = None  # each number a <tspan> naming what it shows; the words between them its text or a tail
    for text, key in parts:
        if key is not None:
            last = element(label, "tspan", text, data_for=key)
        elif last is None:
            label.text = (label.text or "") + text
        else:
            last.tail = (last.tail or "") + text


def _box(
    parent, shapes: _Shapes, v: Value, centre, grad: float | None, worked: bool, receiving: bool, fresh: bool
) -> None:
    """A Value as the lecture draws it: a box of fields, label | data | grad (in bold when it has just changed;
    grad None: not reached yet, drawn blank)."""
    x, y = centre
    widths = shapes.fields[v]
    left, top = x - sum(widths) / 2, y - BOX_HEIGHT / 2
    group = element(parent, "g", class_="value", id=f"node-{_id(shapes, v)}")
    grad_text = "not reached yet" if grad is None else f"{grad:.6g}"
    element(group, "title", f"{_name(v)}: data {v.data:.6g}, grad {grad_text}")
    stroke, width = (colors.HIGHLIGHT, 3.5) if worked else (colors.HIGHLIGHT, 2.5) if receiving else (colors.TEXT, 1.2)
    element(
        group,
        "rect",
        x=left,
        y=top,
        width=sum(widths),
        height=float(BOX_HEIGHT),
        fill=colors.HIGHLIGHT_FILL if worked else "white",
        stroke=stroke,
        stroke_width=width,
    )
    texts = [v.label] if v.label else []
    texts += [f"data {short(v.data)}", "grad" if grad is None else f"grad {short(grad)}"]
    kinds = ["label"] * bool(v.label) + ["data", "grad"]
    number = re.fullmatch(r"[+-]?\d+(\.\d*)?(e[+-]?\d+)?", v.label) and not v.parents  # a constant named by its value
    stands_for = {"label": "data" if number else None, "data": "data", "grad": None if grad is None else "grad"}
    at = left
    for k, (text, kind, w) in enumerate(zip(texts, kinds, widths)):
        if k:
            element(group, "line", x1=at, y1=top, x2=at, y2=top + BOX_HEIGHT, stroke=colors.TEXT, stroke_width=0.8)
        changed = kind == "grad" and fresh
        element(
            group,
            "text",
            text,
            class_=kind,
            x=at + w / 2,
            y=y + FONT * 0.35,
            text_anchor="middle",
            fill=colors.HIGHLIGHT_TEXT if changed else colors.TEXT,
            font_weight="bold" if changed else None,
            data_for=stands_for[kind] and f"{_id(shapes, v)} {stands_for[kind]}",  # the number's id: "v3 grad"
        )
        at += w


# --- saving: a GIF, or a flipbook page --------------------------------------------------------------------


def save_animation(root: Value, path: str | Path, seconds_per_frame: float = 1.5, **frame_options) -> Path:
    """Save backward on root as an animation: .gif (Pillow) or .html (a flipbook that works offline).

    frame_options go to backward_frames (rankdir, chain_rule, max_nodes). Runs backward: grads are filled
    in (leaf grads accumulate) as they would be by backward()."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".html"):
        raise ValueError(f"save_animation() needs a path ending in .gif or .html, got {str(path)!r}")
    seconds_per_frame = _checks.number(
        "seconds_per_frame", seconds_per_frame, low=0.0, high=MAX_SECONDS_PER_FRAME, low_inclusive=False
    )
    frames = backward_frames(root, **frame_options)
    if suffix == ".gif":
        _save_gif(frames, path, seconds_per_frame)
    else:
        write_file(path, flipbook(frames, seconds_per_frame))
    return path


def _save_gif(frames: list[Drawing], path: Path, seconds_per_frame: float) -> None:
    from PIL import Image  # imported here: only animations need Pillow

    pages = [  # one size, one layout; an octree palette keeps the few purple and green pixels true to the legend
        Image.open(io.BytesIO(frame.png())).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        for frame in frames
    ]
    gif = io.BytesIO()  # drawn in memory, then written whole: a failure never leaves half a GIF
    ms = int(seconds_per_frame * 1000)
    pages[0].save(gif, format="GIF", save_all=True, append_images=pages[1:], duration=ms, loop=0)
    write_file(path, gif.getvalue())


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backpropagation, one step at a time</title>
<style>
body {{ font-family: sans-serif; margin: 16px; }}
nav {{ display: flex; gap: 1em; align-items: center; margin-bottom: 0.5em; }}
button {{ font-size: 1.1em; padding: 0.3em 1em; }}
#counter {{ min-width: 8em; font-size: 1.1em; }}
.frame {{ display: none; overflow-x: auto; }}
.frame.current {{ display: block; }}
.frame svg {{ max-width: 100%; min-width: {min_width}px; height: auto; }}
</style>
</head>
<body>
<nav>
<button id="previous" type="button">&larr; previous</button>
<span id="counter" aria-live="polite">{first}</span>
<button id="next" type="button">next &rarr;</button>
<button id="play" type="button">play</button>
</nav>
<p>The start, {steps} chain-rule steps, and the end. The arrow keys step too.</p>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll(".frame");
  var counter = document.getElementById("counter");
  var current = 0, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, k) {{ f.classList.toggle("current", k === current); }});
    counter.textContent = frames[current].dataset.name;
    history.replaceState(null, "", "#frame=" + current);
  }}
  function stop() {{ clearInterval(timer); timer = null; document.getElementById("play").textContent = "play"; }}
  document.getElementById("previous").onclick = function () {{ stop(); show(current - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(current + 1); }};
  document.getElementById("play").onclick = function () {{
    if (timer) {{ stop(); return; }}
    this.textContent = "pause";
    if (current === frames.length - 1) show(0);
    timer = setInterval(function () {{ if (current === frames.length - 1) stop(); else show(current + 1); }}, {ms});
  }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    if (e.key === "ArrowRight") {{ stop(); show(current + 1); }}
  }});
  var asked = /frame=(\\d+)/.exec(location.hash);  // #frame=3 opens on step 3; #frame=0 is the start
  show(asked ? parseInt(asked[1], 10) : 0);
}})();
</script>
</body>
</html>
"""


def flipbook(frames: list[Drawing], seconds_per_frame: float = 1.5) -> str:
    """One self-contained HTML page: every frame's SVG inline, previous/next/play, no network needed.

    A frame is shown as wide as the window allows, but never so small that its edge labels fall below
    READABLE px: then it scrolls sideways inside its box."""
    names = [frame.name for frame in frames]
    divs = "\n".join(
        f'<div class="frame{" current" if i == 0 else ""}" id="frame-{i}" data-name="{name}">\n'
        f"{inline_svg(frame.svg(), f'f{i}-')}\n</div>"
        for i, (frame, name) in enumerate(zip(frames, names))
    )
    width = max(float(frame.root.get("width")) for frame in frames)
    min_width = math.ceil(width * min(frame.min_scale for frame in frames))
    return PAGE.format(
        first=names[0], steps=len(frames) - 2, frames=divs, ms=int(seconds_per_frame * 1000), min_width=min_width
    )
