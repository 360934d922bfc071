"""Neurons, layers and multi-layer perceptrons built from Values (standard library only)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import mul

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value, as_value, total, total_of_values


@dataclass(frozen=True)
class Activation:
    """An activation function: its name, the op of the Value it makes, the name shown to people, and itself."""

    name: str  # what Neuron(activation=...) takes: 'relu'
    op: str  # the _op of the Value it makes: 'ReLU' ('' for linear, which makes none)
    title: str  # for pictures and reprs: 'ReLU', 'Tanh'
    apply: Callable[[Value], Value]


def _identity(x: Value) -> Value:
    return x


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", "ReLU", "ReLU", Value.relu),
        Activation("tanh", "tanh", "Tanh", Value.tanh),
        Activation("sigmoid", "sigmoid", "Sigmoid", Value.sigmoid),
        Activation("linear", "", "Linear", _identity),
    )
}


class Module:
    """Anything with parameters: a neuron, a layer, a network."""

    def zero_grad(self) -> None:
        """Set the grad of every parameter to 0.0."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every trainable Value of this module."""
        return []


@dataclass(frozen=True)
class NeuronExplanation:
    """The four things a neuron does to one input, with their numbers; str() prints them as steps."""

    inputs: tuple[float, ...]  # 1. the numbers coming in
    weights: tuple[float, ...]
    products: tuple[float, ...]  # 2. each input times its weight
    bias: float
    total: float  # 3. the products added up, plus the bias
    activation: str
    output: float  # 4. the total through the activation function: what the neuron sends on

    def __str__(self) -> str:
        times = ", ".join(f"{x:g} * {w:g} = {p:g}" for x, w, p in zip(self.inputs, self.weights, self.products))
        added = " + ".join(f"{p:g}" for p in (*self.products, self.bias))
        return "\n".join(
            [
                f"1. inputs:               {', '.join(f'{x:g}' for x in self.inputs)}",
                f"2. times weights:        {times}",
                f"3. sum plus bias:        {added} = {self.total:g}",
                f"4. activation ({self.activation}): {self.activation}({self.total:g}) = {self.output:g}  (the output)",
            ]
        )


class Neuron(Module):
    """One neuron: inputs times weights, plus a bias, through an activation."""

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        activation: str | None = None,
        *,
        random_bias: bool = False,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        nin = _checks.whole("Neuron's nin, its number of inputs,", nin, low=1)
        if activation is None:
            activation = "relu" if nonlin else "linear"
        self.activation = activation  # checked by the property's setter below
        draw = _uniform(seed, rng)
        self.w = [Value(draw(-1, 1)) for _ in range(nin)]
        self.b = Value(draw(-1, 1) if random_bias else 0)  # micrograd's bias is 0; the lecture's is drawn last

    @property
    def activation(self) -> str:
        """The activation's name, a key of ACTIVATIONS: 'relu', 'tanh', 'sigmoid' or 'linear'."""
        return self._activation.name

    @activation.setter
    def activation(self, name: str) -> None:
        _checks.one_of("activation", name, ACTIVATIONS)
        self._activation = ACTIVATIONS[name]
        self._apply = self._activation.apply  # looked up once here, not on every call

    @property
    def nin(self) -> int:
        """The number of inputs: one weight each."""
        return len(self.w)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is 'linear'."""
        return self.activation != "linear"

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output for inputs x: activation(b + w_1*x_1 + w_2*x_2 + ...), one '+' node for the sum."""
        if type(x) is not list or len(x) != len(self.w):  # a list of the right length, the usual case, passes at once
            _checks.inputs(x, len(self.w))
        act = total_of_values((self.b, *map(mul, self.w, x)))  # b + w1*x1 + w2*x2 + ...: bias first, as micrograd
        return self._apply(act)

    def explain(self, x: Sequence[Value | float]) -> NeuronExplanation:
        """The four steps for inputs x: inputs, each times its weight, the sum plus bias, the activation."""
        _checks.inputs(x, len(self.w))
        inputs = tuple(as_value(xi).data for xi in x)
        weights = tuple(wi.data for wi in self.w)
        products = tuple(wi * xi for wi, xi in zip(weights, inputs))
        summed = total([self.b.data, *products])  # the same additions, in the same order, as __call__
        output = self._apply(summed).data
        return NeuronExplanation(inputs, weights, products, self.b.data, summed.data, self.activation, output)

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]

    def set_parameters(self, weights: Sequence[float], bias: float) -> None:
        """Set every weight and the bias by hand, e.g. neuron.set_parameters([-3.0, 1.0], 6.88)."""
        self._set(self._checked(weights, bias))

    def _checked(self, weights: Sequence[float], bias: float, where: str = "") -> list[float]:
        """The weights and the bias as one list of floats, or the error naming what does not fit."""
        if len(weights) != len(self.w):
            raise ValueError(f"{where}{self!r} has {len(self.w)} weight(s), got {len(weights)}: {list(weights)!r}")
        numbers = [_checks.number(f"{where}weights[{i}]", w) for i, w in enumerate(weights)]
        return [*numbers, _checks.number(f"{where}bias", bias)]

    def _set(self, numbers: list[float]) -> None:
        for p, value in zip(self.parameters(), numbers):
            p.data = value

    def __repr__(self) -> str:
        return f"{self._activation.title}{type(self).__name__}({self.nin})"  # micrograd's ReLUNeuron(2)


class Perceptron(Neuron):
    """The lesson's name for a single neuron: multiply, add, squish through a function."""


