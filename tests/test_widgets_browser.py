"""The notebook widgets in a real JupyterLab, driven by Playwright and Debian's Chromium: one notebook opened and
run, and every check walked in it (JupyterLab starts once: it is the slow part)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

WAIT = 120_000  # ms: the most a wait in JupyterLab may take (a kernel starting on a busy machine); each ends sooner
INSTALL = "pip install 'micrograd-lesson[dev]' (JupyterLab and anywidget)"
KERNEL_IDLE = "window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"
# JupyterLab, started without the IRI grammars that jsonschema builds at import when rfc3987_syntax is installed
# (about 3.5 s of CPU, more than half of JupyterLab's start; no schema the server checks has an IRI in it)
LAB = "import sys; sys.modules['rfc3987_syntax'] = None; from jupyterlab.labapp import main; sys.exit(main())"
CELLS = [
    "from micrograd_lesson import widgets\nplayground = widgets.Playground()\nplayground",
    "from micrograd_lesson.examples import lecture_expression\nL = lecture_expression()\nwidgets.Stepper(L)",
    "trainer = widgets.Trainer(hidden=[4], stop_at_100=False)\ntrainer",
    "playground  # a second view of the same widget",
]


def lacking() -> str | None:
    """What this test lacks to run JupyterLab, or None."""
    missing = [name for name in ("jupyterlab", "anywidget") if importlib.util.find_spec(name) is None]
    return f"needs {' and '.join(missing)}: {INSTALL}" if missing else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """JupyterLab on 127.0.0.1, a free port and a token, serving a folder of its own: (its address with the token,
    the folder)."""
    why = lacking()
    if why:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"CI=true, so every test must run, but this one {why}", pytrace=False)
        pytest.skip(why)
    with running_lab(tmp_path_factory.mktemp("lab")) as lab:
        yield lab


@contextlib.contextmanager
def running_lab(folder: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab serving folder, its settings, workspaces and runtime files kept there too; stopped on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    home = folder / ".jupyter"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    command = [
        *(sys.executable, "-c", LAB, "--no-browser", "--ip=127.0.0.1", f"--port={port}"),
        *(f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}", "--expose-app-in-browser"),
        *("--allow-root", "--ServerApp.port_retries=0", "--LabApp.extension_manager=readonly"),
    ]
    (home / "config").mkdir(parents=True)
    # server extensions the test does not use (Notebook 7 too, where it is installed): JupyterLab starts sooner
    unused = {"jupyter_lsp": False, "jupyter_server_terminals": False, "jupyterlab_jupytext": False, "notebook": False}
    config = {"ServerApp": {"jpserver_extensions": unused}}
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
    quiet = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    quiet.parent.mkdir(parents=True)
    quiet.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news toast over the cells
    (home / "config" / "labconfig").mkdir()  # no check whether JupyterLab needs a build: it is a wheel's
    (home / "config" / "labconfig" / "page_config.json").write_text('{"buildCheck": false, "buildAvailable": false}')
    log = (folder / "lab.log").open("wb")
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    try:
        while not answers(f"{address}/api/status?token={token}"):
            assert server.poll() is None, f"JupyterLab stopped: {(folder / 'lab.log').read_text()[-2000:]}"
            time.sleep(0.1)
        yield f"{address}/lab/tree/%s?token={token}", folder
    finally:  # the kernels shut down as Jupyter does; then the server has nothing left to keep (it took 3 s to stop)
        for kernel in asked(f"{address}/api/kernels?token={token}") or []:
            asked(f"{address}/api/kernels/{kernel['id']}?token={token}", "DELETE")
        server.kill()
        server.wait(30)
        log.close()


def answers(url: str) -> bool:
    """True once url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def asked(url: str, method: str = "GET") -> object:
    """The JSON answer of JupyterLab's REST API to url (None for an empty answer, or if the server is gone)."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=WAIT / 1000) as response:
            return json.loads(response.read() or "null")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of these code cells, for the venv's Python kernel."""
    notebook = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": text}
            for i, text in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


def open_and_run(browser, lab: tuple[str, Path], name: str, cells: list[str], **context_options):
    """A tab on a new notebook of cells in JupyterLab, every cell run, once its widgets are shown."""
    from playwright.sync_api import expect

    address, folder = lab
    write_notebook(folder / name, cells)
    context = browser.new_context(**context_options)
    context.set_default_timeout(WAIT)
    expect.set_options(timeout=WAIT)
    tab = context.new_page()
    tab.goto(address % name)
    tab.wait_for_function(KERNEL_IDLE)
    tab.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return tab


def test_the_widgets_run_in_jupyterlab_with_the_pages_numbers(browser, lab):
    from playwright.sync_api import expect

    errors = []
    tab = open_and_run(browser, lab, "widgets.ipynb", CELLS, viewport={"width": 1280, "height": 900})
    tab.on("pageerror", lambda error: errors.append(str(error)))

    playground, second = tab.locator(".lesson-forward_pass").nth(0), tab.locator(".lesson-forward_pass").nth(1)
    expect(playground.locator("[data-part=output]")).to_have_text("0.5125")
    expect(second.locator("[data-part=output]")).to_have_text("0.5125")
    playground.locator("[data-part=x1]").fill("1")  # the slider moved to 1.00
    expect(playground.locator("[data-part=x1-out]")).to_have_text("1.00")
    expect(playground.locator("[data-part=output]")).to_have_text("0.6330")
    expect(second.locator("[data-part=output]")).to_have_text("0.6330")  # the other view refreshed
    expect(second.locator("[data-part=x1-out]")).to_have_text("1.00")

    stepper = tab.locator(".lesson-stepper")
    expect(stepper.locator("[data-part=status]")).to_contain_text("step 0 of 6")
    expect(stepper.locator("[data-part=graph]")).to_have_text("yours, from Python: L")  # not the lecture's, ticked
    expect(stepper.locator("input[type=radio]")).to_have_count(0)
    for k in range(1, 6):  # step 5: e pushes its -2 to a
        stepper.locator("[data-part=next]").click()
        expect(stepper.locator("[data-part=status]")).to_contain_text(f"step {k} of 6")
    a = stepper.locator("[data-part=nodes] tr", has=tab.locator("th", has_text="a"))
    expect(a.locator("td").nth(1)).to_have_text("+6.0000")

    trainer = tab.locator(".lesson-live_training")
    loss = trainer.locator("[data-part=train-loss]")
    expect(loss).not_to_have_text("…")
    before = loss.text_content()
    trainer.locator("[data-part=step]").click()
    expect(trainer.locator("[data-part=step-out]")).to_have_text("1")
    expect(loss).not_to_have_text(before)
    trainer.locator("[data-part=step]").press("r")  # the section's R (reset), not JupyterLab's (a raw cell)
    expect(trainer.locator("[data-part=step-out]")).to_have_text("0")
    expect(tab.locator(".jp-Notebook .jp-RawCell")).to_have_count(0)
    assert errors == [], f"page errors: {errors}"
    tab.context.close()
