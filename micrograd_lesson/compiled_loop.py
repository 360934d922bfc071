"""A training loop worked out by compiled code: one point's forward and backward as a program, run for every point.

A training step's graph is the same small graph once per training point (the network's forward pass, and the
loss's own part for that point, such as hinge's relu(1 - y * score)), with a little on top of them all (the
mean, a penalty). So the loop compiles one point's graph once, the point's inputs and its target's numbers
being the program's arguments, and runs it over the points of a batch; the part on top is a small program of
its own, one per batch size. Compiling costs the same for 10 points or 10,000, and any list of points is a batch.
A loss whose part differs by the target (softmax cross-entropy takes the right class's score) gets a program per
kind of part; cross-entropy's shift by the largest score (a losses.largest leaf) is worked out in the program.

Every number is the engine's to the bit. backward() adds each point's contributions to a weight's grad one
point at a time, in the reverse of the order its depth-first sort reached the points (for a loss that adds
them up, the last point first), after the part on top has added its own (a penalty added after the data loss):
the program adds them in that same order, and a loss whose graph mixes them otherwise trains on one program of
the whole graph instead (compiled.compile_graph), as does a network of your own or data holding Values.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections import Counter
from collections.abc import Callable

from micrograd_lesson import compiled
from micrograd_lesson.compiled import (
    HIDING,
    NAMESPACE,
    REPLAY,
    _backward_lines,
    _chunks,
    _compilable,
    _forward_lines,
    _names,
    _passed_on,
    _sum_lines,
    _tuple,
    compile_graph,
    variable_names,
)
from micrograd_lesson.engine import Sum, Value, topological_order
from micrograd_lesson.losses import largest
from micrograd_lesson.nn import MLP, Layer, Neuron

MANY = -1  # a node that depends on the predictions of several points


class CompiledLoop:
    """A training loop's forward, loss and backward phases worked out by compiled code, to the engine's bit.

    forward() runs one point's program over every point (compiled once for the network and the loss, and again
    when they change; new data or a new batch needs no compiling), or, where that cannot give the engine's numbers,
    one program of the whole loss graph. It knows nothing of the loop: it is given what it works out."""

    def __init__(self) -> None:
        self._whole = _WholeGraph()  # for what one point's program cannot do
        self._built_of: tuple = ()  # the parameters, the model (its repr), the loss: all compiled anew if they change
        self._programs: dict[tuple, _PointProgram] = {}  # one point's program, by the shape of its loss part
        self._splits: dict[int, _Split] = {}  # how a batch's loss splits into the points' parts, by batch size
        self._parts: dict[tuple, tuple] = {}  # each target's part of the loss: its shape's program and its numbers
        self._results: tuple | None = None  # this loop's (loss, predictions); None when another way works it out
        self._loss = Value(0.0)  # the loss as the loop holds it: this loop's numbers written in

    @property
    def program(self) -> object:
        """What works the loops out: the whole graph's Program, or one point's program (None before the first)."""
        if self._whole.program is not None:
            return self._whole.program
        return next(iter(self._programs.values()), None)

    def forward(self, model: Callable, X: list, y: list, loss_fn: Callable) -> list:
        """Every input's prediction, this loop's numbers worked out by the compiled code; or the engine's own graph
        when no program can work this loop out (a loss that fails or gives no Value; a number the engine refuses)."""
        self._results = None
        rows = _number_rows(X)
        keys = [_target_key(t) for t in y] if rows is not None and _uniform(model) else None
        if keys is None or None in keys:  # data holding Values, a network of your own: the whole graph's program
            return self._whole.forward(model, X, y, loss_fn)
        params = model.parameters()
        built_of = ([id(p) for p in params], repr(model), loss_fn)
        if self._built_of != built_of:
            self._programs, self._splits, self._parts, self._built_of = {}, {}, {}, built_of
        split = self._split_for(model, params, rows, y, keys, loss_fn)
        if split is None:  # this loss does not split into the points' parts: the whole graph's program
            return self._whole.forward(model, X, y, loss_fn)
        self._whole.let_go()
        if split is False:  # the engine raises the error, where it belongs: in the forward or the loss phase
            return [model(x) for x in X]
        results = split.run(rows, [self._parts[key] for key in keys])
        if results is None:  # a number the engine refuses: this loop runs on the engine, which says where
            return [model(x) for x in X]
        self._results = results
        return results[1]

    def _split_for(self, model, params: list, rows: list, y: list, keys: list, loss_fn: Callable):
        """The batch's split, traced on the engine when its size or a target is new; None when the loss does not
        split into the points' parts, False when it fails (the engine's loss phase then says why)."""
        size = len(rows)
        split = self._splits.get(size)
        if size in self._splits and (split is None or all(key in self._parts for key in keys)):
            return split
        try:
            split = _Split.trace(model, params, rows, y, loss_fn)
        except (ArithmeticError, ValueError, TypeError, IndexError):
            return False
        if split is not None:
            try:
                for shape, (_, _, k) in split.parts.items():
                    if shape not in self._programs:
                        self._programs[shape] = _PointProgram(model, rows[k], split, shape)
                split.prepare(self._programs)
            except ValueError:  # a node no program can work out (the whole graph's program names it), a big network
                split = None
        if split is not None:
            parts = [(self._programs[shape], c) for shape, c in zip(split.shape_of, split.constants)]
            if any(self._parts.setdefault(key, part) != part for key, part in zip(keys, parts)):
                split = None  # one target, two parts (shapes or numbers): the part is not the target's alone
        self._splits[size] = split  # None: batches of this size get the whole graph's program
        return split

    def loss(self, predictions: list) -> Value | None:
        """The loss with this loop's value, if predictions are this loop's; else None."""
        if self._results is None:
            return self._whole.loss(predictions)
        if predictions is not self._results[1]:
            return None
        self._loss.data, self._loss.grad = self._results[0], 0.0
        return self._loss

    def backward(self, loss: Value) -> bool:
        """Every leaf's and prediction's grad as loss.backward() leaves them, if loss is this loop's; else False."""
        if self._results is None:
            return self._whole.backward(loss)
        if loss is not self._loss:
            return False
        _, predictions, prediction_grads, leaves, grads = self._results
        for leaf, grad in zip(leaves, grads):
            leaf.grad = grad
        for node, grad in zip(_flat(predictions), prediction_grads):
            node.grad = grad
        loss.grad = 1.0
        return True


