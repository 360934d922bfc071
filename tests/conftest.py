"""The live page's fixtures: its app through the test client, a server on a free port and a fresh tab on it (the
browser is the root conftest.py's)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

WAIT = 60_000  # ms: the most a wait on the page may take; each ends once its state is there (room for a busy machine)


@pytest.fixture(scope="module")
def live_server():
    """The live lesson served by uvicorn in a thread, as `micrograd-lesson serve` serves it: uvicorn binds 127.0.0.1
    itself (on a free port), so its sockets send at once (TCP_NODELAY) instead of waiting on the browser's ACKs."""
    import uvicorn

    from micrograd_lesson.app.server import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():  # listening, or failed to start
        time.sleep(0.01)
    assert server.started, "the live lesson's server did not start"
    yield server
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def address(live_server) -> str:
    """The live lesson's address: http://127.0.0.1:PORT/."""
    (listening,) = live_server.servers[0].sockets
    return f"http://127.0.0.1:{listening.getsockname()[1]}/"


@pytest.fixture
def console_errors() -> list[str]:
    """The page's console errors; a test that expects one (a refused request) takes it out."""
    return []


@pytest.fixture
def new_tab(browser, address):
    """new_tab(path="", errors=None, **context_options): a tab in a browser context of its own, on address + path
    once the page is ready (its console and page errors go to errors, if given); closed after the test. Every wait
    on it, its actions' and expect()'s, ends as soon as its state is there, or fails after WAIT."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    contexts = []

    def open_tab(path: str = "", errors: list[str] | None = None, **context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(WAIT)
        contexts.append(context)
        tab = context.new_page()
        if errors is not None:
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(address + path)
        tab.wait_for_selector("body[data-ready=true]")
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_tab, console_errors):
    """A fresh tab on the lesson, failing the test on any console error or page error."""
    yield new_tab(errors=console_errors, viewport={"width": 1280, "height": 900})
    assert console_errors == [], f"console errors: {console_errors}"


@pytest.fixture
def refused(console_errors):
    """refused(status): take out the console's lines for requests the server refused with status (Chromium logs
    each one, in its own words: only the status code is matched); any other console error stays, and fails the test."""

    def take(status: int) -> None:
        assert any(str(status) in line for line in console_errors), console_errors
        console_errors[:] = [line for line in console_errors if str(status) not in line]

    return take


@pytest.fixture
def client():
    """The live lesson's app through Starlette's test client (httpx, from the dev extra), addressed to 127.0.0.1
    as the browser is."""
    from starlette.testclient import TestClient

    from micrograd_lesson.app import server

    return TestClient(server.create_app(), base_url="http://127.0.0.1")


@pytest.fixture
def session(client) -> str:
    """A fresh session's id."""
    return client.post("/api/session", json={}).json()["session"]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built once for the tests that look inside it (about a second: hatchling comes with
    the dev extra)."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("wheel")
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation", "-w", str(folder)],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("*.whl")
    return built
