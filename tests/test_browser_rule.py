"""The browser tests' rule: skip with install advice on a learner's machine, fail under CI=true."""

from __future__ import annotations

import pytest

import conftest


def test_a_missing_chromium_skips_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        conftest.need_browser_tools()


def test_a_missing_chromium_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest.need_browser_tools()


def test_a_missing_playwright_says_pip_install_playwright(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now raises ImportError
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="pip install playwright"):
        conftest.need_browser_tools()