class _Split:
    """A batch's loss graph cut into the points' parts and the part on top, traced once on the engine.

    Each point's part (the nodes that depend on its prediction alone, the same ops for every point with the same
    target, or the same kind of target: cross-entropy's part takes the right class's score) ends in one node, its
    term, which the part on top takes; the part on top is compiled as a program of its own."""

    def __init__(self) -> None:
        self.shape_of: list[tuple] = []  # each point's loss part: each node's op and where its parents are
        self.parts: dict[tuple, tuple] = {}  # each shape's first part as traced (its nodes' ops and numbers), where
        # its term is (("p", i) its i-th prediction, ("t", j) its part's j-th node), and its point's index
        self.constants: list[tuple] = []  # each point's numbers in its part (from its target)
        self.shared: list[Value] = []  # leaves every point's part uses (none for a loss of the predictions alone)
        self.order: list[int] = []  # the points, in the order backward() works their parts out
        self.rest: compiled.Program | None = None  # the part on top, the terms its leaves
        self.term_leaves: list[int] = []  # each point's term's index among rest's leaves
        self.outputs = 1  # the model's outputs for one point (None: a bare Value)
        self.shared_leaves: list[Value] = []  # the leaves every point's program takes (the network's), in order

    @classmethod
    def trace(cls, model, params: list, rows: list, y: list, loss_fn: Callable) -> _Split | None:
        """The split of loss_fn over the points rows, targets y: the engine builds the loss on a leaf per prediction.
        None when the graph has no such split that backward() works out in an order the program can keep."""
        self = cls()
        predictions = []
        for x in rows:
            out = model(list(x))
            predictions.append(Value(out.data) if isinstance(out, Value) else [Value(o.data) for o in out])
        self.outputs = None if isinstance(predictions[0], Value) else len(predictions[0])
        loss = loss_fn(predictions, y)
        if not isinstance(loss, Value):
            raise TypeError("the loss function gave no Value")
        order = topological_order(loss)
        leaves_of = [_flat([out]) for out in predictions]
        point_of = {leaf: (k, i) for k, leaves in enumerate(leaves_of) for i, leaf in enumerate(leaves)}
        owner, users = _owners(order, point_of)
        if any(leaf not in owner for leaf in point_of):  # a prediction the loss leaves out: its part has no backward
            return None
        parts: list[list[Value]] = [[] for _ in rows]
        for node in order:
            if node.parents and owner[node] not in (None, MANY):
                parts[owner[node]].append(node)
        size = min(map(len, parts))  # the first point of a left-to-right sum() has one more: it goes on top
        parts = [part[:size] for part in parts]
        own = set(params)
        found = [_part_shape(k, part, leaves_of[k], users, owner, own, loss) for k, part in enumerate(parts)]
        if any(f is None for f in found) or len({tuple(map(id, f[3])) for f in found}) != 1:
            return None  # a part that fails, or parts that take different leaves of the network
        self.shape_of = [f[0] for f in found]
        for k, (shape, term, *_) in enumerate(found):
            self.parts.setdefault(shape, (parts[k], term, k))
        self.shared = found[0][3]
        self.constants = [tuple(leaf.data for leaf in f[2]) for f in found]
        terms = [f[4] for f in found]
        if not self._order(order, parts, leaves_of, own | set(self.shared)):
            return None
        self._rest(order, parts, terms, loss)
        return self

    def _order(self, order: list, parts: list, leaves_of: list, shared: set) -> bool:
        """The points in backward()'s order; False when the part on top adds to a shared leaf's grad between points,
        or after them (the program adds the top's contributions first)."""
        position = {node: i for i, node in enumerate(order)}
        spans = []
        for k, part in enumerate(parts):
            mine = [position[n] for n in (*leaves_of[k], *part)]
            spans.append((min(mine), max(mine), k))
        spans.sort()
        if any(a[1] >= b[0] for a, b in itertools.pairwise(spans)):
            return False
        in_parts = {node for part in parts for node in part}
        last = spans[-1][1]
        for node in order:
            adds_to_shared = node.parents and node not in in_parts and any(p in shared for p in node.parents)
            if adds_to_shared and position[node] < last:
                return False
        self.order = [k for _, _, k in reversed(spans)]
        return True

    def _rest(self, order: list, parts: list, terms: list, loss: Value) -> None:
        """The part on top compiled on its own, each point's term a leaf of it."""
        in_parts = {node for part in parts for node in part}
        made = {term: term if not term.parents else Value(term.data) for term in terms}
        for node in order:
            if node in made or node in in_parts:
                continue
            if node.parents:
                made[node] = REPLAY[node.op](node, *(made[parent] for parent in node.parents))
            else:
                made[node] = node
        self.rest = compile_graph(made[loss])
        index = {leaf: i for i, leaf in enumerate(self.rest.leaves)}
        self.term_leaves = [index[made[term]] for term in terms]

    def prepare(self, programs: dict[tuple, _PointProgram]) -> None:
        """Check each shape's program for the points' parts, and work out once where each leaf's numbers go."""
        program, *others = (programs[shape] for shape in self.parts)
        if not program.shared:
            raise ValueError("a network without parameters")
        if any(other.shared != program.shared for other in others):
            raise ValueError("the points' programs take the network's leaves in different orders")
        self.shared_leaves = program.shared
        place = {leaf: i for i, leaf in enumerate(self.rest.leaves)}
        self._start = [place.get(leaf) for leaf in program.shared]  # a shared leaf's grad after the top, if it has one
        terms = {self.rest.leaves[i] for i in self.term_leaves}
        self._others = [(leaf, i) for leaf, i in place.items() if leaf not in terms and leaf not in set(program.shared)]

    def run(self, rows: list, parts: list) -> tuple | None:
        """(loss, predictions, their grads, leaves, their grads) for this batch, each point's part its target's
        (program, numbers); None when a number is not finite (or the engine would refuse one), so that the engine
        decides."""
        rest, n = self.rest, len(rows)
        programs, constants = [program for program, _ in parts], [numbers for _, numbers in parts]
        shared = [leaf.data for leaf in self.shared_leaves]
        outputs, saved, prediction_grads, finite = [()] * n, [()] * n, [()] * n, 0.0
        try:
            points_of: dict[_PointProgram, list[int]] = {}
            for k, program in enumerate(programs):
                points_of.setdefault(program, []).append(k)
            for program, points in points_of.items():
                finite += program.forward(shared, rows, constants, points, outputs, saved)
            data = [leaf.data for leaf in rest.leaves]
            for i, out in zip(self.term_leaves, outputs):
                data[i] = out[-1]  # each point's term
            done = rest.compute(data, [0.0] * len(data))  # the part on top: loss, and the terms' grads
            if done is None:
                return None
            loss, rest_grads, _, _ = done
            upstream = [rest_grads[i] for i in self.term_leaves]
            grads = [0.0 if i is None else rest_grads[i] for i in self._start]
            for program, run in itertools.groupby(self.order, programs.__getitem__):  # in backward()'s order
                grads, back = program.backward(shared, grads, saved, upstream, list(run), prediction_grads)
                finite += back
        except (ArithmeticError, ValueError, TypeError):  # an overflow, log(0), a power with a complex value, ...
            return None
        if not math.isfinite(finite):
            return None
        if self.outputs is None:
            predictions = [Value(out[0]) for out in outputs]
        else:
            predictions = [[Value(o) for o in out[: self.outputs]] for out in outputs]
        leaves = [*self.shared_leaves, *(leaf for leaf, _ in self._others)]
        grads = [*grads, *(rest_grads[i] for _, i in self._others)]
        return loss, predictions, [g for point in prediction_grads for g in point], leaves, grads


