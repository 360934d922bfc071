"""How fast the live lesson's playground follows a slider: printed, not asserted.

Targets: the server answers a slider move within 30 ms; in headless Chromium the output text follows
a slider within 100 ms. Run: .venv/bin/python benchmarks/serve_speed.py (Chromium at /usr/bin/chromium)."""

from __future__ import annotations

import statistics
import threading
import time

from starlette.testclient import TestClient

from micrograd_lesson.app.server import create_app

MOVES = 200
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium, launched as the browser tests launch it (the root conftest.py)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# One slider move in the page: set the value, fire input, and time until the output text changes.
MOVE_IN_PAGE = """async (value) => {
  const slider = document.getElementById("pg-x1"), out = document.getElementById("pg-output");
  const before = out.textContent, start = performance.now();
  const changed = new Promise((resolve) => {
    const watch = new MutationObserver(() => { if (out.textContent !== before) { watch.disconnect(); resolve(); } });
    watch.observe(out, {childList: true, characterData: true, subtree: true});
  });
  slider.value = value;
  slider.dispatchEvent(new Event("input", {bubbles: true}));
  await changed;
  return performance.now() - start;
}"""


def report(name: str, ms: list[float], target: float) -> None:
    """Print the median and 95th percentile against the target."""
    p95 = sorted(ms)[int(0.95 * len(ms)) - 1]
    verdict = "meets" if p95 <= target else "MISSES"
    print(f"{name}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms ({verdict} the {target:g} ms target)")


def server_side() -> list[float]:
    """Milliseconds per slider move through the app (no network), MOVES of them."""
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    session = client.post("/api/session", json={}).json()["session"]
    times = []
    for i in range(MOVES):
        start = time.perf_counter()
        answer = client.post(
            "/api/playground", json={"session": session, "action": "inputs", "x1": (i % 100) / 100, "x2": 0.5}
        )
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    return times


def in_browser() -> list[float]:
    """Milliseconds from a slider's input event until headless Chromium shows the new output."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    # served as `micrograd-lesson serve` serves it: uvicorn binds the address itself (here a free port), so asyncio
    # sets TCP_NODELAY on each connection (a bare socket.socket() would make every answer wait on a delayed ACK)
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    (listening,) = server.servers[0].sockets
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{listening.getsockname()[1]}/")
            page.wait_for_selector("body[data-ready=true]")
            times = [page.evaluate(MOVE_IN_PAGE, "1.00" if i % 2 == 0 else "0.50") for i in range(MOVES // 4)]
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    return times


if __name__ == "__main__":
    report("server, one slider move", server_side(), 30)
    report("headless Chromium, slider to output text", in_browser(), 100)
