"""Neurons, layers and MLPs: micrograd's numbers and names, the perceptron's four steps, and bad input."""

import math
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_lesson import MLP, Layer, Neuron, Perceptron, Value, topological_order
from micrograd_lesson.examples import forward_pass_network, seed_network
from micrograd_lesson.metrics import accuracy
from micrograd_lesson.nn import (
    ACTIVATIONS,
    Activation,
    class_of,
    decision_threshold,
    layer_activations,
    layer_values,
    layers_of,
)
from micrograd_lesson.serialize import load, save
from micrograd_lesson.testing import check_grad, floats
from micrograd_lesson.training import TrainingLoop
from micrograd_lesson.viz import draw_dot, draw_network


def test_a_seeded_micrograd_script_gets_the_very_same_weights():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    random.seed(1337)  # micrograd draws random.uniform(-1, 1) per weight, layer by layer, neuron by neuron; bias 0
    expected = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected
    assert len(expected) == 337  # micrograd's demo: "number of parameters 337"


def test_seed_and_rng_give_the_same_network_and_leave_the_global_generator_alone():
    random.seed(5)
    state = random.getstate()
    a = MLP(2, [3, 1], seed=42)
    b = MLP(2, [3, 1], rng=random.Random(42))
    assert random.getstate() == state
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in MLP(2, [3, 1], seed=43).parameters()] != [p.data for p in a.parameters()]


def test_a_random_bias_is_drawn_from_the_same_generator_right_after_the_weights():
    rng = random.Random(3)
    expected = [rng.uniform(-1, 1) for _ in range(3)]
    assert [p.data for p in Neuron(2, random_bias=True, seed=3).parameters()] == expected
    assert Neuron(2, seed=3).b.data == 0.0  # micrograd's bias, the default


def test_a_seeded_layer_gives_each_neuron_its_own_weights():
    layer = Layer(2, 3, seed=7)
    weights = [[w.data for w in n.w] for n in layer.neurons]
    assert len({tuple(w) for w in weights}) == 3
    assert weights == [[w.data for w in n.w] for n in Layer(2, 3, seed=7).neurons]


def test_micrograd_names_and_reprs():
    model = MLP(2, [2, 1], seed=0)
    assert repr(model) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    neuron = model.layers[0].neurons[0]
    assert isinstance(neuron.w, list) and isinstance(neuron.b, Value) and neuron.b.data == 0.0
    assert neuron.parameters() == [*neuron.w, neuron.b]
    assert repr(Neuron(3, nonlin=False, seed=0)) == "LinearNeuron(3)"
    assert repr(Perceptron(2, activation="sigmoid", seed=0)) == "SigmoidPerceptron(2)"
    assert repr(Neuron(2, activation="tanh", seed=0)) == "TanhNeuron(2)"


def test_activations_by_name_and_micrograd_nonlin():
    assert Neuron(2, seed=0).activation == "relu"
    assert Neuron(2, nonlin=False, seed=0).activation == "linear"
    assert (Neuron(2, seed=0).nonlin, Neuron(2, nonlin=False, seed=0).nonlin) == (True, False)
    assert Neuron(2, activation="sigmoid", seed=0).nonlin
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    assert [[n.activation for n in layer.neurons] for layer in model.layers] == [
        ["tanh"] * 3,
        ["tanh"] * 3,
        ["sigmoid"],
    ]
    with pytest.raises(ValueError, match="activation must be one of relu, tanh, sigmoid, linear; got 'gelu'"):
        Neuron(2, activation="gelu")


