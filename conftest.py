"""Tests and notebooks that need an optional extra: skipped without it, saying how to install it; failed in CI.

Mark a test with @pytest.mark.requires("torch") (or a module with pytestmark = ...); a notebook that needs an
extra is listed in NOTEBOOKS below. Where the extra is missing, each such test is skipped with the pip line
that installs it, so the README's test line passes on a learner's machine; with CI=true it fails instead,
since CI installs every extra and a missing one means its tests would never run. This file sits at the
project's root so that it also covers `pytest notebooks/` run alone.
"""

from __future__ import annotations

import importlib
import os

import pytest

EXTRAS = {"torch": "torch"}  # each optional extra a test may need, and the module it installs
NOTEBOOKS = {"09_graduating_to_pytorch.ipynb": "torch"}  # each notebook nbmake runs that needs an extra
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


def in_ci() -> bool:
    """True when the environment variable CI is set to true, as CI services do."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    causes: dict[str, str | None] = {}  # each extra is imported once
    for item in items:
        if getattr(item, "nbmake", False) and item.path.name in NOTEBOOKS:
            item.add_marker(pytest.mark.requires(NOTEBOOKS[item.path.name]))
        for marker in item.iter_markers("requires"):
            (extra,) = marker.args
            if extra not in EXTRAS:
                raise pytest.UsageError(f"{item.nodeid}: requires({extra!r}) names no extra in conftest.EXTRAS")
            if extra not in causes:
                causes[extra] = missing(extra)
            if causes[extra] is None:
                continue
            how = f"needs the {extra} extra: pip install 'micrograd-lesson[{extra}]' ({causes[extra]})"
            if not in_ci():
                item.add_marker(pytest.mark.skip(reason=how))
            elif not getattr(item, "nbmake", False):  # a notebook runs, and fails where it first needs the extra
                item.stash[MISSING] = f"CI=true, so every test must run, but this one {how}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if MISSING in item.stash:
        pytest.fail(item.stash[MISSING], pytrace=False)  # a failure of the test itself, not a skip or an error
