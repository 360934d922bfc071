"""draw_network: the lesson's playground picture of a network, laid out by us, layers left to right.

Columns are evenly spaced, each column's neurons centred on the picture's middle line, and connections
are straight. A neuron is a circle holding its name, its value for the input x (when x is given) and its
bias b. A connection is blue for a positive weight and red for a negative one, thicker the larger, and
carries its weight as a label placed on the connection itself, where it overlaps no other label or neuron.
With show_grads=True (after backward()) colour, thickness and labels show the gradients instead, in the
gradient colours, and each neuron's b shows its bias's gradient.

Every neuron is one SVG group (class "neuron", id "neuron-NAME") and every connection one SVG group
(class "edge", id "edge-FROM-TO") that holds its line, its label and its <title> (the tooltip), so a web
page can update a drawn picture in place. SVG paints in order, so each label is shown once more above
all the lines by a <use> that points at it. Up to LABELLED_LAYERS hidden layers of LABELLED_NEURONS
every weight is written on its connection; beyond that the numbers live in the tooltips, and the legend
says so. Each text that shows a number names what it shows in data-for: a neuron's value its name ("h1"), a
bias "b-h1", a weight "x1-h1" (the live page checks each against its answer). No text is smaller than 11 px.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from micrograd_lesson.engine import Value
from micrograd_lesson.nn import ACTIVATIONS, MLP, Layer, Neuron, layer_values, layers_of
from micrograd_lesson.viz import colors, labels, svg
from micrograd_lesson.viz.dot import NO_GRADS_NOTE
from micrograd_lesson.viz.graph import Drawing
from micrograd_lesson.viz.svg import element, text_width

LABELLED_LAYERS, LABELLED_NEURONS = 3, 8  # the largest network whose every weight is written on its line

RADIUS = 34  # a neuron's circle: room for its three lines at READABLE px or more
ROW = 88  # from one neuron's centre to the next in a column
MARGIN = 24
TITLE_SIZE = 14
LABEL_SIZE = 12  # a weight's label
LABEL_PAD = 3  # around a label's text: its halo
LABEL_GAP = 3  # between two labels, and between a label and a circle
CLEAR = 6  # a label's centre stays this far from every line but its own
SPREAD = 16  # labels closer than this to another are placed farther along their line if they can be
LEGEND_SIZE = 12.5
READABLE = 11  # px: no text of the picture is drawn smaller (at its own size; a page may not shrink it either)
OFF_FILL = "#e6e6e6"  # an off ReLU's circle (dashed, too)
LEGEND_WIDTH = 560  # the picture is at least this wide, so the legend reads in few lines


@dataclass(frozen=True)
class Label:
    """A weight label's place: its centre (x, y) on its own connection, and its box's width and height."""

    x: float
    y: float
    width: float
    height: float

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom)."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class NetworkLayout:
    """Where everything goes: each neuron's centre by name, each connection's label, the columns' x and the size."""

    names: list[list[str]]
    centres: dict[str, tuple[float, float]]
    labels: dict[tuple[str, str], Label]  # empty when the weights live in the tooltips only
    columns: list[float]
    title_y: float
    width: float
    height: float  # of the network, down to the legend


