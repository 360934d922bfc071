"""Finished pictures: Graph (DOT text, drawn by Graphviz) and Drawing (SVG we wrote), each shown inline by Jupyter.

Both save to .svg or .png and show themselves in a notebook no wider than NOTEBOOK_WIDTH (scaled down,
keeping their proportions), so a wide graph never runs off the notebook's column.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

from micrograd_lesson._files import write_file
from micrograd_lesson.viz import svg as svg_writer
from micrograd_lesson.viz.render import FORMATS, render

NOTEBOOK_WIDTH = 900  # px: a notebook's column is about 1000 px wide, less in a narrow window


class Picture:
    """What every finished picture does: .svg(), .png(), .save(path), .pipe(), and Jupyter display."""

    format = "svg"
    min_scale = 0.0  # a notebook may shrink it to this fraction of its size at the least (text stays readable)

    def _render(self, format: str) -> bytes:
        raise NotImplementedError

    def svg(self) -> str:
        """The drawing as SVG text."""
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        """The drawing as PNG bytes."""
        return self._render("png")

    def save(self, path: str | Path) -> Path:
        """Write the drawing to path; the extension picks the format: .svg or .png."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".svg", ".png"):
            raise ValueError(f"save() needs a path ending in .svg or .png, got {str(path)!r}")
        write_file(path, self._render(suffix[1:]))
        return path

    def pipe(self, format: str | None = None, encoding: str | None = None) -> bytes | str:
        """The drawing in format (its own by default) as bytes, or as text with encoding: graphviz's pipe()."""
        data = self._render(_drawable(format or self.format))
        return data if encoding is None else data.decode(encoding)

    def html(self, prefix: str | None = None) -> str:
        """The SVG ready to sit in a web page or a notebook widget: fitted to NOTEBOOK_WIDTH, scrolling if need be,
        its ids starting with prefix (by default one no other picture shown in this session has)."""
        fitted = fit_width(self.svg(), NOTEBOOK_WIDTH, self.min_scale)
        inline = svg_writer.inline_svg(fitted, prefix or _fresh_prefix())
        return f'<div style="max-width: 100%; overflow-x: auto">{inline}</div>'

    def _shown(self) -> str:
        """The SVG as a notebook shows it: no wider than its column, with ids of its own."""
        return svg_writer.prefixed_ids(fit_width(self.svg(), NOTEBOOK_WIDTH), _fresh_prefix())

    def _repr_svg_(self) -> str | None:
        return self._shown() if self.format == "svg" else None

    def _repr_png_(self) -> bytes | None:
        return self.png() if self.format == "png" else None

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str | bytes]:
        if self.format == "png":
            return {"image/png": self.png()}
        return {"image/svg+xml": self._shown()}


_shown_count = itertools.count(1)


