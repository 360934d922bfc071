"""How fast the live page trains while it redraws: printed, not asserted.

Target (issue 14): MLP(2, [8, 8, 1]) on 100 points (the page's split: 75 trained on, 25 held out) trains at
least 20 steps a second while the picture (boundary grid, every hidden neuron's map, the network's SVG) is
computed at least 5 times a second. It runs through the server's code path, POST /api/train by Starlette's
test client, one step per request (the slowest way the page can ask), a picture every 200 ms; then the same
training (same weights, SGD, hinge loss, full batch) in karpathy's micrograd 0.1.0, in the same run.
Issue 24's cases follow, one step a request: the default settings above, a batch of 10, three classes and the
seven features with L2, each stepped compiled (as the page does past step 50) and on the engine, in the same run.

Run: .venv/bin/python benchmarks/train_speed.py [--seconds 10]   (micrograd comes with the dev extra)
"""

from __future__ import annotations

import argparse
import math
import time

from starlette.testclient import TestClient

from micrograd_lesson.app.sections import live_training
from micrograd_lesson.app.sections.live_training import LiveRun, Settings
from micrograd_lesson.app.server import create_app

SETTINGS = {"dataset": "moons", "noise": 0.1, "hidden": [8, 8], "optimizer": "sgd", "lr": 0.1, "stop_at_100": False}
PICTURE_EVERY = 0.2  # seconds: 5 pictures a second
COMPILED_AFTER = live_training.COMPILED_AFTER  # the page's step 50
ALL_FEATURES = ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]
CASES = {  # issue 24's settings on top of SETTINGS
    "default": {},
    "a batch of 10": {"batch": 10},
    "three classes": {"dataset": "three_blobs"},
    "the seven features and L2": {"features": ALL_FEATURES, "regularization": "l2", "reg_rate": 0.001},
}


def through_the_server(
    seconds: float, steps_per_request: int, extra: dict | None = None, compiled: bool = True
) -> tuple[float, float, int]:
    """Steps a second and pictures a second through the API, for about seconds; and the last step reached.
    compiled=False keeps every step on the engine (the page steps compiled past step 50)."""
    live_training.TIME_BUDGET = 10.0  # each request does what it asks
    live_training.COMPILED_AFTER = COMPILED_AFTER if compiled else math.inf
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    session = client.post("/api/session", json={}).json()["session"]

    def post(**body) -> dict:
        answer = client.post("/api/train", json={"session": session, **body})
        assert answer.status_code == 200, answer.text
        return answer.json()

    post(action="configure", settings={**SETTINGS, **(extra or {})})
    post(action="step", steps=COMPILED_AFTER)  # past the switch to compiled steps, as a long run is
    first = post(action="show")["step"]
    pictures, step = 0, first
    start = time.perf_counter()
    last_picture = start - PICTURE_EVERY  # the first picture at once
    while (now := time.perf_counter()) - start < seconds:
        if now - last_picture >= PICTURE_EVERY:
            last_picture += PICTURE_EVERY  # on a fixed beat, as the page's timer is
            picture = post(action="picture", grads=False)
            assert len(picture["grid"].get("values", picture["grid"].get("classes"))) == 900
            assert len(picture["neurons"]) == 16
            pictures += 1
        else:
            step = post(action="step", steps=steps_per_request)["step"]
    elapsed = time.perf_counter() - start
    return (step - first) / elapsed, pictures / elapsed, step


def micrograd_steps_per_second(seconds: float) -> float:
    """The same training in micrograd 0.1.0: its MLP given the page's first weights, SGD on the hinge loss."""
    from micrograd.nn import MLP as PeerMLP

    run = LiveRun(Settings.read(SETTINGS))
    model = PeerMLP(2, [8, 8, 1])
    for mine, theirs in zip(run.model.parameters(), model.parameters()):
        theirs.data = mine.data
    X, y = run.points.X_train, run.targets
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        scores = [model(x) for x in X]
        loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        steps += 1
    return steps / (time.perf_counter() - start)


def main() -> None:
    """Measure both and print the figures against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each measurement runs")
    args = parser.parse_args()
    rates = {}
    for per_request in (1, 10):
        steps, pictures, reached = through_the_server(args.seconds, per_request)
        rates[per_request] = steps
        verdict = "meets" if steps >= 20 and round(pictures, 1) >= 5 else "MISSES"  # the last beat may not be due
        print(
            f"micrograd_lesson through POST /api/train, {per_request} step(s) a request: {steps:.1f} steps/s "
            f"with {pictures:.1f} pictures/s (to step {reached}; {verdict} the 20 steps/s at 5 pictures/s target)"
        )
    peer = micrograd_steps_per_second(args.seconds)
    print(f"micrograd 0.1.0, the same training, no pictures: {peer:.1f} steps/s")
    print(f"ratio, micrograd_lesson with pictures (1 step a request) / micrograd without: {rates[1] / peer:.1f}x")
    for name, extra in CASES.items():
        steps, pictures, reached = through_the_server(args.seconds, 1, extra)
        engine, engine_pictures, _ = through_the_server(args.seconds, 1, extra, compiled=False)
        verdict = "meets" if steps >= 20 and round(pictures, 1) >= 5 else "MISSES"
        print(
            f"{name}, 1 step a request: {steps:.1f} steps/s with {pictures:.1f} pictures/s compiled (to step "
            f"{reached}; {verdict} the target); on the engine {engine:.1f} steps/s with {engine_pictures:.1f} "
            f"pictures/s; compiled / engine {steps / max(engine, 1e-9):.1f}x"
        )


if __name__ == "__main__":
    main()