def draw_network(
    model: MLP | Layer | Neuron,
    x: Sequence[Value | float] | None = None,
    show_grads: bool = False,
    format: str = "svg",
    caption: str | None = None,
    shown_height: float | None = None,
) -> Drawing:
    """Draw model as columns of neurons and weighted connections; with x, each neuron shows its value.

    show_grads=True draws each weight's gradient instead of the weight (call backward() first).
    caption: a line of your own added to the legend, e.g. what the gradients were summed over.
    shown_height: the most px tall a page shows the picture (shrinking it to fit); where that leaves the weight
    labels under READABLE px, none are drawn (placing them is most of the drawing's work) and the tooltips keep them."""
    layers = layers_of(model)
    values = layer_values(model, x) if x is not None else None
    names = node_names(model.nin, [len(neurons) for neurons in layers])
    scheme = colors.GRADIENT if show_grads else colors.WEIGHT
    weights = {
        (names[k][i], names[k + 1][j]): w
        for k, ns in enumerate(layers)
        for j, n in enumerate(ns)
        for i, w in enumerate(n.w)
    }
    number = {edge: w.grad if show_grads else w.data for edge, w in weights.items()}
    largest = max(abs(v) for v in number.values())
    text = {edge: labels.signed(v) for edge, v in number.items()}
    tallest = max(len(column) for column in names)
    labelled = len(layers) - 1 <= LABELLED_LAYERS and tallest <= LABELLED_NEURONS
    too_small = shown_height is not None and LABEL_SIZE * shown_height / _network_height(tallest) < READABLE
    titles = _titles(layers)
    layout = lay_out(names, titles, text if labelled and not too_small else {}, spaced=labelled)  # the same look

    width = layout.width
    any_off = values is not None and any(
        is_off(n, values[k + 1][j]) for k, ns in enumerate(layers) for j, n in enumerate(ns)
    )
    unlabelled = None
    if not labelled or too_small:
        unlabelled = "Too small here to label the connections" if labelled else "Too many connections to label them all"
    entries = _legend(scheme, show_grads, values, largest == 0.0, unlabelled, caption, any_off)
    rows = [row for entry in entries for row in ([entry] if isinstance(entry, tuple) else _wrapped(entry, width))]
    height = layout.height + len(rows) * LEGEND_SIZE * 1.6 + MARGIN

    what = "gradients" if show_grads else "weights"
    root = svg.document(width, height, f"A network of {' - '.join(str(len(c)) for c in names)} neurons and its {what}")
    picture = element(root, "g", class_="network")
    heads = element(picture, "g", class_="column-titles", font_size=TITLE_SIZE, font_weight="bold", fill=colors.TEXT)
    for k, title in enumerate(titles):
        element(
            heads, "text", title, class_="column-title", x=layout.columns[k], y=layout.title_y, text_anchor="middle"
        )

    thickest = 6.0 if len(weights) <= 30 else 4.0  # many lines: thinner, so that they do not hide each other
    edges = element(picture, "g", class_="edges", stroke_linecap="round")
    for k, neurons in enumerate(layers):
        for j, neuron in enumerate(neurons):
            for i, w in enumerate(neuron.w):
                edge = (names[k][i], names[k + 1][j])
                _edge(edges, edge, layout, number[edge], text[edge], w, scheme, largest, thickest)

    group = element(picture, "g", class_="neurons")
    for k, column in enumerate(names):
        for i, name in enumerate(column):
            neuron = layers[k - 1][i] if k else None
            value = values[k][i] if values is not None else None
            _neuron(group, name, layout.centres[name], neuron, value, show_grads, scheme)

    on_top = element(picture, "g", class_="labels-on-top")  # SVG has no z-index: the labels once more, last
    for a, b in layout.labels:
        element(on_top, "use", href=f"#label-{_id(a)}-{_id(b)}")

    _draw_legend(root, rows, scheme, layout.height)
    return Drawing(root, format)


def node_names(nin: int, sizes: list[int]) -> list[list[str]]:
    """Names per column: x1, x2 | h1, h2, h3 | out (hidden layers numbered h1.1... when there are several)."""
    columns = [[f"x{i + 1}" for i in range(nin)]]
    hidden = sizes[:-1]
    for k, size in enumerate(hidden):
        prefix = "h" if len(hidden) == 1 else f"h{k + 1}."
        columns.append([f"{prefix}{j + 1}" for j in range(size)])
    out = sizes[-1]
    columns.append(["out"] if out == 1 else [f"out{j + 1}" for j in range(out)])
    return columns


