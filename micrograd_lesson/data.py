"""Tiny deterministic datasets of 2-D points (standard library only), of three kinds (KINDS):

two classes (XOR, two moons, two circles, a two-armed spiral, two gaussian blobs), three classes (three
gaussian blobs) and regression (a plane, a few gaussian bumps: a number in [-1, 1] for every point).
Every function returns (X, y): X a list of points [x1, x2], y a list of labels 0 or 1 (0, 1 or 2; a float).
signed(y) turns the labels into -1 and +1, which the hinge loss needs. train_test(name) is the one place
a dataset is split into training points and held-out points, for the command line and the live page alike.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lesson import _checks


def xor() -> tuple[list[list[float]], list[int]]:
    """The four corners of the unit square, labelled 1 where exactly one input is 1."""
    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0, 1, 1, 0]
    return X, y


def xor_points(n: int = 100, noise: float = 0.15, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """n points scattered around XOR's four corners (gaussian noise of std noise), each labelled as its corner is."""
    n, noise, seed = _checked(n, noise, seed)
    rng = random.Random(seed)
    corners, labels = xor()
    X, y = [], []
    for i in range(n):
        corner = corners[i % 4]  # as many points around each corner, give or take one
        X.append([c + rng.gauss(0.0, noise) for c in corner])
        y.append(labels[i % 4])
    order = list(range(n))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, built like scikit-learn's make_moons: n points, gaussian noise of std noise."""
    n, noise, seed = _checked(n, noise, seed)
    n_outer = n // 2
    n_inner = n - n_outer
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_outer)]
    inner = [[1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5] for t in _linspace(0.0, math.pi, n_inner)]
    return _shuffle_and_jitter(outer + inner, [0] * n_outer + [1] * n_inner, noise, random.Random(seed))


def circles(
    n: int = 100, noise: float = 0.1, seed: int = 0, factor: float = 0.5
) -> tuple[list[list[float]], list[int]]:
    """A circle of radius 1 (label 0) around one of radius factor (label 1), like scikit-learn's make_circles."""
    n, noise, seed = _checked(n, noise, seed)
    _checks.number(
        "factor, the inner circle's radius,", factor, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    n_outer = n // 2
    n_inner = n - n_outer
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_outer, endpoint=False)]
    inner = [[factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_inner, endpoint=False)]
    return _shuffle_and_jitter(outer + inner, [0] * n_outer + [1] * n_inner, noise, random.Random(seed))


