"""Label text for DOT: any string shows as itself, and numbers read the same everywhere."""

from __future__ import annotations

import unicodedata

RECORD_SPECIALS = set('\\{}|<> "')  # a backslash before these shows them literally inside a record
TEXT_SPECIALS = set('\\"')  # outside records only these need one


def _visible(ch: str) -> str:
    """ch itself, or a readable stand-in for characters SVG (XML 1.0) cannot hold."""
    if ch == "\n":
        return ch
    if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
        return ch.encode("unicode_escape").decode("ascii")
    return ch


def _escape(text: str, specials: set[str]) -> str:
    out = []
    for ch in "".join(_visible(ch) for ch in str(text)):
        if ch == "\n":
            out.append("\\n")  # DOT's centred line break
        elif ch == "&":
            out.append("&amp;")  # Graphviz reads &...; as an entity; this keeps '&lt;' as typed
        elif ch in specials:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def record_field(text: str) -> str:
    """Text for one field of a record-shaped node, escaped so it shows exactly as written."""
    return _escape(text, RECORD_SPECIALS)


def record(*fields: str) -> str:
    """A record label with fields side by side: record('a', 'data 2.0000') -> '{ a | data 2.0000 }'."""
    from graphviz import nohtml  # imported here: the network picture uses this module, and a browser has no graphviz

    return nohtml("{ " + " | ".join(record_field(f) for f in fields) + " }")


def text(text: str) -> str:
    """A plain (non-record) label, escaped so it shows exactly as written."""
    from graphviz import nohtml

    return nohtml(_escape(text, TEXT_SPECIALS))


def number(x: float) -> str:
    """The 4-decimal form the lecture uses for data and grad: 0.8814, -6.0000 (never '-0.0000')."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def signed(x: float) -> str:
    """A short signed number for a weight or its gradient: +0.5, -0.073, 0."""
    return "0" if x == 0 else f"{x:+.2g}"
