"""The browser tests' rule, in the root conftest.py: skip saying how to install, on a learner's machine; fail in CI."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with the project's conftest.py, a test that uses the browser, and a Playwright that fails."""
    shutil.copy(ROOT / "conftest.py", tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the folder is the root: no other settings reach it
    (tmp_path / "test_it.py").write_text("def test_it(browser):\n    pass\n\n\ndef test_without_it():\n    pass\n")
    (tmp_path / "hidden" / "playwright").mkdir(parents=True)
    (tmp_path / "hidden" / "playwright" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    return tmp_path


def run_pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(folder / "hidden")}
    if ci is not None:
        env["CI"] = ci
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the rule is the conftest's alone: no plugin, 2 s less to start
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", str(folder)]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


def test_a_missing_playwright_skips_the_browser_tests_saying_how_to_install_it(project):
    result = run_pytest(project, ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert "needs Playwright (pip install playwright)" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_with_ci_true_a_missing_browser_fails_the_browser_tests(project, ci):
    result = run_pytest(project, ci=ci)
    assert result.returncode == 1, result.stdout
    assert "1 passed, 1 error" in result.stdout and "skipped" not in result.stdout  # failed at its setup
    assert "CI=true, so every test must run, but this one needs Playwright" in result.stdout


def test_a_missing_chromium_says_apt_get_install_chromium(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    rules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules)  # the root conftest.py, apart from the one pytest loaded
    monkeypatch.setattr(rules, "CHROMIUM", tmp_path / "no-chromium")
    assert rules.browser_missing() == f"Chromium at {tmp_path / 'no-chromium'} (apt-get install chromium)"