class _PointProgram:
    """One point's graph (the network's forward pass and the loss's part for that point) as code: forward() runs it
    for every point of a batch, backward() passes each point's term's grad back through it, point by point."""

    def __init__(self, model, row: tuple, split: _Split, shape: tuple) -> None:
        template, (term_kind, term_index), first = split.parts[shape]
        inputs = [Value(x, label=f"x{i}") for i, x in enumerate(row, 1)]
        predictions = _flat([model(list(inputs))])
        constants = [Value(c) for c in split.constants[first]]
        part: list[Value] = []
        places = {"p": predictions, "t": part, "c": constants, "s": split.shared}

        def parent(kind: str, where: int | tuple) -> Value:  # ("m", (i, j, ...)): the largest of those predictions
            return largest([predictions[k] for k in where]) if kind == "m" else places[kind][where]

        for node, (op, _, _, refs) in zip(template, shape[0]):
            part.append(REPLAY[op](node, *(parent(*ref) for ref in refs)))
        term = places[term_kind][term_index]
        order = topological_order(term)
        if sum(1 for node in order if node.parents) > compiled.PART:  # its memory: the whole graph's, in parts
            raise ValueError("one point's graph is bigger than a part")
        for node in order:
            _compilable(node, compiled.FORMS, Value._backward)
        if not set(predictions) <= set(order):
            raise ValueError("a prediction the loss leaves out")
        shifts = [node for node in order if not node.parents and _largest_of(node)]
        per_point = {*inputs, *constants, *shifts}
        self.shared = [node for node in order if not node.parents and node not in per_point]
        self.source = _point_source(order, inputs, constants, shifts, self.shared, predictions, part, term)
        namespace = dict(NAMESPACE)
        exec(compile(self.source, "<one point's program>", "exec"), namespace)
        self.forward, self.backward = namespace["forward"], namespace["backward"]

    def __repr__(self) -> str:
        return f"<one point's program: {self.source.count(chr(10))} lines, {len(self.shared)} shared leaves>"