def spiral(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two spiral arms winding out of the centre to radius 2, half a turn apart (TFP's spiral): n points."""
    n, noise, seed = _checked(n, noise, seed)
    X, y = [], []
    for label, count in ((0, n // 2), (1, n - n // 2)):
        for i in range(count):
            r = 2.0 * i / count  # out from the centre ...
            t = 1.75 * 2 * math.pi * i / count + math.pi * label  # ... turning 1.75 times, the second arm opposite
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(label)
    return _shuffle_and_jitter(X, y, noise, random.Random(seed))


def gaussian(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two round gaussian blobs of std BLOB_STD, class 0 around (-1, -1) and class 1 around (1, 1): n points."""
    return _blobs([(-1.0, -1.0), (1.0, 1.0)], n, noise, seed)


def three_blobs(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Three gaussian blobs of std BLOB_STD a third of a turn apart on a circle of radius 1.2: classes 0, 1, 2."""
    turns = [math.pi / 2 + 2 * math.pi * k / 3 for k in range(3)]
    return _blobs([(1.2 * math.cos(t), 1.2 * math.sin(t)) for t in turns], n, noise, seed)


def plane(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Regression: n points spread evenly at random over [-1.5, 1.5]², each with the target (x1 + x2) / 3."""
    return _regression(lambda a, b: (a + b) / 3.0, n, noise, seed)


BUMPS = [(-0.75, -0.75, 1.0), (0.75, 0.75, 1.0), (-0.75, 0.75, -1.0), (0.75, -0.75, -1.0)]  # centre, height


def multi_gaussian(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Regression: n points over [-1.5, 1.5]², each with the sum of four gaussian bumps (two up, two down) there."""

    def height(a: float, b: float) -> float:
        summed = sum(h * math.exp(-((a - cx) ** 2 + (b - cy) ** 2) / (2 * 0.35**2)) for cx, cy, h in BUMPS)
        return max(-1.0, min(1.0, summed))

    return _regression(height, n, noise, seed)


def signed(y: Sequence[int]) -> list[int]:
    """Labels 0/1 (a list, tuple or array) as -1/+1, the targets the hinge loss expects."""
    _checks.sequence("signed's labels", y)
    for i, label in enumerate(y):
        if label not in (0, 1) or isinstance(label, bool):
            raise ValueError(f"signed needs labels 0 or 1, got {label!r} at position {i}")
    return [2 * label - 1 for label in y]


@dataclass(frozen=True)
class Split:
    """A dataset split in two: the points a model trains on, and the held-out points it is then tested on."""

    X_train: list[list[float]]
    y_train: list[int]
    X_test: list[list[float]]
    y_test: list[int]


DATASETS = {  # name -> (maker, noise)
    "xor": (xor_points, 0.15),
    "moons": (moons, 0.1),
    "circles": (circles, 0.1),
    "spiral": (spiral, 0.1),
    "gaussian": (gaussian, 0.1),
    "three_blobs": (three_blobs, 0.1),
    "plane": (plane, 0.1),
    "multi_gaussian": (multi_gaussian, 0.1),
}
KINDS = {name: "two_classes" for name in ("xor", "moons", "circles", "spiral", "gaussian")}  # name -> its kind
KINDS |= {"three_blobs": "three_classes", "plane": "regression", "multi_gaussian": "regression"}
TEST_FRACTION = 0.25
BLOB_STD = 0.4


def split(X: Sequence, y: Sequence, test_fraction: float = TEST_FRACTION, seed: int = 0) -> Split:
    """X and y shuffled by seed, then cut in two: test_fraction of the points held out, at least one each side."""
    _checks.sequence("split's points", X)
    _checks.sequence("split's labels", y)
    if len(X) != len(y) or len(X) < 2:
        raise ValueError(f"split needs as many labels as points, and at least 2 points; got {len(X)} and {len(y)}")
    _checks.number("test_fraction", test_fraction, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    held = min(len(X) - 1, max(1, round(len(X) * test_fraction)))
    test, train = order[:held], order[held:]
    return Split([list(X[i]) for i in train], [y[i] for i in train], [list(X[i]) for i in test], [y[i] for i in test])


def train_test(name: str, n: int = 100, seed: int = 0, noise: float | None = None, train_percent: int = 75) -> Split:
    """The dataset name (one of DATASETS): n points made and split with seed, train_percent (10 to 90) training.

    noise is the std of the gaussian jitter; None gives the dataset's own (DATASETS), as the command line uses."""
    _checks.one_of("the dataset", name, DATASETS)
    train_percent = _checks.whole("train_percent, the percent of points that train,", train_percent, low=10, high=90)
    make, usual = DATASETS[name]
    X, y = make(n=n, noise=usual if noise is None else noise, seed=seed)
    return split(X, y, test_fraction=(100 - train_percent) / 100, seed=seed)


def _linspace(start: float, stop: float, count: int, endpoint: bool = True) -> list[float]:
    steps = (count - 1 if endpoint else count) or 1
    return [start + (stop - start) * i / steps for i in range(count)]


def _shuffle_and_jitter(
    X: list[list[float]], y: list[int], noise: float, rng: random.Random
) -> tuple[list[list[float]], list[int]]:
    order = list(range(len(X)))
    rng.shuffle(order)  # mix the two classes, as make_moons does, then add the noise
    X = [[coordinate + rng.gauss(0.0, noise) for coordinate in X[i]] for i in order]
    return X, [y[i] for i in order]


def _blobs(centres: list[tuple[float, float]], n: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    """n points in turn around each centre (gaussian, std BLOB_STD), labelled by their centre's index."""
    n, noise, seed = _checked(n, noise, seed)
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        label = i % len(centres)  # as many points around each centre, give or take one
        X.append([c + rng.gauss(0.0, BLOB_STD) for c in centres[label]])
        y.append(label)
    return _shuffle_and_jitter(X, y, noise, rng)


def _regression(
    target: Callable[[float, float], float], n: int, noise: float, seed: int
) -> tuple[list[list[float]], list[float]]:
    """n points uniform over [-1.5, 1.5]², each with target(x1, x2), then jittered by noise (the targets stay)."""
    n, noise, seed = _checked(n, noise, seed)
    rng = random.Random(seed)
    X = [[rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)] for _ in range(n)]
    return _shuffle_and_jitter(X, [target(a, b) for a, b in X], noise, rng)


def _checked(n: int, noise: float, seed: int) -> tuple[int, float, int]:
    """The arguments every dataset maker shares, checked, as Python numbers."""
    return (
        _checks.whole("n, the number of points,", n, low=2),
        _checks.number("noise, the std of the gaussian jitter,", noise, low=0.0),
        _checks.whole("seed", seed),
    )
