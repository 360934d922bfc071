"""The tiny datasets: exact shapes without noise, deterministic with it, and clear errors."""

import math
import random
import statistics

import pytest

from micrograd_lesson import data


def test_xor():
    X, y = data.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [int(a) ^ int(b) for a, b in X]


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = data.moons(n=51, noise=0.0, seed=3)
    assert len(X) == 51 and y.count(0) == 25 and y.count(1) == 26  # sklearn's split: n // 2 outer
    for (a, b), label in zip(X, y):
        if label == 0:  # the upper half of the unit circle
            assert math.hypot(a, b) == pytest.approx(1.0, abs=1e-12) and b >= -1e-12
        else:  # the lower half of the unit circle centred at (1, 0.5)
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0, abs=1e-12) and b <= 0.5 + 1e-12
    ends = sorted(tuple(round(c, 12) for c in x) for x in X)
    for end in [(1.0, 0.0), (-1.0, 0.0), (0.0, 0.5), (2.0, 0.5)]:  # both arcs run from angle 0 to pi inclusive
        assert end in ends


def test_circles_without_noise_have_radius_1_and_factor():
    X, y = data.circles(n=40, noise=0.0, factor=0.3)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3, abs=1e-12)
    assert len({(round(a, 9), round(b, 9)) for a, b in X}) == 40  # no point twice: the circle stops short of 2 pi


def test_noise_is_gaussian_with_the_given_std():
    clean, _ = data.moons(n=2000, noise=0.0, seed=1)
    noisy, _ = data.moons(n=2000, noise=0.2, seed=1)
    # the same seed shuffles the same way, so point i moved from clean[i] by pure noise
    shifts = [n[k] - c[k] for n, c in zip(noisy, clean) for k in range(2)]
    assert statistics.fmean(shifts) == pytest.approx(0.0, abs=0.01)
    assert statistics.stdev(shifts) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("make", [data.moons, data.circles])
def test_deterministic_per_seed_and_independent_of_the_global_generator(make):
    random.seed(0)
    state = random.getstate()
    first = make(n=30, noise=0.1, seed=7)
    assert random.getstate() == state
    assert make(n=30, noise=0.1, seed=7) == first
    assert make(n=30, noise=0.1, seed=8) != first
    X, y = first
    assert all(isinstance(c, float) for x in X for c in x) and set(y) == {0, 1}


def test_signed_maps_0_1_to_minus_1_plus_1():
    assert data.signed([0, 1, 1, 0]) == [-1, 1, 1, -1]
    with pytest.raises(ValueError, match="labels 0 or 1, got -1 at position 2"):
        data.signed([0, 1, -1])


def test_signed_refuses_a_generator_rather_than_return_nothing():
    with pytest.raises(TypeError, match="signed's labels must be a list, tuple or array, got generator"):
        data.signed(label for label in [0, 1, 1])  # it reads the labels twice: a generator would give []


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: data.moons(n=1), "n, the number of points"),
        (lambda: data.moons(n=10.0), "n, the number of points"),
        (lambda: data.moons(noise=-0.1), "noise"),
        (lambda: data.circles(noise=float("nan")), "noise"),
        (lambda: data.circles(factor=1.0), "factor"),
        (lambda: data.moons(seed="a"), "seed must be a whole number, got str: 'a'"),
        (lambda: data.moons(n=True), "n, the number of points, must be a whole number >= 2, got bool: True"),
    ],
)
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_numpy_numbers_work_as_arguments():
    import numpy as np

    assert data.moons(n=np.int64(10), noise=np.float32(0.25), seed=np.int64(3)) == data.moons(n=10, noise=0.25, seed=3)


# --- held-out points: XOR sampled around its corners, and the one split --------------------------------


def test_xor_points_scatter_around_the_four_corners_labelled_as_their_corner():
    X, y = data.xor_points(n=200, noise=0.1, seed=4)
    assert len(X) == 200 and sorted(set(y)) == [0, 1] and y.count(1) == 100
    corners, labels = data.xor()
    for point, label in zip(X, y, strict=True):
        nearest = min(range(4), key=lambda k: math.dist(point, corners[k]))
        assert labels[nearest] == label  # with noise 0.1 every point stays nearest its own corner
    assert data.xor_points(n=200, noise=0.1, seed=4) == (X, y) != data.xor_points(n=200, noise=0.1, seed=5)


