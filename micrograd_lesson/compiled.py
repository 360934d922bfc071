"""A finished graph written out as straight-line Python: the forward pass, then backward, one line per step.

    program = compile_graph(loss)   # reads the graph once and writes its code
    print(program.source)           # every node a variable, every chain-rule step a line
    program.run()                   # loss's forward pass and loss.backward() at once, from the leaves' .data

Each line is the engine's own arithmetic (engine.py's ops, in backward()'s order), so every number is the
engine's to the last bit. What it saves is making every node object again on every step, and walking them.
A graph of more than PART (4,000) computed nodes is written as parts, functions compiled one at a time, so
that Python's compiler never holds the whole graph; past MAX_NODES, compile_graph refuses it.

A program replays the graph it was compiled from: change a leaf's .data (an optimizer does) and run it
again. Leaves named as inputs take new values on every run (a new batch), so none is ever left over from
the last one. NB: a graph built by code that branches on the numbers (binary_cross_entropy picks a formula
by the sign of each prediction) is the graph for those numbers only: compile it anew when they change.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from os import PathLike
from pathlib import Path

from micrograd_lesson import _checks
from micrograd_lesson._compat import own_attributes
from micrograd_lesson.engine import Sum, Value, paused_collector, topological_order, total

# --- each op of the engine, written out --------------------------------------------------------------
#
# An op's form gives its forward value and then d(node)/d(parent) for each parent, in engine.py's own
# words: o is the node's name, a and b its parents' names, n the number of an op such as x ** 2.


def _power(o: str, a: str, b: str | None = None, n: float = 0.0) -> tuple[str, tuple[str, ...]]:
    if b is None:  # a number exponent, part of the op
        text = float.__repr__(float(n))
        return f"{a} ** {text}", (f"({text} * {a} ** ({text} - 1))" if n != 0 else "0.0",)
    # A Value exponent needs a base > 0 (or 0 to a power > 0): anything else becomes nan, which the check refuses.
    forward = f"{a} ** {b} if {a} > 0.0 or {a} == 0.0 < {b} else nan"
    return forward, (f"({b} * {a} ** ({b} - 1) if {b} != 0 else 0.0)", f"({o} * log({a}) if {a} > 0.0 else 0.0)")


FORMS: dict[str, Callable[..., tuple[str, tuple[str, ...]]]] = {
    "+": lambda o, *terms: (" + ".join(terms), ("1.0",) * len(terms)),  # a + b, and total()'s a + b + c + ...
    "-": lambda o, a, b: (f"{a} - {b}", ("1.0", "-1.0")),
    "*": lambda o, a, b: (f"{a} * {b}", (b, a)),
    "/": lambda o, a, b: (f"{a} / {b}", (f"(1.0 / {b})", f"(-{o} / {b})")),
    "**": _power,
    "neg": lambda o, a: (f"-{a}", ("-1.0",)),
    "exp": lambda o, a: (f"exp({a})", (o,)),
    "log": lambda o, a: (f"log({a})", (f"(1.0 / {a})",)),
    "tanh": lambda o, a: (f"tanh({a})", (f"(1 - {o} * {o})",)),
    "sin": lambda o, a: (f"sin({a})", (f"cos({a})",)),
    "ReLU": lambda o, a: (f"{a} if {a} > 0.0 else 0.0", (f"(1.0 if {a} > 0.0 else 0.0)",)),
    "sigmoid": lambda o, a: (
        f"1.0 / (1.0 + exp(-{a})) if {a} >= 0.0 else exp({a}) / (1.0 + exp({a}))",
        (f"({o} * (1.0 - {o}))",),
    ),
}

# The same ops run by the engine itself: how a program finds the engine's error for a number it refuses.
REPLAY: dict[str, Callable[..., Value]] = {
    "+": lambda node, *terms: total(list(terms)) if isinstance(node, Sum) else terms[0] + terms[1],
    "-": lambda node, a, b: a - b,
    "*": lambda node, a, b: a * b,
    "/": lambda node, a, b: a / b,
    "**": lambda node, a, b=None: a ** (node.constants[0] if b is None else b),
    "neg": lambda node, a: -a,
    "exp": lambda node, a: a.exp(),
    "log": lambda node, a: a.log(),
    "tanh": lambda node, a: a.tanh(),
    "sin": lambda node, a: a.sin(),
    "ReLU": lambda node, a: a.relu(),
    "sigmoid": lambda node, a: a.sigmoid(),
}

# The ops that can hide an inf or a nan among their operands: tanh(inf) is 1, exp(-inf) is 0, relu(nan) is
# 0, 1 / inf is 0, inf ** 0 is 1. Through any other op an inf or nan reaches the node's value (inf + 1,
# inf * 0 = nan) or, as a local derivative, a gradient, and every gradient ends in the leaves' grads.
# So checking the operands of these, the root and the leaves' grads checks every number in the graph.
HIDING = ("/", "**", "exp", "tanh", "ReLU", "sigmoid")

# what the code calls
NAMESPACE = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "sin": math.sin, "cos": math.cos, "nan": math.nan}
FUNCTION = "forward_backward"
_RESERVED = {*keyword.kwlist, *dir(builtins), *NAMESPACE, FUNCTION, "data", "grads", "finite"}
_RESERVED |= {"shared", "shared_grads", "part", "parts", "PARTS"}  # the names a program in parts uses
# and the names of compiled_loop's programs of one point:
_RESERVED |= {"rows", "row", "constants", "numbers", "outputs", "saved", "upstream", "order", "k"}
_RESERVED |= {"prediction_grads", "forward", "backward", "which"}
PART = 4000  # computed nodes a function holds at most: a bigger graph's program is written in parts of this size
# What compiling costs (benchmarks/compile_memory.py, parts of 4000): a peak of about 800 bytes a node, plus about
# 30 MB for the part Python's compiler holds (854 bytes a node at 345,820 nodes), of which the program keeps about
# 540; and 30 to 50 us a node on a quiet machine (85 on a busy one).
BYTES_PER_NODE, US_PER_NODE = 900, 40
MAX_NODES = 500_000  # compile_graph refuses a bigger graph: 0.45 GB and about 20 s to compile
_LINE = 16  # names on one line where a line would list very many: a big total(), the check, the grads set to 0


class Program:
    """A graph compiled to straight-line Python; run() is the graph's forward pass and backward() at once."""

    def __init__(
        self, root: Value, leaves: tuple[Value, ...], inputs: dict[str, Value], outputs: tuple, source: str
    ) -> None:
        self.root = root
        self.leaves = leaves  # in the order the code takes their data and grads
        self.inputs = inputs  # each input's name in the code, and its leaf
        self.outputs = outputs
        self.source = source
        namespace = dict(NAMESPACE)
        for statement in _statements(source):  # one at a time: the compiler's memory is one part's, not the graph's
            exec(compile(statement, "<compiled graph>", "exec"), namespace)
        self._function = namespace[FUNCTION]

    def run(self, *values: float, **named: float) -> float:
        """Forward and backward on the leaves' current data: set root's data, add into each leaf's grad; return root's.

        A program compiled with inputs takes their values on every run, in order or by name."""
        if values or named or self.inputs:
            for leaf, value in _program_inputs(self.inputs, values, named).items():
                leaf.data = value
        leaves = self.leaves
        result = self.compute([leaf.data for leaf in leaves], [leaf.grad for leaf in leaves])
        if result is None:  # a number the engine would refuse (or a huge one the check cannot tell apart)
            return self._replay()
        value, grads, outputs, output_grads = result
        for leaf, grad in zip(leaves, grads):
            leaf.grad = grad
        for node, data, grad in zip(self.outputs, outputs, output_grads):
            node.data, node.grad = data, grad
        self.root.data = value
        if self.root.parents:
            self.root.grad = 1.0
        return value

    __call__ = run

    def compute(self, data: list, grads: list) -> tuple[float, tuple, tuple, tuple] | None:
        """(root's value, leaves' grads, outputs' values, outputs' grads) from the leaves' data and grads, writing
        nothing; None when a number is not finite (or the engine would refuse one), so that the engine decides."""
        if set(map(type, data)) != {float}:  # a number set by hand as an int, say: the engine makes floats of them
            return None
        try:
            value, grads, finite, *outputs = self._function(data, grads)
            if math.isfinite(finite):
                return value, grads, *(outputs or ((), ()))
        except (ArithmeticError, ValueError, TypeError):  # an overflow, log(0), a power with a complex value, ...
            pass
        return None

    def _replay(self) -> float:
        """Run the graph's ops again with the engine itself, from the leaves' data: its numbers, or its error."""
        made: dict[Value, Value] = {}
        for node in topological_order(self.root):
            made[node] = node
            if node.parents:
                made[node] = REPLAY[node.op](node, *(made[parent] for parent in node.parents))
                if node.label:
                    made[node].label = node.label
        made[self.root].backward()  # adds into the leaves' grads, or raises and puts them back
        for node in (*self.outputs, self.root):
            node.data, node.grad = made[node].data, made[node].grad
        return self.root.data

    def save(self, path: str | PathLike) -> Path:
        """Write the program's source to path, whole or not at all; return path."""
        from micrograd_lesson._files import write_file

        return write_file(path, self.source)

    def __repr__(self) -> str:
        inputs = f", inputs {', '.join(self.inputs)}" if self.inputs else ""
        return f"<Program of {self.root!r}: {self.source.count(chr(10))} lines, {len(self.leaves)} leaves{inputs}>"


