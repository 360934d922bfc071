"""draw_dot: the computation graph of a Value, as in the lecture, with the chain rule written on it.

Each Value is a record ``label | data | grad``; each computed Value gets a small node for the op that
made it, fed by its operands in order. After backward(), an edge into an op carries the gradient that
flows back along it (its contribution ``local x upstream``) in the gradient colours (colors.GRADIENT:
purple if positive, green if negative), thicker when larger. A legend at the top says so.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from micrograd_lesson.backprop import BackwardStep
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.nn import MLP, Layer, Neuron
from micrograd_lesson.viz import colors, labels
from micrograd_lesson.viz.graph import Graph
from micrograd_lesson.viz.neurons import NeuronCall, neuron_calls, parameter_names

RANKDIRS = ("LR", "TB", "RL", "BT")
NO_GRADS_NOTE = "every grad is 0: call backward() on the output to fill them in"
CHAIN_RULE_NOTE = "on each edge: local derivative × upstream grad = gradient sent back"
LOCAL_NOTE = "on each edge: the local derivative, known from the forward pass"
CUSTOM_BACKWARD = "its own _backward"  # an edge into a node that brought its own _backward: no local derivative
FONT = "Helvetica"


@dataclass(frozen=True)
class _Op:
    """One op node as drawn: the Value it makes, its text, and the (operand, local derivative) edges into it."""

    node: Value
    text: str
    operands: tuple[tuple[Value, float], ...]


def draw_dot(
    root: Value,
    format: str = "svg",
    rankdir: str = "LR",
    show_grad: bool = True,
    chain_rule: bool = False,
    highlight: Value | BackwardStep | None = None,
    max_nodes: int = 500,
    group: str | None = None,
    model: MLP | Layer | Neuron | None = None,
    title: str | None = None,
) -> Graph:
    """Draw root's computation graph: a record per Value (label | data | grad) and a node per op.

    format: 'svg' or 'png', what Jupyter shows. rankdir: 'LR' (left to right) or 'TB', 'RL', 'BT'.
    show_grad: the grad field, and edges coloured by the gradient flowing back along them (purple
    positive, green negative, grey zero, wider when larger); all-zero grads print a reminder to call backward().
    chain_rule: write 'local × upstream = contribution' on every edge into an op (before backward(),
    only the local derivative), with a caption saying so.
    highlight: a Value to mark, or a steps.BackwardStep (its node, receiving parent and edge).
    max_nodes: refuse, with advice, to draw more nodes than this.
    group='neuron' with model=: draw each call of each of model's neurons as one node (see
    viz.neurons for how calls are recognised); model= alone names unlabelled parameters ('L1.2 w1').
    title: a caption at the top.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot needs a Value to draw, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if group not in (None, "neuron"):
        raise ValueError(f"group must be None or 'neuron', got {group!r}")
    if group == "neuron" and model is None:
        raise ValueError("group='neuron' needs model=, the network whose neurons to draw as single nodes")
    order = topological_order(root)
    names = parameter_names(model) if model is not None else {}
    calls = neuron_calls(order, model) if group == "neuron" else []
    ops, drawn_as = _ops(order, calls)
    values = [v for v in order if drawn_as[v] is v]
    count = len(values) + len(ops)
    if count > max_nodes:
        hint = "" if group else ", pass group='neuron' with model= to draw each neuron as one node"
        raise ValueError(
            f"the graph has {count} nodes to draw, more than max_nodes={max_nodes}; "
            f"draw a smaller part of it{hint}, or raise max_nodes"
        )
    step = highlight if isinstance(highlight, BackwardStep) else None
    marked = _highlighted(highlight, drawn_as)
    done = _done_edges(order, step) if step is not None and not calls else None

    ids = {v: f"v{i}" for i, v in enumerate(order)}
    flows = [local * op.node.grad for op in ops for _, local in op.operands if local is not None]
    flows += [v.grad for v in values]
    largest = max((abs(f) for f in flows), default=0.0)
    no_grads = show_grad and all(v.grad == 0.0 for v in order)
    color_by_grad = show_grad and not no_grads

    import graphviz  # imported here: the flipbook and the network picture use this module, a browser has no graphviz

    dot = graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "fontname": FONT, "labelloc": "t", "nodesep": "0.6" if chain_rule else "0.25"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "10"},
    )
    notes = [t for t in (title, NO_GRADS_NOTE if no_grads else None) if t]
    if chain_rule:
        notes.append(LOCAL_NOTE if no_grads else CHAIN_RULE_NOTE)
    keys = []
    if color_by_grad:
        keys = [(colors.GRADIENT.positive, "positive gradient"), (colors.GRADIENT.negative, "negative")]
        keys += [(colors.ZERO, "zero"), (None, "thicker = larger |gradient|")]
    if marked:
        keys.append((colors.HIGHLIGHT, "this step" if step is not None else "highlighted"))
    if any(local is None for op in ops for _, local in op.operands):
        keys.append((None, "dashed: the node's own _backward"))
    if not keys and not show_grad:
        keys.append((None, "each box: a Value's label and data; each oval: the op that made it"))
    elif not keys:
        keys.append((None, "each box: a Value's label, data and grad; each oval: the op that made it"))
    dot.attr(label=legend(notes, keys), fontsize="14")

    for v in values:
        fields = [_name(v, names), f"data {labels.number(v.data)}"]
        if show_grad:
            fields.append(f"grad {labels.number(v.grad)}")
        style = {}
        if v in marked:  # the node being processed
            style = {"penwidth": "3", "color": colors.HIGHLIGHT, "style": "filled", "fillcolor": colors.HIGHLIGHT_FILL}
        elif step is not None and _receives(step, v, drawn_as):  # a parent receiving this step's gradient
            style = {"penwidth": "2", "color": colors.HIGHLIGHT}
        dot.node(ids[v], labels.record(*fields), shape="record", **style)

    for op in ops:
        op_id = ids[op.node] + "op"
        dot.node(op_id, labels.text(op.text), shape="box" if "\n" in op.text else "ellipse")
        for index, (parent, local) in enumerate(op.operands):
            attrs = {}
            reached = done is None or (op.node, index) in done  # in a backward frame: has this edge run yet?
            if local is None:  # the node's own _backward sends its gradient: no local derivative to show
                attrs = {"style": "dashed"}
                if chain_rule:
                    attrs["label"] = labels.text(CUSTOM_BACKWARD)
            else:
                flow = local * op.node.grad
                if color_by_grad and reached:
                    attrs = {"color": colors.GRADIENT.color(flow), "penwidth": _pen(flow, largest)}
                if chain_rule:
                    shown = reached and not no_grads
                    attrs["label"] = labels.text(
                        _chain_rule(local, op.node.grad) if shown else f"local {labels.number(local)}"
                    )
            if step is not None and op.node is drawn_as[step.node] and _is_step_edge(step, op, index):
                attrs.update(color=colors.HIGHLIGHT, penwidth="4", fontcolor=colors.HIGHLIGHT_TEXT)
                text = CUSTOM_BACKWARD if step.local is None else _chain_rule(step.local, step.upstream)
                attrs["label"] = labels.text(text)
            dot.edge(ids[drawn_as[parent]], op_id, **attrs)
        attrs = {}
        if color_by_grad:
            attrs = {"color": colors.GRADIENT.color(op.node.grad), "penwidth": _pen(op.node.grad, largest)}
        dot.edge(op_id, ids[op.node], **attrs)
    return Graph(dot.source, format)