def _point_source(
    order: list[Value], inputs: list, constants: list, shifts: list, shared: list, predictions: list, part: list, term
) -> str:
    """forward(data, rows, constants, which, outputs, saved) and backward(data, grads, saved, upstream, order,
    prediction_grads): one point's lines in a loop over the points which (or order) names."""
    names = variable_names(order)
    taken = set(names.values())
    for i, leaf in enumerate([*inputs, *constants]):
        if leaf not in names:  # an input the network does not use
            names[leaf] = f"unused_{i}"
            while names[leaf] in taken or f"grad_{names[leaf]}" in taken:
                names[leaf] += "_"
            taken.add(names[leaf])
    computed = [node for node in order if node.parents]
    grad = {node: f"grad_{names[node]}" for node in names}
    per_point = [*inputs, *constants, *shifts]
    in_part = set(part)

    def indented(lines: list[str]) -> list[str]:
        return ["    " + line for line in lines]

    forward = ["def forward(data, rows, constants, which, outputs, saved):"]
    forward.append(f"    {_names([names[n] for n in shared])} = data  # the parameters")
    forward += ["    finite = 0.0", "    for k in which:"]
    forward.append(f"        {_names([names[n] for n in inputs])} = rows[k]  # the point's inputs")
    if constants:
        forward.append(f"        {_names([names[n] for n in constants])} = constants[k]  # its target's numbers")
    locals_of: dict[Value, tuple[str, ...]] = {}
    forward += indented(_forward_lines([n for n in computed if n not in in_part], names, locals_of))  # the network
    for leaf in shifts:  # then the loss's part, which may take the largest of the predictions
        largest_of = _tuple([names[n] for n in _largest_of(leaf)])
        forward.append(f"        {names[leaf]} = max({largest_of})  # the largest score, as losses.largest takes it")
    forward += indented(_forward_lines([n for n in computed if n in in_part], names, locals_of))
    hiding = list(dict.fromkeys(names[p] for node in computed if node.op in HIDING for p in node.parents))
    forward += indented(_sum_lines("finite", ["finite", *hiding])) if hiding else []
    forward.append(f"        outputs[k] = {_tuple([*(names[n] for n in predictions), names[term]])}")

    passed_on = _passed_on(computed, locals_of, Counter(p for node in computed for p in node.parents))
    backward_steps = _backward_lines(computed, grad, locals_of, passed_on)
    code = " ".join(line.split("#")[0] for line in backward_steps)
    used = set(re.findall(r"[A-Za-z_]\w*", code))
    mine = [n for n in order if (n.parents or n in per_point) and names[n] in used]
    needed = [names[n] for n in mine]
    forward.append(f"        saved[k] = {_tuple(needed) if needed else '()'}  # what backward needs")
    forward += ["    return finite", ""]

    backward = ["def backward(data, grads, saved, upstream, order, prediction_grads):"]
    backward.append(f"    {_names([names[n] for n in shared])} = data")
    backward.append(f"    {_names([grad[n] for n in shared])} = grads  # each point adds to them")
    backward += ["    finite = 0.0"]
    backward.append("    for k in order:  # the points, in the order backward() works them out")
    if needed:
        backward.append(f"        {_names(needed)} = saved[k]")
    backward.append(f"        {grad[term]} = upstream[k]  # d(loss)/d({names[term]}), from the part on top")
    starting = [grad[n] for n in reversed(computed) if n is not term and n not in passed_on]
    starting += [grad[n] for n in per_point if n in set(order)]
    backward += [f"        {' = '.join(chunk)} = 0.0" for chunk in _chunks(starting)]
    backward += indented(backward_steps)
    own = [grad[n] for n in per_point if n in set(order)]
    backward += indented(_sum_lines("finite", ["finite", *own])) if own else []
    backward.append(f"        prediction_grads[k] = {_tuple([grad[n] for n in predictions])}")
    backward += _sum_lines("finite", ["finite", *(grad[n] for n in shared)]) if shared else []
    backward += [f"    return {_tuple([grad[n] for n in shared])}, finite", ""]
    return "\n".join([*forward, "", *backward])


