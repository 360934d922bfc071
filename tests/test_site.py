"""`micrograd-lesson site DIR` (issue 23): the folder it writes, and that folder served by a static web server and run
in headless Chromium, the engine in Pyodide: the numbers of `serve`, no request to a server, and offline after one
visit. The pinned Pyodide and viz-js come from tests/npm_packs.py's folder; Node lays out with viz-js."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from micrograd_lesson.app import cli
from micrograd_lesson.app.static_site import PYODIDE, STATIC, VIZ, read_pin
from micrograd_lesson.engine import Value

sys.path.insert(0, str(Path(__file__).parent))
from npm_packs import missing, tgz

ROOT = Path(__file__).resolve().parents[1]
BOOT = 300_000  # ms: the most Pyodide's first start may take on a loaded machine (the wait ends when it is up)
WAIT = 120_000  # ms: any other state of the page


def needed(lacking: str | None) -> None:
    """Skip the test for lacking, or, under CI=true, fail it: CI fetches everything, so lacking is a fault there."""
    if lacking:
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(lacking)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The folder `micrograd-lesson site` writes from the pinned packages."""
    needed(missing())
    folder = tmp_path_factory.mktemp("site") / "lesson-site"
    assert cli.main(["site", str(folder), "--pyodide", str(tgz(PYODIDE)), "--viz", str(tgz(VIZ))]) == 0
    return folder


# --- the folder -------------------------------------------------------------------------------------------------


def test_the_folder_holds_serves_page_the_package_pinned_pyodide_and_viz_and_their_licences(site):
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"index.html", "sw.js", "site.json", "lesson.zip", "LICENSES.md", "viz/viz.js"} <= files
    assert {f"pyodide/{name}" for name in PYODIDE.files} <= files
    assert {f"static/{p.relative_to(STATIC).as_posix()}" for p in STATIC.rglob("*.js") if p.name != "sw.js"} <= files
    served = (STATIC / "index.html").read_text("utf-8")
    assert (site / "index.html").read_text("utf-8") == served.replace('"http"', '"worker"', 1) != served
    config = json.loads((site / "site.json").read_text("utf-8"))
    assert config["pins"] == {"pyodide": "314.0.8", "@viz-js/viz": "3.31.0"}
    with zipfile.ZipFile(site / "lesson.zip") as archive:
        names = set(archive.namelist())
    assert {"micrograd_lesson/engine.py", "micrograd_lesson/app/worker.py", "micrograd_lesson/app/api.py"} <= names
    assert not any(re.search(r"notebooks|cli\.py|tour\.py|server\.py|__pycache__|\.ipynb", n) for n in names)
    for path in site.rglob("*"):  # every path is relative: the folder works from any place and under any URL path
        if path.suffix in (".html", ".js", ".mjs", ".json", ".md"):
            text = path.read_text("utf-8")
            assert str(site) not in text and str(ROOT) not in text and str(Path.home()) + "/" not in text, path
    licences = (site / "LICENSES.md").read_text("utf-8")
    for words in ("MPL-2.0", "EPL-1.0", "MIT", "Expat", "Graphviz 16.1.0", "github.com/pyodide/pyodide"):
        assert words in licences
    assert sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) <= 16_000_000


def test_site_without_the_packages_says_how_to_fetch_them_and_refuses_another_version(tmp_path, capsys):
    assert cli.main(["site", str(tmp_path / "a")]) == 1
    said = capsys.readouterr().err
    assert "npm pack pyodide@314.0.8" in said and "npm pack @viz-js/viz@3.31.0" in said
    assert not (tmp_path / "a").exists()
    other = tmp_path / "viz"  # an unpacked folder of another version
    other.mkdir()
    (other / "package.json").write_text('{"name": "@viz-js/viz", "version": "3.30.0"}')
    assert cli.main(["site", str(tmp_path / "b"), "--pyodide-url", "https://x.invalid/p/", "--viz", str(other)]) == 1
    said = capsys.readouterr().err
    assert "is @viz-js/viz 3.30.0; this site needs @viz-js/viz 3.31.0" in said and "npm pack" in said


