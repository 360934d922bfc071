"""The same network in PyTorch: to_torch and from_torch keep every weight, and both engines compute the same numbers.

Every test here needs the torch extra (conftest.py: skipped without it, a failure when CI=true), so torch is
imported inside the tests, never at the top: without it this file must still be collected.
"""

import importlib
import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from micrograd_lesson import MLP, SGD, Layer, Neuron, TrainingLoop, Value, hinge, lecture, nn, serialize, total
from micrograd_lesson.app.cli import main
from micrograd_lesson.losses import l2
from micrograd_lesson.torch_bridge import (
    TORCH_ACTIVATIONS,
    from_torch,
    load_torch,
    require_torch,
    save_torch,
    to_torch,
)

pytestmark = pytest.mark.requires("torch")

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-12  # relative to the sum of the magnitudes of the terms (see scales)


def parameters(model) -> list[float]:
    return [p.data for p in model.parameters()]


def torch_parameters(net, field: str = "data") -> list[float]:
    """Every weight and bias of net (or their grads), in our order: neuron by neuron, its weights then its bias."""
    numbers = []
    for linear in (m for m in net if type(m).__name__ == "Linear"):
        weight, bias = getattr(linear.weight, field), getattr(linear.bias, field)
        for row, b in zip(weight.tolist(), bias.tolist(), strict=True):
            numbers += [*row, b]
    return numbers


@st.composite
def networks(draw) -> tuple[MLP, list[float]]:
    """An MLP of 1 to 3 layers of 1 to 5 neurons, any activation per layer, random biases; and one input."""
    nin = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    activations = draw(st.lists(st.sampled_from(sorted(nn.ACTIVATIONS)), min_size=len(sizes), max_size=len(sizes)))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    model = MLP(nin, sizes, rng=rng)
    for layer, activation in zip(model.layers, activations):
        for neuron in layer.neurons:
            neuron.activation = activation
            neuron.b.data = rng.uniform(-1, 1)  # nn's biases start at 0: give them something to carry
    return model, [rng.uniform(-2, 2) for _ in range(nin)]


def scales(model: MLP, x: list[float]) -> tuple[list[float], list[float], bool]:
    """For the loss sum(model(x)): a scale for each output and each parameter's gradient, and whether x is safe.

    Two engines that add the same terms in different orders differ by a few ulps of the sum of the terms'
    magnitudes, not of the result (which may cancel to near 0). So we run the network again on magnitudes.
    Forward: a neuron's sum b + w1*h1 + ... gets the scale M = |b| + |w1|*M1 + ..., where M1 is the scale of
    h1 (|x1| for an input); its activation's output h gets M + |h|: relu, tanh and sigmoid move by at most as
    much as their input does, and round to a few ulps of |h| (sigmoid(0) is 0.5 where the sum is 0).
    Backward, from 1 for each output: a sum's gradient gets B = (its output's gradient scale) * (1 + 2*M_h):
    the slope is at most 1, and is computed from h (tanh's 1 - h**2 moves by at most 2x h's error, sigmoid's
    h*(1 - h) by at most h's error, relu's and linear's not at all); an input of the layer gets |w1|*B1 +
    |w2|*B2 + ... A weight's gradient is (its input) * (its sum's gradient), and an error reaches a product
    through either factor: its scale is (|input| + M_input) * B; a bias's gradient is B.
    Safe: every relu's sum is more than 1e-9 of its scale from 0 (errors are ~1e-15 of it), so both engines
    take the same side of the kink.
    """
    layers = nn.layers_of(model)
    values = model.activations(x)  # each layer's inputs, then the outputs: our numbers
    m_in, m_layers, safe = [abs(xi) for xi in x], [], True  # per layer: the scales of its inputs and outputs
    for neurons, ins, outs in zip(layers, values, values[1:]):
        m_sums = [abs(n.b.data) + sum(abs(w.data) * m for w, m in zip(n.w, m_in)) for n in neurons]
        for n, m in zip(neurons, m_sums):
            if n.activation == "relu":
                safe = safe and abs(n.b.data + sum(w.data * h for w, h in zip(n.w, ins))) > 1e-9 * m
        m_out = [m + abs(h) for m, h in zip(m_sums, outs)]
        m_layers.append((m_in, m_out))
        m_in = m_out
    grads: list[float] = []
    upstream = [1.0] * len(layers[-1])  # d sum(outputs) / d output
    for neurons, ins, (m_ins, m_outs) in reversed(list(zip(layers, values, m_layers))):
        b_sums = [u * (1 + 2 * m) for u, m in zip(upstream, m_outs)]
        layer: list[float] = []
        for b in b_sums:
            layer += [*((abs(h) + m) * b for h, m in zip(ins, m_ins)), b]
        grads = layer + grads
        upstream = [sum(abs(n.w[i].data) * b for n, b in zip(neurons, b_sums)) for i in range(len(ins))]
    return m_layers[-1][1], grads, safe


