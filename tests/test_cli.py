"""Each command run as a learner runs it: a subprocess, its exit code, its output, the files it writes.

What a command prints and writes is the same when its main(argv) runs in this process (the `here` fixture): the
tests about that, not about the process (exit codes on their own, a terminal, a pipe, a missing program), call it
so, and spare an interpreter's start and its imports (matplotlib's above all) per command."""

import io
import math
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_lesson import __version__
from micrograd_lesson.app.cli import main
from micrograd_lesson.app.terminal import Style, colour_enabled, node_table
from micrograd_lesson.expression import parse_expression

COMMANDS = ["tour", "graph", "train", "playground", "quiz", "notebooks"]
TITLES = [
    "A neuron's four steps",
    "forward pass",
    "five-step training loop",
    "one scalar at a time",
    "playground network",
]
TOUR_FILES = ["backprop-steps.html", "backprop.svg", "network.svg", "neuron.svg", "playground.svg", "xor-network.svg"]
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args, cwd, input=None, env=None, stdin=subprocess.DEVNULL):
    """python -m micrograd_lesson ARGS in cwd, without a terminal; NO_COLOR unset unless env says so."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | (env or {})
    if input is not None:
        stdin = None
    return subprocess.run(
        [sys.executable, "-m", "micrograd_lesson", *args],
        cwd=cwd,
        input=input,
        stdin=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,  # a safety net against a command that waits for input: never reached when it works
    )


@pytest.fixture
def here(tmp_path, monkeypatch, capsys):
    """here(*args, cwd=tmp_path): main(args) run in this process in cwd, as `run` runs the command (no terminal, so
    80 columns and no colour; NO_COLOR unset); a CompletedProcess with its exit code and what it printed."""

    def call(*args, cwd=tmp_path):
        monkeypatch.chdir(cwd)
        monkeypatch.setenv("COLUMNS", "80")  # what a process without a terminal falls back to
        monkeypatch.delenv("NO_COLOR", raising=False)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's refusals
            code = exit.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return call


# --- help, version, bad arguments ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_everywhere(command, tmp_path):
    result = run(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: micrograd-lesson")
    if not command:
        assert all(c in result.stdout for c in COMMANDS)


def test_version(tmp_path):
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"micrograd_lesson {__version__}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["teach"], "invalid choice: 'teach'"),
        (["tour", "--fast"], "unrecognized arguments: --fast"),
        (["graph"], "the following arguments are required: expression"),
        (["graph", "a", "--set", "a=x"], "a needs a number, got 'x'"),
        (["graph", "a", "--set", "a"], "expected name=number"),
        (["graph", "a", "--out", "graph.pdf"], "must be a .svg or .png file"),
        (["train", "--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["train", "--epochs", "0"], "expected a whole number >= 1"),
        (["train", "--hidden", "16,x"], "sizes separated by commas"),
        (["train", "--hidden", "16,0"], "at least 1 neuron"),
        (["train", "--hidden", "65"], "at most 6 hidden layers of at most 64 neurons each, got '65'"),
        (["train", "--hidden", "2,2,2,2,2,2,2"], "at most 6 hidden layers"),
        (["graph", "*".join(["a"] * 60), "--set", "a=1"], "more than the 100 allowed; draw a smaller expression"),
        (["train", "--lr", "-1"], "expected a number > 0"),
        (["playground", "--x1", "nan"], "expected a finite number"),
        (["playground", "--x2", "high"], "expected a number"),
        (["quiz", "--answer", "E"], "invalid choice: 'E'"),
        (["notebooks", ""], "argument DIR: expected a name, got an empty one ('' would mean this folder"),
        (["tour", "--out", ""], "argument --out: expected a name, got an empty one"),
        (["--out", ""], "argument --out: expected a name, got an empty one"),
        (["train", "--epochs", "1", "--save", ""], "argument --save: expected a name, got an empty one"),
        (["graph", "a", "--set", "a=1", "--code", ""], "argument --code: expected a file name, or - for the terminal"),
    ],
)
def test_bad_arguments_exit_2_with_usage(args, message, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: micrograd-lesson" in result.stderr
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- tour -----------------------------------------------------------------------------------------------


def test_no_arguments_runs_the_tour_and_names_the_folder_it_drew_into(tmp_path):
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"micrograd_lesson {__version__}: the lesson in 5 stops")
    positions = [result.stdout.index(title) for title in TITLES]
    assert positions == sorted(positions)
    assert "o = tanh(n) = 0.7071" in result.stdout
    folder = tmp_path / "micrograd-lesson-out"
    assert sorted(p.name for p in folder.iterdir()) == TOUR_FILES
    assert f"The tour drew 6 pictures into this folder:\n  {folder}{os.sep}\n" in result.stdout
    me = f"{sys.executable} -m micrograd_lesson"  # where to go next, written as the tour was started (80 columns:
    assert f"\n  {me}\nfollowed by one of:\n     serve\n     notebooks DIR\n" in result.stdout  # the path once)
    assert "\033[" not in result.stdout  # no colour without a terminal


def test_the_tour_draws_into_the_folder_given(tmp_path):
    result = run("tour", "--out", "pictures/lesson", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "pictures" / "lesson").iterdir()) == TOUR_FILES
    assert list(tmp_path.iterdir()) == [tmp_path / "pictures"]


def test_the_tours_options_work_without_naming_it(tmp_path):
    result = run("--out", "pictures", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == TOUR_FILES
    assert list(tmp_path.iterdir()) == [tmp_path / "pictures"]
    elsewhere = run("--out", "pictures", "quiz", "--answer", "B", cwd=tmp_path)
    assert (
        elsewhere.returncode == 2 and "--out DIR and --interactive before a command are the tour's" in elsewhere.stderr
    )


def tokens_and_widest(text: str) -> tuple[list[str], int]:
    return text.split(), max(len(line) for line in text.splitlines())


def test_the_tour_fits_the_terminals_width_and_never_breaks_a_word(tmp_path):
    wide = run("--out", "pictures", cwd=tmp_path, env={"COLUMNS": "1000"})
    narrow = run("--out", "pictures", cwd=tmp_path, env={"COLUMNS": "80"})
    assert (
        tokens_and_widest(narrow.stdout)[0] == tokens_and_widest(wide.stdout)[0]
    )  # the same words in the same order, none cut in two
    long_lines = [line for line in narrow.stdout.splitlines() if len(line) > 80]
    assert all(len(line.split()) == 1 for line in long_lines)  # only a word longer than a line (a path) sticks out
    assert tokens_and_widest(wide.stdout)[1] > 100  # the wide terminal got long lines: the text is reflowed
    unknown = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    fallback = subprocess.run(
        [sys.executable, "-m", "micrograd_lesson", "--out", "f"],
        cwd=tmp_path,
        env=unknown,
        capture_output=True,
        text=True,
    )
    assert all(len(line) <= 80 or len(line.split()) == 1 for line in fallback.stdout.splitlines())  # 80 when unknown


def test_interactive_tour_without_a_terminal_never_waits(tmp_path):
    # stdin is an open pipe that never sends anything: a tour that waited would hang here
    with subprocess.Popen(
        [sys.executable, "-m", "micrograd_lesson", "tour", "--interactive"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        stdout, stderr = process.communicate(timeout=120)  # keeps stdin open until the tour ends by itself
    assert process.returncode == 0, stderr
    assert "[Enter]" not in stdout and "Press Enter" not in stdout
    assert all(title in stdout for title in TITLES)


def _converse_on_a_terminal(args, tmp_path, prompt, replies):
    """Run with stdin and stdout on a pseudo-terminal, answering each prompt with the next reply (then Ctrl-D)."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "micrograd_lesson", *args], cwd=tmp_path, stdin=follower, stdout=follower
    ) as process:
        os.close(follower)
        output, answered = b"", 0
        while select.select([leader], [], [], 120)[0]:  # a safety net only: a silent minute means it hangs
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            output += chunk
            while output.count(prompt) > answered:
                os.write(leader, replies[answered] if answered < len(replies) else b"\x04")
                answered += 1
        else:
            process.kill()
    os.close(leader)
    return process.returncode, output.decode()