def legend(notes: list[str], keys: list[tuple[str | None, str]]) -> str:
    """A Graphviz HTML label: each note on its line, then the key: a colour square (or none) and its meaning."""
    rows = [f'<tr><td colspan="{2 * len(keys)}">{html.escape(note, quote=False)}</td></tr>' for note in notes]
    cells = []
    for color, meaning in keys:
        square = f'<td bgcolor="{color}" width="14" height="14" fixedsize="true"></td>' if color else "<td></td>"
        cells.append(f'{square}<td align="left">{html.escape(meaning, quote=False)}</td>')
    rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<<table border="0" cellspacing="3" cellpadding="1">{"".join(rows)}</table>>'


def _pen(x: float, largest: float) -> str:
    return f"{colors.width(x, largest):.2f}"


def _ops(order: list[Value], calls: list[NeuronCall]) -> tuple[list[_Op], dict[Value, Value]]:
    """The op nodes to draw, and for every Value the Value drawn for it (itself, or its neuron's output)."""
    drawn_as = {v: v for v in order}
    grouped = {}
    for call in calls:
        for v in call.inside:
            drawn_as[v] = call.output
        grouped[call.output] = call
    ops = []
    for v in order:
        if v in grouped:
            call = grouped[v]
            ops.append(_Op(v, f"neuron {call.name}\n{call.activation}(w·x + b)", call.inputs))
        elif v.parents and drawn_as[v] is v:
            local_grads = v.local_grads or (None,) * len(v.parents)  # None: the node brought its own _backward
            ops.append(_Op(v, op_text(v), tuple(zip(v.parents, local_grads))))
    return ops, drawn_as


def _highlighted(highlight: Value | BackwardStep | None, drawn_as: dict[Value, Value]) -> set[Value]:
    if highlight is None:
        return set()
    node = highlight.node if isinstance(highlight, BackwardStep) else highlight
    if not isinstance(node, Value):
        raise TypeError(f"highlight must be a Value or a BackwardStep, got {type(highlight).__name__}")
    if node not in drawn_as:
        raise ValueError(f"highlight={node!r} is not part of the graph being drawn")
    return {drawn_as[node]}


def op_text(v: Value) -> str:
    """The op as drawn: its name with any number it keeps, as the lecture writes x ** 2: '**2'."""
    return str(v.op) + "".join(f"{c:g}" for c in v.constants)


def _done_edges(order: list[Value], step: BackwardStep) -> set[tuple[Value, int]]:
    """The (node, operand index) edges backward has already sent gradient along, step included."""
    steps = []  # backward_steps' order: an edge per step, or all of a node's edges when it brings its own _backward
    for node in reversed(order):
        edges = [(node, i) for i in range(len(node.parents))]
        steps += [edges] if edges and node.local_grads is None else [[edge] for edge in edges]
    return {edge for edges in steps[: step.index + 1] for edge in edges}


def _is_step_edge(step: BackwardStep, op: _Op, index: int) -> bool:
    """Whether edge number index into op is where step's gradient goes."""
    if op.node is step.node:
        return step.parent_index is None or index == step.parent_index
    return op.operands[index][0] is step.parent  # inside a grouped neuron: the edge from the receiving parent


def _receives(step: BackwardStep, v: Value, drawn_as: dict[Value, Value]) -> bool:
    """Whether v is drawn for a parent that step sends gradient to."""
    parents = step.node.parents if step.parent is None else (step.parent,)
    return any(v is drawn_as[parent] for parent in parents)


def _name(v: Value, names: dict[Value, str]) -> str:
    return v.label or names.get(v, "")


def _chain_rule(local: float, upstream: float) -> str:
    """'local × upstream = contribution', the chain rule for one edge."""
    n = labels.number
    return f"{n(local)} × {n(upstream)} = {n(local * upstream)}"
