"""Optional extras: the engine never needs torch, a missing one says how to install it, and its tests skip or fail.

None of these tests needs torch: they hide it where it matters, so they run on every machine.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from micrograd_lesson import MLP
from micrograd_lesson.torch_bridge import from_torch, load_torch, require_torch, save_torch, to_torch

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "pip install 'micrograd-lesson[torch]'"


def test_importing_the_package_and_the_bridge_loads_no_torch():
    script = "import sys, micrograd_lesson, micrograd_lesson.torch_bridge; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "call",
    [
        require_torch,
        lambda: to_torch(MLP(2, [1], seed=0)),
        lambda: from_torch(None),
        lambda: load_torch("model.json"),  # not read: the missing extra comes first
        lambda: save_torch(None, "model.json"),
    ],
    ids=["require_torch", "to_torch", "from_torch", "load_torch", "save_torch"],
)
def test_without_torch_each_function_says_how_to_install_it(call, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)  # what Python does for a module that is not installed
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ImportError, match=r"needs PyTorch, an optional extra: pip install 'micrograd-lesson\[torch\]'"):
        call()
    assert list(tmp_path.iterdir()) == []


def test_the_torch_extra_is_pinned_to_the_cpu_build_and_ci_installs_it():
    """Plain `torch` or a range would pull a CUDA build of several GB; the dev extra stays without torch."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.findall(r'"torch\b[^"]*"', pyproject) == ['"torch==2.13.0"']  # the one requirement naming torch
    assert re.search(r'^torch = \["torch==2\.13\.0"\]$', pyproject, re.M)  # ... in the extra called torch
    assert '".[dev,torch]"' in (ROOT / ".ci" / "run").read_text()


# --- conftest.py: skipped on a learner's machine, failed in CI -----------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with the project's conftest.py, a test and a notebook that need torch, a test parametrized by that
    notebook and another, and a torch that fails."""
    shutil.copy(ROOT / "conftest.py", tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the folder is the root: no other settings reach it
    (tmp_path / "test_it.py").write_text(
        "import pytest\n\n\n@pytest.mark.requires('torch')\ndef test_it():\n    import torch\n"
    )
    (tmp_path / "test_by_notebook.py").write_text(
        "import pytest\n\n\n@pytest.mark.parametrize('name', ['09_graduating_to_pytorch', '01_other'])\n"
        "def test_by_notebook(name):\n    if name.startswith('09'):\n        import torch\n"
    )
    kernel = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")], metadata=kernel)
    nbformat.write(notebook, tmp_path / "09_graduating_to_pytorch.ipynb")
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / "torch.py").write_text("raise ImportError('torch is hidden by the test')\n")
    # jsonschema's optional IRI check, which nbmake's nbformat loads: it builds a grammar as it is imported, seconds
    # of each run's start, and no notebook here needs it
    (tmp_path / "hidden" / "rfc3987_syntax.py").write_text("raise ImportError('not needed here')\n")
    return tmp_path


def run_pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(folder / "hidden")}
    if ci is not None:
        env["CI"] = ci
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the one plugin it needs, nbmake, named below: 2 s less to start
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "nbmake", "--nbmake", "-rs", str(folder)]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


def test_without_torch_its_tests_and_notebook_skip_saying_how_to_install_it(project):
    result = run_pytest(project, ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout  # a test parametrized by the notebook needs torch too; not 01_other
    assert result.stdout.count(f"needs the torch extra: {INSTALL} (torch is hidden by the test)") == 3


def test_with_ci_true_a_missing_torch_fails_its_tests_and_notebook(project):
    result = run_pytest(project, ci="true")
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed, 2 errors" in result.stdout and "skipped" not in result.stdout  # the tests fail at setup
    assert result.stdout.count("CI=true, so every test must run, but this one needs the torch extra") == 2
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # the notebook's traceback comes in colour
    assert "ImportError: torch is hidden by the test" in plain  # it ran, and failed where it imports torch