@pytest.mark.parametrize("args", [["tour", "--interactive"], ["--interactive"]])
def test_interactive_tour_on_a_terminal_waits_for_enter_between_sections(args, tmp_path):
    code, output = _converse_on_a_terminal(args, tmp_path, b"[Enter]", [b"\n"] * 4)
    assert code == 0
    assert output.count("[Enter] for the next section") == 4  # between five sections, not after the last
    positions = [output.index(title) for title in TITLES]
    assert positions == sorted(positions)
    assert "The tour drew 6 pictures" in output


def test_interactive_tour_stops_at_end_of_input(tmp_path):
    code, output = _converse_on_a_terminal(["tour", "--interactive"], tmp_path, b"[Enter]", [])  # Ctrl-D at once
    assert code == 0
    assert output.count("[Enter] for the next section") == 1
    assert TITLES[0] in output and TITLES[1] not in output
    assert "The tour drew 1 picture into" in output


def test_quiz_on_a_terminal_asks_again_after_a_bad_answer_and_gives_a_second_try(tmp_path):
    replies = [b"E\n", b"c\n", b"b\n", b"a\n", b"c\n", b"d\n", b"six\n", b"6\n"]  # then Ctrl-D: the learner stops
    code, output = _converse_on_a_terminal(["quiz"], tmp_path, b"Your answer", replies)
    assert code == 0
    assert "answer with one of A, B, C, D, got 'E'" in output
    assert "C is not it. Hint: " in output and "Try once more." in output
    assert "The answer is B" not in output  # the second try found it
    assert "B is right." in output and "A is right." in output and "D is right." in output
    assert "expected a number, got 'six'" in output
    assert "Yes: dL/da = 6." in output
    assert output.count("Your answer") == 9
    assert "Score: 5 of 5 right (4 at the first try)" in output


