"""Save a network to JSON and load it back: its shape, its activations and every weight, bit for bit. Never pickle.

The file reads like this (json writes each float as its shortest exact repr, so numbers round-trip exactly):

    {"format": "micrograd-lesson-mlp", "version": 1,
     "architecture": {"nin": 2, "sizes": [3, 1], "activations": ["relu", "sigmoid"]},
     "layers": [[{"w": [0.5, 0.2], "b": -0.1}, ...], [{"w": [0.6, -0.5, 0.9], "b": 0.1}]]}
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from micrograd_lesson import _checks
from micrograd_lesson._files import write_file
from micrograd_lesson.nn import ACTIVATIONS, MLP, layer_activations

FORMAT = "micrograd-lesson-mlp"
VERSION = 1
MAX_BYTES = 10_000_000  # load() reads no more: about 500,000 weights, far more than scalar Values can train
MAX_DIGITS = 1000  # longer whole numbers are refused unread: a float holds at most 309 digits

PathLike = str | os.PathLike


def save(model: MLP, path: PathLike) -> None:
    """Write model to path as JSON (replacing the file only once the new one is complete)."""
    if not isinstance(model, MLP):
        raise TypeError(f"save writes an MLP, got {type(model).__name__}")
    document = {"format": FORMAT, "version": VERSION, "architecture": architecture(model), "layers": []}
    for layer in model.layers:
        document["layers"].append([{"w": [w.data for w in n.w], "b": n.b.data} for n in layer.neurons])
    write_file(path, json.dumps(document, allow_nan=False, indent=1))  # whole or not at all: never a truncated model


def load(path: PathLike, into: MLP | None = None) -> MLP:
    """Read a model saved by save(); with into=, copy the weights into that model (same architecture) instead.

    Any problem with the file raises ValueError naming the file and what is wrong, and leaves into untouched."""
    path = Path(path)
    with open(path, "rb") as file:
        data = file.read(MAX_BYTES + 1)
    try:
        arch, pairs = _read(_parse(data))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot load a model from {path}: it is not JSON text (is it truncated?): {error}") from None
    except _Malformed as error:
        raise ValueError(f"cannot load a model from {path}: {error}") from None
    if into is None:
        into = MLP(arch["nin"], arch["sizes"], rng=random.Random(0))  # the global generator stays untouched
        for layer, activation in zip(into.layers, arch["activations"]):
            for neuron in layer.neurons:
                neuron.activation = activation
    elif not isinstance(into, MLP):
        raise TypeError(f"load fills an MLP, got {type(into).__name__}")
    elif architecture(into) != arch:
        raise ValueError(
            f"cannot load {path} into this model: the file holds {arch}, the model is {architecture(into)}"
        )
    into.set_parameters(pairs)  # only now, with everything checked, change the model
    return into


def architecture(model: MLP) -> dict:
    """The shape of model: inputs, layer sizes and each layer's activation."""
    try:
        activations = layer_activations(model)
    except ValueError as error:
        raise ValueError(f"{error}; the file format has one activation per layer") from None
    return {"nin": model.nin, "sizes": [len(layer.neurons) for layer in model.layers], "activations": activations}


class _Malformed(Exception):
    pass


def _parse(data: bytes) -> object:
    """The JSON document in data, refusing what no saved model holds before it costs time or memory."""
    if len(data) > MAX_BYTES:
        raise _Malformed(f"it is larger than {MAX_BYTES:,} bytes, far more than a model file holds")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant, parse_int=_whole_number)
    except RecursionError:  # [[[[... thousands deep: a saved model is nested four deep
        raise _Malformed("it is nested too deeply to be a model file") from None


def _refuse_constant(name: str) -> float:
    raise _Malformed(f"it holds {name}, but every weight must be a finite number")


def _whole_number(digits: str) -> int:
    """A whole number from the file; a very long one is refused before int() spends time on it."""
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _Malformed(f"it holds a whole number {len(digits.lstrip('-'))} digits long, too large for a float")
    return int(digits)


def _read(document: object) -> tuple[dict, list[list[tuple[list[float], float]]]]:
    """Check every part of a parsed file; return its architecture and each layer's (weights, bias) pairs."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Malformed(f"it is not a {FORMAT!r} file (no matching 'format' field)")
    if document.get("version") != VERSION:
        raise _Malformed(f"it has format version {document.get('version')!r}; this library reads version {VERSION}")
    arch = document.get("architecture")
    if not isinstance(arch, dict) or set(arch) != {"nin", "sizes", "activations"}:
        raise _Malformed("its 'architecture' needs exactly the keys 'nin', 'sizes' and 'activations'")
    nin, sizes, activations = arch["nin"], arch["sizes"], arch["activations"]
    _checks.whole("its 'nin'", nin, low=1, error=_Malformed)
    if not isinstance(sizes, list) or not sizes:
        raise _Malformed(f"its 'sizes' must be a non-empty list of whole numbers >= 1, got {sizes!r}")
    for k, size in enumerate(sizes):
        _checks.whole(f"its 'sizes'[{k}]", size, low=1, error=_Malformed)
    if not isinstance(activations, list) or len(activations) != len(sizes):
        known = ", ".join(ACTIVATIONS)
        raise _Malformed(
            f"its 'activations' must name one of {known} for each of its {len(sizes)} layers, got {activations!r}"
        )
    for k, activation in enumerate(activations):
        _checks.one_of(f"its 'activations'[{k}]", activation, ACTIVATIONS, error=_Malformed)
    layers = document.get("layers")
    if not isinstance(layers, list) or len(layers) != len(sizes):
        raise _Malformed(f"it describes {len(sizes)} layers but holds weights for {_count(layers)}")
    pairs = []
    for i, (layer, fan_in, size) in enumerate(zip(layers, [nin, *sizes], sizes)):
        if not isinstance(layer, list) or len(layer) != size:
            raise _Malformed(f"layer {i} should hold {size} neurons, it holds {_count(layer)}")
        pairs.append([])
        for j, neuron in enumerate(layer):
            where = f"layer {i}, neuron {j}"
            if not isinstance(neuron, dict) or set(neuron) != {"w", "b"}:
                raise _Malformed(f"{where} needs exactly the keys 'w' and 'b'")
            if not isinstance(neuron["w"], list) or len(neuron["w"]) != fan_in:
                raise _Malformed(f"{where} should have {fan_in} weights, it has {_count(neuron['w'])}")
            weights = [_checks.number(f"{where}, w[{k}]", w, error=_Malformed) for k, w in enumerate(neuron["w"])]
            pairs[i].append((weights, _checks.number(f"{where}, b", neuron["b"], error=_Malformed)))
    return {"nin": nin, "sizes": sizes, "activations": activations}, pairs


def _count(x: object) -> str:
    return str(len(x)) if isinstance(x, list) else f"none (found {type(x).__name__})"