def worst(ours: list[float], theirs: list[float], scale: list[float]) -> float:
    """The largest |ours - theirs| / scale: below TOLERANCE when the two engines agree."""
    assert len(ours) == len(theirs) == len(scale)
    return max(abs(a - b) / s if s else float(a != b) for a, b, s in zip(ours, theirs, scale))


def both_engines(model: MLP, x: list[float]) -> tuple[float, float]:
    """Run sum(model(x)) forward and backward in both engines: the worst output and gradient differences."""
    torch = require_torch()
    net = to_torch(model)
    out = model(x)
    outputs = [out] if isinstance(out, Value) else out
    model.zero_grad()
    total(outputs).backward()
    theirs = net(torch.tensor(x, dtype=torch.float64))
    theirs.sum().backward()
    output_scales, grad_scales, _ = scales(model, x)
    return (
        worst([o.data for o in outputs], theirs.tolist(), output_scales),
        worst([p.grad for p in model.parameters()], torch_parameters(net, "grad"), grad_scales),
    )


# --- the same network, the same numbers ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(networks())
def test_outputs_and_every_gradient_agree_for_any_network(network):
    model, x = network
    assume(scales(model, x)[2])  # away from relu's kink
    outputs, grads = both_engines(model, x)
    assert outputs < TOLERANCE and grads < TOLERANCE


@pytest.mark.parametrize("seed", range(5))
def test_the_lectures_tanh_network_agrees(seed):
    model = lecture.MLP(3, [4, 4, 1], seed=seed)
    outputs, grads = both_engines(model, [2.0, 3.0, -1.0])
    assert outputs < TOLERANCE and grads < TOLERANCE


def test_a_wrong_weight_is_caught_by_the_parity_check():
    """The check above can fail: one weight off by 1e-7 shows up in the outputs and in the gradients."""
    model = lecture.MLP(3, [4, 4, 1], seed=0)
    net = to_torch(model)
    torch = require_torch()
    with torch.no_grad():
        net[2].weight[1, 2] += 1e-7
    x = [2.0, 3.0, -1.0]
    out = model(x)
    out.backward()
    theirs = net(torch.tensor(x, dtype=torch.float64))
    theirs.sum().backward()
    output_scales, grad_scales, _ = scales(model, x)
    assert worst([out.data], theirs.tolist(), output_scales) > TOLERANCE
    assert worst([p.grad for p in model.parameters()], torch_parameters(net, "grad"), grad_scales) > TOLERANCE


# --- micrograd's demo, trained in both ------------------------------------------------------------------


def test_micrograds_demo_trains_the_same_in_both_for_20_steps(monkeypatch):
    torch = require_torch()
    monkeypatch.syspath_prepend(ROOT / "benchmarks")
    bench = importlib.import_module("workloads")  # micrograd's demo: its data, and its loop as bench.py runs it
    X, y = bench.make_moons(100, noise=0.1)  # the demo's data, labels -1 or +1
    model = MLP(2, [16, 16, 1], seed=1337)  # random.seed(1337) in the demo: micrograd's very weights
    net = to_torch(model)

    # ours: the five-step loop, hinge loss + 1e-4 L2, SGD with the demo's learning rate schedule
    optimizer = SGD(model.parameters(), lr=1.0)
    loop = TrainingLoop(model, X, y, lambda s, t: hinge(s, t) + l2(model.parameters(), 1e-4), optimizer)
    ours = []
    for k in range(20):
        optimizer.lr = 1.0 - 0.9 * k / 100
        ours += loop.run(1, progress=False, record=False)

    # PyTorch: the same five steps, on tensors
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    sgd = torch.optim.SGD(net.parameters(), lr=1.0)
    theirs = []
    for k in range(20):
        sgd.param_groups[0]["lr"] = 1.0 - 0.9 * k / 100
        scores = net(inputs).squeeze(1)  # 1. forward
        loss = torch.relu(1 - targets * scores).mean() + 1e-4 * sum((p * p).sum() for p in net.parameters())  # 2.
        sgd.zero_grad()
        loss.backward()  # 3. backward
        sgd.step()  # 4. update
        theirs.append(loss.item())  # 5. repeat

    demo = bench.train_demo(bench.lesson_engine(), 20, X, y).losses  # the demo's own loop, on our engine
    assert all(bench.relative_error(a, b) < 1e-12 for a, b in zip(ours, demo, strict=True))
    assert all(bench.relative_error(a, b) < 1e-9 for a, b in zip(ours, theirs, strict=True))
    assert theirs[-1] < theirs[0] / 2  # and it learned: the comparison is not of 20 equal numbers