def _titles(layers: list[list[Neuron]]) -> list[str]:
    """'Input', then each layer's kind and activation: 'Hidden (ReLU)' or 'Hidden 2 (Tanh)', 'Output (Sigmoid)'."""
    titles = ["Input"]
    for k, neurons in enumerate(layers):
        kind = ACTIVATIONS[neurons[0].activation].title
        if k == len(layers) - 1:
            titles.append(f"Output ({kind})")
        else:
            titles.append(f"Hidden ({kind})" if len(layers) == 2 else f"Hidden {k + 1} ({kind})")
    return titles


# --- the layout ------------------------------------------------------------------------------------------


def lay_out(
    names: list[list[str]], titles: list[str], texts: dict[tuple[str, str], str], spaced: bool = False
) -> NetworkLayout:
    """Columns evenly spaced, wide enough apart that every label in texts finds a place on its own connection
    (spaced: as far apart as labels would start from, though texts is empty)."""
    tallest = max(len(column) for column in names)
    title_y = MARGIN + TITLE_SIZE
    middle = title_y + 18 + RADIUS + (tallest - 1) * ROW / 2
    height = _network_height(tallest)
    widest_title = max(text_width(t, TITLE_SIZE, bold=True) for t in titles)
    pairs = max(len(a) * len(b) for a, b in itertools.pairwise(names))
    gap = max(
        150.0 if not (texts or spaced) else max(190.0, 5.5 * pairs), widest_title + 24
    )  # 8 by 8 labels need about 350
    left = MARGIN + max(RADIUS, text_width(titles[0], TITLE_SIZE, bold=True) / 2)
    for _ in range(12):  # a wider gap gives the labels more room; a few widenings always do
        columns = [left + k * gap for k in range(len(names))]
        centres = {
            name: (columns[k], middle + (i - (len(column) - 1) / 2) * ROW)
            for k, column in enumerate(names)
            for i, name in enumerate(column)
        }
        found = {}
        for k in sorted(range(len(names) - 1), key=lambda k: -len(names[k]) * len(names[k + 1])):  # the likeliest
            found[k] = place_labels(names[k], names[k + 1], centres, texts)  # to find no room first: fails sooner
            if found[k] is None:
                break
        else:
            placed = {edge: label for k in sorted(found) for edge, label in found[k].items()}
            break
        gap *= 1.1
    else:
        raise RuntimeError("no room for the weight labels however wide the columns")  # never, for 8 by 8
    width = columns[-1] + max(RADIUS, text_width(titles[-1], TITLE_SIZE, bold=True) / 2) + MARGIN
    shift = max(0.0, (LEGEND_WIDTH - width) / 2)  # a small network sits in the middle, above a legend that reads well
    if shift:
        columns = [x + shift for x in columns]
        centres = {name: (x + shift, y) for name, (x, y) in centres.items()}
        placed = {edge: Label(p.x + shift, p.y, p.width, p.height) for edge, p in placed.items()}
    return NetworkLayout(names, centres, placed, columns, title_y, width + 2 * shift, height)


def _network_height(tallest: int) -> float:
    """The picture's height down to the legend, for a tallest column of that many neurons."""
    return MARGIN + TITLE_SIZE + 18 + 2 * RADIUS + (tallest - 1) * ROW + MARGIN


