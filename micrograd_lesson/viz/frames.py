"""Gradients flowing back: one picture per chain-rule step, as a GIF or an offline HTML flipbook."""

from __future__ import annotations

import io
from pathlib import Path

from micrograd_lesson import _checks
from micrograd_lesson._files import write_file
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.viz import labels
from micrograd_lesson.viz.dot import draw_dot
from micrograd_lesson.viz.graph import Graph
from micrograd_lesson.viz.svg import inline_svg

MAX_SECONDS_PER_FRAME = 60.0  # a minute a frame is plenty (a GIF frame can last at most 655.35 s)


def backward_frames(root: Value, **draw_options) -> list[Graph]:
    """Run backward on root one contribution at a time; return one Graph per contribution.

    Each frame highlights the node pushing its gradient and the edge receiving it, with every grad
    known so far filled in. draw_options go to draw_dot (e.g. rankdir='TB', chain_rule=True).
    Like backward(), this fills in root's grads, and leaf grads add to what they held: call
    root.zero_grad() first to watch them start from 0.
    """
    draw_dot(root, **draw_options)  # bad options fail here, before backward_steps has touched a single grad
    total = sum(
        1 if node.local_grads is None else len(node.parents) for node in topological_order(root) if node.parents
    )
    frames = []
    for step in backward_steps(root):  # grads change as the steps run: draw each frame's DOT right now
        caption = f"step {step.index + 1} of {total}: {_describe(step)}"
        frames.append(draw_dot(root, highlight=step, title=caption, **draw_options))
    return frames


def _describe(step: BackwardStep) -> str:
    n = labels.number
    node = step.node.label or f"the {step.node.op} node"
    if step.parent is None:  # the node's own _backward, for all its parents at once
        grads = ", ".join(
            f"{_name(parent)}.grad {n(before)} -> {n(after)}"
            for parent, before, after in zip(step.node.parents, step.grad_before, step.grad_after)
        )
        return f"{node} runs its own _backward: {grads}"
    name = _name(step.parent)
    return (
        f"{node} sends gradient to {name}: "
        f"{name}.grad = {n(step.grad_before)} + {n(step.local)} × {n(step.upstream)} = {n(step.grad_after)}"
    )


def _name(v: Value) -> str:
    return v.label or f"the {labels.number(v.data)} input"


def save_animation(root: Value, path: str | Path, seconds_per_frame: float = 1.5, **draw_options) -> Path:
    """Save backward on root as an animation: .gif (Pillow) or .html (a flipbook that works offline).

    Runs backward through backward_frames: grads are filled in (leaf grads accumulate) as they would be by backward().
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".html"):
        raise ValueError(f"save_animation() needs a path ending in .gif or .html, got {str(path)!r}")
    seconds_per_frame = _checks.number(
        "seconds_per_frame", seconds_per_frame, low=0.0, high=MAX_SECONDS_PER_FRAME, low_inclusive=False
    )
    if isinstance(root, Value) and not root._prev:
        raise ValueError(f"{root!r} has no parents, so backward has no steps to animate")
    frames = backward_frames(root, **draw_options)
    if suffix == ".gif":
        _save_gif(frames, path, seconds_per_frame)
    else:
        write_file(path, flipbook(frames, seconds_per_frame))
    return path


def _save_gif(frames: list[Graph], path: Path, seconds_per_frame: float) -> None:
    from PIL import Image  # imported here: only animations need Pillow

    images = [Image.open(io.BytesIO(frame.png())).convert("RGB") for frame in frames]
    width, height = max(i.width for i in images), max(i.height for i in images)
    pages = []
    for image in images:  # frames differ a little in size: centre each on one white page
        page = Image.new("RGB", (width, height), "white")
        page.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        pages.append(page)
    gif = io.BytesIO()  # drawn in memory, then written whole: a failure never leaves half a GIF
    ms = int(seconds_per_frame * 1000)
    pages[0].save(gif, format="GIF", save_all=True, append_images=pages[1:], duration=ms, loop=0)
    write_file(path, gif.getvalue())


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backpropagation, one step at a time</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
nav {{ display: flex; gap: 1em; align-items: center; margin-bottom: 1em; }}
button {{ font-size: 1.1em; padding: 0.3em 1em; }}
.frame {{ display: none; }}
.frame.current {{ display: block; }}
.frame svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<nav>
<button id="previous" type="button">&larr; previous</button>
<span id="counter">step 1 of {count}</span>
<button id="next" type="button">next &rarr;</button>
<button id="play" type="button">play</button>
</nav>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll(".frame");
  var counter = document.getElementById("counter");
  var current = 0, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, k) {{ f.classList.toggle("current", k === current); }});
    counter.textContent = "step " + (current + 1) + " of " + frames.length;
    history.replaceState(null, "", "#frame=" + (current + 1));
  }}
  function stop() {{ clearInterval(timer); timer = null; document.getElementById("play").textContent = "play"; }}
  document.getElementById("previous").onclick = function () {{ stop(); show(current - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(current + 1); }};
  document.getElementById("play").onclick = function () {{
    if (timer) {{ stop(); return; }}
    this.textContent = "pause";
    if (current === frames.length - 1) show(0);
    timer = setInterval(function () {{ if (current === frames.length - 1) stop(); else show(current + 1); }}, {ms});
  }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    if (e.key === "ArrowRight") {{ stop(); show(current + 1); }}
  }});
  var asked = /frame=(\\d+)/.exec(location.hash);  // #frame=3 opens on the third frame
  show(asked ? parseInt(asked[1], 10) - 1 : 0);
}})();
</script>
</body>
</html>
"""


def flipbook(frames: list[Graph], seconds_per_frame: float = 1.5) -> str:
    """One self-contained HTML page: every frame's SVG inline, previous/next buttons, no network needed."""
    divs = "\n".join(
        f'<div class="frame{" current" if i == 0 else ""}" id="frame-{i + 1}">\n'
        f"{inline_svg(frame.svg(), f'f{i + 1}-')}\n</div>"
        for i, frame in enumerate(frames)
    )
    return PAGE.format(count=len(frames), frames=divs, ms=int(seconds_per_frame * 1000))
