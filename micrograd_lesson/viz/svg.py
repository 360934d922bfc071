"""Pictures we lay out ourselves, written as SVG directly and painted as PNG by Pillow from the same elements.

The network picture and the backward flipbook's frames build an element tree here (xml.etree), so a
file, a notebook and a web page all get the same SVG, and a page can change one group in place. The PNG
comes from the very same tree (paint), so the two never differ in layout. Text is measured with the
widths of Helvetica/Arial, the fonts the SVG asks for, so labels can be placed where they fit.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import xml.etree.ElementTree as ET
from functools import cache

FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"

# Helvetica's advance widths, in ems; any other character counts as 0.6 (wide enough for most)
_WIDTHS = {
    **dict.fromkeys("0123456789abdeghnopqu_#$", 0.556),
    **dict.fromkeys(" .,:;!|[]/fti·'", 0.278),
    **dict.fromkeys("cksvxyzJ", 0.5),
    **dict.fromkeys("-()r", 0.333),
    **dict.fromkeys("+=<>×−~", 0.584),
    **dict.fromkeys("jl", 0.222),
    **dict.fromkeys("ABEKPSVXY", 0.667),
    **dict.fromkeys("CDHNRUw", 0.722),
    **dict.fromkeys("GOQ", 0.778),
    **dict.fromkeys("FTZ", 0.611),
    **dict.fromkeys("mM", 0.833),
    "*": 0.389,
    "I": 0.278,
    "L": 0.556,
    "W": 0.944,
    "%": 0.889,
    "&": 0.667,
    "→": 1.0,
}
SAFETY = 1.06  # a little room for fonts a bit wider than Helvetica (DejaVu Sans, when nothing else is there)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of text at font size size (px), in the SVG's font, with a little to spare."""
    ems = sum(_WIDTHS.get(ch, 0.6) for ch in text)
    return ems * size * SAFETY * (1.07 if bold else 1.0)