def _owners(order: list[Value], point_of: dict) -> tuple[dict, dict]:
    """Each node's point (the index of the one point whose predictions it depends on, None for none, MANY for
    several), and each node's users, the nodes that take it as a parent."""
    owner: dict[Value, int | None] = {}
    users: dict[Value, list[Value]] = {}
    for node in order:
        if not node.parents:
            owner[node] = point_of[node][0] if node in point_of else None
            continue
        mine = None
        for parent in node.parents:
            users.setdefault(parent, []).append(node)
            theirs = owner[parent]
            if theirs is not None and theirs != mine:
                mine = theirs if mine is None else MANY
        owner[node] = mine
    return owner, users


def _part_shape(k: int, part: list, predictions: list, users: dict, owner: dict, params: set, root: Value):
    """(shape, term's place, constants, shared leaves, term) of point k's part of the loss; None when it takes a
    node from outside, or when more than one of its nodes (or predictions) goes on to the part on top."""
    index = {node: j for j, node in enumerate(part)}
    mine = {leaf: i for i, leaf in enumerate(predictions)}
    constants: list[Value] = []
    shared: list[Value] = []
    where: dict[Value, tuple] = {}
    shape = []
    for node in part:
        refs = []
        for parent in node.parents:
            if parent in index:
                refs.append(("t", index[parent]))
            elif parent in mine:
                refs.append(("p", mine[parent]))
            elif parent.parents or owner[parent] is not None:  # a node of the top, or another point's prediction
                return None
            elif _largest_of(parent):  # the largest of this point's predictions (cross-entropy's shift)
                if any(source not in mine for source in _largest_of(parent)):
                    return None
                refs.append(("m", tuple(mine[source] for source in _largest_of(parent))))
            else:
                if parent not in where:
                    own = parent not in params and all(user in index for user in users[parent])
                    kind, found = ("c", constants) if own else ("s", shared)
                    where[parent] = (kind, len(found))
                    found.append(parent)
                refs.append(where[parent])
        shape.append((node.op, node.constants, type(node) is Sum, tuple(refs)))
    ends = [n for n in (*predictions, *part) if n is root or any(u not in index for u in users.get(n, ()))]
    if len(ends) != 1:
        return None
    term = ends[0]
    place = ("t", index[term]) if term in index else ("p", mine[term])
    return (tuple(shape), place, tuple(map(id, shared))), place, constants, shared, term


