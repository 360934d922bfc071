"""The four benchmark workloads, written once and run on every engine (see bench.py to run them).

An engine is a small namespace: ``Value`` (a scalar node class), ``MLP`` (micrograd's constructor),
``relu`` / ``tanh`` (the op as a function of a node) and ``zero`` (reset a parameter's grad).
micrograd_lesson and micrograd 0.1.0 share the same API; PyTorch gets a thin micrograd-shaped shim
of 0-dim float64 tensors. numpy is used here for the data only, never inside an engine.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import random
import time
import tracemalloc
from dataclasses import dataclass, field
from operator import attrgetter
from types import SimpleNamespace

import numpy as np

# --- engines ---------------------------------------------------------------------------------------


def lesson_engine() -> SimpleNamespace:
    """micrograd_lesson: this project."""
    from micrograd_lesson.engine import Value
    from micrograd_lesson.nn import MLP

    return SimpleNamespace(name="micrograd_lesson", Value=Value, MLP=MLP, relu=Value.relu, tanh=Value.tanh)


def lesson_engine_paused_loop() -> SimpleNamespace:
    """micrograd_lesson with the whole training loop inside engine.paused_collector(), as TrainingLoop.run does."""
    from micrograd_lesson.engine import paused_collector

    engine = vars(lesson_engine())
    return SimpleNamespace(**{**engine, "name": "micrograd_lesson, loop paused", "loop": paused_collector})


def micrograd_engine() -> SimpleNamespace | None:
    """karpathy's micrograd 0.1.0 from the registry (the `bench` extra), or None if it is not installed."""
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError:
        return None
    return SimpleNamespace(name="micrograd 0.1.0", Value=Value, MLP=MLP, relu=Value.relu, tanh=None)


def torch_engine() -> SimpleNamespace | None:
    """PyTorch with 0-dim float64 tensors in micrograd's MLP shape, or None if torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def value(x: float) -> torch.Tensor:
        return torch.tensor(x, dtype=torch.float64)

    def param(x: float) -> torch.Tensor:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    class Neuron:
        def __init__(self, nin: int, nonlin: bool = True) -> None:
            self.w = [param(random.uniform(-1, 1)) for _ in range(nin)]  # micrograd's draw order
            self.b = param(0.0)
            self.nonlin = nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return torch.relu(act) if self.nonlin else act

        def parameters(self):
            return [*self.w, self.b]

    class MLP:
        def __init__(self, nin: int, nouts: list[int]) -> None:
            sizes = [nin, *nouts]
            self.layers = [
                [Neuron(sizes[i], nonlin=i != len(nouts) - 1) for _ in range(sizes[i + 1])] for i in range(len(nouts))
            ]

        def __call__(self, x):
            for layer in self.layers:
                x = [n(x) for n in layer]
            return x[0] if len(x) == 1 else x

        def parameters(self):
            return [p for layer in self.layers for n in layer for p in n.parameters()]

        def zero_grad(self) -> None:
            for p in self.parameters():
                p.grad = None

    def update(params, lr: float) -> None:
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad

    return SimpleNamespace(
        name=f"PyTorch {torch.__version__.split('+')[0]}",
        Value=value,
        leaf=param,
        MLP=MLP,
        relu=torch.relu,
        tanh=torch.tanh,
        data=lambda t: t.item(),
        update=update,
    )


def data_of(engine: SimpleNamespace, node) -> float:
    """A node's number, for any engine."""
    return engine.data(node) if hasattr(engine, "data") else node.data


def leaf(engine: SimpleNamespace, x: float):
    """A leaf that gradients flow into (requires_grad for torch)."""
    return engine.leaf(x) if hasattr(engine, "leaf") else engine.Value(x)


# --- workload 1: micrograd's demo.ipynb, two moons, MLP(2, [16, 16, 1]) ---------------------------


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[list[list[float]], list[int]]:
    """sklearn's make_moons(n_samples, noise=noise) after np.random.seed(seed), without sklearn.

    The same algorithm: two half circles from linspace(0, pi), then a RandomState shuffles the rows
    (arange + shuffle, as sklearn.utils.shuffle does) and adds normal noise, in that order.
    """
    rs = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    indices = np.arange(n_samples)
    rs.shuffle(indices)
    X, y = X[indices], y[indices]
    X += rs.normal(scale=noise, size=X.shape)
    return X.tolist(), (y * 2 - 1).tolist()  # plain floats, labels in {-1, +1} as in the demo