def _statements(source: str) -> Iterator[str]:
    """The source's top-level statements, one at a time: each starts a line (all else is indented, or blank)."""
    starts = [match.start() for match in re.finditer(r"^(?=\S)", source, re.MULTILINE)]
    for start, end in zip(starts, [*starts[1:], len(source)]):
        yield source[start:end]


def compile_graph(root: Value, inputs: Sequence[Value] = (), outputs: Sequence[Value] = ()) -> Program:
    """root's graph as straight-line Python: a Program whose run() is root's forward pass and backward() at once.

    inputs: leaves that every run() is given new values for (a new batch); outputs: other nodes whose data
    and grad run() writes, as it writes root's."""
    with paused_collector():  # a graph has no cycles, and Python's compiler makes millions of objects
        order = topological_order(_value("compile_graph's root", root, Value))
        check_size(len(order))
        for node in order:
            _compilable(node, FORMS, Value._backward)
        inputs = _graph_nodes("input", inputs, order, leaves=True)
        outputs = _graph_nodes("output", outputs, order, leaves=False)
        names = variable_names(order)
        source = write_source(order, names, outputs)
        leaves = tuple(node for node in order if not node.parents)
        return Program(root, leaves, {names[leaf]: leaf for leaf in inputs}, outputs, source)


def variable_names(order: list[Value]) -> dict[Value, str]:
    """A Python name for every node: its label when that is an identifier that shadows nothing, else v1, v2, ...

    A name taken already gets _2, _3, ... (an MLP has an input labelled x1 for every example)."""
    used = set(_RESERVED)
    names = {}
    for i, node in enumerate(order, 1):
        base = node.label if _usable(node.label) else f"v{i}"
        name, k = base, 1
        while name in used or f"grad_{name}" in used:
            k += 1
            name = f"{base}_{k}"
        used.update((name, f"grad_{name}"))
        names[node] = name
    return names