def _largest_of(leaf: Value) -> tuple:
    """The nodes a leaf made by losses.largest is the largest of; () for any other leaf."""
    return getattr(leaf, "largest_of", ())


def _flat(items: list) -> list[Value]:
    """Every Value in a list of lists (a model's outputs), in order."""
    found = []
    for item in items:
        if isinstance(item, Value):
            found.append(item)
        else:
            found += _flat(item)
    return found


def _number_rows(X: list) -> list[tuple] | None:
    """X's points as tuples of floats, or None when a point holds anything but plain floats and ints (a Value)."""
    rows = []
    for x in X:
        if type(x) not in (list, tuple) or not all(type(v) is float or type(v) is int for v in x):
            return None
        try:
            rows.append(tuple(map(float, x)))
        except OverflowError:  # an int too big for a float: the engine says so
            return None
    return rows if rows else None


def _target_key(t: object) -> tuple | None:
    """A target as a key to its numbers in a point's loss part (-0.0 apart from 0.0); None for anything but a number."""
    if type(t) is float:
        return (float, t.hex())
    if type(t) is int:
        return (int, t)
    return None


def _uniform(model: object) -> bool:
    """True for the package's own networks, whose graph for a point has the same ops whatever its numbers."""
    if isinstance(model, MLP):
        return type(model).__call__ is MLP.__call__ and all(map(_uniform, model.layers))
    if isinstance(model, Layer):
        return type(model).__call__ is Layer.__call__ and all(map(_uniform, model.neurons))
    return isinstance(model, Neuron) and type(model).__call__ is Neuron.__call__