def _fresh_prefix() -> str:
    """'p1-', 'p2-', ...: a notebook page holds every picture shown in it, and ids must not repeat there."""
    return f"p{next(_shown_count)}-"


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height an SVG asks to be shown at, in CSS px (Graphviz writes pt: 1 pt = 4/3 px)."""
    head = svg[svg.index("<svg") : svg.index(">", svg.index("<svg"))]
    sizes = []
    for name in ("width", "height"):
        value, unit = re.search(rf'\b{name}="([\d.]+)(\w*)"', head).groups()
        sizes.append(float(value) * (4 / 3 if unit == "pt" else 1))
    return sizes[0], sizes[1]


def fit_width(svg: str, limit: float, min_scale: float = 0.0) -> str:
    """svg shown at most limit px wide (its proportions kept), but never below min_scale of its own size."""
    width, height = svg_size(svg)
    shown = max(min(width, limit), math.ceil(width * min_scale * 100) / 100)  # never below min_scale
    if shown == width:
        return svg
    start = svg.index("<svg")
    end = svg.index(">", start)
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[start:end])
    size = f' width="{svg_writer.number(shown)}px" height="{svg_writer.number(height * shown / width)}px"'
    return svg[:start] + head + size + svg[end:]


class Drawing(Picture):
    """A picture we laid out and wrote as SVG ourselves (the network picture, a backward frame).

    .root is its SVG element tree; .svg() is its text, .png() the same tree painted by Pillow, so PNG
    output needs no Graphviz. min_scale: the least a notebook may shrink it (its text stays readable)."""

    def __init__(self, root: ET.Element, format: str = "svg", min_scale: float = 0.0, name: str = "") -> None:
        self.format = _drawable(format)
        self.root = root
        self.min_scale = min_scale
        self.name = name  # a backward frame's: 'start', 'step 3 of 6', 'done'
        self._rendered: dict[str, bytes] = {}

    def _render(self, format: str) -> bytes:
        if format not in self._rendered:
            if format == "svg":
                self._rendered[format] = svg_writer.to_text(self.root).encode("utf-8")
            else:
                self._rendered[format] = svg_writer.paint(self.root)
        return self._rendered[format]

    @property
    def source(self) -> str:
        """The SVG text: a Drawing has no DOT source; its SVG is what we wrote."""
        return self.svg()

    def __repr__(self) -> str:
        width, height = self.root.get("width"), self.root.get("height")
        return f"<Drawing: {width} x {height} px of SVG; .svg(), .png() or .save(path) to write it>"


class Graph(Picture):
    """A finished drawing: .source is its DOT text; .svg(), .png(), .save(), .render() and .pipe() draw it."""

    def __init__(self, source: str, format: str = "svg") -> None:
        _drawable(format)
        self.source = source
        self.format = format
        self._rendered: dict[str, bytes] = {}

    def _render(self, format: str) -> bytes:
        if format not in self._rendered:  # the source never changes, so each format is drawn once
            self._rendered[format] = render(self.source, format)
        return self._rendered[format]

    def save(self, path: str | Path) -> Path:
        """Write the drawing to path; the extension picks the format: .svg, .png, or .dot/.gv for the source."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            write_file(path, self.source)
            return path
        if suffix not in (".svg", ".png"):
            raise ValueError(f"save() needs a path ending in .svg, .png, .dot or .gv, got {str(path)!r}")
        return super().save(path)

    def render(
        self,
        filename: str | os.PathLike | None = None,
        directory: str | os.PathLike | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        outfile: str | os.PathLike | None = None,
    ) -> str:
        """Write the DOT source to filename and the drawing to filename + '.' + format; return the drawing's path.

        graphviz's Digraph.render(), for the formats we draw (svg, png): render('gout') writes gout and gout.svg.
        filename defaults to 'Digraph.gv'; both files go in directory; format defaults to the Graph's own (not
        graphviz's pdf); cleanup=True writes no source file; outfile names the drawing itself (its suffix picks
        the format) and the source beside it gets the suffix .gv. view=True opens nothing: it warns instead."""
        if outfile is not None:
            format = format or Path(outfile).suffix[1:].lower() or self.format
        format = _drawable(format or self.format)
        if filename is None:
            filename = "Digraph.gv" if outfile is None else Path(outfile).with_suffix(".gv")
        source = Path(directory or "", filename)
        drawing = Path(f"{source}.{format}") if outfile is None else Path(outfile)
        if drawing.resolve() == source.resolve():
            raise ValueError(f"render() would write the drawing over its own source {str(source)!r}: pass filename=")
        data = self._render(format)  # drawn before anything is written: a failure leaves no file behind
        for path in (source, drawing):
            path.parent.mkdir(parents=True, exist_ok=True)
        if not cleanup:
            write_file(source, self.source)
        write_file(drawing, data)
        if view:
            warnings.warn(
                f"render(view=True) opens no viewer here: the drawing is in {str(drawing)!r}; "
                "in Jupyter, end a cell with the Graph to see it",
                stacklevel=2,
            )
        return os.fspath(drawing)

    def __repr__(self) -> str:
        return f"<Graph: {self.source.count(chr(10))} lines of DOT; .svg(), .png() or .save(path) to draw it>"


def _drawable(format: str) -> str:
    """format itself when we can draw it, else the error that names the formats we can."""
    if format not in FORMATS:
        raise ValueError(
            f"cannot draw format {format!r}: graphviz-pure draws {' and '.join(FORMATS)} only (not pdf, "
            "graphviz's own default); pass format='svg' or format='png'"
        )
    return format