def _run_on_a_terminal(args, tmp_path, env):
    """Run with stdout on a pseudo-terminal; return everything it printed."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")} | env
    with subprocess.Popen(
        [sys.executable, "-m", "micrograd_lesson", *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=environment,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path):
    coloured = _run_on_a_terminal(["quiz", "--answer", "B"], tmp_path, {"TERM": "xterm"})
    assert "\033[1m1. What does backpropagation do" in coloured
    assert "\033[32mB is right." in coloured
    plain = _run_on_a_terminal(["quiz", "--answer", "B"], tmp_path, {"TERM": "xterm", "NO_COLOR": "1"})
    assert "\033[" not in plain and "B is right." in plain


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_colour_enabled_reads_the_stream_and_the_environment(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_enabled(_Stream(True)) and not colour_enabled(_Stream(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_enabled(_Stream(True))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not colour_enabled(_Stream(True))
    assert Style(False).good("x") == "x" and Style(True).good("x") == "\033[32mx\033[0m"


# --- graph ----------------------------------------------------------------------------------------------

UNSAFE = [
    "__import__('pathlib').Path('MARKER').touch()",
    "open('MARKER', 'w')",
    "a.__class__.__init__.__globals__",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    'exec(\'open("MARKER", "w")\')',
    "(lambda: open('MARKER', 'w'))()",
    "a.data",
]


@pytest.mark.parametrize("expression", UNSAFE)
def test_unsafe_expressions_are_refused_with_exit_2_and_never_run(expression, tmp_path):
    result = run("graph", expression, "--set", "a=1", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: micrograd-lesson graph" in result.stderr
    assert "is not allowed" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no MARKER, and no drawing either


def test_unknown_names_and_impossible_math_exit_2_with_the_reason(tmp_path):
    unknown = run("graph", "a * z", "--set", "a=1", "b=2", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown name 'z'" in unknown.stderr and "a, b" in unknown.stderr
    log = run("graph", "a.log()", "--set", "a=-2", cwd=tmp_path)
    assert log.returncode == 2 and "log() needs a positive input, got -2.0 (label 'a')" in log.stderr
    syntax = run("graph", "a +", "--set", "a=1", cwd=tmp_path)
    assert syntax.returncode == 2 and "cannot parse 'a +'" in syntax.stderr


def test_graph_prints_every_node_with_its_grad_and_draws_it(tmp_path, here):
    result = here("graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10", "--backward", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(a*b + c).tanh()   with a = 2, b = -3, c = 10" in result.stdout
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:] if line.startswith("  ")}
    assert lines["out"][1:] == ["tanh", "0.999329", "1"]
    assert float(lines["a"][-1]) == pytest.approx(-3 * (1 - 0.999329299739067**2), rel=1e-5)
    assert "until backward() runs" not in result.stdout
    assert result.stdout.endswith("wrote graph.svg\n")
    svg = (tmp_path / "graph.svg").read_text()
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "tanh" in svg and "grad 1.0000" in svg


def test_graph_chain_rule_to_png(tmp_path, here):
    result = here("graph", "a*b + a", "--set", "a=2", "b=3", "--chain-rule", "--out", "out/g.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "g.png").read_bytes().startswith(PNG)
    assert "until backward() runs" not in result.stdout  # --chain-rule implies --backward
    assert "a                                    2            4" in result.stdout  # da = b + 1


def test_graph_takes_the_expression_after_the_pairs_too(tmp_path, here):
    result = here("graph", "--set", "a=2", "b=3", "a*b", "--backward", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("a*b   with a = 2, b = 3\n")
    missing = here("graph", "--set", "a=2", cwd=tmp_path)
    assert missing.returncode == 2 and "required: expression" in missing.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["graph", "-a*b", "--set", "a=2", "b=3", "--backward"],
        ["graph", "--set", "a=2", "b=3", "-a*b", "--backward"],
        ["graph", "--backward", "--set", "a=2", "b=3", "--", "-a*b"],
    ],
)
def test_an_expression_may_start_with_a_minus(args, tmp_path, here):
    result = here(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-a*b   with a = 2, b = 3\n")
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[2:] if line.startswith("  ")}
    assert rows["-a"] == ["neg", "-2", "3"] and rows["-a*b"] == ["*", "-6", "1"]
    assert (tmp_path / "graph.svg").exists()


def test_a_stray_option_after_the_expression_says_where_a_minus_expression_goes(tmp_path):
    result = run("graph", "a*b", "-c", "--set", "a=2", "b=3", cwd=tmp_path)
    assert result.returncode == 2 and "usage: micrograd-lesson graph" in result.stderr
    assert "unrecognized arguments: -c (an expression may also follow --" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_names_are_shown_as_typed_even_those_python_reads_as_others(tmp_path, here):
    # Python reads the mathematical italic 𝑤 and 𝑥 as w and x; the learner typed 𝑤 and 𝑥, and sees them
    result = here("graph", "𝑤*𝑥 + b", "--set", "𝑤=2", "𝑥=3", "b=1", "--backward", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("𝑤*𝑥 + b   with 𝑤 = 2, 𝑥 = 3, b = 1\n")
    rows = [re.split(r"\s{2,}", line.strip())[0] for line in result.stdout.splitlines()[2:] if line[:2] == "  "]
    assert rows == ["𝑤", "𝑥", "𝑤*𝑥", "b", "𝑤*𝑥 + b"]
    svg = (tmp_path / "graph.svg").read_text()
    assert ">𝑤</text>" in svg and ">𝑥</text>" in svg and ">w</text>" not in svg
    unknown = here("graph", "𝑦*2", "--set", "𝑤=2", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown name '𝑦' in the expression; the known names are: 𝑤" in unknown.stderr


def test_output_into_a_closed_pipe_stops_quietly(tmp_path):
    with subprocess.Popen(
        [sys.executable, "-m", "micrograd_lesson", "tour"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        process.stdout.readline()
        process.stdout.close()  # like `micrograd-lesson | head -1`
        stderr = process.stderr.read().decode()
    assert "Traceback" not in stderr


@pytest.mark.parametrize("example", ["lecture-expression", "lecture-neuron", "network-loss"])
def test_graph_steps_backward_through_each_of_the_lessons_graphs_as_a_flipbook(example, tmp_path, here):
    result = here("graph", "--example", example, "--flipbook", "steps.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"the lesson's {example}\n")
    assert "wrote steps.html (backward, one chain-rule step a frame" in result.stdout
    page = (tmp_path / "steps.html").read_text()
    names = re.findall(r'data-name="([^"]+)"', page)
    assert names[0] == "start" and names[-1] == "done" and names[1] == f"step 1 of {len(names) - 2}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["steps.html"]  # no graph.svg unless --out asks for it
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:] if line.startswith("  ")}
    assert rows[{"lecture-expression": "L", "lecture-neuron": "o", "network-loss": "loss"}[example]][-1] == "1"


def test_graph_flipbook_of_an_expression_as_a_gif_beside_its_drawing(tmp_path, here):
    result = here("graph", "a*b + a", "--set", "a=2", "b=3", "--flipbook", "ab.gif", "--out", "ab.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ab.gif").read_bytes().startswith(b"GIF8")
    assert (tmp_path / "ab.png").read_bytes().startswith(PNG)
    assert "a                                    2            4" in result.stdout  # backward ran: da = b + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graph", "--example", "lecture-neuron", "a*b"], "give it no expression and no --set"),
        (["graph", "--example", "xor"], "invalid choice: 'xor'"),
        (["graph", "a*b", "--set", "a=2", "b=3", "--flipbook", "steps.pdf"], "must be a .html or .gif file"),
        (["graph", "2", "--flipbook", "steps.html"], "is a single number: backward has no steps"),
    ],
)
def test_graph_flipbook_arguments_are_checked(args, message, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_graph_without_backward_says_why_the_grads_are_zero(tmp_path, here):
    result = here("graph", "a*b", "--set", "a=2", "b=-3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "every grad is 0 until backward() runs: add --backward" in result.stdout
    assert "call backward()" in (tmp_path / "graph.svg").read_text()  # the drawing says so too


def test_node_table_lists_parents_first():
    parsed = parse_expression("a*b + a", {"a": 2.0, "b": 3.0})
    rows = [re.split(r"\s{2,}", line.strip())[0] for line in node_table(parsed.value).splitlines()[1:]]
    assert rows == ["a", "b", "a*b", "a*b + a"]


# --- train ----------------------------------------------------------------------------------------------


def flat(text: str) -> str:
    """text with every run of whitespace one space: what a command printed, wrapped at any width."""
    return " ".join(text.split())


def test_train_xor_reports_training_and_held_out_accuracy_with_a_progress_bar_and_saves_the_model(tmp_path, here):
    result = here("train", "--dataset", "xor", "--hidden", "8", "--epochs", "40", "--save", "m/xor.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = flat(result.stdout)
    assert "Training MLP(2, [8, 1]) on xor (75 training points, 25 held out) for 40 epochs" in out
    assert "training accuracy 100% (75 of 75 points), held-out accuracy 100% (25 of 25 points it never" in out
    assert "training: 100%" in result.stderr and "40/40" in result.stderr and "loss=" in result.stderr
    from micrograd_lesson import data
    from micrograd_lesson.metrics import accuracy
    from micrograd_lesson.serialize import load

    model, points = load(tmp_path / "m" / "xor.json"), data.train_test("xor", seed=0)
    assert accuracy(model, points.X_test, points.y_test) == 1.0
    assert accuracy(model, *data.xor()) == 1.0  # and the lesson's four corners


def test_train_stops_early_once_the_loss_is_0_and_says_so(tmp_path, here):
    result = here("train", "--dataset", "moons", "--hidden", "8,8", "--epochs", "50", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = flat(result.stdout)
    assert "Stopped after epoch 46 of 50: the loss reached 0, so every gradient is 0" in out
    assert "final loss 0.0000" in out and "46/50" in result.stderr and "50/50" not in result.stderr


def test_train_plots_the_decision_boundary_and_the_loss(tmp_path, here):
    result = here("train", "--dataset", "circles", "--hidden", "4", "--epochs", "2", "--plot", "p.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "on circles (75 training points, 25 held out) for 2 epochs" in flat(result.stdout)
    assert "wrote p.png (the decision boundary)\nwrote p-loss.png (the loss curve)\n" in result.stdout
    assert (tmp_path / "p.png").read_bytes().startswith(PNG)
    assert (tmp_path / "p-loss.png").read_bytes().startswith(PNG)


def test_train_is_reproducible_from_its_seed(tmp_path):
    args = ["train", "--dataset", "moons", "--hidden", "4", "--epochs", "3", "--seed", "7"]
    first, second = run(*args, cwd=tmp_path), run(*args, cwd=tmp_path)
    assert first.returncode == 0 and first.stdout == second.stdout


def test_train_that_diverges_says_where_in_one_line(tmp_path, here):
    result = here("train", "--dataset", "xor", "--lr", "1e300", "--epochs", "5", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("micrograd-lesson train:")]
    assert line.startswith("micrograd-lesson train: with --lr 1e+300, training diverged at epoch 1, in the forward")
    assert "try a smaller learning rate" in line and "overflowed" in line


# --- output paths that cannot be written: one line naming the path, exit 1, never a traceback ------------

LONG = "x" * 300  # longer than any file name may be (255 bytes)
GRAPH = ["graph", "a*b", "--set", "a=2", "b=3"]


@pytest.fixture
def in_the_way(tmp_path):
    """tmp_path with a file and a few folders where outputs will be asked for (chmod stops nobody as root)."""
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "folder.svg").mkdir()
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "pictures" / "neuron.svg").mkdir(parents=True)
    return tmp_path


def error_line(result, command):
    """The one line of stderr that says what went wrong (train's progress bar also goes to stderr)."""
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("micrograd-lesson")]
    assert line.startswith(f"micrograd-lesson {command}: ")
    return line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*GRAPH, "--out", "a-file/g.svg"], "cannot write a-file/g.svg: a-file is a file, not a folder"),
        ([*GRAPH, "--out", "a-file/more/g.svg"], "cannot write a-file/more/g.svg: a-file is a file, not a folder"),
        ([*GRAPH, "--out", "folder.svg"], "cannot write folder.svg: folder.svg is a folder"),
        ([*GRAPH, "--out", f"{LONG}.svg"], f"cannot write {LONG}.svg: the name is too long"),
        (["playground", "--out", "a-file/p.png"], "cannot write a-file/p.png: a-file is a file, not a folder"),
        (["playground", "--out", "folder.svg"], "cannot write folder.svg: folder.svg is a folder"),
        (["playground", "--out", f"{LONG}.png"], f"cannot write {LONG}.png: the name is too long"),
        (["tour", "--out", "a-file"], "cannot create the folder a-file: a-file is a file, not a folder"),
        (["tour", "--out", "a-file/pictures"], "cannot create the folder a-file/pictures: a-file is a file, not"),
        (["tour", "--out", LONG], f"cannot create the folder {LONG}: the name is too long"),
        (["tour", "--out", "pictures"], "cannot write pictures/neuron.svg: pictures/neuron.svg is a folder"),
        (["notebooks", "a-file/notebooks"], "cannot create the folder a-file/notebooks: a-file is a file, not"),
        (["notebooks", LONG], f"cannot create the folder {LONG}: the name is too long"),
    ],
    ids=lambda x: " ".join(x)[:60] if isinstance(x, list) else None,
)
def test_an_output_that_cannot_be_written_is_one_line_naming_it(in_the_way, args, message, here):
    before = sorted(in_the_way.rglob("*"))
    result = here(*args, cwd=in_the_way)
    assert result.returncode == 1
    assert message in error_line(result, args[0])
    assert result.stderr.count("\n") == 1
    if args[0] != "tour":  # the tour draws stop by stop: what it drew before the failing one stays
        assert sorted(in_the_way.rglob("*")) == before  # nothing else written, no temporary file left behind
    assert (in_the_way / "a-file").read_text() == "not a folder"


