"""The notebooks: all there, saved without outputs, and in step with notebooks/build_notebooks.py.

pytest runs every notebook itself (nbmake, see pyproject's addopts); this file checks how they are saved.
"""

import importlib.util
from pathlib import Path

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
]
COMMITTED = sorted(NOTEBOOKS.glob("*.ipynb"))


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_expected_notebook_exists_and_nothing_else():
    assert [path.stem for path in COMMITTED] == EXPECTED


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.stem)
def test_notebook_is_saved_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook with no code has nothing to run"
    for cell in code:
        assert cell.outputs == [], f"{path.name}: a cell was saved with outputs"
        assert cell.execution_count is None, f"{path.name}: a cell was saved with an execution count"
    assert any("assert " in cell.source for cell in code), f"{path.name} asserts nothing it shows"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.stem)
def test_notebook_matches_its_source_in_build_notebooks(path):
    built = _builder().build(path.stem)
    saved = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in saved.cells] == [(c.cell_type, c.source) for c in built.cells], (
        f"{path.name} differs from notebooks/build_notebooks.py: edit the script, then run it"
    )


def test_a_notebook_with_outputs_would_be_caught(tmp_path):
    notebook = _builder().build(EXPECTED[0])
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi")]
    notebook.cells[1].execution_count = 1
    path = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(AssertionError, match="saved with outputs"):
        test_notebook_is_saved_without_outputs(path)