def place_labels(
    sources: list[str], targets: list[str], centres: dict[str, tuple[float, float]], texts: dict[tuple[str, str], str]
) -> dict[tuple[str, str], Label] | None:
    """A place for each label between two columns, on its own connection: clear of every neuron, every other
    label, and (at its centre) every other connection; None when the columns are too close for that.

    Each label's candidate places run from 0.1 to 0.9 of the way along its connection. The label with the
    fewest places left goes next, to the place farthest from the labels already placed (up to SPREAD),
    then nearest the middle of its connection."""
    edges = [(a, b) for b in targets for a in sources if (a, b) in texts]
    columns = [(centres[names[0]][0], [centres[name][1] for name in names]) for names in (sources, targets)]
    segments = tuple((*centres[a], *centres[b]) for a, b in edges)
    clear = _clear_of_other_lines(segments)  # the same columns are laid out again and again: worked out once
    height = LABEL_SIZE + 2 * LABEL_PAD
    options: dict[tuple[str, str], list[tuple[float, Label, tuple[float, float, float, float]]]] = {}
    for n, edge in enumerate(edges):
        x1, y1, x2, y2 = segments[n]
        width = text_width(texts[edge], LABEL_SIZE) + 2 * LABEL_PAD
        options[edge] = [
            (t, label, box)
            for t, is_clear in zip(PLACES, clear[n])
            if is_clear
            for label in [Label(x1 + t * (x2 - x1), y1 + t * (y2 - y1), width, height)]
            for box in [label.box()]
            if _clear_of_circles(box, columns, RADIUS + LABEL_GAP)
        ]
    placed: dict[tuple[str, str], Label] = {}
    boxes: list[tuple[float, float, float, float]] = []  # the placed labels' boxes
    while options:
        edge = min(options, key=lambda e: len(options[e]))
        if not options[edge]:
            return None
        _, label, new = max(options.pop(edge), key=lambda option: _score(option, boxes))
        placed[edge] = label
        boxes.append(new)
        for other, left in options.items():  # places that would touch the new label are gone
            options[other] = _apart_from(left, new)
    return placed


def _score(option: tuple[float, Label, tuple[float, float, float, float]], boxes: list[tuple]) -> float:
    """How good a place is: its room from the placed boxes (up to SPREAD), less 10 x its distance from the middle."""
    t, _, (left, top, right, bottom) = option
    room = SPREAD
    for other in boxes:  # a box SPREAD or more away along x or y cannot make the room smaller
        dx = max(left - other[2], other[0] - right)
        dy = max(top - other[3], other[1] - bottom)
        if dx < SPREAD and dy < SPREAD:
            room = min(room, max(dx, dy) if dx <= 0 and dy <= 0 else math.hypot(max(dx, 0.0), max(dy, 0.0)))
    return room - 10 * abs(t - 0.5)


def _apart_from(options: list, new: tuple[float, float, float, float]) -> list:
    """The options whose boxes are at least LABEL_GAP from the box new (most decided along x or y alone)."""
    left, top, right, bottom = new
    return [
        option
        for option in options
        if option[2][0] - right >= LABEL_GAP
        or left - option[2][2] >= LABEL_GAP
        or option[2][1] - bottom >= LABEL_GAP
        or top - option[2][3] >= LABEL_GAP
        or _box_gap(option[2], new) >= LABEL_GAP
    ]


def _clear_of_circles(box: tuple[float, ...], columns: list[tuple[float, list[float]]], radius: float) -> bool:
    """Whether box keeps radius from every circle centre in columns ([(x, [y, ...]), ...])."""
    left, top, right, bottom = box
    for cx, ys in columns:
        dx = cx - min(max(cx, left), right)
        if dx * dx >= radius * radius:  # the whole column is far enough along x
            continue
        for cy in ys:
            dy = cy - min(max(cy, top), bottom)
            if dx * dx + dy * dy < radius * radius:
                return False
    return True


PLACES = tuple(0.1 + k / 40 for k in range(33))  # a label's candidate places, as fractions of its connection


@functools.lru_cache(maxsize=64)
def _clear_of_other_lines(segments: tuple[tuple[float, float, float, float], ...]) -> tuple[tuple[bool, ...], ...]:
    """For each segment, each of its PLACES: is that point at least CLEAR from every other segment?"""
    flags = []
    for n, (x1, y1, x2, y2) in enumerate(segments):
        others = segments[:n] + segments[n + 1 :]
        flags.append(
            tuple(
                all(_distance(x1 + t * (x2 - x1), y1 + t * (y2 - y1), segment) >= CLEAR for segment in others)
                for t in PLACES
            )
        )
    return tuple(flags)