def _usable(label: object) -> bool:
    """True for a label that can be a name as it is: a str, an identifier, no keyword and no dunder."""
    return (
        type(label) is str
        and label.isidentifier()
        and not label.startswith("__")
        and unicodedata.normalize("NFKC", label) == label  # Python reads the name 'ﬁ' as 'fi': two labels, one name
    )


def write_source(order: list[Value], names: dict[Value, str], outputs: Sequence[Value] = ()) -> str:
    """The program's text: forward, each node from its parents; then backward, one line per chain-rule step.

    A graph of more than PART computed nodes is written as parts, each one function (see _in_parts)."""
    if sum(1 for node in order if node.parents) > PART:
        return _in_parts(order, names, outputs)
    root, leaves, computed = order[-1], [n for n in order if not n.parents], [n for n in order if n.parents]
    grad = {node: f"grad_{names[node]}" for node in order}
    lines = [f"def {FUNCTION}(data, grads):"]
    lines.append(f"    {_names([names[leaf] for leaf in leaves])} = data  # the leaves' .data")
    lines.append(f"    {_names([grad[leaf] for leaf in leaves])} = grads  # the leaves' .grad: backward adds to them")
    lines += [f"    # {names[leaf]} is {_label(leaf)}" for leaf in leaves if _label(leaf) and not _usable(leaf.label)]

    lines += ["", "    # forward: each node from its parents"]
    locals_of: dict[Value, tuple[str, ...]] = {}
    lines += _forward_lines(computed, names, locals_of)
    hiding = [names[parent] for node in computed if node.op in HIDING for parent in node.parents]
    lines += ["", "    # no silent inf or nan: an op that could hide one has its operands checked here, and the root"]
    lines += _sum_lines("finite", list(dict.fromkeys([names[root], *hiding])))

    lines += ["", "    # backward: each node passes its grad to its parents, times the local derivative"]
    passed_on = _passed_on(computed, locals_of, Counter(parent for node in computed for parent in node.parents))
    if root.parents:
        lines.append(f"    {grad[root]} = 1.0  # d({names[root]})/d({names[root]})")
        starting = [grad[node] for node in reversed(computed) if node is not root and node not in passed_on]
        lines += [f"    {' = '.join(chunk)} = 0.0" for chunk in _chunks(starting)]
    else:
        lines.append(f"    {grad[root]} += 1.0  # d({names[root]})/d({names[root]})")
    lines += _backward_lines(computed, grad, locals_of, passed_on)
    lines += _sum_lines("finite", ["finite", *(grad[leaf] for leaf in leaves)])

    returned = [names[root], _tuple([grad[leaf] for leaf in leaves]), "finite"]
    if outputs:
        returned += [_tuple([names[n] for n in outputs]), _tuple([grad[n] for n in outputs])]
    lines += [f"    return {', '.join(returned)}", ""]
    return "\n".join(lines)