def test_a_layer_of_one_neuron_returns_a_bare_value_and_wider_layers_a_list():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    out = Layer(2, 3, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_a_hidden_layer_of_one_neuron_works_everywhere(tmp_path):
    """MLP(2, [1, 1]): the hidden layer's bare Value is the output layer's one input, in every use of a model."""
    model = MLP(2, [1, 1], activation="tanh", seed=0)
    hidden, output = model.layers[0].neurons[0], model.layers[1].neurons[0]
    x = [0.5, -1.0]
    out = model(x)
    assert isinstance(out, Value) and out.data == output([hidden(x)]).data  # the output stays a bare Value
    assert model.activations(x) == [x, [hidden(x).data], [out.data]]
    assert "h1" in draw_network(model, x).source
    X, y = [[0.5, -1.0], [-0.5, 1.0], [1.0, 1.0]], [1, -1, 1]
    assert accuracy(model, X, y) == sum((model(xi).data > 0) == (yi > 0) for xi, yi in zip(X, y)) / 3
    losses = TrainingLoop(model, X, y).run(3, progress=False)
    assert len(losses) == 3 and losses[-1] < losses[0]
    save(model, tmp_path / "one.json")
    assert load(tmp_path / "one.json")(x).data == model(x).data


def test_inputs_may_be_values_and_receive_gradients():
    n = Neuron(2, activation="linear", seed=0)
    x = [Value(1.5), Value(-2.0)]
    n(x).backward()
    assert [xi.grad for xi in x] == [w.data for w in n.w]


@settings(max_examples=40, deadline=None)
@given(floats(-2, 2), floats(-2, 2), floats(-2, 2), floats(-2, 2), floats(-2, 2))
def test_a_neuron_matches_the_numerical_gradient(w1, w2, b, x1, x2):
    for activation in ("tanh", "sigmoid", "linear"):
        neuron = Neuron(2, activation=activation, seed=0)

        def f(w1, w2, b, x1, x2, neuron=neuron):
            neuron.w, neuron.b = [w1, w2], b
            return neuron([x1, x2])

        check_grad(f, w1, w2, b, x1, x2)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Neuron(2, seed=0)([1.0, 2.0, 3.0]), "expected 2 input"),
        (lambda: MLP(3, [2, 1], seed=0)([1.0]), "expected 3 input"),
        (lambda: Neuron(2, seed=0)(1.0), "single number"),
        (lambda: Neuron(0), "nin"),
        (lambda: Layer(2, 0), "nout"),
        (lambda: MLP(2, 3), "nouts"),
        (lambda: Perceptron(2, seed=0).explain([1.0]), "expected 2 input"),
        (lambda: MLP(2, [3, 1], seed=0).activations(0.5), "single number 0.5"),
        (lambda: MLP(2, [3, 1], seed=0).activations([0.5]), "expected 2 input"),
    ],
)
def test_wrong_shapes_are_refused_with_a_clear_message(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_generator_of_inputs_is_refused_with_the_fix():
    with pytest.raises(TypeError, match=r"got generator: .* \(it can be read only once: pass list"):
        Neuron(2, seed=0)(x for x in [1.0, 2.0])


def test_an_unknown_output_activation_changes_nothing_not_even_the_global_generator():
    random.seed(0)
    state = random.getstate()
    with pytest.raises(ValueError, match="output_activation must be one of relu, tanh, sigmoid, linear; got 'gelu'"):
        MLP(2, [3, 1], output_activation="gelu")  # checked before the hidden layer draws its weights
    assert random.getstate() == state


@pytest.mark.parametrize("bad", [None, "ab", {0.5, 0.6}])
def test_inputs_that_are_not_a_list_are_refused_by_type(bad):
    with pytest.raises(TypeError, match=r"expected a list of 2 input number\(s\), got"):
        MLP(2, [3, 1], seed=0)(bad)
    with pytest.raises(TypeError, match=r"expected a list of 2 input number\(s\), got"):
        MLP(2, [3, 1], seed=0).activations(bad)


def test_activations_show_the_lessons_forward_pass():
    model = forward_pass_network()
    layers = model.activations([0.8, 0.3])
    assert layers[0] == [0.8, 0.3]
    assert layers[1] == pytest.approx([0.6, 0.0, 0.4], abs=1e-15)
    assert round(layers[2][0], 2) == 0.73  # Input [0.8, 0.3] -> Hidden [0.6, 0.0, 0.4] -> Output 0.73
    assert layers[2][0] == pytest.approx(1 / (1 + math.exp(-1.0)), rel=1e-15)
    assert layers[2][0] == model([0.8, 0.3]).data


# --- the perceptron's four steps -------------------------------------------------------------------


def test_perceptron_is_a_neuron_and_explains_its_four_steps():
    p = Perceptron(2, seed=0)
    assert isinstance(p, Neuron)
    p.w[0].data, p.w[1].data, p.b.data = 0.5, -0.3, 0.1
    steps = p.explain([2.0, 1.0])
    assert steps.inputs == (2.0, 1.0)
    assert steps.weights == (0.5, -0.3)
    assert steps.products == (1.0, -0.3)  # step 2: each input times its weight
    assert steps.total == pytest.approx(0.8, abs=1e-15)  # step 3: 1.0 - 0.3 + 0.1
    assert steps.activation == "relu"
    assert steps.output == steps.total  # step 4: relu of a positive sum is the sum
    text = str(steps)
    for fragment in ("1. inputs", "2. times weights", "2 * 0.5 = 1", "3. sum plus bias", "= 0.8", "4. activation"):
        assert fragment in text


def test_a_negative_sum_does_not_fire():
    p = Perceptron(1, seed=0)
    p.w[0].data = -1.0
    steps = p.explain([Value(3.0)])
    assert (steps.total, steps.output) == (-3.0, 0.0)


@settings(max_examples=50, deadline=None)
@given(floats(-3, 3), floats(-3, 3), floats(-3, 3))
def test_explain_gives_exactly_the_neurons_output(x1, x2, x3):
    for activation in ("relu", "tanh", "sigmoid", "linear"):
        p = Perceptron(3, activation=activation, seed=1)
        p.b.data = 0.25
        assert p.explain([x1, x2, x3]).output == p([x1, x2, x3]).data


@settings(max_examples=50, deadline=None)
@given(st.lists(floats(-3, 3), min_size=1, max_size=6), st.sampled_from(["relu", "tanh", "sigmoid", "linear"]))
def test_a_neuron_gives_micrograds_numbers_to_the_bit(xs, activation):
    """One '+' node for the sum, yet output and grads equal micrograd's chain sum(w*x, start=b) exactly."""
    neuron = Neuron(len(xs), activation=activation, seed=3)
    neuron.b.data = 0.125
    out = neuron(xs)
    out.backward()
    grads = [p.grad for p in neuron.parameters()]
    neuron.zero_grad()
    chained = sum((wi * xi for wi, xi in zip(neuron.w, xs)), neuron.b)
    reference = chained if activation == "linear" else getattr(chained, activation)()
    reference.backward()
    assert out.data == reference.data and grads == [p.grad for p in neuron.parameters()]


# --- inputs: one leaf per input number, shared by the neurons it feeds -----------------------------------


def test_an_input_number_is_one_leaf_labelled_by_its_place_that_every_first_layer_neuron_uses():
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -2.0])
    out.backward()
    inputs = [v for v in topological_order(out) if v.label]
    assert [(v.label, v.data) for v in inputs] == [("x1", 1.0), ("x2", -2.0)]
    x = [Value(1.0), Value(-2.0)]  # the same inputs as Values of our own: their grads gather every neuron's share
    model.zero_grad()
    model(x).backward()
    assert [v.grad for v in inputs] == [v.grad for v in x]
    source = draw_dot(out).source
    assert source.count("{ x1 |") == 1 and source.count("{ x2 |") == 1  # one record each, not one per neuron


