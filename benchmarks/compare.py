"""Two versions of micrograd_lesson side by side in one run: the demo step and forward + backward throughput.

    git worktree add /tmp/base 9537fae          # the version to compare against, checked out anywhere
    .venv/bin/python benchmarks/compare.py /tmp/base [--rounds 5]

The versions take turns (alternating who goes first), each measurement in a fresh interpreter that
imports the version under test first on its path; a figure is the best of the rounds and the spread
(worst / best) says how noisy the machine was. The workloads are this tree's (benchmarks/workloads.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURES = {"demo": ("step", "demo: seconds per step"), "throughput": ("both_ns", "forward + backward ns per op")}


def measure(tree: Path, workload: str, steps: int) -> float:
    """One figure of workload, run by bench.py's worker with tree's micrograd_lesson imported."""
    bench = HERE / "bench.py"
    run_first_on_path = (  # ahead of an editable install's own entry on sys.path
        f"import runpy, sys; sys.path.insert(0, {str(tree)!r}); "
        f"sys.argv = [{str(bench)!r}, '--worker', 'lesson', {workload!r}, '{steps}']; "
        f"runpy.run_path({str(bench)!r}, run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", run_first_on_path], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    key = FIGURES[workload][0]
    return min(result[key]) if isinstance(result[key], list) else result[key]


def main() -> None:
    """Alternate the two versions over the rounds and print best, spread and the ratio of each figure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path, help="a checkout of the version to compare against")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="the version under test (this tree)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per version (5)")
    parser.add_argument("--steps", type=int, default=20, help="demo steps per round; the best one counts (20)")
    args = parser.parse_args()
    versions = {"base": args.base.resolve(), "new": args.new.resolve()}
    figures: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.rounds):
        order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
        for workload in FIGURES:
            for name in order:
                figures.setdefault((name, workload), []).append(measure(versions[name], workload, args.steps))
        print(f"  round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    print(f"{'figure':32} {'base':>12} {'spread':>7} {'new':>12} {'spread':>7} {'new / base':>11}")
    for workload, (_, title) in FIGURES.items():
        base, new = figures[("base", workload)], figures[("new", workload)]
        print(
            f"{title:32} {min(base):12.6g} {max(base) / min(base):7.2f} "
            f"{min(new):12.6g} {max(new) / min(new):7.2f} {min(new) / min(base):11.3f}"
        )


if __name__ == "__main__":
    main()
