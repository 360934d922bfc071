"""How fast the static site (`micrograd-lesson site`) is, beside `serve` in the same run: printed, not asserted.

Issue 23's budgets, on this machine in headless Chromium: the first answers within 6 s of a cold start (a fresh
browser profile); a warm start (a reload: the files cached, the service worker's) near 2 s; section 6 training
MLP(2, [8, 8, 1]) at 20 or more steps a second with 5 pictures a second past step 50, asked by the same loop in the
page as benchmarks/train_speed.py asks `serve`; a picture request, from request to encoded answer, at most half
of --base's on CPython (1b15cd0: the trial) and at most 100 ms in the worker.

The warm start restores the worker's Python from the memory snapshot the first visit kept (Pyodide 314's
_loadSnapshot): the WebAssembly is still compiled again, and the page's six sections still ask their first answers.

Run: .venv/bin/python benchmarks/site_speed.py [--seconds 10] [--base DIR]
     (DIR: an older checkout, e.g. `git worktree add /tmp/base 1b15cd0`; the packages: python tests/npm_packs.py)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

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


def start_serve() -> str:
    """serve's app by uvicorn in a thread on a free port: its address."""
    import uvicorn

    from micrograd_lesson.app.server import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"


def load() -> str:
    """The machine's load average now (`uptime`'s first figure): the figures beside it are slower the higher it is."""
    return f"load {os.getloadavg()[0]:.1f}"


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
                if name == "site":  # the files and Python's memory kept: the next start is a warm one
                    tab.wait_for_selector("body[data-offline=ready][data-snapshot=kept]", timeout=300_000)
                warm = until_ready(tab)
                rows[name] = (cold, warm, *tab.evaluate(TRAIN, [SETTINGS, args.seconds]), load())
                tab.context.close()
            browser.close()
    finally:
        static.terminate()
    print("                 cold start   warm start   steps/s   pictures/s   picture request   (load average)")
    for name, (cold, warm, steps, pictures, picture, busy) in rows.items():
        print(
            f"{name:>14}   {cold:8.2f} s   {warm:8.2f} s   {steps:7.1f}   {pictures:10.1f}   {picture:12.1f} ms  {busy}"
        )
    cold, warm, steps, pictures, picture, busy = rows["site"]
    print(f"\nthe site against issue 23's budgets ({busy}; the budgets are for a quiet machine):")
    for what, figure, budget, ok in (
        ("cold start to first answers", f"{cold:.2f} s", "at most 6 s", cold <= 6),
        ("warm (cached) start", f"{warm:.2f} s", "aim 2 s", warm <= 2),
        ("section 6 steps a second, 8-8", f"{steps:.1f}", "at least 20", steps >= 20),
        ("section 6 pictures a second", f"{pictures:.1f}", "at least 5", pictures >= 5),
        ("a picture request in the worker", f"{picture:.1f} ms", "at most 100 ms", picture <= 100),
    ):
        print(f"  {what:34} {figure:>10}   {budget:15} {'within' if ok else 'OVER'}")
    if args.base:  # the CPython figure against 1b15cd0's: benchmarks/picture_request.py
        from picture_request import compare

        found = compare(args.base)
        ratio = found["this tree"][0] / found["base"][0]
        print(
            f"  {'picture request on CPython / base':34} {ratio:10.2f}   {'at most 0.50':15} "
            f"{'within' if ratio <= 0.5 else 'OVER'} ({found['this tree'][0]:.1f} ms vs {found['base'][0]:.1f} ms "
            f"CPU; {load()})"
        )


if __name__ == "__main__":
    main()
