"""What compile_graph costs, in memory and time, and what compiling in parts costs the demo's step: printed.

1. `train --compiled --hidden 64,64`'s loss graph (345,820 nodes): compile_graph's peak memory per graph node
   (tracemalloc, which slows it down: its time is measured again without it), and the memory the program keeps.
   The README's figures (a node's cost, MAX_NODES and the memory it implies) come from here.
2. micrograd's demo (38,718 nodes) compiled in parts of compiled.PART nodes, and compiled as one function
   (PART set past its size, as before parts): the seconds per step of each, taking turns in the same process,
   and the ratio (target: at most 1.05).

Run: .venv/bin/python benchmarks/compile_memory.py [--hidden 64,64] [--steps 60]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc

from workloads import demo_loss, lesson_engine, make_moons

from micrograd_lesson import compiled, data
from micrograd_lesson.engine import topological_order
from micrograd_lesson.losses import hinge
from micrograd_lesson.nn import MLP


def train_graph(hidden: list[int]):
    """The loss graph `micrograd-lesson train --compiled --hidden ...` compiles: hinge loss over moons' 75 points."""
    points = data.train_test("moons", seed=0)
    model = MLP(2, [*hidden, 1], seed=0)
    return hinge([model(x) for x in points.X_train], data.signed(points.y_train))


def compile_memory(hidden: list[int]) -> None:
    loss = train_graph(hidden)
    nodes = len(topological_order(loss))
    gc.collect()
    started = time.process_time()
    program = compiled.compile_graph(loss)
    seconds = time.process_time() - started
    del program
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    program = compiled.compile_graph(loss)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del program
    print(f"hidden {hidden}: {nodes:,} nodes, parts of {compiled.PART:,}")
    print(f"  compile_graph's peak: {(peak - before) / nodes:,.0f} bytes a node ({(peak - before) / 1e6:,.0f} MB)")
    print(f"  the program keeps:    {(kept - before) / nodes:,.0f} bytes a node ({(kept - before) / 1e6:,.0f} MB)")
    print(f"  compile time:         {seconds:.1f} s ({seconds / nodes * 1e6:.1f} us a node, without tracemalloc)")
    at_limit = (peak - before) / nodes * compiled.MAX_NODES
    print(f"  MAX_NODES {compiled.MAX_NODES:,}: at this rate a peak of {at_limit / 1e9:.2f} GB")


def demo_step_ratio(steps: int) -> None:
    X, y = make_moons()
    part = compiled.PART

    def setup(size: int):
        compiled.PART = size
        engine = lesson_engine()
        random.seed(1337)
        model = engine.MLP(2, [16, 16, 1])
        program = compiled.compile_graph(demo_loss(engine, model, X, y))
        return model, program

    in_parts, whole = setup(part), setup(10**9)
    compiled.PART = part
    timings: dict[str, list[float]] = {"parts": [], "one function": []}
    for k in range(steps):
        turns = [("parts", in_parts), ("one function", whole)]
        for name, (model, program) in turns if k % 2 else reversed(turns):
            started = time.process_time()
            model.zero_grad()
            program.run()
            for p in model.parameters():
                p.data -= (1.0 - 0.9 * k / 100) * p.grad
            timings[name].append(time.process_time() - started)
    assert in_parts[1].root.data == whole[1].root.data  # the same numbers, step after step
    median = {name: statistics.median(times) for name, times in timings.items()}
    print(f"demo step, {steps} steps each, taking turns (median CPU ms):")
    for name, value in median.items():
        print(f"  {name:>13}: {value * 1e3:.2f} ms (best {min(timings[name]) * 1e3:.2f})")
    print(f"  parts / one function: {median['parts'] / median['one function']:.3f} (target: at most 1.05)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", default="64,64", help="train's --hidden for the memory figure (64,64)")
    parser.add_argument("--steps", type=int, default=60, help="demo steps for each way of compiling (60)")
    args = parser.parse_args()
    demo_step_ratio(args.steps)
    compile_memory([int(size) for size in args.hidden.split(",")])


if __name__ == "__main__":
    main()
