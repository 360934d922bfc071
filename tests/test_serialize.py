"""Saving and loading a model as JSON: bit-exact round trips, and every kind of bad file refused clearly."""

import json
import os
import random
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_lesson import MLP, Neuron, seed_network, serialize
from micrograd_lesson.serialize import FORMAT, VERSION, load, save


def weights(model):
    return [p.data for p in model.parameters()]


def test_round_trip_keeps_shape_activations_and_every_bit(tmp_path):
    model = MLP(3, [4, 2, 1], activation="tanh", output_activation="sigmoid", seed=0)
    for p, value in zip(model.parameters(), [0.1 + 0.2, 1e-300, -5e-324, 1 / 3, 2.0**60, -0.0]):
        p.data = value  # numbers whose shortest repr is long, tiny, subnormal or negative zero
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    assert repr(loaded) == repr(model)
    assert [[n.activation for n in layer.neurons] for layer in loaded.layers] == [
        ["tanh"] * 4,
        ["tanh"] * 2,
        ["sigmoid"],
    ]
    assert [w.hex() for w in weights(loaded)] == [w.hex() for w in weights(model)]
    assert loaded([0.3, -0.2, 0.9]).data == model([0.3, -0.2, 0.9]).data


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=9, max_size=9))
def test_any_finite_weights_round_trip_exactly(tmp_path_factory, numbers):
    model = MLP(2, [2, 1], seed=0)
    for p, value in zip(model.parameters(), numbers):
        p.data = value
    path = tmp_path_factory.mktemp("m") / "m.json"
    save(model, path)
    assert [w.hex() for w in weights(load(path))] == [float(n).hex() for n in numbers]


def test_the_file_is_readable_json_with_format_and_version(tmp_path):
    path = tmp_path / "seed.json"
    save(seed_network(), path)
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT and document["version"] == VERSION
    assert document["architecture"] == {"nin": 2, "sizes": [3, 1], "activations": ["relu", "sigmoid"]}
    assert document["layers"][1] == [{"w": [0.6, -0.5, 0.9], "b": 0.1}]
    assert [p.name for p in tmp_path.iterdir()] == ["seed.json"]  # the temporary file was renamed, not left


def test_load_into_an_existing_model(tmp_path):
    path = tmp_path / "seed.json"
    save(seed_network(), path)
    model = MLP(2, [3, 1], output_activation="sigmoid", seed=5)
    assert load(path, into=model) is model
    assert weights(model) == weights(seed_network())


def test_loading_touches_no_global_randomness(tmp_path):
    path = tmp_path / "m.json"
    save(seed_network(), path)
    random.seed(9)
    state = random.getstate()
    load(path)
    assert random.getstate() == state


def test_load_into_a_model_of_another_shape_is_refused_and_leaves_it_alone(tmp_path):
    path = tmp_path / "seed.json"
    save(seed_network(), path)
    for other in (MLP(2, [4, 1], output_activation="sigmoid", seed=1), MLP(2, [3, 1], seed=1)):
        before = weights(other)
        with pytest.raises(ValueError, match=r"cannot load .*seed\.json into this model"):
            load(path, into=other)
        assert weights(other) == before


def test_a_layer_that_mixes_activations_cannot_be_saved_and_the_error_names_it(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].activation = "tanh"
    with pytest.raises(ValueError, match=r"layer 0 mixes activations \['relu', 'tanh'\].*one activation per layer"):
        save(model, tmp_path / "mixed.json")
    assert list(tmp_path.iterdir()) == []


def test_only_an_mlp_is_saved_or_filled(tmp_path):
    with pytest.raises(TypeError, match="save writes an MLP, got Neuron"):
        save(Neuron(2, seed=0), tmp_path / "n.json")
    save(seed_network(), tmp_path / "m.json")
    with pytest.raises(TypeError, match="load fills an MLP"):
        load(tmp_path / "m.json", into=Neuron(2, seed=0))


def good_document():
    return json.loads(
        json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "architecture": {"nin": 2, "sizes": [3, 1], "activations": ["relu", "sigmoid"]},
                "layers": [
                    [{"w": [0.5, 0.2], "b": -0.1}, {"w": [-0.3, 0.7], "b": 0.2}, {"w": [0.8, -0.4], "b": -0.3}],
                    [{"w": [0.6, -0.5, 0.9], "b": 0.1}],
                ],
            }
        )
    )


def edit(change):
    document = good_document()
    change(document)
    return json.dumps(document)


