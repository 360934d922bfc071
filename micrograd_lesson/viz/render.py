"""Find a Graphviz binary and run it: DOT text in, SVG or PNG bytes out.

The `graphviz` Python package only writes DOT; it needs a `dot` program to draw, and
`pip install graphviz` does not bring one. So we look, in this order, for:

1. the path or command named by the environment variable MICROGRAD_LESSON_DOT;
2. `graphviz-pure` next to this Python (a pip dependency; found even when the venv is not activated);
3. `graphviz-pure` on PATH;
4. a system `dot` on PATH;

and otherwise raise GraphvizNotFoundError saying how to fix it.

In a browser (Pyodide: the static site's worker) there are no programs to run: `layout` calls the Graphviz that
the worker loaded, compiled to WebAssembly (viz-js, the same Graphviz 16.1.0 that graphviz-pure ports).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ENV_VAR = "MICROGRAD_LESSON_DOT"
FORMATS = ("svg", "png")
TIMEOUT = 60.0  # seconds a drawing may take, unless render() is given its own timeout

HOW_TO_FIX = (
    "micrograd_lesson draws with graphviz-pure, a Graphviz `dot` that pip installs. Fix it with one of:\n"
    f"  {sys.executable} -m pip install graphviz-pure\n"
    f"  export {ENV_VAR}=/path/to/dot   (any Graphviz `dot` program)"
)


class GraphvizNotFoundError(RuntimeError):
    """No Graphviz program to draw with: the message says how to install one."""


class RenderError(RuntimeError):
    """The Graphviz program failed; the message carries what it printed."""


class RenderTimeoutError(RenderError):
    """The Graphviz program took longer than the time limit (.seconds): the graph is too large to lay out in time."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


def scripts_dirs() -> list[Path]:
    """Where this interpreter's console scripts live (its venv's bin/ or Scripts/), without repeats."""
    dirs = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    return list(dict.fromkeys(dirs))


def find_dot() -> str:
    """The Graphviz program to run, chosen in the order described at the top of this module."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        found = shutil.which(override)
        if found is None:
            raise GraphvizNotFoundError(
                f"{ENV_VAR} is set to {override!r}, but that is not an executable program.\n{HOW_TO_FIX}"
            )
        return found
    for directory in scripts_dirs():
        found = shutil.which("graphviz-pure", path=str(directory))
        if found:
            return found
    found = shutil.which("graphviz-pure") or shutil.which("dot")
    if found is None:
        raise GraphvizNotFoundError(f"no Graphviz program found (looked for graphviz-pure and dot).\n{HOW_TO_FIX}")
    return found


def render(source: str, format: str = "svg", timeout: float | None = None) -> bytes:
    """Lay out and draw DOT source with the program find_dot() picks; return the SVG or PNG bytes.

    A drawing that takes longer than timeout seconds (TIMEOUT, 60, by default) raises RenderTimeoutError."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    return _run(source, format, timeout)


def layout(source: str, timeout: float | None = None) -> dict:
    """Lay out DOT source and return Graphviz's JSON of it: where every node, edge and label goes, in points."""
    if sys.platform == "emscripten":
        return _layout_in_browser(source)
    return json.loads(_run(source, "json", timeout))


def _layout_in_browser(source: str) -> dict:
    import js  # Pyodide's view of the worker's JavaScript, where the site's worker put viz-js's instance
    from pyodide.ffi import to_js

    viz = getattr(js, "viz", None)
    if viz is None:
        raise GraphvizNotFoundError("this page's worker did not load Graphviz (viz-js): reload the page")
    result = viz.render(source, to_js({"format": "json"}, dict_converter=js.Object.fromEntries))
    if result.status != "success":
        messages = "; ".join(str(error.message) for error in result.errors) or "(it said nothing)"
        raise RenderError(f"Graphviz (viz-js) failed laying out the graph: {messages}")
    return json.loads(result.output)


def _run(source: str, format: str, timeout: float | None) -> bytes:
    timeout = TIMEOUT if timeout is None else timeout
    program = find_dot()
    try:
        result = subprocess.run(
            [program, "-Kdot", f"-T{format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderTimeoutError(
            f"{program} took longer than {timeout:g}s to draw the graph; draw a smaller graph "
            "(see draw_dot's max_nodes and group='neuron')",
            timeout,
        ) from None
    except OSError as error:
        raise RenderError(f"could not run {program}: {error}\n{HOW_TO_FIX}") from None
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip() or "(it printed nothing)"
        raise RenderError(f"{program} failed drawing {format} (exit code {result.returncode}):\n{message}")
    return result.stdout
