"""How long `from micrograd_lesson import Value` and `micrograd-lesson --help` take, above bare Python.

    .venv/bin/python benchmarks/import_time.py [--runs 20]

Each command runs in a fresh interpreter, in turn with bare Python (`python -c pass`), `--runs` times; a
figure is the best wall time (the least disturbed by other work on the machine), and the line below it
lists the slowest modules `python -X importtime` reports for the same import.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

COMMANDS = {
    "bare Python": ["-c", "pass"],
    "from micrograd_lesson import Value": ["-c", "from micrograd_lesson import Value"],
    "micrograd-lesson --help": ["-m", "micrograd_lesson", "--help"],
}


def wall_time(arguments: list[str]) -> float:
    """Seconds for one fresh interpreter to run arguments."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True, capture_output=True)
    return time.perf_counter() - started


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
    best = dict.fromkeys(COMMANDS, float("inf"))
    for _ in range(args.runs):
        for name, arguments in COMMANDS.items():
            best[name] = min(best[name], wall_time(arguments))
    bare = best["bare Python"]
    print(f"best of {args.runs} wall times, Python {sys.version.split()[0]}")
    for name, arguments in COMMANDS.items():
        print(f"  {name:36} {best[name] * 1000:7.1f} ms  ({(best[name] - bare) * 1000:+.1f} ms above bare Python)")
        if name != "bare Python":
            print(f"    slowest modules: {slowest_modules(arguments)}")


if __name__ == "__main__":
    main()