def _forward_lines(computed: list[Value], names: dict[Value, str], locals_of: dict) -> list[str]:
    """One line per node (a big total() a line per _LINE terms), each from its parents; locals_of gets its local
    derivatives' code."""
    lines = []
    for node in computed:
        parents = [names[parent] for parent in node.parents]
        number = {"n": node.constants[0]} if node.constants else {}  # the 2 of x ** 2
        forward, locals_of[node] = FORMS[node.op](names[node], *parents, **number)
        comment = f"{node.op} {_label(node)}" if _label(node) and not _usable(node.label) else node.op
        if node.op == "+" and len(parents) > _LINE:  # total() of many terms: still left to right, a line at a time
            lines += _sum_lines(names[node], parents, f"  # {comment}")
        else:
            lines.append(f"    {names[node]} = {forward}  # {comment}")
    return lines


def _passed_on(computed: list[Value], locals_of: dict, uses: Counter) -> set[Value]:
    """The nodes whose whole grad is one + node's grad, passed on as is.

    A node used once, by a + (local derivative 1), gets its whole grad from that one step: the + passes its grad
    on, as is. (0.0 + 1.0 * g is g itself: a computed node's grad is never -0.0.)"""
    return {
        parent
        for node in computed
        for parent, local in zip(node.parents, locals_of[node])
        if local == "1.0" and uses[parent] == 1 and parent.parents
    }


def _backward_lines(computed: list[Value], grad: dict[Value, str], locals_of: dict, passed_on: set) -> list[str]:
    """One line per chain-rule step, the nodes in reverse: each parent's grad += local derivative * the node's grad."""
    lines = []
    for node in reversed(computed):
        for parent, local in zip(node.parents, locals_of[node]):
            if parent in passed_on:
                lines.append(f"    {grad[parent]} = {grad[node]}  # {node.op}, local derivative 1")
            else:
                lines.append(f"    {grad[parent]} += {local} * {grad[node]}  # {node.op}")
    return lines


