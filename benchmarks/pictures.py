"""How long our pictures take to draw: the network picture (the live page redraws it on every slider move).

    .venv/bin/python benchmarks/pictures.py [--repeat 50]

The lesson's 2-3-1 playground network, redrawn from its model to SVG text, must take under 30 ms; the
figure is the median of the repeats (and the slowest, for the noise). Larger networks are timed beside
it for reference, with the PNG (painted by Pillow) of the small one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from micrograd_lesson.examples import seed_network
from micrograd_lesson.nn import MLP
from micrograd_lesson.viz import draw_network

BUDGET_MS = 30.0


def milliseconds(work, repeat: int) -> tuple[float, float]:
    """The median and the slowest of repeat runs of work(), in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    """Time each picture, print a table, and exit 1 if the lesson's network is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    playground = seed_network()
    cases = [
        ("2-3-1 playground, SVG", lambda: draw_network(playground, [0.5, 0.5]).svg(), args.repeat),
        ("2-3-1 playground, PNG", lambda: draw_network(playground, [0.5, 0.5]).png(), max(1, args.repeat // 5)),
        ("2-8-8-1, every label", lambda: draw_network(MLP(2, [8, 8, 1], seed=0)).svg(), 3),
        ("8-8-8-8-1, every label", lambda: draw_network(MLP(8, [8, 8, 8, 1], seed=0)).svg(), 3),
        ("8 x 6 hidden, tooltips", lambda: draw_network(MLP(8, [8] * 6 + [1], seed=0)).svg(), 3),
    ]
    print(f"{'picture':<26} {'median ms':>10} {'slowest ms':>11}")
    figures = {}
    for name, work, repeat in cases:
        figures[name] = median, slowest = milliseconds(work, repeat)
        print(f"{name:<26} {median:>10.2f} {slowest:>11.2f}")
    median = figures["2-3-1 playground, SVG"][0]
    verdict = "within" if median < BUDGET_MS else "OVER"
    print(f"\nthe lesson's network redraws in {median:.2f} ms: {verdict} the {BUDGET_MS:g} ms budget")
    return 0 if median < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