TRAIN = ["train", "--dataset", "xor", "--hidden", "4", "--epochs", "20"]


def test_train_keeps_its_model_when_only_the_plot_cannot_be_written(in_the_way, here):
    result = here(*TRAIN, "--plot", "a-file/p.png", "--save", "m.json", cwd=in_the_way)
    assert result.returncode == 1
    out = flat(result.stdout)  # "final loss 0.1234 training accuracy 100% (...), held-out accuracy 92% (...)"
    loss, right, held = re.search(
        r"final loss ([\d.]+) training accuracy (\d+)% .*held-out accuracy (\d+)%", out
    ).groups()
    loss_and_accuracy = f"final loss {loss}, training accuracy {right}%, held-out accuracy {held}%"
    assert result.stdout.endswith("wrote m.json (the model: load it with micrograd_lesson.serialize.load)\n")
    line = error_line(result, "train")
    assert f"the training finished ({loss_and_accuracy}), but cannot write a-file/p.png: a-file is a file" in line
    assert "cannot write a-file/p-loss.png" in line and line.endswith("; it did write m.json")
    from micrograd_lesson import data
    from micrograd_lesson.metrics import accuracy
    from micrograd_lesson.serialize import load

    points = data.train_test("xor", seed=0)
    trained = load(in_the_way / "m.json")
    right, held = accuracy(trained, points.X_train, points.y_train), accuracy(trained, points.X_test, points.y_test)
    assert loss_and_accuracy.endswith(f"training accuracy {right:.0%}, held-out accuracy {held:.0%}")  # the same model


