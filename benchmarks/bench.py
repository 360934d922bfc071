"""Speed and memory of micrograd_lesson side by side with micrograd 0.1.0, PyTorch and plain floats.

Run from the repository root (about 5 minutes; `--quick` takes under one):

    .venv/bin/pip install -e ".[bench]"       # micrograd 0.1.0; add `pip install torch==2.13.0` for PyTorch
    .venv/bin/python benchmarks/bench.py

Workloads (benchmarks/workloads.py):
  1. micrograd's demo.ipynb: two moons, MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, SGD, seconds per step.
     Every loss of every step an engine ran must equal micrograd's within 1e-9 relative, or the run fails.
     The floor is the same arithmetic written by hand with plain floats.
  2. op throughput: forward, backward and both passes together, nanoseconds per op on a wide graph of 196,607 ops.
  3. depth: forward + backward through a 1,000,000-level chain.
  4. memory: bytes per graph node (tracemalloc) for a 100,004-node graph after backward.
The demo compiled (compile_graph) runs workload 1 with its loss graph written out as code once: its step
(finiteness checks included), its compile time apart, and the compiled program's memory per graph node.

Each measurement runs in a fresh subprocess that imports only its own engine, so one engine's heap
(and micrograd's cyclic garbage) never taxes another's garbage collector. The engines take turns
within each repeat, in a rotating order; a figure is the best of the repeats, and the spread
(worst / best) says how noisy the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINES = ("lesson", "micrograd", "torch", "floor", "paused", "compiled")
NAMES = {
    "lesson": "micrograd_lesson",
    "micrograd": "micrograd 0.1.0",
    "torch": "PyTorch",
    "floor": "floor",
    "paused": "micrograd_lesson, loop in paused_collector()",
    "compiled": "micrograd_lesson compiled",
}
TOLERANCE = 1e-9


def worker(engine_key: str, workload: str, steps: int) -> dict:
    """Run one workload on one engine in this process and return what it measured."""
    sys.path.insert(0, str(HERE))
    import workloads as w

    if engine_key == "floor":
        X, y = w.make_moons()
        run = w.train_floor(steps, X, y)
        return {"losses": run.losses, "step": run.step_seconds()}
    if engine_key == "compiled":
        X, y = w.make_moons()
        if workload == "memory":
            per_node, peak, nodes = w.compiled_memory(X, y)
            return {"program_bytes_per_node": per_node, "compile_peak_mb": peak, "nodes": nodes}
        run, seconds = w.train_demo_compiled(steps, X, y)
        return {"losses": run.losses, "step": run.step_seconds(), "compile_seconds": seconds}
    makers = {"lesson": w.lesson_engine, "paused": w.lesson_engine_paused_loop}
    makers.update(micrograd=w.micrograd_engine, torch=w.torch_engine)
    engine = makers[engine_key]()
    if engine is None:
        return {"missing": True}
    result: dict = {"name": engine.name}
    if workload == "demo":
        X, y = w.make_moons()
        run = w.train_demo(engine, steps, X, y)
        result.update(losses=run.losses, step=run.step_seconds(), forward=run.forward, backward=run.backward)
        result.update(collector=run.collector)
        if engine_key == "lesson":
            result["backward_parts"] = w.lesson_backward_parts(X, y)
    elif workload == "throughput":
        result["forward_ns"], result["backward_ns"], result["ops"] = w.throughput(engine)
        result["both_ns"] = result["forward_ns"] + result["backward_ns"]  # throughput: a step needs both passes
    elif workload == "depth":
        result["seconds"], result["note"] = w.depth(engine)
        if result["seconds"] is None:
            result["fails_at"] = w.recursion_limit_depth(engine)
    elif workload == "memory":
        result["bytes_per_node"], result["nodes"] = w.memory_per_node(engine)
    return result


def measure(engine_key: str, workload: str, steps: int) -> dict:
    """Run worker() in a fresh interpreter and parse its one line of JSON."""
    command = [sys.executable, __file__, "--worker", engine_key, workload, str(steps)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def check_losses(name: str, losses: list[float], reference: list[float]) -> float:
    """Fail unless every step's loss equals micrograd's within TOLERANCE; return the worst relative error."""
    worst = 0.0
    for step, (a, b) in enumerate(zip(losses, reference)):
        error = abs(a - b) / max(abs(a), abs(b))
        assert error <= TOLERANCE, f"{name}: step {step} loss {a!r} differs from micrograd's {b!r} ({error:.2e})"
        worst = max(worst, error)
    return worst


def main() -> None:
    """Run every workload on every engine, interleaved and repeated; print the table and its ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every workload on every engine")
    parser.add_argument("--steps", type=int, default=100, help="demo steps for micrograd_lesson and the floor")
    parser.add_argument("--peer-steps", type=int, default=10, help="demo steps timed for micrograd and PyTorch")
    parser.add_argument("--quick", action="store_true", help="1 repeat, 10 steps, no 1,000,000-level peers")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "WORKLOAD", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], int(args.worker[2]))))
        return
    if args.quick:
        args.repeats, args.steps, args.peer_steps = 1, 10, 3

    results: dict[tuple[str, str], list[dict]] = {}
    started, load_before = time.perf_counter(), os.getloadavg()
    for repeat in range(args.repeats):
        order = ENGINES[repeat % len(ENGINES) :] + ENGINES[: repeat % len(ENGINES)]  # rotate who goes first
        for workload in ("demo", "throughput", "depth", "memory"):
            for key in order:
                if key in ("floor", "paused") and workload != "demo":
                    continue
                if key == "compiled" and workload not in ("demo", "memory"):
                    continue
                peer = key in ("micrograd", "torch")
                if peer and workload == "depth" and (repeat > 0 or args.quick):
                    continue  # one run is enough to see a RecursionError or a slow minute
                steps = args.steps
                if peer and workload == "demo":  # the first round checks every step; later ones time a few
                    steps = args.steps if repeat == 0 and not args.quick else args.peer_steps
                result = measure(key, workload, steps)
                if not result.get("missing"):
                    results.setdefault((key, workload), []).append(result)
                print(f"  round {repeat + 1}: {workload:10} {NAMES[key]:16} done", file=sys.stderr, flush=True)
    load = (*load_before, *os.getloadavg())
    report(results, time.perf_counter() - started, load, args.repeats)