# --- to_torch and from_torch ------------------------------------------------------------------------------


def test_an_mlp_becomes_linear_and_activation_modules_in_float64():
    torch = require_torch()
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    model.layers[1].neurons[0].activation = model.layers[1].neurons[1].activation = "relu"
    model.layers[1].neurons[2].activation = "relu"
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "ReLU", "Linear", "Sigmoid"]
    assert all(p.dtype == torch.float64 and p.requires_grad for p in net.parameters())
    assert torch_parameters(net) == parameters(model)  # bit for bit
    assert [(m.in_features, m.out_features) for m in net[::2]] == [(2, 3), (3, 3), (3, 1)]


def test_a_linear_layer_adds_no_module_and_one_neuron_layers_convert():
    net = to_torch(MLP(1, [1, 1, 1], seed=0))  # relu, relu, linear; every layer one neuron
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert from_torch(net).layers[-1].neurons[0].activation == "linear"


def test_a_layer_and_a_neuron_convert_too():
    layer, neuron = Layer(3, 2, activation="sigmoid", seed=1), Neuron(2, activation="tanh", seed=2)
    assert [type(m).__name__ for m in to_torch(layer)] == ["Linear", "Sigmoid"]
    assert torch_parameters(to_torch(neuron)) == parameters(neuron)


@settings(max_examples=30, deadline=None)
@given(networks())
def test_from_torch_gives_back_the_very_same_network(network):
    model, x = network
    back = from_torch(to_torch(model))
    assert [w.hex() for w in parameters(back)] == [w.hex() for w in parameters(model)]
    assert nn.layer_activations(back) == nn.layer_activations(model)
    assert back.activations(x) == model.activations(x)


def test_every_activation_of_the_package_has_a_torch_module():
    torch = require_torch()
    assert set(TORCH_ACTIVATIONS) == set(nn.ACTIVATIONS)
    for name, module in TORCH_ACTIVATIONS.items():
        if module is not None:
            f = getattr(torch.nn, module)()
            x = 0.37
            assert f(torch.tensor(x, dtype=torch.float64)).item() == pytest.approx(
                nn.ACTIVATIONS[name].apply(Value(x)).data, rel=1e-15
            )


def test_torch_weights_in_float32_convert_exactly():
    torch = require_torch()
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1), torch.nn.Identity())
    model = from_torch(net)
    assert parameters(model) == torch_parameters(net)  # each float32 is exactly a float64 too
    assert repr(model) == "MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3)], Layer of [LinearNeuron(2)]]"


def test_converting_leaves_both_random_generators_alone():
    torch = require_torch()
    python_state, torch_state = random.getstate(), torch.get_rng_state()
    from_torch(to_torch(MLP(2, [4, 1], seed=0)))
    assert random.getstate() == python_state and torch.equal(torch.get_rng_state(), torch_state)


def test_a_layer_that_mixes_activations_is_refused_naming_it():
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].activation = "tanh"
    with pytest.raises(ValueError, match=r"layer 0 mixes activations \['relu', 'tanh'\]"):
        to_torch(model)


def test_an_activation_without_a_torch_module_is_refused_naming_the_layer(monkeypatch):
    softsign = nn.Activation("softsign", "softsign", "Softsign", lambda v: v / (1 + abs(v.data)))
    monkeypatch.setitem(nn.ACTIVATIONS, "softsign", softsign)  # one the package might gain one day
    model = MLP(2, [3, 1], seed=0)
    model.layers[1].neurons[0].activation = "softsign"
    with pytest.raises(ValueError, match=r"layer 1 has activation 'softsign', which to_torch has no PyTorch module"):
        to_torch(model)


