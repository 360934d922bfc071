"""Reading the page's requests: each field checked, or BadRequest with a message the page shows (no web stack)."""

from __future__ import annotations

import json
import math

MAX_BODY = 16_384  # bytes: every request of the page is far smaller
NUMBER_LIMIT = 100.0  # weights, biases and the neuron's numbers stay within +-100
PARAM_LIMIT = 10.0  # a weight or bias typed into the playground's table or section 6's picture stays within +-10


class BadRequest(Exception):
    """A request the server refuses; the page shows the message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def shown(value: object) -> str:
    """A value as the page sent it, short enough for a message."""
    try:
        return json.dumps(value)[:40]
    except (TypeError, ValueError):
        return repr(value)[:40]


def number(data: dict, name: str, low: float = -NUMBER_LIMIT, high: float = NUMBER_LIMIT) -> float:
    """data[name] as a finite float within [low, high], or BadRequest."""
    value = data.get(name)
    try:  # JSON's whole numbers may be too large for a float
        finite = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    except OverflowError:
        finite = False
    if not finite:
        raise BadRequest(f"{name} must be a finite number, got {shown(value)}")
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low:g} and {high:g}, got {shown(value)}")  # as sent: not rounded
    return float(value)


def whole(data: dict, name: str, low: int, high: int) -> int:
    """data[name] as a whole number within [low, high] (true and false are not numbers), or BadRequest."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, got {shown(value)}")
    if not low <= value <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, got {value}")
    return value


def flag(data: dict, name: str) -> bool:
    """data[name] as true or false, or BadRequest."""
    value = data.get(name)
    if not isinstance(value, bool):
        raise BadRequest(f"{name} must be true or false, got {shown(value)}")
    return value


def sizes(data: dict, name: str, most: int, largest: int) -> list[int]:
    """data[name] as a list of at most `most` whole numbers from 1 to largest (an empty list too), or BadRequest."""
    value = data.get(name)
    expected = f"a list of at most {most} whole numbers from 1 to {largest}"
    if not isinstance(value, list) or len(value) > most:
        raise BadRequest(f"{name} must be {expected}, got {shown(value)}")
    for size in value:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= largest:
            raise BadRequest(f"{name} must be {expected}, got {shown(value)}")
    return list(value)


def choice(data: dict, name: str, options: tuple[str, ...]) -> str:
    """data[name] as one of options, or BadRequest."""
    value = data.get(name)
    if not isinstance(value, str) or value not in options:
        raise BadRequest(f"{name} must be one of {', '.join(options)}, got {shown(value)}")
    return value


def text(data: dict, name: str, limit: int = 500) -> str:
    """data[name] as a string of at most limit characters, or BadRequest."""
    value = data.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise BadRequest(f"{name} must be text of at most {limit} characters")
    return value
