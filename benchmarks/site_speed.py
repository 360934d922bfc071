"""How fast the static site (`micrograd-lesson site`) is, beside `serve` in the same run: printed, not asserted.

Issue 23's budgets, on this machine in headless Chromium: the first answers within 6 s of a cold start (a fresh
browser profile); a warm start (a reload: the files cached, the service worker's) near 2 s; section 6 training
MLP(2, [8, 8, 1]) at 20 or more steps a second with 5 pictures a second past step 50, asked by the same loop in the
page as benchmarks/train_speed.py asks `serve`; a picture request, from request to encoded answer, at most half
of --base's on CPython (1b15cd0: the trial) and at most 100 ms in the worker.

Run: .venv/bin/python benchmarks/site_speed.py [--seconds 10] [--base DIR]
     (DIR: an older checkout, e.g. `git worktree add /tmp/base 1b15cd0`; the packages: python tests/npm_packs.py)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from npm_packs import missing, tgz  # noqa: E402

from micrograd_lesson.app.static_site import PYODIDE, VIZ  # noqa: E402

SETTINGS = {"dataset": "moons", "noise": 0.1, "hidden": [8, 8], "optimizer": "sgd", "lr": 0.1, "stop_at_100": False}
# One step a request and a picture every 200 ms, as the page asks when playing; then 20 pictures alone.
TRAIN = """async ([settings, seconds]) => {
  const t = lesson.transport;
  await t("train", {action: "configure", settings});
  let step = 0;
  while (step < 50) step = (await t("train", {action: "step", steps: 50 - step})).step;
  const start = performance.now();
  let pictures = 0, last = start, steps = 0;
  while (performance.now() - start < seconds * 1000) {
    await t("train", {action: "step", steps: 1});
    steps += 1;
    if (performance.now() - last >= 200) {
      await t("train", {action: "picture"});
      pictures += 1;
      last = performance.now();
    }
  }
  const took = (performance.now() - start) / 1000;
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await t("train", {action: "picture"});
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [steps / took, pictures / took, times[10]];
}"""
PICTURE_ON_CPYTHON = """
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
post(action="step", steps=60)
times = []
for _ in range(30):
    start = time.perf_counter()
    json.dumps(post(action="picture")[1])  # to the encoded answer, as a host sends it
    times.append(time.perf_counter() - start)
times.sort()
print(times[15] * 1000, len(json.dumps(post(action="picture")[1])))
"""


def picture_on_cpython(tree: Path) -> tuple[float, int]:
    """The median ms of a picture request, to its JSON text, with tree's package; and the answer's length."""
    ran = subprocess.run(
        [sys.executable, "-c", PICTURE_ON_CPYTHON, json.dumps(SETTINGS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)},
    )
    ms, length = ran.stdout.split()
    return float(ms), int(length)


def start_serve() -> str:
    """serve's app by uvicorn in a thread on a free port: its address."""
    import uvicorn

    from micrograd_lesson.app.server import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"


def until_ready(tab, address: str | None = None) -> float:
    """Seconds from going to address (or reloading) until the page's sections have their first answers."""
    start = time.perf_counter()
    tab.reload() if address is None else tab.goto(address)
    tab.wait_for_selector("body[data-ready=true]", timeout=300_000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each training loop runs (10)")
    parser.add_argument("--base", type=Path, help="a checkout of the version to compare the picture request with")
    args = parser.parse_args()
    if missing():
        sys.exit(missing())
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from micrograd_lesson.app import cli

    folder = Path(tempfile.mkdtemp()) / "site"
    cli.main(["site", str(folder), "--pyodide", str(tgz(PYODIDE)), "--viz", str(tgz(VIZ))])
    command = [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(folder)]
    static = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    site = f"http://127.0.0.1:{static.stdout.readline().split('port ')[1].split()[0]}/"
    serve = start_serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            rows = {}
            for name, address in (("site", site), ("serve", serve)):
                tab = browser.new_context().new_page()
                cold = until_ready(tab, address)
                if name == "site":
                    tab.wait_for_selector("body[data-offline=ready]", timeout=300_000)
                warm = until_ready(tab)
                rows[name] = (cold, warm, *tab.evaluate(TRAIN, [SETTINGS, args.seconds]))
                tab.context.close()
            browser.close()
    finally:
        static.terminate()
    print("                 cold start   warm start   steps/s   pictures/s   picture request")
    for name, (cold, warm, steps, pictures, picture) in rows.items():
        print(f"{name:>14}   {cold:8.2f} s   {warm:8.2f} s   {steps:7.1f}   {pictures:10.1f}   {picture:9.1f} ms")
    ms, length = picture_on_cpython(ROOT)
    print(f"picture request on CPython (to its JSON text): {ms:.1f} ms, {length} characters")
    if args.base:
        base_ms, base_length = picture_on_cpython(args.base)
        print(f"  --base {args.base}: {base_ms:.1f} ms, {base_length} characters; ratio {ms / base_ms:.2f}")


if __name__ == "__main__":
    main()