def test_an_unpacked_package_is_read_as_its_tgz_and_a_nonempty_folder_is_kept(tmp_path, capsys):
    needed(missing())
    with tarfile.open(tgz(VIZ)) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    assert read_pin(VIZ, tmp_path / "unpacked") == read_pin(VIZ, tgz(VIZ))
    kept = tmp_path / "mine"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    url = ["--pyodide-url", "https://x.invalid/p/", "--viz", str(tmp_path / "unpacked")]
    assert cli.main(["site", str(kept), *url]) == 1
    assert "not empty" in capsys.readouterr().err and [p.name for p in kept.iterdir()] == ["notes.txt"]


# --- section 4's layouts: viz-js (the browser's) lays out as graphviz-pure (the server's) ---------------------------

NODE_LAYOUT = """
const {instance} = await import(process.argv[1]);
const viz = await instance();
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((dot) => {
  const result = viz.render(dot, {format: "json"});
  if (result.status !== "success") throw new Error(JSON.stringify(result.errors));
  return JSON.parse(result.output);
});
process.stdout.write(JSON.stringify(out));
"""


def random_expression(rng: random.Random) -> Value:
    """An expression of at most 60 nodes, of the ops a learner types."""
    nodes = [Value(rng.uniform(-2, 2), label=name) for name in "abcd"[: rng.randint(1, 4)]]
    for _ in range(rng.randint(1, 25)):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.choice(["__add__", "__mul__", "__sub__", "tanh", "relu", "sigmoid", "__pow__"])
        nodes.append(getattr(a, op)(*{"tanh": (), "relu": (), "sigmoid": (), "__pow__": (2,)}.get(op, (b,))))
    return nodes[-1]


def layouts_asked(roots: list[Value]) -> list[str]:
    """The DOT sources section 4's flipbook lays out for each root."""
    from micrograd_lesson.app.pictures import laid_out_frames
    from micrograd_lesson.viz import frames

    asked = []
    real = frames.layout
    frames.layout = lambda source, timeout=None: asked.append(source) or real(source, timeout)
    try:
        for root in roots:
            laid_out_frames(root)
    finally:
        frames.layout = real
    return asked


def placed(found: dict) -> dict:
    """Where Graphviz put everything: the box, each node's centre and size, each edge's path and label."""
    objects = {o["name"]: (o.get("pos"), o.get("width"), o.get("height")) for o in found.get("objects", [])}
    edges = [(e.get("id"), e.get("pos"), e.get("lp")) for e in found.get("edges", [])]
    return {"bb": found["bb"], "objects": objects, "edges": edges}


# graphviz-pure 0.2.2 is not yet Graphviz 16.1.0 everywhere: of the 40 random expressions below, it places the nodes
# of number 27 (11 nodes, a - b, tanh, relu and a square among them) elsewhere, in both directions the flipbook
# tries. Pinned here, so that a graphviz-pure that agrees makes this test say so.
DIFFERENT = {27}


def test_viz_js_lays_section_4s_graphs_out_exactly_as_graphviz_pure(tmp_path):
    from micrograd_lesson.examples import lecture_expression, lecture_neuron
    from micrograd_lesson.expression import parse_assignments, parse_expression
    from micrograd_lesson.viz.render import layout

    needed(missing() or (None if shutil.which("node") else "Node.js is not installed (apt-get install nodejs)"))
    rng = random.Random(23)
    typed = parse_expression("(x*y + z).relu()", parse_assignments(["x=2", "y=-3", "z=10"])).value
    roots = [lecture_expression(), lecture_neuron()["o"], typed]  # section 4's built-in graphs, the browser test's
    roots += [root for root in (random_expression(rng) for _ in range(60)) if root.parents][:40]
    asked = [layouts_asked([root]) for root in roots]
    viz = tmp_path / "viz.mjs"
    viz.write_bytes(read_pin(VIZ, tgz(VIZ))["dist/viz.js"])
    node = ["node", "--input-type=module", "-e", NODE_LAYOUT, viz.as_uri()]
    sources = [source for sources in asked for source in sources]
    ran = subprocess.run(node, input=json.dumps(sources), capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    in_browser = iter(json.loads(ran.stdout))
    differ = set()
    for k, sources in enumerate(asked):
        if [placed(next(in_browser)) for _ in sources] != [placed(layout(source)) for source in sources]:
            differ.add(k - 3)  # the random expressions' numbers
    assert differ == DIFFERENT