def test_to_torch_takes_models_only():
    with pytest.raises(TypeError, match=r"expected an nn\.MLP, nn\.Layer or nn\.Neuron, got list"):
        to_torch([1.0, 2.0])


def bad_sequentials():
    """Sequentials from_torch refuses, each with the words of its error."""
    torch = require_torch()
    nn_ = torch.nn
    int_weights, complex_weights = nn_.Linear(2, 1), nn_.Linear(2, 1)
    int_weights.weight = nn_.Parameter(torch.ones(1, 2, dtype=torch.int64), requires_grad=False)
    complex_weights.weight = nn_.Parameter(torch.ones(1, 2, dtype=torch.complex128))
    nan_bias = nn_.Linear(2, 1)
    with torch.no_grad():
        nan_bias.bias[0] = float("nan")
    reshaped = nn_.Linear(2, 3)
    reshaped.bias = nn_.Parameter(torch.ones(2))  # 3 neurons' weights, 2 biases
    twice, tied = nn_.Linear(3, 3), nn_.Linear(3, 3)
    tied.weight = twice.weight  # weight tying: one Parameter in two Linears
    numbers = torch.zeros(20)
    first, overlapping = nn_.Linear(2, 2), nn_.Linear(2, 2)
    first.weight = nn_.Parameter(numbers[:4].view(2, 2))
    overlapping.weight = nn_.Parameter(numbers[3:7].view(2, 2))  # one number in both
    inner = nn_.Sequential(nn_.Linear(2, 2), nn_.Tanh())
    hooked, pre_hooked, outer_hooked = nn_.Linear(2, 1), nn_.Linear(2, 1), nn_.Sequential(nn_.Linear(2, 1))
    hooked.register_forward_hook(lambda module, inputs, output: 2 * output)
    pre_hooked.register_forward_pre_hook(lambda module, inputs: tuple(2 * x for x in inputs))
    outer_hooked.register_forward_hook(lambda module, inputs, output: 2 * output)
    doubled = type("Doubled", (nn_.Sequential,), {"forward": lambda self, x: 2 * nn_.Sequential.forward(self, x)})
    sparse, sparse_csr, sparse_bias = nn_.Linear(2, 1), nn_.Linear(2, 1), nn_.Linear(2, 1)
    sparse.weight = nn_.Parameter(sparse.weight.detach().to_sparse())
    sparse_csr.weight = nn_.Parameter(sparse_csr.weight.detach().to_sparse_csr())
    sparse_bias.bias = nn_.Parameter(sparse_bias.bias.detach().to_sparse())
    return {
        "no bias": (nn_.Sequential(nn_.Linear(2, 3, bias=False)), ValueError, r"module 0 .*bias=False.* has no bias"),
        "unknown module": (
            nn_.Sequential(nn_.Linear(2, 3), nn_.Dropout()),
            TypeError,
            r"cannot convert module 1 of the Sequential \(Dropout.*knows Linear, ReLU, Tanh, Sigmoid, Identity",
        ),
        "a subclass": (
            nn_.Sequential(nn_.Linear(2, 3), type("MyReLU", (nn_.ReLU,), {})()),
            TypeError,
            r"cannot convert module 1 .*MyReLU",
        ),
        "sizes that do not fit": (
            nn_.Sequential(nn_.Linear(2, 3), nn_.Tanh(), nn_.Linear(4, 1)),
            ValueError,
            r"module 2 .* takes 4 inputs, but the layer before it gives 3",
        ),
        "a bias of the wrong shape": (nn_.Sequential(reshaped), ValueError, r"weight \(3, 2\) and bias \(2,\)"),
        "activation first": (nn_.Sequential(nn_.ReLU(), nn_.Linear(2, 1)), ValueError, r"module 0 .*follows no Linear"),
        "two activations": (
            nn_.Sequential(nn_.Linear(2, 1), nn_.ReLU(), nn_.Sigmoid()),
            ValueError,
            r"module 2 .*Sigmoid.* follows no Linear",
        ),
        "empty": (nn_.Sequential(), ValueError, "at least one Linear"),
        "not a Sequential": (nn_.Linear(2, 1), TypeError, r"takes a torch.nn.Sequential .* got Linear"),
        "whole numbers": (nn_.Sequential(int_weights), TypeError, r"module 0 .* holds torch.int64 numbers"),
        "complex numbers": (nn_.Sequential(complex_weights), TypeError, r"module 0 .* holds torch.complex128 numbers"),
        "nan": (nn_.Sequential(nan_bias), ValueError, r"module 0 .* not a finite number: \[nan\]"),
        "a Linear run twice": (
            nn_.Sequential(nn_.Linear(2, 3), nn_.ReLU(), twice, nn_.ReLU(), twice),
            ValueError,
            r"module 4 of the Sequential \(Linear.* is module 2 run again: an MLP's layers each own their weights",
        ),
        "a weight shared": (
            nn_.Sequential(nn_.Linear(2, 3), twice, tied),
            ValueError,
            r"module 2 .* shares weights with module 1: .*copy\.deepcopy",
        ),
        "weights that overlap": (
            nn_.Sequential(first, overlapping),
            ValueError,
            r"module 1 .* shares weights with module 0",
        ),
        "a nested Sequential run twice": (
            nn_.Sequential(inner, inner),
            ValueError,
            r"module 1\.0 of the Sequential \(Linear.* is module 0\.0 run again",
        ),
        "a forward hook": (nn_.Sequential(hooked), ValueError, r"module 0 .* has forward hooks"),
        "a forward pre-hook": (nn_.Sequential(pre_hooked), ValueError, r"module 0 .* has forward hooks"),
        "a hook on a nested Sequential": (
            nn_.Sequential(outer_hooked),
            ValueError,
            r"cannot convert module 0 of the Sequential: it has forward hooks",
        ),
        "a forward of its own": (
            doubled(nn_.Linear(2, 1)),
            TypeError,
            r"cannot convert the Sequential: Doubled has a forward of its own",
        ),
        "the meta device": (
            nn_.Sequential(nn_.Linear(2, 1, device="meta")),
            ValueError,
            r"module 0 .* is on the meta device: its weights have shapes but no values yet",
        ),
        "sparse weights": (nn_.Sequential(sparse), TypeError, r"module 0 .* holds torch\.sparse_coo weights"),
        "sparse csr weights": (nn_.Sequential(sparse_csr), TypeError, r"module 0 .* holds torch\.sparse_csr weights"),
        "a sparse bias": (nn_.Sequential(sparse_bias), TypeError, r"module 0 .* holds torch\.sparse_coo weights"),
        "no neurons": (nn_.Sequential(nn_.Linear(2, 0)), ValueError, r"module 0 .* has weight \(0, 2\): a layer needs"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "no bias",
        "unknown module",
        "a subclass",
        "sizes that do not fit",
        "a bias of the wrong shape",
        "activation first",
        "two activations",
        "empty",
        "not a Sequential",
        "whole numbers",
        "complex numbers",
        "nan",
        "a Linear run twice",
        "a weight shared",
        "weights that overlap",
        "a nested Sequential run twice",
        "a forward hook",
        "a forward pre-hook",
        "a hook on a nested Sequential",
        "a forward of its own",
        "the meta device",
        "sparse weights",
        "sparse csr weights",
        "a sparse bias",
        "no neurons",
    ],
)
def test_what_cannot_convert_is_refused_naming_the_module(case):
    module, error, message = bad_sequentials()[case]
    with pytest.raises(error, match=message):
        from_torch(module)