def test_a_value_passed_in_is_used_as_it_is_and_keeps_its_label():
    a = Value(1.0, label="a")
    outs = Layer(2, 3, seed=0)([a, 2.0])
    x2 = {out._prev[0]._prev[2]._prev[1] for out in outs}  # relu(b + w1*a + w2*x2): each neuron's product's input
    assert {out._prev[0]._prev[1]._prev[1] for out in outs} == {a} and a.label == "a"
    assert len(x2) == 1 and x2.pop().label == "x2"  # a layer called on numbers shares one leaf per input too


def test_shared_input_leaves_keep_micrograds_numbers_to_the_bit():
    """Our MLP against micrograd's own nn code written out here on our Value (a new leaf for each input at each
    neuron): losses and every parameter's grad equal, over several examples, seeds and shapes."""

    class MicrogradNeuron:
        def __init__(self, nin, nonlin=True):
            self.w, self.b, self.nonlin = [Value(random.uniform(-1, 1)) for _ in range(nin)], Value(0), nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

    def micrograd_mlp(nin, nouts):
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        return [[MicrogradNeuron(sizes[i], i != last) for _ in range(sizes[i + 1])] for i in range(len(nouts))]

    def micrograd_call(layers, x):
        for layer in layers:
            x = [n(x) for n in layer]
        return x[0]

    for seed in range(5):
        for sizes in ([4, 4, 1], [16, 16, 1], [1, 1]):
            random.seed(seed)
            ours = MLP(3, sizes)
            random.seed(seed)
            theirs = micrograd_mlp(3, sizes)
            rng = random.Random(seed)
            X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]
            loss = sum((ours(x) - 1) ** 2 for x in X)
            reference = sum((micrograd_call(theirs, x) - 1) ** 2 for x in X)
            loss.backward()
            reference.backward()
            assert loss.data == reference.data
            assert [p.grad for p in ours.parameters()] == [
                p.grad for layer in theirs for n in layer for p in [*n.w, n.b]
            ]


