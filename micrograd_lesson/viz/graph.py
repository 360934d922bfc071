"""Graph: a drawing's DOT source, rendered to SVG or PNG on demand and shown inline by Jupyter."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from micrograd_lesson._files import write_file
from micrograd_lesson.viz.render import FORMATS, render


class Graph:
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

    def svg(self) -> str:
        """The drawing as SVG text."""
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        """The drawing as PNG bytes."""
        return self._render("png")

    def save(self, path: str | Path) -> Path:
        """Write the drawing to path; the extension picks the format: .svg, .png, or .dot/.gv for the source."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            write_file(path, self.source)
        elif suffix in (".svg", ".png"):
            write_file(path, self._render(suffix[1:]))
        else:
            raise ValueError(f"save() needs a path ending in .svg, .png, .dot or .gv, got {str(path)!r}")
        return path

    def pipe(self, format: str | None = None, encoding: str | None = None) -> bytes | str:
        """The drawing in format (the Graph's own by default) as bytes, or as text with encoding: graphviz's pipe()."""
        data = self._render(_drawable(format or self.format))
        return data if encoding is None else data.decode(encoding)

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

    def _repr_svg_(self) -> str | None:
        return self.svg() if self.format == "svg" else None

    def _repr_png_(self) -> bytes | None:
        return self.png() if self.format == "png" else None

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str | bytes]:
        if self.format == "png":
            return {"image/png": self.png()}
        return {"image/svg+xml": self.svg()}

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
