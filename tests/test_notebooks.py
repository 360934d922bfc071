"""The notebooks: every one a jupytext pair in step, saved without outputs, all there and nothing else.

notebooks/NAME.py (percent format) is the text to edit and review; NAME.ipynb is what Jupyter opens, kept in
step with `jupytext --sync notebooks/*.py`. tests/test_notebooks_checks.py runs each one, top to bottom, and checks
what it computes (`pytest -p nbmake --nbmake notebooks/` runs each .ipynb in a Jupyter kernel as well).
"""

import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = [
    "01_single_neuron",
    "02_layers_and_networks",
    "03_training_loop",
    "04_backprop_one_scalar_at_a_time",
    "05_playground",
    "06_testing_your_gradients",
    "07_two_moons",
    "08_quick_check",
    "09_graduating_to_pytorch",
    "10_backprop_as_code",
]


def check_folder(folder: Path) -> None:
    """Every expected notebook is there as a pair (.py and .ipynb), and no other notebook is."""
    for suffix in (".ipynb", ".py"):
        found = sorted(path.stem for path in folder.glob(f"*{suffix}"))
        missing, unexpected = sorted(set(EXPECTED) - set(found)), sorted(set(found) - set(EXPECTED))
        assert not missing, f"missing notebook{suffix} files: {missing}"
        assert not unexpected, f"unexpected {suffix} files in notebooks/ (add them to EXPECTED?): {unexpected}"


def check_saved_clean(ipynb: Path) -> None:
    """The .ipynb is valid, paired with its .py, for the python3 kernel, and holds no outputs or counts."""
    notebook = nbformat.read(ipynb, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.jupytext.formats == "ipynb,py:percent", f"{ipynb.name} is not paired with its .py"
    assert notebook.metadata.kernelspec.name == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, f"{ipynb.name} has no code: nothing to run"
    for cell in code:
        assert cell.outputs == [], f"{ipynb.name}: a cell was saved with outputs"
        assert cell.execution_count is None, f"{ipynb.name}: a cell was saved with an execution count"


def check_in_step(ipynb: Path) -> None:
    """The .ipynb's cells are the ones jupytext reads from its .py: same types, same sources, same order."""
    text = jupytext.read(ipynb.with_suffix(".py"), fmt="py:percent")
    saved = nbformat.read(ipynb, as_version=4)
    assert [(c.cell_type, c.source) for c in saved.cells] == [(c.cell_type, c.source) for c in text.cells], (
        f"{ipynb.name} differs from {ipynb.stem}.py: run jupytext --sync notebooks/*.py"
    )


def test_every_expected_notebook_is_a_pair_and_nothing_else():
    check_folder(NOTEBOOKS)


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_saved_without_outputs(name):
    check_saved_clean(NOTEBOOKS / f"{name}.ipynb")


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_in_step_with_its_py(name):
    check_in_step(NOTEBOOKS / f"{name}.ipynb")


# --- the checks above can fail: doctored copies in tmp_path -------------------------------------------


@pytest.fixture
def pair(tmp_path) -> Path:
    """A copy of the first notebook's pair; returns the .ipynb's path."""
    for suffix in (".ipynb", ".py"):
        shutil.copy(NOTEBOOKS / f"{EXPECTED[0]}{suffix}", tmp_path)
    check_in_step(tmp_path / f"{EXPECTED[0]}.ipynb")  # an untouched copy passes
    return tmp_path / f"{EXPECTED[0]}.ipynb"


def test_an_edited_py_is_caught_until_synced(pair):
    py = pair.with_suffix(".py")
    py.write_text(py.read_text().replace("x = [2.0, 0.0]", "x = [2.0, 1.0]"))
    with pytest.raises(AssertionError, match=r"differs from .*run jupytext --sync"):
        check_in_step(pair)
    jupytext.write(jupytext.read(py), pair)  # what --sync does, near enough: the .ipynb follows the .py
    check_in_step(pair)


def test_a_cell_added_to_the_py_is_caught(pair):
    py = pair.with_suffix(".py")
    py.write_text(py.read_text() + "\n# %%\nprint('one more cell')\n")
    with pytest.raises(AssertionError, match="differs from"):
        check_in_step(pair)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("outputs", [nbformat.v4.new_output("stream", text="hi")], "saved with outputs"),
        ("execution_count", 1, "saved with an execution count"),
    ],
)
def test_a_notebook_saved_after_running_is_caught(pair, field, value, message):
    check_saved_clean(pair)
    notebook = nbformat.read(pair, as_version=4)
    next(cell for cell in notebook.cells if cell.cell_type == "code")[field] = value
    nbformat.write(notebook, pair)
    with pytest.raises(AssertionError, match=message):
        check_saved_clean(pair)


def test_a_missing_or_unexpected_notebook_is_caught(tmp_path):
    for name in EXPECTED:
        for suffix in (".ipynb", ".py"):
            (tmp_path / f"{name}{suffix}").touch()
    check_folder(tmp_path)
    (tmp_path / "09_extra.ipynb").touch()
    with pytest.raises(AssertionError, match=r"unexpected \.ipynb files .*09_extra"):
        check_folder(tmp_path)
    (tmp_path / "09_extra.ipynb").unlink()
    (tmp_path / f"{EXPECTED[3]}.py").unlink()
    with pytest.raises(AssertionError, match=f"missing notebook.py files: .*{EXPECTED[3]}"):
        check_folder(tmp_path)
