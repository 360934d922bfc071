"""The demo's training step compiled as one point's program looped over the points, against one program of its whole
graph (as before): compile time, the step's time taking turns, and memory; printed.

micrograd's demo: MLP(2, [16, 16, 1]), 100 moons, hinge loss + 1e-4 L2, as a TrainingLoop(compiled=True) works it
out (compiled_loop.CompiledLoop: forward, loss and backward at once, then the SGD update). The whole graph's
program is the same loop with one point's program switched off.

1. Compile: CPU seconds of the first step's compiling (one point's: tracing the loss on the engine, compiling one
   point's graph and the part on top; the whole graph's: building it on the engine and compile_graph), best of 3.
2. The step: --steps steps each, taking turns in the same process; the median CPU ms of each and the ratio
   (target: at most 1.05). Then, run after them, the floor (the same arithmetic by hand with plain floats,
   workloads.train_floor) and bench.py's compiled demo (compile_graph's program.run(), zero_grad and SGD).
3. Memory (tracemalloc): the compile's peak and what the program keeps.

Run: .venv/bin/python benchmarks/compile_points.py [--steps 100]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc

import workloads

from micrograd_lesson import MLP
from micrograd_lesson.compiled_loop import CompiledLoop


def demo():
    """The demo's model, data and loss, the weights micrograd's random.seed(1337) draws."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    X, y = workloads.make_moons()  # bench.py's demo data: labels -1 and +1
    params = model.parameters()

    def loss(scores, targets):
        losses = [(1 + -yi * score).relu() for yi, score in zip(targets, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        return data_loss + reg_loss

    return model, X, y, loss


class Whole(CompiledLoop):
    """The loop with one point's program switched off: every step is one program of the whole graph."""

    def forward(self, model, X, y, loss_fn):
        self._results = None
        return self._whole.forward(model, X, y, loss_fn)


def step(loop: CompiledLoop, model, X, y, loss, k: int) -> float:
    """One demo step: forward, loss and backward by the compiled code, then SGD; its loss."""
    model.zero_grad()
    predictions = loop.forward(model, X, y, loss)
    value = loop.loss(predictions)
    loop.backward(value)
    for p in model.parameters():
        p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return value.data


def compile_seconds(kind: type) -> float:
    best = float("inf")
    for _ in range(3):
        model, X, y, loss = demo()
        loop = kind()
        gc.collect()
        started = time.process_time()
        loop.forward(model, X, y, loss)
        best = min(best, time.process_time() - started)
    return best


def memory(kind: type) -> tuple[float, float]:
    model, X, y, loss = demo()
    loop = kind()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loop.forward(model, X, y, loss)
    loop._results = None  # the step's numbers are no program
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - before) / 1e6, (kept - before) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=100, help="demo steps for each way of compiling (100)")
    args = parser.parse_args()
    kinds = {"one point's program": CompiledLoop, "whole graph's program": Whole}

    print("compile, the first step's (CPU s, best of 3):")
    seconds = {name: compile_seconds(kind) for name, kind in kinds.items()}
    for name, value in seconds.items():
        print(f"  {name:>22}: {value:.3f} s")
    print(f"  ratio: {seconds['whole graph' + chr(39) + 's program'] / seconds[next(iter(kinds))]:.0f}x faster")

    runs = {name: (kind(), *demo()) for name, kind in kinds.items()}
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    losses: dict[str, list[float]] = {name: [] for name in kinds}
    for k in range(args.steps):
        for name in kinds if k % 2 else reversed(kinds):
            loop, model, X, y, loss = runs[name]
            started = time.process_time()
            losses[name].append(step(loop, model, X, y, loss, k))
            timings[name].append(time.process_time() - started)
    assert losses["one point's program"] == losses["whole graph's program"]  # the same numbers, step after step
    assert runs["one point's program"][0]._whole.program is None
    median = {name: statistics.median(times[1:]) for name, times in timings.items()}  # the first step compiles
    print(f"the demo step, {args.steps} steps each, taking turns (median CPU ms, the compiling step left out):")
    for name, value in median.items():
        print(f"  {name:>22}: {value * 1e3:.2f} ms (best {min(timings[name][1:]) * 1e3:.2f})")
    ratio = median["one point's program"] / median["whole graph's program"]
    print(f"  one point's / whole graph's: {ratio:.3f} (target: at most 1.05)")
    X, y = workloads.make_moons()
    floor = statistics.median(workloads.train_floor(args.steps, X, y).step_seconds())
    bench, _ = workloads.train_demo_compiled(args.steps, X, y)
    bench_step = statistics.median(bench.step_seconds())
    print(f"  then the floor: {floor * 1e3:.2f} ms, bench.py's compiled demo: {bench_step * 1e3:.2f} ms")
    print(
        f"  one point's / floor: {median[next(iter(kinds))] / floor:.2f}x, bench's compiled / floor: "
        f"{bench_step / floor:.2f}x"
    )

    print("memory (tracemalloc, MB): the compile's peak, what the program keeps")
    for name, kind in kinds.items():
        peak, kept = memory(kind)
        print(f"  {name:>22}: peak {peak:.1f}, keeps {kept:.1f}")
    program = next(iter(runs["one point's program"][0]._programs.values()))
    print(f"  one point's program: {program.source.count(chr(10))} lines")


if __name__ == "__main__":
    main()
