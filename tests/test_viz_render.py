"""Which Graphviz program draws, in which order it is chosen, and what happens when it fails or is missing."""

import re
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_lesson.viz import graph as graph_module
from micrograd_lesson.viz import render
from micrograd_lesson.viz.graph import Graph
from micrograd_lesson.viz.render import ENV_VAR, GraphvizNotFoundError, RenderError, RenderTimeoutError, find_dot

SIMPLE = "digraph { a -> b }"


def fake_program(directory: Path, name: str, script: str = "/bin/cat >/dev/null; echo '<svg/>'") -> Path:
    """An executable shell script standing in for a Graphviz program."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No override, an interpreter whose scripts directory is empty, and an empty PATH."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    scripts = tmp_path / "venv-bin"
    scripts.mkdir()
    monkeypatch.setattr(render, "scripts_dirs", lambda: [scripts])
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path


def test_the_default_is_graphviz_pure_next_to_this_python(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", "")
    assert Path(find_dot()) == Path(sys.executable).parent / "graphviz-pure"


def test_scripts_dirs_include_the_directory_of_this_python():
    assert Path(sys.executable).parent in render.scripts_dirs()


def test_nothing_anywhere_says_how_to_fix_it(nowhere):
    with pytest.raises(GraphvizNotFoundError) as error:
        find_dot()
    message = str(error.value)
    assert "pip install graphviz-pure" in message
    assert ENV_VAR in message
    with pytest.raises(GraphvizNotFoundError):
        Graph(SIMPLE).svg()


def test_a_system_dot_on_path_is_the_last_resort(nowhere, monkeypatch):
    dot = fake_program(nowhere / "empty-path", "dot")
    assert find_dot() == str(dot)


def test_graphviz_pure_on_path_beats_a_system_dot(nowhere):
    fake_program(nowhere / "empty-path", "dot")
    pure = fake_program(nowhere / "empty-path", "graphviz-pure")
    assert find_dot() == str(pure)


def test_graphviz_pure_next_to_python_beats_path(nowhere):
    fake_program(nowhere / "empty-path", "graphviz-pure")
    ours = fake_program(nowhere / "venv-bin", "graphviz-pure")
    assert find_dot() == str(ours)


def test_the_environment_variable_beats_everything(nowhere, monkeypatch):
    fake_program(nowhere / "venv-bin", "graphviz-pure")
    mine = fake_program(nowhere / "mine", "my-dot")
    monkeypatch.setenv(ENV_VAR, str(mine))
    assert find_dot() == str(mine)
    assert Graph(SIMPLE).svg() == "<svg/>\n"  # and it is the one that runs


def test_a_wrong_environment_variable_is_an_error_not_a_silent_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "no-such-dot"))
    with pytest.raises(GraphvizNotFoundError, match="no-such-dot"):
        find_dot()


def test_a_failing_program_surfaces_its_message(nowhere, monkeypatch):
    script = "/bin/cat >/dev/null; echo 'syntax error in line 1' >&2; exit 3"
    broken = fake_program(nowhere / "mine", "broken-dot", script)
    monkeypatch.setenv(ENV_VAR, str(broken))
    with pytest.raises(RenderError, match="syntax error in line 1") as error:
        render.render(SIMPLE)
    assert "exit code 3" in str(error.value)


def test_a_hanging_program_times_out_with_a_hint(nowhere, monkeypatch):
    slow = fake_program(nowhere / "mine", "slow-dot", "exec /bin/sleep 5")
    monkeypatch.setenv(ENV_VAR, str(slow))
    with pytest.raises(RenderError, match="max_nodes"):
        render.render(SIMPLE, timeout=0.2)


def test_the_time_limit_is_timeout_else_the_modules_timeout(nowhere, monkeypatch):
    slow = fake_program(nowhere / "mine", "slow-dot", "exec /bin/sleep 5")
    monkeypatch.setenv(ENV_VAR, str(slow))
    monkeypatch.setattr(render, "TIMEOUT", 0.1)
    with pytest.raises(RenderTimeoutError) as error:
        Graph(SIMPLE).svg()  # Graph, and so draw_dot's drawings, take the module's limit
    assert error.value.seconds == 0.1 and "0.1s" in str(error.value)
    with pytest.raises(RenderTimeoutError) as error:
        render.render(SIMPLE, timeout=0.3)
    assert error.value.seconds == 0.3


def test_bad_dot_from_the_real_renderer_names_the_problem():
    with pytest.raises(RenderError, match="graphviz-pure"):
        render.render("digraph { a -> }")


def test_svg_and_png_only():
    svg = render.render(SIMPLE, "svg")
    assert ET.fromstring(svg).tag.endswith("svg")
    assert render.render(SIMPLE, "png").startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="pdf"):
        render.render(SIMPLE, "pdf")


def test_graph_saves_by_extension(tmp_path):
    graph = Graph(SIMPLE)
    assert graph.save(tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    assert graph.save(tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert graph.save(tmp_path / "g.dot").read_text() == SIMPLE
    with pytest.raises(ValueError, match=r"\.pdf"):
        graph.save(tmp_path / "g.pdf")


def test_graph_shows_itself_in_jupyter_in_its_format():
    svg_graph, png_graph = Graph(SIMPLE), Graph(SIMPLE, format="png")
    assert list(svg_graph._repr_mimebundle_()) == ["image/svg+xml"]
    shown = svg_graph._repr_svg_()  # the same SVG, its ids its own in a notebook page of many pictures
    assert re.sub(r'\bid="p\d+-', 'id="', shown) == svg_graph.svg() != shown and svg_graph._repr_png_() is None
    assert png_graph._repr_mimebundle_()["image/png"].startswith(b"\x89PNG")
    assert png_graph._repr_svg_() is None
    with pytest.raises(ValueError, match="jpg"):
        Graph(SIMPLE, format="jpg")


# --- graphviz's render() and pipe(), for the code of the lecture and of micrograd's trace_graph.ipynb ---------


def test_render_writes_the_source_and_the_drawing_beside_it_as_graphviz_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graph = Graph(SIMPLE)
    assert graph.render("gout") == "gout.svg"  # the Graph's own format, not graphviz's default pdf
    assert (tmp_path / "gout").read_text() == SIMPLE and (tmp_path / "gout.svg").read_bytes() == graph.pipe()
    assert graph.render() == "Digraph.gv.svg" and (tmp_path / "Digraph.gv").read_text() == SIMPLE
    assert graph.render("g", directory="out", format="png") == str(Path("out", "g.png"))
    assert (tmp_path / "out" / "g").read_text() == SIMPLE
    assert (tmp_path / "out" / "g.png").read_bytes().startswith(b"\x89PNG")
    assert Graph(SIMPLE, format="png").render("p") == "p.png"


def test_render_to_an_outfile_and_with_cleanup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graph = Graph(SIMPLE)
    assert graph.render(outfile="pic.png") == "pic.png"  # the suffix picks the format
    assert (tmp_path / "pic.png").read_bytes().startswith(b"\x89PNG") and (tmp_path / "pic.gv").read_text() == SIMPLE
    assert graph.render("clean", cleanup=True) == "clean.svg"
    assert (tmp_path / "clean.svg").exists() and not (tmp_path / "clean").exists()
    with pytest.raises(ValueError, match="over its own source"):
        graph.render("same.svg", outfile="same.svg")


def test_render_with_view_writes_the_files_and_warns_that_it_opens_nothing(tmp_path):
    with pytest.warns(UserWarning, match=r"opens no viewer here: the drawing is in .*v\.svg"):
        path = Graph(SIMPLE).render("v", directory=tmp_path, view=True)
    assert Path(path) == tmp_path / "v.svg" and Path(path).read_text().lstrip().startswith("<?xml")


def test_render_writes_every_file_through_the_safe_writer(tmp_path, monkeypatch):
    written = []
    monkeypatch.setattr(graph_module, "write_file", lambda path, data: written.append(Path(path)))
    Graph(SIMPLE).render("w", directory=tmp_path)
    assert written == [tmp_path / "w", tmp_path / "w.svg"]


def test_pipe_gives_the_drawing_as_bytes_or_as_text():
    graph = Graph(SIMPLE)
    assert graph.pipe() == graph.svg().encode() and graph.pipe(encoding="utf-8") == graph.svg()
    assert graph.pipe("png") == graph.png() and Graph(SIMPLE, format="png").pipe() == graph.png()


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.render("g", format="pdf"),
        lambda g: g.render(outfile="g.pdf"),
        lambda g: g.pipe("pdf"),
        lambda g: g.pipe(format="jpg"),
    ],
)
def test_a_format_we_cannot_draw_names_the_ones_we_can_and_writes_nothing(call, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"cannot draw format '(pdf|jpg)': graphviz-pure draws svg and png only"):
        call(Graph(SIMPLE))
    assert list(tmp_path.iterdir()) == []