def _box_gap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """How far apart two boxes (left, top, right, bottom) are; 0 or less when they meet."""
    dx = max(a[0] - b[2], b[0] - a[2])
    dy = max(a[1] - b[3], b[1] - a[3])
    if dx <= 0 and dy <= 0:
        return max(dx, dy)
    return math.hypot(max(dx, 0.0), max(dy, 0.0))


def _distance(x: float, y: float, segment: tuple[float, float, float, float]) -> float:
    """From the point (x, y) to the segment (x1, y1, x2, y2)."""
    x1, y1, x2, y2 = segment
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


# --- the parts ---------------------------------------------------------------------------------------------


def _id(name: str) -> str:
    return name.replace(".", "_")  # 'h2.4' -> 'h2_4'


def _edge(parent, edge, layout, number: float, text: str, w: Value, scheme, largest: float, thickest: float) -> None:
    """One connection: a group holding its tooltip, its line (from circle to circle) and its label."""
    a, b = edge
    (x1, y1), (x2, y2) = layout.centres[a], layout.centres[b]
    length = math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    color = scheme.color(number)
    group = element(parent, "g", class_="edge", id=f"edge-{_id(a)}-{_id(b)}")
    element(group, "title", f"w {a}→{b}: weight {w.data:+.4g}, gradient {w.grad:+.4g}")
    element(
        group,
        "line",
        x1=x1 + RADIUS * ux,
        y1=y1 + RADIUS * uy,
        x2=x2 - RADIUS * ux,
        y2=y2 - RADIUS * uy,
        stroke=color,
        stroke_width=colors.width(number, largest, high=thickest),
    )
    label = layout.labels.get(edge)
    if label is not None:
        left, top, _, _ = label.box()
        tag = element(group, "g", class_="weight-label", id=f"label-{_id(a)}-{_id(b)}")
        element(
            tag,
            "rect",
            x=left,
            y=top,
            width=label.width,
            height=label.height,
            rx=4.0,
            fill="white",
            fill_opacity=0.88,
            stroke=color,
            stroke_width=0.6,
            stroke_opacity=0.5,
        )
        baseline = label.y + LABEL_SIZE * 0.36
        element(
            tag,
            "text",
            text,
            x=label.x,
            y=baseline,
            font_size=LABEL_SIZE,
            text_anchor="middle",
            fill=color,
            data_for=f"{a}-{b}",
        )


def _neuron(parent, name: str, centre, neuron: Neuron | None, value: float | None, show_grads: bool, scheme) -> None:
    """One neuron: a group holding its tooltip, its circle, and its name, value and bias written inside."""
    cx, cy = centre
    off = neuron is not None and value is not None and is_off(neuron, value)
    group = element(parent, "g", class_="neuron off" if off else "neuron", id=f"neuron-{_id(name)}")
    tip = name if value is None else f"{name} = {value:.4g}" + (" (off: its ReLU gives 0)" if off else "")
    if neuron is not None:
        tip += f"; bias {neuron.b.data:+.4g}, its gradient {neuron.b.grad:+.4g}"
    element(group, "title", tip)
    if off:  # an off ReLU: dashed and grey, not by colour alone
        element(
            group,
            "circle",
            cx=cx,
            cy=cy,
            r=float(RADIUS),
            fill=OFF_FILL,
            stroke=colors.TEXT,
            stroke_width=1.5,
            stroke_dasharray="5 4",
        )
    else:
        element(group, "circle", cx=cx, cy=cy, r=float(RADIUS), fill="white", stroke=colors.TEXT, stroke_width=1.5)
    lines = []  # (class, text, baseline offset from the centre, font size, bold, colour)
    if value is not None:
        lines += [("name", name, -12 if neuron else -10, READABLE, False, "#616161")]
        lines += [("value", f"{value:.2f}", 5 if neuron else 10, 15, True, colors.TEXT)]
    else:
        lines += [("name", name, 2 if neuron else 5, 15, True, colors.TEXT)]
    if neuron is not None and show_grads:  # the bias's gradient, in the gradient colours
        bias = neuron.b.grad
        lines += [("bias", f"b {labels.signed(bias)}", 20, READABLE, False, scheme.color(bias))]
    elif neuron is not None:
        lines += [("bias", f"b {neuron.b.data:+.2f}", 20, READABLE, False, colors.TEXT)]
    stands_for = {"value": name, "bias": f"b-{name}"}  # the stable id of the number each line shows
    for kind, text, dy, size, bold, color in lines:
        size = _fit(text, size, bold, _chord(dy - size * 0.75, dy + size * 0.2))
        element(
            group,
            "text",
            text,
            class_=kind,
            x=cx,
            y=cy + dy,
            font_size=size,
            text_anchor="middle",
            fill=color,
            font_weight="bold" if bold else None,
            data_for=stands_for.get(kind),
        )