@pytest.mark.parametrize("register", ["register_module_forward_hook", "register_module_forward_pre_hook"])
def test_a_forward_hook_for_every_module_is_refused_as_a_modules_own_is(register):
    """(Before, from_torch converted the Sequential as if torch's global hooks were not there.)"""
    import torch

    double_output, double_inputs = (
        (lambda module, inputs, output: 2 * output),
        (lambda module, inputs: (2 * inputs[0],)),
    )
    handle = getattr(torch.nn.modules.module, register)(double_inputs if "pre" in register else double_output)
    try:
        with pytest.raises(ValueError, match=rf"torch has forward hooks for every module \(.*{register}.*remove them"):
            from_torch(torch.nn.Sequential(torch.nn.Linear(2, 1)))
    finally:
        handle.remove()
    assert from_torch(torch.nn.Sequential(torch.nn.Linear(2, 1))).nin == 2


def same_outputs(net, model, nin: int) -> None:
    """net and model give the same outputs (to a few ulps of their scale) at inputs on both sides of ReLU's kink."""
    torch = require_torch()
    rng = random.Random(0)
    for _ in range(8):
        x = [rng.uniform(-3, 3) for _ in range(nin)]
        out = model(x)
        ours = [out.data] if isinstance(out, Value) else [o.data for o in out]
        assert worst(ours, net(torch.tensor(x, dtype=torch.float64)).tolist(), scales(model, x)[0]) < TOLERANCE