def _in_parts(order: list[Value], names: dict[Value, str], outputs: Sequence[Value]) -> str:
    """A big graph's program as parts of PART nodes, each a generator function that Python compiles alone.

    Python's compiler needs about 9 KB a node while it compiles a function, and gives it back only at the end:
    compiling the parts one at a time, it needs that for one part, never for the whole graph. Each part takes
    its leaves from data and the nodes of earlier parts from shared, works its nodes out, yields, and waits;
    forward_backward then resumes the parts last to first, and each passes on its grads (a leaf's through
    grads, an earlier part's node's through shared_grads). Every grad gets the same additions, in the same
    order, as in one function: the numbers are the same to the bit."""
    root, leaves, computed = order[-1], [n for n in order if not n.parents], [n for n in order if n.parents]
    parts = [computed[i : i + PART] for i in range(0, len(computed), PART)]
    part_of = {node: k for k, part in enumerate(parts) for node in part}
    place = {leaf: ("data", i) for i, leaf in enumerate(leaves)}
    handed = [p for node in computed for p in node.parents if p.parents and part_of[p] != part_of[node]]
    for i, node in enumerate(dict.fromkeys([*handed, root, *(n for n in outputs if n.parents)])):
        place[node] = ("shared", i)  # a place for each node a later part, or the result, needs
    slots = len(place) - len(leaves)
    uses = Counter(parent for node in computed for parent in node.parents)
    lines = [f"# {len(computed)} nodes in {len(parts)} parts of at most {PART}, each compiled alone: see {FUNCTION}"]
    for k, part in enumerate(parts, 1):
        lines += ["", "", *_part_lines(k, part, names, place, uses, root, outputs)]
    lines += ["", "", f"PARTS = {_tuple([f'part_{k}' for k in range(1, len(parts) + 1)])}"]

    def value(node: Value) -> str:
        return "{}[{}]".format(*place[node])

    def grad(node: Value) -> str:
        return "{}[{}]".format(*_grads(place[node]))

    returned = [value(root), "grads", "finite"]
    if outputs:
        returned += [_tuple([value(n) for n in outputs]), _tuple([grad(n) for n in outputs])]
    lines += [
        "",
        "",
        f"def {FUNCTION}(data, grads):",
        "    grads = list(grads)  # the leaves' .grad: each part's backward adds to them",
        f"    shared, shared_grads = [0.0] * {slots}, [0.0] * {slots}  # what one part hands another",
        "    parts = [part(data, grads, shared, shared_grads) for part in PARTS]",
        "    finite = 0.0",
        "    for part in parts:  # forward: each part works its nodes out, then waits",
        "        finite += next(part)",
        "    for part in reversed(parts):  # backward: the last part first, each passing its grads on",
        "        next(part, None)",
        "    finite = sum(grads, finite)  # no silent inf or nan in the leaves' grads",
        f"    return {', '.join(returned)}",
        "",
    ]
    return "\n".join(lines)