def is_off(neuron: Neuron, value: float) -> bool:
    """Whether the neuron is a ReLU that gives 0 here: 'off', passing no gradient back to its weights."""
    return neuron.activation == "relu" and value == 0.0


def _chord(top: float, bottom: float) -> float:
    """How wide a line of text may be inside the circle between heights top and bottom (from the centre)."""
    far = max(abs(top), abs(bottom))
    return 2 * math.sqrt(max(0.0, RADIUS * RADIUS - far * far)) - 4


def _fit(text: str, size: float, bold: bool, room: float) -> float:
    """size, or smaller until text fits in room (never below READABLE px)."""
    while size > READABLE and text_width(text, size, bold) > room:
        size -= 0.5
    return float(size)


# --- the legend --------------------------------------------------------------------------------------------


def _legend(scheme, show_grads: bool, values, no_grads: bool, unlabelled, caption: str | None, off: bool) -> list:
    """The legend's entries: a swatch row (a tuple) and lines of text (unlabelled: why the connections carry no
    numbers, or None)."""
    what = scheme.meaning
    entries: list = []
    if no_grads:
        entries.append(NO_GRADS_NOTE)
    if values is not None:
        entries.append("output " + ", ".join(labels.number(v) for v in values[-1]))
    entries.append(("swatches", what))
    if unlabelled:
        entries.append(f"{unlabelled}: each one's {what} is in its tooltip (point at it).")
    elif show_grads:
        entries.append(
            "The number on each connection is d(loss)/d(weight): a training step moves the weight against it."
        )
    else:
        entries.append("The number on each connection is its weight.")
    inside = "its name, its value for this input" if values is not None else "its name"
    bias = "b, its bias's gradient" if show_grads else "b, its bias"
    entries.append(f"In each neuron: {inside}, and {bias}.")
    if off:
        entries.append(
            "A dashed grey neuron is off: its ReLU gives 0 for this input, so no gradient flows back through it."
        )
    if caption:
        entries.append(caption)
    return entries


def _wrapped(text: str, width: float) -> list[str]:
    return svg.wrap(text, LEGEND_SIZE, width - 2 * MARGIN)


def _draw_legend(root, rows: list, scheme, top: float) -> None:
    legend = element(root, "g", class_="legend", font_size=LEGEND_SIZE, fill=colors.TEXT)
    y = top + LEGEND_SIZE
    for row in rows:
        if isinstance(row, tuple):  # the colours: a short line of each, then what thickness means
            x = float(MARGIN)
            for sign, color in (("positive", scheme.positive), ("negative", scheme.negative)):
                element(
                    legend,
                    "line",
                    x1=x,
                    y1=y - 4,
                    x2=x + 28,
                    y2=y - 4,
                    stroke=color,
                    stroke_width=4.0,
                    class_=f"swatch {sign}",
                )
                words = f"{sign} {scheme.meaning}"
                element(legend, "text", words, x=x + 34, y=y)
                x += 34 + text_width(words, LEGEND_SIZE) + 18
            element(legend, "text", f"thicker = larger |{scheme.meaning}|", x=x, y=y)
        else:
            element(legend, "text", row, x=float(MARGIN), y=y)
        y += LEGEND_SIZE * 1.6
