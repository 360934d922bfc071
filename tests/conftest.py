"""The live page's fixtures: its app through the test client, a server on a free port and a fresh tab on it (the
browser is the root conftest.py's)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def address():
    """The live lesson served by uvicorn, in a thread, on a free port of 127.0.0.1."""
    import uvicorn

    from micrograd_lesson.app.server import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def console_errors() -> list[str]:
    """The page's console errors; a test that expects one (a refused request) takes it out."""
    return []


@pytest.fixture
def page(browser, address, console_errors):
    """A fresh tab on the lesson, failing the test on any console error or page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors = console_errors
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(address)
    tab.wait_for_selector("body[data-ready=true]")
    yield tab
    context.close()
    assert errors == [], f"console errors: {errors}"


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
