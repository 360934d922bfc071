"""How long `from micrograd_lesson import Value` and `micrograd-lesson --help` take, above bare Python.

    .venv/bin/python benchmarks/import_time.py [--runs 20]

Each command runs in a fresh interpreter, in turn with bare Python (`python -c pass`), `--runs` times; a
figure is the best wall time, and the best CPU time (user + system) of the interpreter, which other work
on a busy machine disturbs less; the line below lists the slowest modules `python -X importtime` reports.
NB: with PYTHONDONTWRITEBYTECODE set, every run compiles the package's source anew, as no installed copy
does; give it a cache (PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=/tmp/pyc) to time what a learner gets.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

COMMANDS = {
    "bare Python": ["-c", "pass"],
    "from micrograd_lesson import Value": ["-c", "from micrograd_lesson import Value"],
    "micrograd-lesson --help": ["-m", "micrograd_lesson", "--help"],
}


def times(arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds for one fresh interpreter to run arguments."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True, capture_output=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def slowest_modules(arguments: list[str], count: int = 5) -> str:
    """The count modules with the largest own import time, from python -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            rows.append((int(own), name.strip()))
    return ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in sorted(rows, reverse=True)[:count])


def main() -> None:
    """Time every command, alternating them, and print the best of each and its excess over bare Python."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (20)")
    args = parser.parse_args()
    best = {name: [float("inf"), float("inf")] for name in COMMANDS}  # wall, CPU
    for _ in range(args.runs):
        for name, arguments in COMMANDS.items():
            best[name] = [min(pair) for pair in zip(best[name], times(arguments))]
    (bare_wall, bare_cpu), load = best["bare Python"], " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"best of {args.runs} runs, Python {sys.version.split()[0]}, load average (1, 5, 15 min) {load}")
    for name, arguments in COMMANDS.items():
        (wall, cpu), ms = best[name], 1000
        print(
            f"  {name:36} wall {wall * ms:6.1f} ms ({(wall - bare_wall) * ms:+.1f} above bare Python), "
            f"CPU {cpu * ms:6.1f} ms ({(cpu - bare_cpu) * ms:+.1f})"
        )
        if name != "bare Python":
            print(f"    slowest modules: {slowest_modules(arguments)}")


if __name__ == "__main__":
    main()