@pytest.mark.parametrize("sizes", [[2, 1], [2, 2, 1], [2, 2, 2]])
def test_an_mlps_output_and_grads_equal_micrograd_0_1_0s_to_the_bit(sizes):
    """micrograd 0.1.0 itself (the bench extra). Its backward() adds a node's gradient contributions in the order
    of a set of Values, which varies from run to run: with three or more they may differ in the last bit, even
    between two runs of micrograd. So these networks give each value at most two users: addition is commutative."""
    micrograd = pytest.importorskip("micrograd.nn")
    for seed in range(20):
        random.seed(seed)
        ours = MLP(3, sizes)
        random.seed(seed)
        theirs = micrograd.MLP(3, sizes)
        x = [random.Random(seed).uniform(-2, 2) for _ in range(3)]
        out, reference = ours(x), theirs(x)
        if isinstance(out, list):
            assert [v.data for v in out] == [v.data for v in reference]
            out, reference = sum(v**2 for v in out), sum(v**2 for v in reference)
        assert out.data == reference.data
        out.backward()
        reference.backward()
        assert [p.grad for p in ours.parameters()] == [p.grad for p in theirs.parameters()]


# --- the model vocabulary: one activation table, input counts, layers, weights, classes ---------------


def test_one_table_names_every_activation_and_the_op_its_value_carries():
    assert list(ACTIVATIONS) == ["relu", "tanh", "sigmoid", "linear"]
    assert "tanh" in ACTIVATIONS and ", ".join(ACTIVATIONS) == "relu, tanh, sigmoid, linear"
    assert [a.title for a in ACTIVATIONS.values()] == ["ReLU", "Tanh", "Sigmoid", "Linear"]
    for name, activation in ACTIVATIONS.items():
        assert isinstance(activation, Activation) and activation.name == name
        x = Value(0.5)
        out = activation.apply(x)
        assert out._op == activation.op  # what viz looks for in a graph
        assert (out is x) == (name == "linear")  # linear makes no node of its own


@pytest.mark.parametrize("bad", ["gelu", "ReLU", 0, ["tanh"]])
def test_an_unknown_activation_is_refused_with_the_known_names(bad):
    message = f"activation must be one of relu, tanh, sigmoid, linear; got {re.escape(repr(bad))}"
    with pytest.raises(ValueError, match=message):
        Neuron(2, activation=bad)
    neuron = Neuron(2, seed=0)
    with pytest.raises(ValueError, match=message):
        neuron.activation = bad
    assert neuron.activation == "relu"


def test_changing_a_neurons_activation_changes_what_it_computes():
    neuron = Neuron(1, seed=0)
    neuron.set_parameters([1.0], 0.0)
    assert neuron([-2.0]).data == 0.0
    neuron.activation = "tanh"
    assert neuron([-2.0]).data == math.tanh(-2.0) and repr(neuron) == "TanhNeuron(1)"
    assert neuron.explain([-2.0]).output == math.tanh(-2.0)


def test_every_model_says_how_many_inputs_it_takes():
    assert Neuron(3, seed=0).nin == 3
    assert Layer(4, 2, seed=0).nin == 4
    assert MLP(2, [16, 16, 1], seed=0).nin == 2