def report(results: dict[tuple[str, str], list[dict]], seconds: float, load: tuple[float, ...], repeats: int) -> None:
    """Print the losses check, the table of figures with their ratios (the README's table), and the noise."""
    have = {key for key, _ in results}
    reference = max((r["losses"] for r in results[("micrograd", "demo")]), key=len) if "micrograd" in have else None
    print(
        f"\nbenchmarks/bench.py, {date.today().isoformat()}: Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"CPU seconds, best of {repeats} rounds, {seconds:.0f} s in all; load average (1, 5, 15 min) "
        f"{' '.join(f'{x:.1f}' for x in load[:3])} at the start, {' '.join(f'{x:.1f}' for x in load[3:])} at the end\n"
    )
    if reference:
        for key in ("lesson", "paused", "compiled", "torch", "floor"):
            if (key, "demo") in results:
                runs = results[(key, "demo")]
                worst = max(check_losses(NAMES[key], r["losses"], reference) for r in runs)
                steps = min(len(reference), max(len(r["losses"]) for r in runs))
                print(f"losses: {NAMES[key]} equals micrograd at all {steps} steps (worst relative error {worst:.1e})")
        print()

    def best(key: str, workload: str, field: str, per_step: bool = False) -> tuple[float, float] | None:
        """The best figure over the repeats, and the spread (worst / best)."""
        if (key, workload) not in results:
            return None
        figures = [sum(r[field]) / len(r[field]) if per_step else r[field] for r in results[(key, workload)]]
        figures = [f for f in figures if f is not None]
        return (min(figures), max(figures) / min(figures)) if figures else None

    ops = next((r["ops"] for r in results.get(("lesson", "throughput"), [])), 0)
    nodes = next((r["nodes"] for r in results.get(("lesson", "memory"), [])), 0)
    rows = [  # label (the README's), whose figure is "ours", workload, field, per step
        ("1. demo: seconds per step", "lesson", "demo", "step", True),
        ("1. demo, loop inside `paused_collector()`", "paused", "demo", "step", True),
        ("1. demo compiled (`compile_graph`): seconds per step", "compiled", "demo", "step", True),
        ("1. demo compiled: compile, s (once)", "compiled", "demo", "compile_seconds", False),
        (f"2. forward ns per op ({ops:,} ops)", "lesson", "throughput", "forward_ns", False),
        ("2. backward ns per op", "lesson", "throughput", "backward_ns", False),
        ("2. forward + backward ns per op", "lesson", "throughput", "both_ns", False),
        ("3. 1,000,000-level chain, s", "lesson", "depth", "seconds", False),
        (f"4. bytes per node ({nodes:,} nodes)", "lesson", "memory", "bytes_per_node", False),
        ("4. demo compiled: program bytes per graph node", "compiled", "memory", "program_bytes_per_node", False),
    ]
    peers = [k for k in ("micrograd", "torch") if k in have]
    header = ["workload", NAMES["lesson"], *(NAMES[k] for k in peers), "floor"]
    header += [f"{NAMES[k].split()[0]} / ours" for k in peers] + ["x floor"]  # micrograd / ours
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    noise = []
    for label, whose, workload, field, per_step in rows:
        if (whose, workload) not in results:
            continue
        ours = best(whose, workload, field, per_step)
        alone = field in ("compile_seconds", "program_bytes_per_node")  # no peer has such a figure
        compared = [] if alone else peers
        cells = [label, fmt(ours)]
        shown_here = not alone and whose == "lesson"  # a peer's own figure is shown once, on the engine's row
        for key in peers:
            theirs = best(key, workload, field, per_step) if shown_here else None
            cells.append(fmt(theirs, results.get((key, workload))) if shown_here else "")
        floor = best("floor", workload, field, per_step) if workload == "demo" and not alone else None
        cells.append(fmt(floor) if floor and whose == "lesson" else "")
        for key in peers:
            theirs = best(key, workload, field, per_step) if key in compared else None
            ratio = theirs[0] / ours[0] if ours and theirs else None
            cells.append("" if ratio is None else f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.1f}x")
        digits = 2 if whose == "compiled" else 1  # the compiled step is held to 1.3x the floor
        cells.append(f"{ours[0] / floor[0]:.{digits}f}x" if ours and floor else "")
        print("| " + " | ".join(cells) + " |")
        for key in (whose, *compared, *(["floor"] if floor else [])):
            figure = best(key, workload, field, per_step)
            if figure and len(results[(key, workload)]) > 1:
                noise.append(f"{label} / {NAMES[key]}: {figure[1]:.2f}")
    print("\nSpread over the repeats (worst / best, 1.00 = no noise):")
    print("  " + "\n  ".join(noise) if noise else "  one repeat only")
    print("\nWhere a demo step's time goes (best round; the cyclic GC's share is within forward and backward):")
    for key in ("lesson", "paused", "micrograd", "torch"):
        if (key, "demo") in results:
            run = min(results[(key, "demo")], key=lambda r: sum(r["step"]) / len(r["step"]))
            n = len(run["step"])
            ms = {part: sum(run[part]) / n * 1e3 for part in ("step", "forward", "backward", "collector")}
            print(
                f"  {NAMES[key]}: {ms['step']:.1f} ms = forward {ms['forward']:.1f} + backward {ms['backward']:.1f}"
                f" + update and free {ms['step'] - ms['forward'] - ms['backward']:.1f}; cyclic GC {ms['collector']:.1f}"
            )
    if ("lesson", "demo") in results:
        parts = min((r["backward_parts"] for r in results[("lesson", "demo")]), key=lambda p: p["backward()"])
        nodes, whole = parts.pop("nodes"), parts.pop("backward()")
        split = " + ".join(f"{name} {ms:.1f}" for name, ms in parts.items())
        print(f"  micrograd_lesson's backward() on one demo graph of {nodes:,} nodes: {whole:.1f} ms; by part, {split}")
    if ("paused", "demo") in results and ("lesson", "demo") in results:
        paused, ours = best("paused", "demo", "step", True), best("lesson", "demo", "step", True)
        lines = [f"{ours[0] / paused[0]:.2f}x faster than micrograd_lesson as it is"]
        for key in peers:
            theirs = best(key, "demo", "step", True)
            lines.append(f"{theirs[0] / paused[0]:.1f}x faster than {NAMES[key]}")
        floor = best("floor", "demo", "step", True)
        if floor:
            lines.append(f"{paused[0] / floor[0]:.1f}x floor")
        where = "with the loop inside paused_collector() (as TrainingLoop.run)"
        print(f"  {where}: {paused[0]:.3g} s per step, " + ", ".join(lines))
    if ("compiled", "memory") in results:
        memory = results[("compiled", "memory")][0]
        print(
            f"  micrograd_lesson compiled: the demo's {memory['nodes']:,}-node loss graph compiles to a program of "
            f"{memory['program_bytes_per_node'] * memory['nodes'] / 1e6:.1f} MB; Python's compiler peaks at "
            f"{memory['compile_peak_mb']:.0f} MB while it works"
        )
    for key in peers:
        for r in results.get((key, "depth"), []):
            if r["seconds"] is None:
                print(f"{NAMES[key]} on the chain: {r['note']}; first fails at {r['fails_at']} levels")


def fmt(figure: tuple[float, float] | None, runs: list[dict] | None = None) -> str:
    """A figure with 3 significant digits, or what happened instead."""
    if figure is None:
        if runs and runs[0].get("note", "").startswith("RecursionError"):
            return "RecursionError"
        return "n/a"
    value = figure[0]
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


if __name__ == "__main__":
    main()
