"""The tour's sections: the numbers they print are the lesson's, computed on the spot."""

import math
import re

import pytest

from micrograd_lesson import examples
from micrograd_lesson.app import tour


def test_the_tour_follows_the_lesson():
    titles = [section.title for section in tour.sections()]
    assert titles == [
        "1. A neuron's four steps",
        "2. The network's forward pass",
        "3. The five-step training loop",
        "4. Backpropagation, one scalar at a time",
        "5. The playground network",
    ]


def test_the_neuron_section_shows_the_lectures_numbers():
    v = examples.lecture_neuron()
    assert v["n"].data == pytest.approx(0.8814, abs=1e-4)
    assert v["o"].data == pytest.approx(math.sqrt(0.5))
    text = tour.neuron().text
    for shown in ("x1*w1 = 2 * -3 = -6", "n = -6 + 0 + 6.8814 = 0.8814", "o = tanh(n) = 0.7071", "do/dw1 = 1.0000"):
        assert shown in text


def test_the_forward_pass_section_prints_the_lessons_numbers():
    text = tour.forward_pass().text
    assert "Input [0.80, 0.30]  ->  Hidden [0.60, 0.00, 0.40]  ->  Output 0.73" in text
    assert "relu(-0.31) = 0.00" in text  # the ReLU that stays silent, which the text explains
    assert text.count("relu(") == 2 * 3


def test_the_training_section_shows_the_loss_falling_and_xor_learned():
    text = tour.training_loop().text
    path = re.search(r"the loss falls ([\d. >-]+)", text).group(1)
    losses = [float(x) for x in path.split(" -> ")]
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.05
    answers = [float(x) for x in re.findall(r"-> ([+-]\d\.\d\d)   \(target", text)]
    assert [math.copysign(1, a) for a in answers] == examples.xor_problem()[1]


def test_one_training_step_moves_the_weight_against_its_grad():
    text = tour.training_loop(epochs=1, lr=0.5).text
    grad = float(re.search(r"hidden neuron 1 gets ([+-][\d.]+)", text).group(1))
    before, after = (float(x) for x in re.search(r"goes from ([+-][\d.]+) to ([+-][\d.]+)", text).groups())
    assert after == pytest.approx(before - 0.5 * grad, abs=2e-4)


def test_the_backprop_section_tables_every_chain_rule_step():
    text = tour.backprop().text
    rows = [line.split() for line in text.splitlines() if re.match(r"\s+\d+\s+[Lde]\s+-> ", line)]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5, 6]  # numbered as the flipbook numbers its steps
    assert [(r[1], r[3], float(r[6])) for r in rows] == [
        ("L", "d", -2.0),
        ("L", "f", 4.0),
        ("d", "e", -2.0),
        ("d", "c", -2.0),
        ("e", "a", 6.0),
        ("e", "b", -4.0),
    ]
    assert "dL/da = 6 and dL/db = -4" in text
    assert "a.grad = 2" in text


def test_the_lecture_expression():
    L = examples.lecture_expression()
    assert L.data == -8.0 and L.label == "L"


def test_the_playground_section_shows_the_lessons_numbers():
    text = tour.playground().text
    assert "h1     = relu(+0.5*0.50 +0.2*0.50 -0.10) = 0.25" in text
    assert "h2     = relu(-0.3*0.50 +0.7*0.50 +0.20) = 0.40" in text
    assert "h3     = relu(+0.8*0.50 -0.4*0.50 -0.30) = 0.00" in text
    assert "output = sigmoid(+0.6*h1 -0.5*h2 +0.9*h3 +0.10) = 0.5125" in text


def test_every_section_writes_its_drawings(tmp_path):
    names = []
    for section in tour.sections():
        assert section.drawings, f"{section.title} draws nothing"
        for name, write in section.drawings.items():
            write(tmp_path / name)
            names.append(name)
            content = (tmp_path / name).read_text()
            assert "<svg" in content
    assert names == [
        "neuron.svg",
        "network.svg",
        "xor-network.svg",
        "backprop.svg",
        "backprop-steps.html",
        "playground.svg",
    ]
    assert "0.7071" in (tmp_path / "neuron.svg").read_text()  # o's data, in the lecture's record
    assert "0.5125" in (tmp_path / "playground.svg").read_text()
    assert len(re.findall(r"\d × ", (tmp_path / "backprop.svg").read_text())) == 6  # local × upstream on six edges