class Layer(Module):
    """A row of neurons that all see the same inputs."""

    neuron_class: type[Neuron] = Neuron  # the neurons it makes: a subclass may make its own (lecture.Layer)

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        nout = _checks.whole("Layer's nout, its number of neurons,", nout, low=1)
        if kwargs.get("seed") is not None and kwargs.get("rng") is None:  # one generator for the layer, so
            kwargs["rng"] = random.Random(kwargs.pop("seed"))  # its neurons get different weights
        self.neurons = [self.neuron_class(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Each neuron's output; a bare Value when the layer has one neuron, as in micrograd."""
        if type(x) is not list:  # a list's length is checked by each neuron
            _checks.inputs(x, self.nin)
        x = input_leaves(x)  # one leaf per input number, which every neuron uses
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    @property
    def nin(self) -> int:
        """The number of inputs each of its neurons takes."""
        return self.neurons[0].nin

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each layer feeding the next."""

    layer_class: type[Layer] = Layer  # the layers it makes: a subclass may make its own (lecture.MLP)

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if isinstance(nouts, int) or not nouts:
            raise ValueError(f"MLP needs nouts as a list of layer sizes such as [16, 16, 1], got {nouts!r}")
        _checks.one_of("activation", activation, ACTIVATIONS)  # before any weight is drawn
        _checks.one_of("output_activation", output_activation, ACTIVATIONS)
        if rng is None and seed is not None:
            rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            self.layer_class(
                sizes[i],
                sizes[i + 1],
                activation=activation if i < len(nouts) - 1 else output_activation,
                rng=rng,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The network's output for one input x: a bare Value when the last layer has one neuron, as in micrograd."""
        for layer in self.layers:
            out = layer(x)
            x = [out] if isinstance(out, Value) else out  # one neuron gives a bare Value; the next layer takes a list
        return out

    @property
    def nin(self) -> int:
        """The number of inputs the network takes."""
        return self.layers[0].nin

    def activations(self, x: Sequence[Value | float]) -> list[list[float]]:
        """Every layer's values for one input, input first: [[0.8, 0.3], [0.6, 0.0, 0.4], [0.73]]."""
        return layer_values(self, x)

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def set_parameters(self, layers: Sequence[Sequence[tuple[Sequence[float], float]]]) -> None:
        """Set every weight and bias by hand: one (weights, bias) pair per neuron, layer by layer."""
        if len(layers) != len(self.layers) or any(len(a) != len(b.neurons) for a, b in zip(layers, self.layers)):
            raise ValueError(f"{self!r} needs one (weights, bias) pair per neuron, layer by layer")
        checked = [  # every number checked before any is set: an error changes nothing
            (neuron, neuron._checked(weights, bias, where=f"layers[{i}][{j}] "))
            for i, (layer, pairs) in enumerate(zip(self.layers, layers))
            for j, (neuron, (weights, bias)) in enumerate(zip(layer.neurons, pairs))
        ]
        for neuron, numbers in checked:
            neuron._set(numbers)

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def input_leaves(x: Sequence[Value | float]) -> list[Value]:
    """Inputs as Values: a number becomes a new leaf labelled x1, x2, ... by its place; a Value stays itself."""
    return [xi if isinstance(xi, Value) else Value(xi, label=f"x{i}") for i, xi in enumerate(x, 1)]


def _uniform(seed: int | None, rng: random.Random | None):
    if rng is not None:
        return rng.uniform
    if seed is not None:
        return random.Random(seed).uniform
    return random.uniform  # the module's generator, as in micrograd: random.seed(1337) reproduces its numbers


# --- the model vocabulary: what viz, serialize, metrics and the playground ask of any model ----------------


def layers_of(model: MLP | Layer | Neuron) -> list[list[Neuron]]:
    """The model's neurons, layer by layer: an MLP's layers, a Layer as one layer, a Neuron alone."""
    if isinstance(model, MLP):
        return [list(layer.neurons) for layer in model.layers]
    if isinstance(model, Layer):
        return [list(model.neurons)]
    if isinstance(model, Neuron):
        return [[model]]
    raise TypeError(f"expected an nn.MLP, nn.Layer or nn.Neuron, got {type(model).__name__}: {model!r}")


def layer_activations(model: MLP | Layer | Neuron) -> list[str]:
    """Each layer's activation name, first layer first: ['relu', 'sigmoid']; a layer that mixes them is an error."""
    names = []
    for i, neurons in enumerate(layers_of(model)):
        kinds = sorted({n.activation for n in neurons})
        if len(kinds) != 1:
            raise ValueError(f"layer {i} mixes activations {kinds}: it has no one activation name")
        names.append(kinds[0])
    return names


def layer_values(model: MLP | Layer | Neuron, x: Sequence[Value | float]) -> list[list[float]]:
    """Every layer's values for one input x, input first: [[0.8, 0.3], [0.6, 0.0, 0.4], [0.73]]."""
    layers = layers_of(model)
    _checks.inputs(x, model.nin)
    values = [[as_value(xi).data for xi in x]]
    for neurons in layers:
        x = [n(x) for n in neurons]
        values.append([v.data for v in x])
    return values


def decision_threshold(model: object) -> float:
    """Where one output splits two classes: 0.5 after a sigmoid (a probability), else 0 (the sign of a score)."""
    sigmoid = isinstance(model, (MLP, Layer, Neuron)) and layers_of(model)[-1][-1].activation == "sigmoid"
    return 0.5 if sigmoid else 0.0


def class_of(output: Value | Sequence[Value], threshold: float = 0.0) -> int:
    """The class an output stands for: one output, 1 above threshold else 0; several, the largest one's index."""
    if isinstance(output, Value):
        return int(output.data > threshold)
    scores = [v.data for v in output]
    return scores.index(max(scores))