def number(x: float) -> str:
    """A coordinate or size as SVG text: at most two decimals, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def element(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    """A new SVG element (under parent, if given); class_ -> class and font_size -> font-size."""
    attrib = {}
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        attrib[name] = number(value) if isinstance(value, float) else str(value)
    node = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
    if text is not None:
        node.text = text
    return node


def document(width: float, height: float, title: str) -> ET.Element:
    """An empty SVG picture of width x height px, with a <title> for screen readers and tooltips."""
    root = element(
        None,
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=float(math.ceil(width)),
        height=float(math.ceil(height)),
        viewBox=f"0 0 {math.ceil(width)} {math.ceil(height)}",
        font_family=FONT_FAMILY,
    )
    element(root, "title", title)
    element(root, "rect", class_="background", x=0.0, y=0.0, width="100%", height="100%", fill="white")
    return root


def to_text(root: ET.Element) -> str:
    """The SVG as text, as a file holds it."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def wrap(text: str, size: float, width: float) -> list[str]:
    """text broken into lines no wider than width at font size size, never inside a word."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# --- painting the same tree as PNG, with Pillow ----------------------------------------------------------

SUPERSAMPLE = 2  # drawn twice as large, then shrunk: smooth lines without antialiasing of our own
INHERITED = ("fill", "stroke", "stroke-width", "font-size", "font-weight", "text-anchor", "opacity")


def paint(root: ET.Element, scale: float = 1.0) -> bytes:
    """The SVG element tree root drawn as PNG bytes, scale px per SVG px (our own subset of SVG)."""
    from PIL import Image, ImageDraw  # imported here: only PNG output needs Pillow

    s = scale * SUPERSAMPLE
    width, height = float(root.get("width")), float(root.get("height"))
    image = Image.new("RGB", (round(width * s), round(height * s)), "white")
    painter = _Painter(ImageDraw.Draw(image, "RGBA"), s, {e.get("id"): e for e in root.iter() if e.get("id")})
    painter.walk(root, {"fill": "black", "stroke": "none", "stroke-width": "1", "font-size": "14"})
    image = image.resize((round(width * scale), round(height * scale)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class _Painter:
    """Draws SVG elements onto a Pillow ImageDraw, at s pixels per SVG px."""

    def __init__(self, draw, s: float, ids: dict[str, ET.Element]) -> None:
        self.draw, self.s, self.ids = draw, s, ids

    def walk(self, node: ET.Element, inherited: dict[str, str]) -> None:
        style = {**inherited, **{k: v for k, v in node.attrib.items() if k in INHERITED}}
        if node.tag in ("title", "desc") or node.get("visibility") == "hidden":
            return
        if node.tag == "use":
            target = self.ids.get(node.get("href", "")[1:])
            if target is not None:
                self.walk(target, style)
            return
        paint_one = getattr(self, "_" + node.tag, None)
        if paint_one is not None:
            paint_one(node, style)
        for child in node:
            self.walk(child, style)

    def _color(self, style: dict[str, str], key: str, node: ET.Element) -> tuple[int, ...] | None:
        from PIL import ImageColor

        value = node.get(key, style.get(key))
        if value in (None, "none"):
            return None
        alpha = float(node.get(f"{key}-opacity", 1)) * float(style.get("opacity", 1))
        return (*ImageColor.getrgb(value)[:3], round(255 * alpha))

    def _pen(self, node: ET.Element, style: dict[str, str]) -> int:
        return max(1, round(float(node.get("stroke-width", style["stroke-width"])) * self.s))

    def _xy(self, *values: str | float) -> list[float]:
        return [float(v) * self.s for v in values]

    def _line(self, node: ET.Element, style: dict[str, str]) -> None:
        color = self._color(style, "stroke", node)
        if color is not None:
            points = self._xy(node.get("x1"), node.get("y1"), node.get("x2"), node.get("y2"))
            self._polyline([(points[0], points[1]), (points[2], points[3])], color, self._pen(node, style), node)

    def _polyline(self, points: list[tuple[float, float]], color, pen: int, node: ET.Element) -> None:
        dashes = node.get("stroke-dasharray")
        if not dashes:
            self.draw.line(points, fill=color, width=pen, joint="curve")
            return
        on, off = (float(d) * self.s for d in dashes.replace(",", " ").split()[:2])
        for (x1, y1), (x2, y2) in itertools.pairwise(points):  # dashes restart at each point: close enough
            length = math.hypot(x2 - x1, y2 - y1)
            at = 0.0
            while at < length:
                end = min(at + on, length)
                a, b = at / length, end / length
                self.draw.line(
                    [(x1 + a * (x2 - x1), y1 + a * (y2 - y1)), (x1 + b * (x2 - x1), y1 + b * (y2 - y1))],
                    fill=color,
                    width=pen,
                )
                at = end + off

    def _path(self, node: ET.Element, style: dict[str, str]) -> None:
        color = self._color(style, "stroke", node)
        if color is not None:
            points = [(x * self.s, y * self.s) for x, y in _flatten(node.get("d"))]
            self._polyline(points, color, self._pen(node, style), node)

    def _polygon(self, node: ET.Element, style: dict[str, str]) -> None:
        values = [float(v) * self.s for v in re.split(r"[ ,]+", node.get("points").strip())]
        points = list(zip(values[::2], values[1::2]))
        self.draw.polygon(points, fill=self._color(style, "fill", node), outline=self._color(style, "stroke", node))

    def _circle(self, node: ET.Element, style: dict[str, str]) -> None:
        cx, cy, r = self._xy(node.get("cx"), node.get("cy"), node.get("r"))
        self._oval([cx - r, cy - r, cx + r, cy + r], node, style)

    def _ellipse(self, node: ET.Element, style: dict[str, str]) -> None:
        cx, cy, rx, ry = self._xy(node.get("cx"), node.get("cy"), node.get("rx"), node.get("ry"))
        self._oval([cx - rx, cy - ry, cx + rx, cy + ry], node, style)

    def _oval(self, box: list[float], node: ET.Element, style: dict[str, str]) -> None:
        outline = self._color(style, "stroke", node)
        self.draw.ellipse(box, fill=self._color(style, "fill", node), outline=outline, width=self._pen(node, style))

    def _rect(self, node: ET.Element, style: dict[str, str]) -> None:
        if node.get("width", "").endswith("%"):  # the background: the image is white already
            return
        x, y, w, h = self._xy(node.get("x", 0), node.get("y", 0), node.get("width"), node.get("height"))
        radius = float(node.get("rx", 0)) * self.s
        outline = self._color(style, "stroke", node)
        self.draw.rounded_rectangle(
            [x, y, x + w, y + h],
            radius=radius,
            fill=self._color(style, "fill", node),
            outline=outline,
            width=self._pen(node, style) if outline else 0,
        )

    def _text(self, node: ET.Element, style: dict[str, str]) -> None:
        text = "".join(node.itertext())
        fill = self._color(style, "fill", node)
        if not text or fill is None:
            return
        size = float(node.get("font-size", style["font-size"])) * self.s
        bold = node.get("font-weight", style.get("font-weight", "normal")) == "bold"
        anchor = {"middle": "ms", "end": "rs"}.get(node.get("text-anchor", style.get("text-anchor")), "ls")
        x, y = self._xy(node.get("x"), node.get("y"))
        self.draw.text((x, y), text, fill=fill, font=_font(round(size), bold), anchor=anchor)


def _flatten(d: str) -> list[tuple[float, float]]:
    """The points along a path of M, L and C commands (each cubic Bézier as 12 straight pieces)."""
    tokens = re.findall(r"[MLC]|-?[\d.]+(?:e-?\d+)?", d)
    points: list[tuple[float, float]] = []
    command, numbers = "M", []
    for token in [*tokens, "M"]:
        if token in "MLC":
            for i in range(0, len(numbers) - 1, 6 if command == "C" else 2):
                chunk = numbers[i : i + (6 if command == "C" else 2)]
                if command == "C" and len(chunk) == 6 and points:
                    (x0, y0), (x1, y1, x2, y2, x3, y3) = points[-1], chunk
                    for k in range(1, 13):
                        t = k / 12
                        u = 1 - t
                        points.append(
                            (
                                u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                                u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                            )
                        )
                elif len(chunk) >= 2:
                    points.append((chunk[0], chunk[1]))
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return points


FONT_FILES = {
    False: ("LiberationSans-Regular.ttf", "Arial.ttf", "DejaVuSans.ttf"),
    True: ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "DejaVuSans-Bold.ttf"),
}


@cache
def _font(size: int, bold: bool):
    """A font for PNG text: Helvetica's look-alike Liberation Sans or Arial if installed, else Pillow's own."""
    from PIL import ImageFont

    for name in FONT_FILES[bold]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def inline_svg(svg: str, prefix: str) -> str:
    """SVG text ready to sit inside HTML: no XML prolog or comments, no namespace URLs, ids made unique."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)  # HTML knows <svg> without them
    return prefixed_ids(svg, prefix)


def prefixed_ids(svg: str, prefix: str) -> str:
    """svg with every id, and every reference to one (href="#..."), starting with prefix: two pictures in one
    page, as in a notebook, then never share an id, and a <use> shows its own picture's label."""
    svg = re.sub(r'(\bhref=")#', rf"\1#{prefix}", svg)
    return re.sub(r'\bid="', f'id="{prefix}', svg)