def test_sizes_may_be_numpy_whole_numbers_but_not_floats_or_bools():
    import numpy as np

    assert MLP(np.int64(2), [np.int64(3), 1], seed=0).nin == 2
    with pytest.raises(ValueError, match=r"Neuron's nin, its number of inputs, must be a whole number >= 1, got 2\.0"):
        Neuron(2.0)
    with pytest.raises(ValueError, match="Layer's nout, its number of neurons, must be a whole number >= 1, got bool"):
        Layer(2, True)


def test_layers_of_any_model():
    model = MLP(2, [3, 1], seed=0)
    assert layers_of(model) == [model.layers[0].neurons, model.layers[1].neurons]
    assert layers_of(model.layers[0]) == [model.layers[0].neurons]
    neuron = model.layers[1].neurons[0]
    assert layers_of(neuron) == [[neuron]]
    with pytest.raises(TypeError, match=r"expected an nn\.MLP, nn\.Layer or nn\.Neuron, got str"):
        layers_of("model")


def test_each_layers_activation_and_a_layer_that_mixes_them():
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    assert layer_activations(model) == ["tanh", "tanh", "sigmoid"]
    assert layer_activations(Neuron(2, nonlin=False, seed=0)) == ["linear"]
    model.layers[1].neurons[2].activation = "relu"
    with pytest.raises(ValueError, match=r"layer 1 mixes activations \['relu', 'tanh'\]"):
        layer_activations(model)


def test_layer_values_of_a_neuron_a_layer_and_a_network():
    model = forward_pass_network()
    assert layer_values(model, [0.8, 0.3]) == model.activations([0.8, 0.3])
    hidden = model.layers[0]
    assert layer_values(hidden, (0.8, 0.3)) == [[0.8, 0.3], [v.data for v in hidden([0.8, 0.3])]]
    neuron = model.layers[1].neurons[0]
    assert layer_values(neuron, [Value(1.0), 0.0, 1.0]) == [[1.0, 0.0, 1.0], [neuron([1.0, 0.0, 1.0]).data]]
    with pytest.raises(ValueError, match=r"expected 2 input\(s\), got 3: \[0\.8, 0\.3, 1\.0\]"):
        layer_values(model, [0.8, 0.3, 1.0])


def test_set_parameters_checks_every_number_before_changing_any():
    model = seed_network()
    before = [p.data for p in model.parameters()]
    good = [[([1.0, 2.0], 0.0)] * 3, [([1.0, 2.0, 3.0], 0.5)]]
    bad_weight = [[([1.0, 2.0], 0.0)] * 3, [([1.0, float("nan"), 3.0], 0.5)]]
    with pytest.raises(ValueError, match=r"layers\[1\]\[0\] weights\[1\] must be a finite number, got nan"):
        model.set_parameters(bad_weight)
    bad_bias = [[([1.0, 2.0], 0.0), ([1.0, 2.0], "0"), ([1.0, 2.0], 0.0)], [([1.0, 2.0, 3.0], 0.5)]]
    with pytest.raises(ValueError, match=r"layers\[0\]\[1\] bias must be a finite number, got str: '0'"):
        model.set_parameters(bad_bias)
    with pytest.raises(ValueError, match=r"layers\[1\]\[0\] SigmoidNeuron\(3\) has 3 weight\(s\), got 2"):
        model.set_parameters([good[0], [([1.0, 2.0], 0.5)]])
    assert [p.data for p in model.parameters()] == before
    model.set_parameters(good)
    assert [p.data for p in model.parameters()] == [1.0, 2.0, 0.0] * 3 + [1.0, 2.0, 3.0, 0.5]


def test_the_decision_threshold_follows_the_output_activation():
    assert decision_threshold(seed_network()) == 0.5  # sigmoid: a probability
    assert decision_threshold(MLP(2, [3, 1], seed=0)) == 0.0  # linear: the sign of a score
    assert decision_threshold(Neuron(2, activation="tanh", seed=0)) == 0.0
    assert decision_threshold(lambda x: Value(0.0)) == 0.0  # any other callable: a score


def test_class_of_one_output_and_of_several():
    assert class_of(Value(0.7), 0.5) == 1 and class_of(Value(0.5), 0.5) == 0
    assert class_of(Value(-0.1)) == 0 and class_of(Value(0.1)) == 1
    assert class_of([Value(0.1), Value(0.9), Value(0.9)]) == 1  # the first of the largest
