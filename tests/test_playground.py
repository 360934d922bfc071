"""The lesson's "Now try it yourself" network: its nine weights, its numbers at (0.50, 0.50), and the sliders."""

import math
import random

import pytest

from micrograd_lesson import MLP, Playground, seed_network


def test_the_nine_weights_sit_where_the_docstring_says():
    model = seed_network()
    hidden, output = model.layers
    from_x1 = [n.w[0].data for n in hidden.neurons]
    from_x2 = [n.w[1].data for n in hidden.neurons]
    assert from_x1 + from_x2 == [0.5, -0.3, 0.8, 0.2, 0.7, -0.4]  # the lesson's order: x1's three, then x2's
    assert [w.data for w in output.neurons[0].w] == [0.6, -0.5, 0.9]
    assert [n.b.data for n in hidden.neurons] == [-0.10, 0.20, -0.30] and output.neurons[0].b.data == 0.10
    assert repr(model) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [SigmoidNeuron(3)]]"


def test_the_lessons_numbers_at_the_start():
    inputs, hidden, output = seed_network().activations([0.5, 0.5])
    assert inputs == [0.5, 0.5]
    assert [round(h, 2) for h in hidden] == [0.25, 0.40, 0.00]  # what the picture shows
    assert hidden == pytest.approx([0.25, 0.40, 0.0], abs=1e-15)
    assert hidden[2] == 0.0  # ReLU of a negative sum, exactly
    assert round(output[0], 4) == 0.5125 and round(output[0], 2) == 0.51
    assert output[0] == pytest.approx(1 / (1 + math.exp(-0.05)), rel=1e-14)


def test_seed_network_leaves_the_global_generator_alone():
    random.seed(3)
    state = random.getstate()
    seed_network()
    Playground()
    assert random.getstate() == state


def test_moving_a_slider_recomputes_everything():
    playground = Playground()
    assert playground.inputs == [0.5, 0.5] and round(playground.output, 4) == 0.5125
    layers = playground.set(x1=1.0)
    # h1 = relu(0.5*1 + 0.2*0.5 - 0.1) = 0.5, h2 = relu(-0.3 + 0.35 + 0.2) = 0.25, h3 = relu(0.8 - 0.2 - 0.3) = 0.3
    assert layers[1] == pytest.approx([0.5, 0.25, 0.3], abs=1e-15)
    expected = 1 / (1 + math.exp(-(0.6 * 0.5 - 0.5 * 0.25 + 0.9 * 0.3 + 0.1)))
    assert playground.output == pytest.approx(expected, rel=1e-14)
    assert playground.activations is layers and playground.inputs == [1.0, 0.5]
    playground.set(x2=0.0)
    assert playground.inputs == [1.0, 0.0]
    assert playground.activations == seed_network().activations([1.0, 0.0])
    assert "output 0.5125" in repr(Playground())


def test_a_playground_over_any_two_input_network():
    model = MLP(2, [4, 1], seed=0)
    playground = Playground(0.2, 0.9, model=model)
    assert playground.output == model([0.2, 0.9]).data


@pytest.mark.parametrize("bad", [-0.1, 1.01, float("nan"), True, "0.5"])
def test_inputs_outside_0_to_1_are_refused_and_nothing_changes(bad):
    playground = Playground(0.3, 0.7)
    before = playground.activations
    with pytest.raises(ValueError, match=r"the slider x2 must be a finite number >= 0 and <= 1, got"):
        playground.set(x1=0.9, x2=bad)
    assert playground.inputs == [0.3, 0.7] and playground.activations is before
    with pytest.raises(ValueError, match="the slider x1 must be"):
        Playground(x1=bad)


def test_the_two_sliders_need_a_network_of_two_inputs():
    with pytest.raises(ValueError, match="two sliders need a network of 2 inputs, got one of 3"):
        Playground(model=MLP(3, [2, 1], seed=0))


def test_numpy_numbers_move_a_slider():
    import numpy as np

    playground = Playground(np.float32(0.25), np.float64(1.0))
    assert playground.inputs == [0.25, 1.0] and all(type(x) is float for x in playground.inputs)