def _part_lines(
    k: int,
    part: list[Value],
    names: dict[Value, str],
    place: dict[Value, tuple[str, int]],
    uses: Counter,
    root: Value,
    outputs: Sequence[Value],
) -> list[str]:
    """One part's generator function: its forward, a yield, then its backward.

    place gives each leaf's index in data (and grads), and each handed-on node's in shared (and shared_grads)."""
    mine = set(part)
    taken = list(dict.fromkeys(parent for node in part for parent in node.parents if parent not in mine))
    grad = {node: f"grad_{names[node]}" for node in (*taken, *part)}
    lines = [f"def part_{k}(data, grads, shared, shared_grads):"]
    lines += _moves([(names[p], place[p]) for p in taken], load=True)  # leaves, and earlier parts' nodes

    lines += ["", "    # forward: each node from its parents"]
    locals_of: dict[Value, tuple[str, ...]] = {}
    lines += _forward_lines(part, names, locals_of)
    handed = [node for node in part if node in place]  # what later parts, or the result, need
    lines += _moves([(names[n], place[n]) for n in handed], load=False)
    hiding = [names[parent] for node in part if node.op in HIDING for parent in node.parents]
    checked = list(dict.fromkeys([names[root]] * (root in mine) + hiding))
    lines += _sum_lines("finite", checked) if checked else []
    lines.append(f"    yield {'finite' if checked else '0.0'}  # and wait for the later parts' backward")

    lines += ["", "    # backward: each node passes its grad to its parents, times the local derivative"]
    passed_on = _passed_on(part, locals_of, uses) & mine
    if root in mine:
        lines.append(f"    {grad[root]} = 1.0  # d({names[root]})/d({names[root]})")
    later = [n for n in handed if n is not root]  # their grads so far, from the later parts
    starting = [grad[n] for n in reversed(part) if n is not root and n not in passed_on and n not in place]
    lines += [f"    {' = '.join(chunk)} = 0.0" for chunk in _chunks(starting)]
    lines += _moves([(grad[n], _grads(place[n])) for n in (*later, *taken)], load=True)
    lines += _backward_lines(part, grad, locals_of, passed_on)
    given = [*taken, *(n for n in outputs if n in mine)]  # the grads passed on, and outputs' grads for the result
    lines += _moves([(grad[n], _grads(place[n])) for n in given], load=False)
    return lines


def _grads(place: tuple[str, int]) -> tuple[str, int]:
    """Where a value's grad is: data[3]'s in grads[3], shared[3]'s in shared_grads[3]."""
    where, i = place
    return ("grads" if where == "data" else "shared_grads"), i


def _moves(pairs: list[tuple[str, tuple[str, int]]], load: bool) -> list[str]:
    """Lines that load names from their places, or store them there: neighbouring places a slice at a time,
    a, b, c = data[4:7] (or data[4:7] = a, b, c), which costs a fraction of a line for each."""
    by_list: dict[str, list[tuple[int, str]]] = {}
    for name, (where, i) in pairs:
        by_list.setdefault(where, []).append((i, name))
    lines = []
    for where, items in by_list.items():
        run: list[tuple[int, str]] = []
        for i, name in [*sorted(items), (-2, "")]:  # an end mark that continues no run
            if run and (i != run[-1][0] + 1 or len(run) == _LINE):
                start, end, moved = run[0][0], run[-1][0] + 1, ", ".join(n for _, n in run)
                slot = f"{where}[{start}]" if end == start + 1 else f"{where}[{start}:{end}]"
                lines.append(f"    {moved} = {slot}" if load else f"    {slot} = {moved}")
                run = []
            run.append((i, name))
    return lines


def _label(node: Value) -> str:
    """A node's label for a comment, or ''. str's repr escapes every newline and quote: no label text becomes code."""
    label = node.label
    return f"label {str.__repr__(label)}" if isinstance(label, str) and label else ""


def _names(names: list[str]) -> str:
    """a, b, c: on one line, or in parentheses a line at a time when there are many."""
    if len(names) <= _LINE:
        return f"{names[0]}," if len(names) == 1 else ", ".join(names)
    return "(\n        " + ",\n        ".join(", ".join(chunk) for chunk in _chunks(names)) + ",\n    )"


def _tuple(names: list[str]) -> str:
    listed = _names(names)
    return listed if listed.startswith("(") else f"({listed})"


def _chunks(names: list[str]) -> list[list[str]]:
    return [names[i : i + _LINE] for i in range(0, len(names), _LINE)]


def _sum_lines(target: str, terms: list[str], comment: str = "") -> list[str]:
    """target = terms[0] + terms[1] + ..., added left to right, at most _LINE terms a line."""
    first, *rest = _chunks(terms)
    return [f"    {target} = {' + '.join(first)}{comment}"] + [
        f"    {target} = {target} + {' + '.join(chunk)}" for chunk in rest
    ]


# --- what can be compiled, and what a program is given: the checks -------------------------------------