GOOD = json.dumps(good_document())
MALFORMED = {
    "empty file": ("", "Expecting value"),
    "truncated": (GOOD[: len(GOOD) // 2], "Expecting|Unterminated"),
    "not json": ("weights: 1, 2, 3", "Expecting value"),
    "not utf-8": (b"\xff\xfe\x00{", "utf-8"),
    "a list": ("[1, 2]", "not a 'micrograd-lesson-mlp' file"),
    "other format": (edit(lambda d: d.update(format="pickle")), "not a 'micrograd-lesson-mlp' file"),
    "newer version": (edit(lambda d: d.update(version=2)), "format version 2; this library reads version 1"),
    "no architecture": (edit(lambda d: d.pop("architecture")), "'architecture' needs exactly the keys"),
    "zero inputs": (edit(lambda d: d["architecture"].update(nin=0)), "its 'nin' must be a whole number >= 1, got 0"),
    "sizes not a list": (edit(lambda d: d["architecture"].update(sizes=3)), "'sizes' must be a non-empty list"),
    "a size of 1.5": (edit(lambda d: d["architecture"].update(sizes=[1.5, 1])), r"'sizes'\[0\] must be a whole"),
    "unknown activation": (
        edit(lambda d: d["architecture"].update(activations=["relu", "gelu"])),
        r"'activations'\[1\] must be one of relu, tanh, sigmoid, linear; got 'gelu'",
    ),
    "a list as activation": (
        edit(lambda d: d["architecture"].update(activations=["relu", ["tanh"]])),
        r"'activations'\[1\] must be one of relu, tanh, sigmoid, linear; got \['tanh'\]",
    ),
    "one activation short": (
        edit(lambda d: d["architecture"].update(activations=["relu"])),
        r"one of relu, tanh, sigmoid, linear for each of its 2 layers, got \['relu'\]",
    ),
    "a layer missing": (edit(lambda d: d["layers"].pop()), "describes 2 layers but holds weights for 1"),
    "a neuron missing": (edit(lambda d: d["layers"][0].pop()), "layer 0 should hold 3 neurons, it holds 2"),
    "a weight missing": (edit(lambda d: d["layers"][1][0]["w"].pop()), "layer 1, neuron 0 should have 3 weights"),
    "no bias": (edit(lambda d: d["layers"][0][1].pop("b")), "layer 0, neuron 1 needs exactly the keys"),
    "a string weight": (
        edit(lambda d: d["layers"][0][0]["w"].__setitem__(0, "0.5")),
        r"layer 0, neuron 0, w\[0\] must be a finite number, got str: '0.5'",
    ),
    "a boolean weight": (
        edit(lambda d: d["layers"][0][0].update(b=True)),
        "layer 0, neuron 0, b must be a finite number, got bool: True",
    ),
    "NaN": (GOOD.replace("0.7", "NaN"), "holds NaN"),
    "Infinity": (GOOD.replace("0.7", "-Infinity"), "holds -Infinity"),
    "overflowing float": (GOOD.replace("0.7", "1e400"), r"layer 0, neuron 1, w\[1\] must be a finite number, got inf"),
    "overflowing integer": (
        GOOD.replace("0.7", "1" + "0" * 400),
        r"neuron 1, w\[1\] must be a finite number, got 1000",
    ),
    "an integer too long to convert": (GOOD.replace("0.7", "-" + "9" * 5000), "a whole number 5000 digits long"),
    "nested too deeply": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "nested objects": ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("content, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_every_malformed_file_is_refused_clearly_and_leaves_the_model_alone(tmp_path, content, message):
    path = tmp_path / "broken.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    model = seed_network()
    for p in model.parameters():
        p.data = 0.125
    with pytest.raises(ValueError, match=f"cannot load a model from .*broken.json: .*({message})"):
        load(path)
    with pytest.raises(ValueError, match=f"({message})"):
        load(path, into=model)
    assert weights(model) == [0.125] * 13


def test_a_file_larger_than_any_model_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    path.write_text(GOOD)
    monkeypatch.setattr(serialize, "MAX_BYTES", len(GOOD) - 1)
    with pytest.raises(ValueError, match=f"cannot load a model from .*huge.json: it is larger than {len(GOOD) - 1:,}"):
        load(path)
    monkeypatch.setattr(serialize, "MAX_BYTES", len(GOOD))
    assert weights(load(path)) == weights(seed_network())


def test_the_good_document_itself_loads(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(GOOD)
    assert weights(load(path)) == weights(seed_network())


def test_a_missing_file_names_itself(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        load(tmp_path / "nowhere.json")


def test_the_saved_file_gets_the_usual_permissions_not_a_temp_files(tmp_path):
    old = os.umask(0o022)
    try:
        save(seed_network(), tmp_path / "model.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "model.json").stat().st_mode) == 0o644  # was 0o600, unreadable to others
