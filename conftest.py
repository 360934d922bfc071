"""Tests and notebooks that need something optional: skipped without it, saying how to install it; failed in CI.

Two things are optional: the torch extra, and a browser for the live page's tests (Playwright driving
Debian's Chromium). Mark a test with @pytest.mark.requires("torch") (or a module with pytestmark = ...); a
test that uses the `browser` fixture (tests/conftest.py) needs the browser without saying so; a notebook
that needs an extra is listed in NOTEBOOKS below. Where one is missing, each such test is skipped with
what installs it, so the README's test line passes on a learner's machine; with CI=true it fails instead,
since CI installs everything and a missing part means its tests would never run. This file sits at the
project's root so that it also covers `pytest notebooks/` run alone.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

EXTRAS = {"torch": "torch"}  # each optional extra a test may need, and the module it installs
CHROMIUM = Path("/usr/bin/chromium")  # the browser tests drive Debian's Chromium (Playwright's own is not used)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Each notebook that needs an extra: for nbmake's run of it and for every test parametrized by it.
NOTEBOOKS = {"09_graduating_to_pytorch.ipynb": "torch"}
MISSING = pytest.StashKey[str]()  # on a test that must fail: why


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requires(extra): needs an optional extra; skipped without it, a failure when CI=true"
    )


def missing(extra: str) -> str | None:
    """Why the extra's module cannot be imported, or None when it can."""
    try:
        importlib.import_module(EXTRAS[extra])
    except ImportError as error:
        return f"{error}"
    return None


def browser_missing() -> str | None:
    """What the browser tests lack, with how to install it, or None when Playwright and Chromium are there."""
    lacking = []
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        lacking.append("Playwright (pip install playwright)")
    if not CHROMIUM.exists():
        lacking.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return " and ".join(lacking) or None


def why_not(need: str, causes: dict[str, str | None]) -> str | None:
    """Why a test that needs need ('browser' or an extra) cannot run here, or None when it can."""
    if need not in causes:
        causes[need] = browser_missing() if need == "browser" else missing(need)
    if causes[need] is None:
        return None
    if need == "browser":
        return f"needs {causes[need]}, to drive the live page"
    return f"needs the {need} extra: pip install 'micrograd-lesson[{need}]' ({causes[need]})"


def in_ci() -> bool:
    """True when the environment variable CI is set to true, as CI services do."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def notebook_of(item: pytest.Item) -> str | None:
    """The notebook (as its .ipynb name) nbmake runs in item, or that item is parametrized by (its path or name)."""
    if getattr(item, "nbmake", False):
        return item.path.name
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(value, (str, Path)) and f"{Path(value).stem}.ipynb" in NOTEBOOKS:
            return f"{Path(value).stem}.ipynb"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    causes: dict[str, str | None] = {}  # each need is looked for once
    for item in items:
        notebook = notebook_of(item)
        if notebook in NOTEBOOKS:
            item.add_marker(pytest.mark.requires(NOTEBOOKS[notebook]))
        needs = [marker.args[0] for marker in item.iter_markers("requires")]
        needs += ["browser"] * ("browser" in getattr(item, "fixturenames", ()))
        for need in needs:
            if need not in EXTRAS and need != "browser":
                raise pytest.UsageError(f"{item.nodeid}: requires({need!r}) names no extra in conftest.EXTRAS")
            how = why_not(need, causes)
            if how is None:
                continue
            if not in_ci():
                item.add_marker(pytest.mark.skip(reason=how))
            elif not getattr(item, "nbmake", False):  # a notebook runs, and fails where it first needs the extra
                item.stash[MISSING] = f"CI=true, so every test must run, but this one {how}"
            break


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if MISSING in item.stash:  # before any fixture tries to use what is missing: this message, not its traceback
        pytest.fail(item.stash[MISSING], pytrace=False)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright, for the live page's tests (skipped or failed above
    where either is missing)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # ms: every expect() waits for its state up to a minute, on a busy machine too
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
