"""The command line's compiled forms: graph --code prints (or writes) a graph's code; train --compiled uses one."""

import pytest
from test_cli import error_line, in_the_way, run  # noqa: F401 (in_the_way is a fixture)

from micrograd_lesson import compiled
from micrograd_lesson.app.cli import main
from micrograd_lesson.compiled import FUNCTION, NAMESPACE
from micrograd_lesson.expression import parse_expression

NEURON = ["graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10"]


def test_graph_code_prints_the_graphs_code_and_it_runs(tmp_path):
    result = run(*NEURON, "--code", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    source = result.stdout[result.stdout.index("def forward_backward") : result.stdout.index("wrote graph.svg")]
    for line in ("a, b, c = data", "out = tanh(v5)  # tanh", "grad_v5 += (1 - out * out) * grad_out  # tanh"):
        assert f"    {line}" in source
    namespace = dict(NAMESPACE)
    exec(source, namespace)
    out, (grad_a, grad_b, grad_c), _ = namespace[FUNCTION]([2.0, -3.0, 10.0], [0.0, 0.0, 0.0])
    parsed = parse_expression("(a*b + c).tanh()", {"a": 2.0, "b": -3.0, "c": 10.0})
    parsed.value.backward()
    assert (out, grad_a, grad_b, grad_c) == (parsed.value.data, *(parsed.inputs[k].grad for k in "abc"))


def test_graph_code_file_writes_the_code_there(tmp_path):
    result = run(*NEURON, "--code", "code/neuron.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote code/neuron.py (the graph as code)" in result.stdout
    source = (tmp_path / "code" / "neuron.py").read_text()
    assert source.startswith("def forward_backward(data, grads):\n") and "def forward_backward" not in result.stdout


def test_graph_code_into_a_folder_is_one_line_naming_it(in_the_way):  # noqa: F811
    result = run(*NEURON, "--code", "folder.svg", cwd=in_the_way)
    assert result.returncode == 1
    assert error_line(result, "graph") == "micrograd-lesson graph: cannot write folder.svg: folder.svg is a folder"


def test_train_compiled_gives_the_same_training_as_train(tmp_path):
    args = ["train", "--dataset", "moons", "--hidden", "4,4", "--epochs", "5"]
    plain, compiled = run(*args, cwd=tmp_path), run(*args, "--compiled", cwd=tmp_path)
    assert plain.returncode == compiled.returncode == 0, compiled.stderr
    assert "the loss graph compiled" in " ".join(compiled.stdout.split())  # the heading may wrap

    def result(stdout: str) -> str:  # from the final loss on: loss and accuracy, to the digit
        return stdout[stdout.index("final loss") :]

    assert result(compiled.stdout) == result(plain.stdout)


@pytest.mark.parametrize(("limit", "refused"), [(3939, True), (3940, False)])
def test_train_compiled_past_the_node_limit_is_refused_in_one_line_before_any_work(limit, refused, monkeypatch, capsys):
    """train --compiled --hidden 64,64,64,64,64,64 compiled 1.6 million nodes and ended in a MemoryError (14 GB)."""
    monkeypatch.setattr(compiled, "MAX_NODES", limit)  # --hidden 4,4 on moons' 75 points: 3,940 nodes, exactly
    code = main(["train", "--compiled", "--hidden", "4,4", "--epochs", "1"])
    out, err = capsys.readouterr()
    if refused:
        assert code == 1 and out == ""  # not even the heading: nothing was trained
        assert err == (
            "micrograd-lesson train: --compiled: cannot compile a graph of 3,940 nodes: compile_graph takes at most "
            "3,939 (compiling needs about 900 bytes and 40 us a node: 4 MB and 0 s for this one); leave out "
            "--compiled to train on the engine\n"
        )
    else:
        assert code == 0 and "final loss" in out
