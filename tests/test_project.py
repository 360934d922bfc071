"""The project's floor: the README's quickstart is what CI runs, the command works, lint is clean."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_lesson

ROOT = Path(__file__).resolve().parents[1]


def quickstart_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_readme_quickstart_is_two_lines_and_ci_runs_the_second_with_the_torch_extra():
    lines = quickstart_lines()
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert "micrograd-lesson" in lines[0] and "pytest" in lines[1]
    assert '".[dev]"' in lines[1]  # a learner's machine needs no torch: its tests skip there
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert lines[1].replace('".[dev]"', '".[dev,torch]"') in ci
    assert "set -euo pipefail" in ci


@pytest.mark.parametrize("command", [["micrograd-lesson"], [sys.executable, "-m", "micrograd_lesson"]])
def test_the_command_welcomes_with_the_version(command, tmp_path):
    if command[0] == "micrograd-lesson":
        command[0] = str(Path(sys.executable).parent / "micrograd-lesson")
    # with no arguments the command runs the tour, which draws into ./micrograd-lesson-out: keep that out of the repo
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert micrograd_lesson.__version__ in result.stdout
    assert "backward()" in result.stdout


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff comes with the dev extra"
    subprocess.run([ruff, "check", str(ROOT)], check=True, capture_output=True, text=True)
    subprocess.run([ruff, "format", "--check", str(ROOT)], check=True, capture_output=True, text=True)


def test_readme_python_examples_run(tmp_path, monkeypatch, capsys):
    """Every python block of the README runs, in order, as a learner would paste it."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "Value(data=-8.0, grad=1.0, label='L')" in out and "6.0 -4.0" in out
    assert (tmp_path / "L.png").read_bytes().startswith(b"\x89PNG")
    assert len(namespace["losses"]) == 20
    assert "0.0215\ngout.svg\n" in out and (tmp_path / "gout").read_text() == namespace["dot"].source