class _WholeGraph:
    """A training loop's phases worked out by one compiled program of the whole loss graph, to the engine's bit.

    forward() compiles the first loop's graph (every prediction and the loss on top), and again whenever X, y,
    the model or the loss function have changed; each loop's numbers are written into that one graph, whose
    predictions and loss the loop then holds."""

    def __init__(self) -> None:
        self.program: compiled.Program | None = None  # the loss graph as code, with ...
        self._predictions: list = []  # ... the graph's predictions and its loss node
        self._loss: Value | None = None
        self._built_of: tuple = ()  # X, y, the parameters, the model (its repr), the loss: compiled anew if they change
        self._carried: list[int] = []  # the leaves that are Values of yours in X or y: their grads add up across loops
        self._results: tuple | None = None  # this loop's numbers; None when the engine works this loop out

    def forward(self, model: Callable, X: list, y: list, loss_fn: Callable) -> list:
        """Every input's prediction: the program's graph with this loop's numbers, or the engine's own graph when
        the program cannot work this loop out (a loss that fails or gives no Value; a number the engine refuses)."""
        self._results = None
        params = model.parameters()
        built_of = (_frozen(X), _frozen(y), [id(p) for p in params], repr(model), loss_fn)
        if self.program is None and self._built_of == built_of:  # a graph no program replays
            return [model(x) for x in X]
        if self.program is None or self._built_of != built_of:  # the first graph, or a changed one
            self.program = None
            predictions = [model(x) for x in X]
            try:
                loss = loss_fn(predictions, y)
            except Exception:  # this loop runs on the engine, whose loss phase raises the error where it belongs
                return predictions
            if not isinstance(loss, Value):
                return predictions
            if any(_largest_of(node) for node in topological_order(loss)):  # a shift by the largest of the numbers
                self._built_of = built_of  # changes as they do: this loop, and the next ones, run on the engine
                return predictions
            self.program = compiled.compile_graph(loss, outputs=_values(predictions))
            yours = {id(v) for v in _values([X, y])} - {id(p) for p in params}
            self._carried = [i for i, leaf in enumerate(self.program.leaves) if id(leaf) in yours]
            self._predictions, self._loss, self._built_of = predictions, loss, built_of
        leaves = self.program.leaves
        grads = [0.0] * len(leaves)  # as after zero_grad(), for the parameters and the graph's own leaves
        for i in self._carried:  # a Value of yours in X or y keeps adding up its grad, as backward() does
            grads[i] = leaves[i].grad
        results = self.program.compute([leaf.data for leaf in leaves], grads)
        if results is None:  # a number the engine refuses: this loop runs on the engine, which says where
            return [model(x) for x in X]
        for node, data in zip(self.program.outputs, results[2]):
            node.data, node.grad = data, 0.0  # as the engine's new nodes would be
        self._results = results
        return self._predictions

    def loss(self, predictions: list) -> Value | None:
        """The program's loss node with this loop's value, if predictions are the program's; else None."""
        if self._results is None or predictions is not self._predictions:
            return None
        self._loss.data, self._loss.grad = self._results[0], 0.0
        return self._loss

    def backward(self, loss: Value) -> bool:
        """Every leaf's and prediction's grad as loss.backward() leaves them, if loss is the program's; else False."""
        if self._results is None or loss is not self._loss:
            return False
        _, grads, _, output_grads = self._results
        for leaf, grad in zip(self.program.leaves, grads):
            leaf.grad = grad
        for node, grad in zip(self.program.outputs, output_grads):
            node.grad = grad
        loss.grad = 1.0
        return True

    def let_go(self) -> None:
        """Let go of the program and its graph: one point's program works the loops out now."""
        self.program, self._predictions, self._loss, self._built_of, self._results = None, [], None, (), None


def _frozen(items: object) -> object:
    """Lists of numbers as tuples of floats, to compare with later; a Value stays itself (compared by identity)."""
    if isinstance(items, Value):
        return items
    if hasattr(items, "__len__") and not isinstance(items, str):
        return tuple(map(_frozen, items))
    return float(items) if isinstance(items, numbers.Real) else items


def _values(items: list) -> list[Value]:
    """Every Value in a list of lists (a model's outputs, X), in order."""
    found = []
    for item in items:
        if isinstance(item, Value):
            found.append(item)
        elif hasattr(item, "__len__") and not isinstance(item, str):
            found += _values(item)
    return found