def test_split_holds_out_a_quarter_seeded_and_loses_nothing():
    X = [[float(i), 0.0] for i in range(20)]
    y = [i % 2 for i in range(20)]
    points = data.split(X, y, seed=1)
    assert len(points.X_test) == 5 and len(points.X_train) == 15
    together = sorted(zip(map(tuple, points.X_train + points.X_test), points.y_train + points.y_test))
    assert together == sorted(zip(map(tuple, X), y))  # every point once, with its own label
    assert data.split(X, y, seed=1) == points != data.split(X, y, seed=2)
    assert len(data.split(X[:2], y[:2]).X_test) == 1  # at least one on each side
    with pytest.raises(ValueError, match="at least 2 points"):
        data.split(X[:1], y[:1])
    with pytest.raises(ValueError, match="test_fraction"):
        data.split(X, y, test_fraction=1.0)


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_train_test_is_the_one_split_of_each_dataset(name):
    points = data.train_test(name, seed=3)
    assert (len(points.X_train), len(points.X_test)) == (75, 25)
    assert data.train_test(name, seed=3) == points
    assert not {tuple(p) for p in points.X_train} & {tuple(p) for p in points.X_test}


def test_train_test_names_the_datasets_it_knows():
    with pytest.raises(ValueError, match="the dataset must be one of"):
        data.train_test("mnist")


def test_train_test_takes_a_noise_and_defaults_to_the_datasets_own():
    assert data.train_test("moons", seed=2, noise=data.DATASETS["moons"][1]) == data.train_test("moons", seed=2)
    still = data.train_test("xor", seed=2, noise=0.0)
    assert {tuple(p) for p in still.X_train + still.X_test} == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}
    assert data.train_test("xor", seed=2, noise=0.3) != data.train_test("xor", seed=2)


# --- section 6's datasets beside TensorFlow Playground's (issue 24) -------------------------------------------


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_dataset_is_deterministic_per_seed_balanced_and_shaped(name):
    make, noise = data.DATASETS[name]
    random.seed(0)
    state = random.getstate()
    X, y = make(n=61, noise=noise, seed=5)
    assert random.getstate() == state  # its own generator, never the global one
    assert make(n=61, noise=noise, seed=5) == (X, y) != make(n=61, noise=noise, seed=6)
    assert len(X) == len(y) == 61 and all(len(x) == 2 and all(isinstance(c, float) for c in x) for x in X)
    kind = data.KINDS[name]
    if kind == "regression":
        assert all(isinstance(t, float) and -1.0 <= t <= 1.0 for t in y) and max(y) - min(y) > 1.0
    else:
        classes = 3 if kind == "three_classes" else 2
        counts = [y.count(label) for label in range(classes)]
        assert sum(counts) == 61 and max(counts) - min(counts) <= 1, counts  # as many of each class, give or take one


def test_the_new_datasets_without_noise_have_their_shapes():
    X, y = data.spiral(n=40, noise=0.0)
    radii = sorted(math.hypot(a, b) for (a, b), label in zip(X, y) if label == 0)
    assert radii[0] == 0.0 and radii[-1] == pytest.approx(2.0 * 19 / 20)  # each arm winds out to radius 2
    for (a, b), label in zip(X, y):  # the second arm is the first turned half a circle
        if label == 1:
            assert any(math.isclose(a, -c, abs_tol=1e-12) and math.isclose(b, -d, abs_tol=1e-12) for c, d in X)
    X, y = data.plane(n=30, noise=0.0, seed=2)
    assert all(t == (a + b) / 3.0 and -1.5 <= a <= 1.5 and -1.5 <= b <= 1.5 for (a, b), t in zip(X, y))
    X, y = data.multi_gaussian(n=400, noise=0.0, seed=2)
    near = [t for (a, b), t in zip(X, y) if math.hypot(a - 0.75, b - 0.75) < 0.1]
    assert near and min(near) > 0.8  # the top of a bump up
    X, y = data.three_blobs(n=300, noise=0.0, seed=1)
    for label in range(3):
        centre = [statistics.fmean(x[k] for x, t in zip(X, y) if t == label) for k in range(2)]
        turn = math.pi / 2 + 2 * math.pi * label / 3
        assert math.hypot(centre[0] - 1.2 * math.cos(turn), centre[1] - 1.2 * math.sin(turn)) < 0.15


def test_train_test_takes_the_train_percent_from_10_to_90():
    assert (len(data.train_test("spiral", train_percent=10).X_train), len(data.train_test("plane").X_test)) == (10, 25)
    assert data.train_test("moons", seed=4, train_percent=75) == data.train_test("moons", seed=4)
    for bad in (9, 91, 50.5, True):
        with pytest.raises((ValueError, TypeError), match="train_percent"):
            data.train_test("moons", train_percent=bad)