@pytest.mark.parametrize(
    ("save", "message"),
    [("folder.json", "folder.json is a folder"), ("a-file/m.json", "a-file is a file"), (LONG, "the name is too long")],
)
def test_train_keeps_its_plots_when_only_the_model_cannot_be_saved(in_the_way, save, message, here):
    result = here(*TRAIN, "--plot", "p.svg", "--save", save, cwd=in_the_way)
    assert result.returncode == 1
    assert "final loss" in result.stdout and "wrote p.svg (the decision boundary)" in result.stdout
    line = error_line(result, "train")
    assert f"but cannot write {save}: {message}" in line and line.endswith("; it did write p.svg, p-loss.svg")
    assert (in_the_way / "p-loss.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_train_says_when_it_wrote_nothing(in_the_way, here):
    result = here(*TRAIN, "--save", f"{LONG}.json", cwd=in_the_way)
    assert result.returncode == 1 and "final loss" in result.stdout
    assert "it did write" not in error_line(result, "train")


# --- playground -----------------------------------------------------------------------------------------


def test_playground_prints_the_lessons_activations_and_draws_them(tmp_path, here):
    result = here("playground", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The lesson's network at x1 = 0.50, x2 = 0.50" in result.stdout
    assert "h1     = relu(+0.5*0.50 +0.2*0.50 -0.10) = 0.25" in result.stdout
    assert "Output: 0.5125" in result.stdout
    svg = (tmp_path / "playground.svg").read_text()
    assert "0.5125" in svg and "Hidden (ReLU)" in svg


def test_playground_at_other_inputs(tmp_path, here):
    result = here("playground", "--x1", "1", "--x2", "0.5", "--out", "net.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Output: 0.6330" in result.stdout
    assert (tmp_path / "net.png").read_bytes().startswith(PNG)


def test_playground_inputs_are_sliders_from_0_to_1(tmp_path):
    result = run("playground", "--x1", "1.5", cwd=tmp_path)
    assert result.returncode == 2
    assert "the slider x1 must be a finite number >= 0 and <= 1, got 1.5" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- quiz -----------------------------------------------------------------------------------------------


def test_quiz_answer_b_for_scripts(tmp_path):
    result = run("quiz", "--answer", "B", cwd=tmp_path)
    assert result.returncode == 0
    assert "What does backpropagation do during neural network training?" in result.stdout
    assert all(f"  {letter}. " in result.stdout for letter in "ABCD")
    assert "B is right." in result.stdout
    assert "Predict the gradient" not in result.stdout  # a script answers one question only


def test_quiz_wrong_answer_exits_1_and_explains(tmp_path):
    result = run("quiz", "--answer", "c", cwd=tmp_path)
    assert result.returncode == 1
    assert "C is not it. Predictions come from the forward pass" in result.stdout
    assert "The answer is B" in result.stdout


def test_quiz_reads_answers_from_a_pipe_then_asks_for_gradients(tmp_path):
    result = run("quiz", cwd=tmp_path, input="B\nA\nC\nD\n6\n\n4\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Your answer (A, B, C, D): B\n" in out
    assert [f"{n}. " in out for n in range(1, 9)] == [True] * 8  # questions numbered as the notebook numbers them
    assert "Yes: dL/da = 6." in out
    assert "Skipped: it is -2." in out
    assert "Yes: dL/df = 4." in out
    assert out.endswith("do/dw1?\nYour answer: \n\nScore: 6 of 6 right (6 at the first try)\n")  # the input ended


def test_quiz_wrong_gradient_twice_exits_1_with_the_explanation(tmp_path):
    result = run("quiz", cwd=tmp_path, input="B\nA\nC\nA\nD\n-6\n-6\n")
    assert result.returncode == 1
    out = result.stdout
    assert "A is not it. Hint: " in out and "D is right." in out  # question 4, at the second try
    assert "Not quite: you said -6. Hint: Go from L back to a" in out  # the first try: a hint, not the answer
    assert "Not quite: you said -6. Write e = a*b" in out  # the second: the explanation, with the answer
    assert "Score: 4 of 5 right (3 at the first try)" in out


@pytest.mark.parametrize(
    ("answers", "message"),
    [("", "no answer was given"), ("Z\n", "answer with one of A, B, C, D, got 'Z'"), ("B\nsix\n", "got 'six'")],
)
def test_quiz_without_a_usable_answer_exits_2(answers, message, tmp_path):
    result = run("quiz", cwd=tmp_path, input=answers)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("args", "advice", "left"),
    [
        (["graph", "a*b", "--set", "a=2", "b=3"], "draw a smaller expression", ["slow-dot"]),
        (["tour"], "try again", ["micrograd-lesson-out", "slow-dot"]),  # the folder, empty: neuron.svg is first
    ],
)
def test_a_drawing_past_the_time_limit_names_what_the_command_line_can_do(
    args, advice, left, tmp_path, monkeypatch, capsys
):
    from micrograd_lesson.viz import render

    slow = tmp_path / "slow-dot"
    slow.write_text("#!/bin/sh\nexec /bin/sleep 5\n")
    slow.chmod(0o755)
    monkeypatch.setenv("MICROGRAD_LESSON_DOT", str(slow))
    monkeypatch.setattr(render, "TIMEOUT", 0.2)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"micrograd-lesson {args[0]}: the drawing took longer than 0.2s, the limit; {advice}")
    assert err.count("\n") == 1 and "max_nodes" not in err  # draw_dot's options are no flags of the command
    assert sorted(p.name for p in tmp_path.iterdir()) == left
    assert not any((tmp_path / "micrograd-lesson-out").glob("*"))


@pytest.mark.parametrize("args", [["graph", "a*b", "--set", "a=2", "b=3"], ["tour"]])
def test_a_missing_graphviz_binary_is_a_how_to_fix_message_not_a_traceback(args, tmp_path):
    result = run(*args, cwd=tmp_path, env={"MICROGRAD_LESSON_DOT": str(tmp_path / "no-such-dot")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "MICROGRAD_LESSON_DOT" in result.stderr and "no-such-dot" in result.stderr


def test_the_network_picture_needs_no_graphviz_even_as_png(tmp_path):
    env = {"MICROGRAD_LESSON_DOT": str(tmp_path / "no-such-dot")}
    result = run("playground", "--out", "net.png", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "net.png").read_bytes().startswith(PNG)


def test_train_with_a_hidden_layer_of_one_neuron(tmp_path, here):
    result = here("train", "--dataset", "xor", "--hidden", "1", "--epochs", "3", "--save", "one.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Training MLP(2, [1, 1]) on xor (75 training points, 25 held out) for 3 epochs" in flat(result.stdout)
    assert "final loss" in result.stdout and "held-out accuracy" in result.stdout
    from micrograd_lesson.serialize import load

    assert [len(layer.neurons) for layer in load(tmp_path / "one.json").layers] == [1, 1]


def test_the_tour_started_from_the_venvs_script_names_serve_with_that_path(tmp_path):
    root = Path(__file__).resolve().parents[1]  # the quickstart's folder: its venv's script is .venv/bin/...
    script = os.path.relpath(os.path.join(os.path.dirname(sys.executable), "micrograd-lesson"), root)
    env = {**os.environ, "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if ".venv" not in p)}
    result = subprocess.run(
        [script, "--out", str(tmp_path)], cwd=root, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    assert f"\n  {script} serve\n  {script} notebooks DIR\n" in result.stdout  # not a bare name PATH lacks


def test_the_help_fits_an_80_column_terminal(tmp_path):
    result = run("--help", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0 and "notebooks DIR" in result.stdout
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []


# --- train's settings of section 6 (issue 24), in-process: what is tested is the recipe, not the process ---------


def train_in_process(capsys, *args):
    """micrograd-lesson train ARGS run by cli.main: the exit code, stdout and stderr."""
    from micrograd_lesson.app import cli

    try:
        code = cli.main(["train", *args])
    except SystemExit as exit:  # argparse's refusals
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def test_train_takes_the_pages_settings_and_trains_what_section_6_trains_to_the_bit(tmp_path, capsys):
    """A batch, features, the linear activation and L1 through the one recipe: section 6's weights after as many
    steps (2 epochs of 8 batches of 10 or fewer: 75 training points)."""
    from micrograd_lesson import data
    from micrograd_lesson.app.sections.live_training import LiveRun, Settings
    from micrograd_lesson.serialize import load

    args = ["--dataset", "spiral", "--hidden", "4", "--epochs", "2", "--batch", "10", "--seed", "3"]
    args += ["--features", "x1,x2,x1_x2", "--activation", "linear", "--regularization", "l1", "--reg-rate", "0.01"]
    code, out, _ = train_in_process(capsys, *args, "--save", str(tmp_path / "m.json"))
    assert code == 0
    assert "Training MLP(3, [4, 1]) on spiral (75 training points, 25 held out) for 2 epochs: hinge loss" in flat(out)
    assert "inputs x1, x2, x1_x2, L1 penalty at rate 0.01, batches of 10 (8 steps an epoch)" in flat(out)
    page = {"dataset": "spiral", "noise": data.DATASETS["spiral"][1], "hidden": [4], "batch": 10, "seed": 3}
    page |= {"features": ["x1", "x2", "x1_x2"], "activation": "linear", "regularization": "l1", "reg_rate": 0.01}
    run = LiveRun(Settings.read({**page, "data_seed": 3, "stop_at_100": False}))
    assert run.train(2 * 8, budget=math.inf) == 16
    assert [p.data for p in load(tmp_path / "m.json").parameters()] == [p.data for p in run.params]
    assert f"final loss {run.train_loss:.4f} (and the penalty {run.penalty:.4f})" in out  # the page's, at step 16


@pytest.mark.parametrize(
    ("dataset", "words"),
    [
        ("three_blobs", "softmax cross-entropy, Adam with lr 0.05, seed 0 final loss"),
        ("plane", "mean squared error, Adam with lr 0.05, seed 0 final loss"),
    ],
)
def test_train_learns_three_classes_and_regression_and_reports_what_each_is_judged_by(capsys, dataset, words):
    code, out, _ = train_in_process(capsys, "--dataset", dataset, "--hidden", "4", "--epochs", "3", "--compiled")
    assert code == 0 and words in flat(out).replace(", the loss graph compiled", "")
    if dataset == "plane":
        assert re.search(r"training MSE [\d.]+, held-out MSE [\d.]+ \(25 points it never trained on\)", flat(out))
        assert "accuracy" not in out
    else:
        assert re.search(r"training accuracy \d+% \(\d+ of 75 points\), held-out accuracy \d+%", flat(out))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch", "76"], "--batch 76 is more than the 75 training points: give 1 to 75"),
        (["--batch", "0"], "argument --batch: expected a whole number >= 1, got '0'"),
        (["--features", "x1,x3"], "a feature must be one of x1, x2, x1_sq, x2_sq, x1_x2, sin_x1, sin_x2; got 'x3'"),
        (["--features", "x1,x1"], "each once; got ['x1', 'x1']"),
        (["--activation", "softplus"], "argument --activation: invalid choice: 'softplus'"),
        (["--dataset", "spirals"], "invalid choice: 'spirals' (choose from 'xor', 'moons', 'circles', 'spiral'"),
        (["--reg-rate", "-0.1", "--regularization", "l2"], "argument --reg-rate: expected a number >= 0, got '-0.1'"),
        (["--reg-rate", "0.1"], "--reg-rate 0.1 is the rate of a penalty: add --regularization l1 or l2"),
        (["--regularization", "l3"], "argument --regularization: invalid choice: 'l3'"),
        (["--dataset", "plane", "--plot", "p.png"], "--plot draws a boundary between classes, and plane is a regr"),
    ],
)
def test_train_refuses_a_bad_setting_naming_the_value(capsys, args, message):
    code, out, err = train_in_process(capsys, "--epochs", "1", *args)
    assert code == 2 and message in flat(err) and out == ""


def test_train_help_fits_an_80_column_terminal(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = train_in_process(capsys, "--help")
    assert code == 0 and "three_blobs" in out and "--batch N" in out and "--reg-rate RATE" in out
    assert [line for line in out.splitlines() if len(line) > 80] == []
