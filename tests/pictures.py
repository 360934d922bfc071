"""Reading our SVG pictures back as structure: groups, boxes and lines, for tests that measure rather than look."""

import math
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def parse_svg(text: str) -> ET.Element:
    """The SVG's root element; raises when the text is not well-formed XML."""
    return ET.fromstring(text.encode("utf-8"))


def find_all(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    """Every element with this tag (and class, if given), in document order."""
    return [e for e in root.iter(NS + tag) if cls is None or cls in (e.get("class") or "").split()]


def child(element: ET.Element, tag: str, cls: str | None = None) -> ET.Element | None:
    """The first element with this tag (and class) inside element, or None."""
    found = find_all(element, tag, cls)
    return found[0] if found else None


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def rect_box(rect: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a <rect>."""
    x, y = float(rect.get("x")), float(rect.get("y"))
    return x, y, x + float(rect.get("width")), y + float(rect.get("height"))


def boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def box_centre(box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def line_segment(line: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))


def distance_to_segment(x: float, y: float, segment) -> float:
    x1, y1, x2, y2 = segment
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy or 1.0)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def circle_of(group: ET.Element) -> tuple[float, float, float]:
    circle = child(group, "circle")
    return float(circle.get("cx")), float(circle.get("cy")), float(circle.get("r"))


def box_meets_circle(box, circle) -> bool:
    cx, cy, r = circle
    dx = cx - min(max(cx, box[0]), box[2])
    dy = cy - min(max(cy, box[1]), box[3])
    return dx * dx + dy * dy < r * r
