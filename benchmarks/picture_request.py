"""Section 6's picture request on CPython, from request to encoded answer, beside --base's in the same run: printed.

Issue 23's budget: at most half of 1b15cd0's (the static-site trial). The run is MLP(2, [8, 8, 1]) on moons past
step 50, and each picture follows a training step, as when the page plays (so the weights, and the labels, change
each time). Both trees run in turns, in subprocesses, so a busy machine slows both alike; the figure is CPU time
(the load on a shared machine is printed beside it).

Run: .venv/bin/python benchmarks/picture_request.py --base DIR [--rounds 5]
     (DIR: the older checkout, e.g. `git worktree add /tmp/base 1b15cd0`)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"dataset": "moons", "noise": 0.1, "hidden": [8, 8], "optimizer": "sgd", "lr": 0.1, "stop_at_100": False}
PICTURES = """
import json, sys, time
try:
    from micrograd_lesson.app import api
except ImportError:  # before app/api.py (1b15cd0): the server's own code path, without the HTTP
    from micrograd_lesson.app import live_training
    state = [None]
    def post(**body):
        state[0], answer = live_training.respond(state[0], body)
        return 200, answer
else:
    lesson = api.Lesson()
    sid = lesson.handle("/api/session", b"{}")[1]["session"]
    post = lambda **body: lesson.handle("/api/train", json.dumps({"session": sid, **body}).encode())
post(action="configure", settings=json.loads(sys.argv[1]))
post(action="step", steps=50)
post(action="picture")  # the first picture of a shape works out what every later one reuses
times = []
for _ in range(int(sys.argv[2])):
    post(action="step", steps=1)
    start = time.process_time()
    text = json.dumps(post(action="picture")[1])  # to the encoded answer, as a host sends it
    times.append(time.process_time() - start)
print(json.dumps([times, len(text)]))
"""


def pictures(tree: Path, count: int) -> tuple[list[float], int]:
    """count picture requests' CPU seconds with tree's package, and the last answer's length in characters."""
    ran = subprocess.run(
        [sys.executable, "-c", PICTURES, json.dumps(SETTINGS), str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)},
    )
    times, length = json.loads(ran.stdout)
    return times, length


def compare(base: Path, rounds: int = 5, count: int = 10) -> dict[str, tuple[float, int]]:
    """The median ms of a picture request for this tree and for base, measured in turns: {name: (ms, length)}."""
    found: dict[str, tuple[list[float], int]] = {"this tree": ([], 0), "base": ([], 0)}
    for k in range(rounds):
        order = [("this tree", ROOT), ("base", base)]
        for name, tree in order if k % 2 == 0 else order[::-1]:
            times, length = pictures(tree, count)
            found[name] = (found[name][0] + times, length)
    return {name: (statistics.median(times) * 1000, length) for name, (times, length) in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="a checkout of 1b15cd0 (the trial) to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="turns of each tree, 10 pictures a turn (5)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    found = compare(args.base, args.rounds)
    for name, (ms, length) in found.items():
        print(f"{name:>10}: {ms:6.1f} ms CPU a picture request, its answer {length:,} characters")
    ratio = found["this tree"][0] / found["base"][0]
    print(f"ratio {ratio:.2f} (budget: at most 0.50); load average {load:.1f} at the start")


if __name__ == "__main__":
    main()