def check_size(nodes: int) -> None:
    """Nothing for a graph of this many nodes compile_graph takes; else the ValueError with the limit and the cost."""
    if nodes > MAX_NODES:
        raise ValueError(
            f"cannot compile a graph of {nodes:,} nodes: compile_graph takes at most {MAX_NODES:,} (compiling needs "
            f"about {BYTES_PER_NODE:,} bytes and {US_PER_NODE} us a node: {nodes * BYTES_PER_NODE / 1e6:,.0f} MB and "
            f"{nodes * US_PER_NODE / 1e6:,.0f} s for this one)"
        )


def _value(name: str, node: object, value_class: type[Value]) -> Value:
    """node when it is a Value, else the TypeError naming name and what came instead."""
    if not isinstance(node, value_class):
        raise TypeError(f"{name} must be a Value, got {_checks.shown(node)}")
    return node


def _compilable(node: Value, forms: Collection[str], leaf_backward: object) -> None:
    """Nothing when a program can work node out again from its parents; else the ValueError naming node and why not."""
    if node.parents and not node.builtin:
        raise ValueError(
            f"cannot compile {node!r} (op {node.op!r}): it was made by hand, so its value and local derivatives are "
            f"numbers frozen when it was made, which a program cannot work out again; build it with the engine's ops"
        )
    own = node.local_grads is None if node.parents else type(node)._backward is not leaf_backward
    if own or "_backward" in own_attributes(node):  # a lecture-style closure assigned to the node
        raise ValueError(
            f"cannot compile {node!r}: it brings a _backward of its own, and only that function knows what it does "
            f"(give the node local derivatives instead, or build it with the engine's ops)"
        )
    if node.parents and node.op not in forms:
        raise ValueError(f"cannot compile {node!r}: its op {node.op!r} has no compiled form")


def check_replayable(node: Value) -> None:
    """Nothing when the engine's own ops (REPLAY) can work node out again from its parents; else the ValueError
    naming node and why not (made by hand, or bringing a _backward of its own)."""
    _compilable(node, REPLAY, Value._backward)


def rerun(root: Value, data: dict[Value, float]) -> Value:
    """root's graph run again by the engine's own ops (REPLAY), the leaves in data taking those numbers: the new
    root. The graph itself is left as it was. Check its nodes with check_replayable first."""
    made: dict[Value, Value] = {}
    for node in topological_order(root):
        if node.parents:
            made[node] = REPLAY[node.op](node, *(made[parent] for parent in node.parents))
        else:
            made[node] = Value(data[node]) if node in data else node
    return made[root]


def _graph_nodes(name: str, nodes: object, order: list[Value], leaves: bool) -> tuple[Value, ...]:
    """A program's inputs (leaves) or outputs (any nodes), each a node of the graph and each once; else the error."""
    _checks.sequence(f"compile_graph's {name}s", nodes)
    in_graph = set(order)
    for node in nodes:
        if node not in in_graph:
            raise ValueError(f"compile_graph's {name} {node!r} is not a node of the graph it compiles")
        if leaves and node.parents:
            raise ValueError(f"compile_graph's input {node!r} is not a leaf: only a leaf's number can be fed in")
    if len(set(nodes)) != len(nodes):
        raise ValueError(f"compile_graph's {name}s name one node twice")
    return tuple(nodes)


def _program_inputs(inputs: dict[str, Value], values: tuple, named: dict) -> dict[Value, float]:
    """Each input leaf with the number a run gives it, by position or by name; else the error saying what to pass."""
    expected = ", ".join(inputs) or "none"
    if not inputs:
        raise TypeError(
            "this program was compiled without inputs, so run() takes no values: it reads its leaves' .data "
            "(compile with inputs=[...] to feed values in)"
        )
    if values and named:
        raise TypeError(f"run() takes its inputs by position or by name, not both; its inputs are {expected}")
    if values:
        if len(values) != len(inputs):
            raise TypeError(f"run() takes {len(inputs)} input value(s), {expected}; got {len(values)}")
        named = dict(zip(inputs, values))
    missing, unknown = [n for n in inputs if n not in named], [n for n in named if n not in inputs]
    if missing or unknown:
        said = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise TypeError(f"run() needs a value for every input, {expected}, every time (never the last run's): {said}")
    return {inputs[n]: _checks.number(f"input {n}", x) for n, x in named.items()}
