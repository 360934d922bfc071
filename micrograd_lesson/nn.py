"""Neurons, layers and multi-layer perceptrons built from Values (standard library only)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from micrograd_lesson.engine import Value, as_value, total

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


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
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"Neuron needs nin, its number of inputs, to be a whole number >= 1, got {nin!r}")
        if activation is None:
            activation = "relu" if nonlin else "linear"
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
        draw = _uniform(seed, rng)
        self.w = [Value(draw(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.activation = activation

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is 'linear'."""
        return self.activation != "linear"

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output for inputs x: activation(b + w_1*x_1 + w_2*x_2 + ...), one '+' node for the sum."""
        _check_inputs(x, len(self.w))
        act = total([self.b, *(wi * xi for wi, xi in zip(self.w, x))])  # bias first, as micrograd adds them
        return _activate(act, self.activation)

    def explain(self, x: Sequence[Value | float]) -> NeuronExplanation:
        """The four steps for inputs x: inputs, each times its weight, the sum plus bias, the activation."""
        _check_inputs(x, len(self.w))
        inputs = tuple(as_value(xi).data for xi in x)
        weights = tuple(wi.data for wi in self.w)
        products = tuple(wi * xi for wi, xi in zip(weights, inputs))
        summed = total([self.b.data, *products])  # the same additions, in the same order, as __call__
        output = _activate(summed, self.activation).data
        return NeuronExplanation(inputs, weights, products, self.b.data, summed.data, self.activation, output)

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]

    def set_parameters(self, weights: Sequence[float], bias: float) -> None:
        """Set every weight and the bias by hand, e.g. neuron.set_parameters([-3.0, 1.0], 6.88)."""
        if len(weights) != len(self.w):
            raise ValueError(f"{self!r} has {len(self.w)} weight(s), got {len(weights)}: {list(weights)!r}")
        for w, value in zip(self.w, weights):
            w.data = float(value)
        self.b.data = float(bias)

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "linear": "Linear"}.get(self.activation, self.activation)
        return f"{kind}{type(self).__name__}({len(self.w)})"


class Perceptron(Neuron):
    """The lesson's name for a single neuron: multiply, add, squish through a function."""


class Layer(Module):
    """A row of neurons that all see the same inputs."""

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"Layer needs nout, its number of neurons, to be a whole number >= 1, got {nout!r}")
        if kwargs.get("seed") is not None and kwargs.get("rng") is None:  # one generator for the layer, so
            kwargs["rng"] = random.Random(kwargs.pop("seed"))  # its neurons get different weights
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Each neuron's output; a bare Value when the layer has one neuron, as in micrograd."""
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each layer feeding the next."""

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
        if rng is None and seed is not None:
            rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=activation if i < len(nouts) - 1 else output_activation,
                rng=rng,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The network's output for one input x."""
        for layer in self.layers:
            x = layer(x)
        return x

    def activations(self, x: Sequence[Value | float]) -> list[list[float]]:
        """Every layer's values for one input, input first: [[0.8, 0.3], [0.6, 0.0, 0.4], [0.73]]."""
        _check_inputs(x, len(self.layers[0].neurons[0].w))
        values = [[as_value(xi).data for xi in x]]
        for layer in self.layers:
            out = layer(x)
            x = [out] if isinstance(out, Value) else out
            values.append([v.data for v in x])
        return values

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def set_parameters(self, layers: Sequence[Sequence[tuple[Sequence[float], float]]]) -> None:
        """Set every weight and bias by hand: one (weights, bias) pair per neuron, layer by layer."""
        if len(layers) != len(self.layers) or any(len(a) != len(b.neurons) for a, b in zip(layers, self.layers)):
            raise ValueError(f"{self!r} needs one (weights, bias) pair per neuron, layer by layer")
        for layer, pairs in zip(self.layers, layers):
            for neuron, (weights, bias) in zip(layer.neurons, pairs):
                neuron.set_parameters(weights, bias)

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _uniform(seed: int | None, rng: random.Random | None):
    if rng is not None:
        return rng.uniform
    if seed is not None:
        return random.Random(seed).uniform
    return random.uniform  # the module's generator, as in micrograd: random.seed(1337) reproduces its numbers


def _check_inputs(x: Sequence[Value | float], expected: int) -> None:
    if type(x) is list and len(x) == expected:  # the usual case, answered first: every neuron call asks
        return
    if isinstance(x, (Value, int, float)):
        raise ValueError(f"expected a list of {expected} input(s), got a single number {x!r}")
    is_vector = getattr(x, "ndim", None) == 1  # a 1-D numpy array, e.g. a row of sklearn's make_moons
    if isinstance(x, (str, bytes)) or not (isinstance(x, Sequence) or is_vector):
        raise TypeError(f"expected a list of {expected} input number(s), got {type(x).__name__}: {x!r}")
    if len(x) != expected:
        raise ValueError(f"expected {expected} input(s), got {len(x)}")


def _activate(x: Value, activation: str) -> Value:
    if activation == "relu":
        return x.relu()
    if activation == "tanh":
        return x.tanh()
    if activation == "sigmoid":
        return x.sigmoid()
    return x
