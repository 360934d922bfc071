"""Graph: a drawing's DOT source, rendered to SVG or PNG on demand and shown inline by Jupyter."""

from __future__ import annotations

from pathlib import Path

from micrograd_lesson._files import write_file
from micrograd_lesson.viz.render import FORMATS, render


class Graph:
    """A finished drawing: .source is its DOT text; .svg(), .png() and .save() render it."""

    def __init__(self, source: str, format: str = "svg") -> None:
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
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