def test_one_activation_module_used_after_every_linear_converts_as_often_as_it_runs():
    """named_children() yields a shared ReLU once: the later layers came back linear (torch 0.0715, ours -0.1149)."""
    torch = require_torch()
    torch.manual_seed(0)
    act = torch.nn.ReLU()
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 4, dtype=torch.float64), act, torch.nn.Linear(4, 4, dtype=torch.float64), act,
        torch.nn.Linear(4, 1, dtype=torch.float64), act,
    )  # fmt: skip
    model = from_torch(net)
    assert nn.layer_activations(model) == ["relu", "relu", "relu"]
    same_outputs(net, model, 2)


def test_a_shared_activation_saves_the_network_the_sequential_computes(tmp_path):
    torch = require_torch()
    torch.manual_seed(3)
    act = torch.nn.Tanh()
    net = torch.nn.Sequential(*(m for _ in range(3) for m in (torch.nn.Linear(3, 3, dtype=torch.float64), act)))
    path = tmp_path / "model.json"
    save_torch(net, path)
    same_outputs(net, serialize.load(path), 3)


def test_nested_sequentials_convert_in_the_order_they_run():
    torch = require_torch()
    torch.manual_seed(4)
    block = torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Sigmoid())
    net = torch.nn.Sequential(
        block, torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(3, 1, dtype=torch.float64)))
    )
    model = from_torch(net)
    assert nn.layer_activations(model) == ["sigmoid", "linear"]
    same_outputs(net, model, 2)


@pytest.mark.parametrize("where", ["first", "before", "after", "last", "everywhere"])
def test_identity_computes_nothing_wherever_it_stands(where):
    """Identity was taken between a Linear and its activation, but refused after the activation or first."""
    torch = require_torch()
    torch.manual_seed(5)
    plain = [torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.ReLU(), torch.nn.Linear(3, 1, dtype=torch.float64)]
    at = {"first": [0], "before": [1], "after": [2], "last": [3], "everywhere": [0, 1, 2, 3]}[where]
    modules = list(plain)
    for i in reversed(at):
        modules.insert(i, torch.nn.Identity())
    net = torch.nn.Sequential(*modules)
    model = from_torch(net)
    assert nn.layer_activations(model) == ["relu", "linear"]
    same_outputs(net, model, 2)


def test_a_linear_run_twice_is_not_saved(tmp_path):
    torch = require_torch()
    path = tmp_path / "model.json"
    serialize.save(MLP(2, [1], seed=0), path)
    before = path.read_bytes()
    twice = torch.nn.Linear(3, 3)
    with pytest.raises(ValueError, match="run again"):
        save_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), twice, torch.nn.Tanh(), twice), path)
    assert path.read_bytes() == before


# --- files ------------------------------------------------------------------------------------------------


def test_a_model_saved_by_the_train_command_loads_into_pytorch(tmp_path, capsys):
    torch = require_torch()
    path = tmp_path / "model.json"
    assert main(["train", "--dataset", "xor", "--hidden", "3,2", "--epochs", "2", "--save", str(path)]) == 0
    capsys.readouterr()
    model, net = serialize.load(path), load_torch(path)
    assert torch_parameters(net) == parameters(model)
    x = [0.25, -0.5]
    assert net(torch.tensor(x, dtype=torch.float64)).item() == pytest.approx(model(x).data, rel=1e-12)


def test_a_sequential_saves_to_the_model_format_and_back(tmp_path):
    torch = require_torch()
    torch.manual_seed(1)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 4, dtype=torch.float64), torch.nn.Tanh(), torch.nn.Linear(4, 1, dtype=torch.float64)
    )
    path = tmp_path / "model.json"
    save_torch(net, path)
    model = serialize.load(path)
    assert parameters(model) == torch_parameters(net)
    assert nn.layer_activations(model) == ["tanh", "linear"]
    assert torch_parameters(load_torch(path)) == torch_parameters(net)


def test_a_sequential_that_cannot_convert_leaves_the_file_as_it_was(tmp_path):
    torch = require_torch()
    path = tmp_path / "model.json"
    serialize.save(MLP(2, [1], seed=0), path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="has no bias"):
        save_torch(torch.nn.Sequential(torch.nn.Linear(2, 1, bias=False)), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary file left behind