@dataclass
class Run:
    """What one training run measured: loss and seconds per step, by phase."""

    losses: list[float] = field(default_factory=list)
    forward: list[float] = field(default_factory=list)
    backward: list[float] = field(default_factory=list)
    update: list[float] = field(default_factory=list)  # the SGD update, then freeing the step's graph
    collector: list[float] = field(default_factory=list)  # of the step, seconds in the cyclic GC

    def step_seconds(self) -> list[float]:
        """Seconds of each whole step (forward + backward + update)."""
        return [f + b + u for f, b, u in zip(self.forward, self.backward, self.update)]


def demo_loss(engine: SimpleNamespace, model, X: list[list[float]], y: list[int]):
    """The demo's loss(): hinge loss mean(relu(1 - yi*score)) plus 1e-4 * sum(p*p)."""
    inputs = [list(map(engine.Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [engine.relu(1 + -yi * score) for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def train_demo(engine: SimpleNamespace, steps: int, X: list[list[float]], y: list[int]) -> Run:
    """The demo's optimisation loop: SGD, lr = 1.0 - 0.9*k/100, timed phase by phase."""
    random.seed(1337)
    model = engine.MLP(2, [16, 16, 1])
    params = model.parameters()
    run = Run()
    clock = time.process_time  # CPU seconds: other programs on a shared machine disturb them less
    collecting = [0.0, 0.0]  # seconds so far, start of the current collection

    def timer(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[1] = clock()
        else:
            collecting[0] += clock() - collecting[1]

    gc.callbacks.append(timer)
    with getattr(engine, "loop", contextlib.nullcontext)():  # the paused variant pauses the GC here
        for k in range(steps):
            collecting[0] = 0.0
            t0 = clock()
            total_loss = demo_loss(engine, model, X, y)
            t1 = clock()
            model.zero_grad()
            total_loss.backward()
            t2 = clock()
            learning_rate = 1.0 - 0.9 * k / 100
            if hasattr(engine, "update"):
                engine.update(params, learning_rate)
            else:
                for p in params:
                    p.data -= learning_rate * p.grad
            run.losses.append(data_of(engine, total_loss))
            del total_loss  # the demo frees the graph when the next step rebinds the name: it is part of a step
            t3 = clock()
            run.forward.append(t1 - t0)
            run.backward.append(t2 - t1)
            run.update.append(t3 - t2)
            run.collector.append(collecting[0])
    gc.callbacks.remove(timer)
    return run


def train_demo_compiled(steps: int, X: list[list[float]], y: list[int]) -> tuple[Run, float]:
    """The demo's loop with its loss graph compiled once (compile_graph): each step zero_grad(), program.run()
    (forward, backward and the finiteness checks), then the SGD update. Also the compile's CPU seconds."""
    from micrograd_lesson.compiled import compile_graph

    lesson = lesson_engine()
    random.seed(1337)
    model = lesson.MLP(2, [16, 16, 1])
    params = model.parameters()
    clock = time.process_time
    started = clock()
    program = compile_graph(demo_loss(lesson, model, X, y))  # the first step's graph, written out as code
    compile_seconds = clock() - started
    run = Run()
    for k in range(steps):
        t0 = clock()
        model.zero_grad()
        loss = program.run()
        t1 = clock()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= learning_rate * p.grad
        t2 = clock()
        run.losses.append(loss)
        run.forward.append(t1 - t0)  # forward and backward are one run of the program
        run.backward.append(0.0)
        run.update.append(t2 - t1)
    return run, compile_seconds


def compiled_memory(X: list[list[float]], y: list[int]) -> tuple[float, float, int]:
    """The demo's compiled program (its code, source and names; tracemalloc): bytes per graph node, the peak
    megabytes while compiling, and the graph's node count."""
    from micrograd_lesson.compiled import compile_graph
    from micrograd_lesson.engine import topological_order

    lesson = lesson_engine()
    random.seed(1337)
    loss = demo_loss(lesson, lesson.MLP(2, [16, 16, 1]), X, y)
    nodes = len(topological_order(loss))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    program = compile_graph(loss)
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del program
    return (after - before) / nodes, (peak - before) / 1e6, nodes


def lesson_backward_parts(X: list[list[float]], y: list[int], repeats: int = 5) -> dict[str, float]:
    """Where micrograd_lesson's backward() spends its time on one demo graph: ms per part, best of repeats.

    The parts are timed one by one with the collector paused, as backward() runs them: the topological
    sort, resetting the computed nodes' grads (start_backward minus the sort), the chain rule (every
    node's _backward, in reverse order) and the overflow check over the leaves' grads.
    """
    import math

    from micrograd_lesson import engine, paused_collector

    lesson = lesson_engine()
    random.seed(1337)
    loss = demo_loss(lesson, lesson.MLP(2, [16, 16, 1]), X, y)
    order = engine.topological_order(loss)
    leaves = [node for node in order if not node._prev]  # backward() checks the leaves' grads: an inf reaches them

    def chain_rule() -> None:
        for node in reversed(order):
            node._backward()

    def best_ms(work) -> float:
        times = []
        with paused_collector():
            for _ in range(repeats):
                t0 = time.process_time()
                work()
                times.append(time.process_time() - t0)
        return min(times) * 1e3

    whole = best_ms(loss.backward)
    sort = best_ms(lambda: engine.topological_order(loss))
    start = best_ms(lambda: engine.start_backward(loss))
    return {
        "nodes": len(order),
        "backward()": whole,
        "topological sort": sort,
        "resetting grads": max(start - sort, 0.0),
        "chain rule": best_ms(chain_rule),
        "overflow check": best_ms(lambda: all(map(math.isfinite, map(attrgetter("grad"), leaves)))),
    }


def train_floor(steps: int, X: list[list[float]], y: list[int]) -> Run:
    """Workload 1 written by hand with plain floats: the same arithmetic in the same order, no graph."""
    random.seed(1337)
    sizes = [2, 16, 16, 1]
    W = [[[random.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)] for nin, nout in itertools.pairwise(sizes)]
    B = [[0.0] * nout for nout in sizes[1:]]
    last = len(W) - 1
    n = len(X)
    run = Run()
    clock = time.process_time  # CPU seconds: other programs on a shared machine disturb them less
    for k in range(steps):
        t0 = clock()
        gW = [[[0.0] * len(row) for row in layer] for layer in W]
        gB = [[0.0] * len(layer) for layer in B]
        data_loss = 0
        for xs, yi in zip(X, y):
            acts = [xs]  # forward, keeping every layer's output for the backward pass
            for li, (Wl, Bl) in enumerate(zip(W, B)):
                a = acts[-1]
                out = []
                for w, b in zip(Wl, Bl):
                    s = b
                    for wi, ai in zip(w, a):
                        s = s + wi * ai
                    out.append(s if li == last or s >= 0 else 0)
                acts.append(out)
            margin = 1 + -yi * acts[-1][0]
            data_loss = data_loss + (margin if margin >= 0 else 0)
            upstream = [-yi / n if margin > 0 else 0.0]  # d(loss)/d(score)
            for li in range(last, -1, -1):  # backward through the layers, as backward() would
                a = acts[li]
                down = [0.0] * len(a)
                for j, (w, g) in enumerate(zip(W[li], upstream)):
                    if li != last and acts[li + 1][j] <= 0:
                        continue  # ReLU's slope is 0 here
                    gB[li][j] += g
                    row = gW[li][j]
                    for i, ai in enumerate(a):
                        row[i] += g * ai
                        down[i] += g * w[i]
                upstream = down
        reg = 0
        for Wl, Bl in zip(W, B):
            for w, b in zip(Wl, Bl):
                for wi in w:
                    reg = reg + wi * wi
                reg = reg + b * b
        total = data_loss * (1.0 / n) + 1e-4 * reg
        t1 = clock()
        learning_rate = 1.0 - 0.9 * k / 100
        for Wl, Bl, gWl, gBl in zip(W, B, gW, gB):
            for j, (w, gw) in enumerate(zip(Wl, gWl)):
                for i, wi in enumerate(w):
                    w[i] = wi - learning_rate * (gw[i] + 2e-4 * wi)
                Bl[j] -= learning_rate * (gBl[j] + 2e-4 * Bl[j])
        t2 = clock()
        run.losses.append(total)
        run.forward.append(t1 - t0)  # forward and backward are interleaved per sample here
        run.backward.append(0.0)
        run.update.append(t2 - t1)
    return run


def relative_error(a: float, b: float) -> float:
    """|a - b| relative to the larger magnitude (0.0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


# --- workload 2: op throughput on a wide graph ---------------------------------------------------


def wide_graph(engine: SimpleNamespace, width: int = 2**16) -> tuple[list, list, int]:
    """The leaves of the wide graph: `width` inputs x_i and weights w_i; also its op count, 3 * width - 1."""
    rng = random.Random(0)
    xs = [leaf(engine, rng.uniform(-1, 1)) for _ in range(width)]
    ws = [leaf(engine, rng.uniform(-1, 1)) for _ in range(width)]
    return xs, ws, 3 * width - 1


def wide_forward(engine: SimpleNamespace, xs: list, ws: list):
    """relu(x_i * w_i) for every pair, summed by a balanced tree of + down to one root: wide and shallow."""
    relu = engine.relu
    level = [relu(x * w) for x, w in zip(xs, ws)]
    while len(level) > 1:
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        level = pairs + level[len(pairs) * 2 :]  # an odd one out waits for the next level
    return level[0]


def throughput(engine: SimpleNamespace, width: int = 2**16) -> tuple[float, float, int]:
    """Forward and backward nanoseconds per op on the wide graph; also the op count."""
    xs, ws, ops = wide_graph(engine, width)
    t0 = time.process_time()
    root = wide_forward(engine, xs, ws)
    t1 = time.process_time()
    root.backward()
    t2 = time.process_time()
    del root
    return (t1 - t0) * 1e9 / ops, (t2 - t1) * 1e9 / ops, ops


# --- workload 3: depth --------------------------------------------------------------------------


def depth(engine: SimpleNamespace, levels: int = 1_000_000) -> tuple[float | None, str]:
    """Seconds for forward + backward through a chain of `levels` tanh (or x*c) ops, or the error raised."""
    x = leaf(engine, 0.5)
    t0 = time.process_time()
    h = x
    if engine.tanh is not None:
        for _ in range(levels):
            h = engine.tanh(h)
    else:  # micrograd 0.1.0 has no tanh: a chain of multiplications instead
        for _ in range(levels):
            h = h * 0.9999999
    try:
        h.backward()
    except RecursionError as error:
        return None, f"RecursionError ({error})"
    finally:
        del h
    seconds = time.process_time() - t0
    grad = x.grad.item() if hasattr(x.grad, "item") else x.grad
    return seconds, f"d(out)/dx = {grad:.6g}"


def recursion_limit_depth(engine: SimpleNamespace) -> int | None:
    """The smallest chain length (to the nearest 100) at which backward() raises RecursionError, or None."""
    for levels in range(100, 5001, 100):
        if depth(engine, levels)[0] is None:
            return levels
    return None


# --- workload 4: memory ---------------------------------------------------------------------------


def memory_per_node(engine: SimpleNamespace, width: int = 20_001) -> tuple[float | None, int]:
    """Bytes per graph node (tracemalloc) for the wide graph after forward and backward; also the node count.

    Nodes are the leaves plus the op results: 2 * width + 3 * width - 1 = 5 * width - 1
    (width 20,001 gives 100,004 nodes); the graph is kept alive while it is measured.
    PyTorch gets None: its tensors live in its own C++ allocator, which tracemalloc does not see.
    """
    if hasattr(engine, "leaf"):
        return None, 5 * width - 1
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    xs, ws, ops = wide_graph(engine, width)
    root = wide_forward(engine, xs, ws)
    root.backward()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = 2 * width + ops
    del root, xs, ws
    return (after - before) / nodes, nodes
