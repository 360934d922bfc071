"""Your network in PyTorch and back: an MLP becomes a torch.nn.Sequential of Linear and activation modules.

    net = to_torch(model)      # Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1): float64, same weights
    model = from_torch(net)    # back to an MLP, weight for weight
    net = load_torch("model.json")      # a file saved by `micrograd-lesson train --save model.json`
    save_torch(net, "model.json")       # ... and back to that file

A neuron's weights are one row of its layer's Linear.weight, its bias one entry of Linear.bias; a layer's
activation is the module after its Linear (none for 'linear'). Everything is float64, Python's float, so both
engines compute with the same numbers. torch is an optional extra, imported only inside these functions:
`import micrograd_lesson` never loads it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from micrograd_lesson import serialize
from micrograd_lesson.nn import MLP, Layer, Neuron, layer_activations, layers_of

if TYPE_CHECKING:
    import torch

INSTALL = "pip install 'micrograd-lesson[torch]'"

# Each activation name of nn.ACTIVATIONS, and the torch.nn module that does the same ('linear': none at all).
TORCH_ACTIVATIONS: dict[str, str | None] = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": None}
# ... and back: each torch.nn module from_torch takes after a Linear, and its activation name.
FROM_TORCH: dict[str, str] = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "Identity": "linear"}


def require_torch() -> ModuleType:
    """The torch module, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as error:
        raise ImportError(f"this needs PyTorch, an optional extra: {INSTALL} (import torch said: {error})") from error
    return torch


def to_torch(model: MLP | Layer | Neuron) -> torch.nn.Sequential:
    """The model as a torch.nn.Sequential of float64 Linear and activation modules, with the same weights and biases."""
    torch = require_torch()
    layers = layers_of(model)
    activations = layer_activations(model)  # one per layer, or a ValueError naming the layer that mixes them
    modules = []
    for i, (neurons, activation) in enumerate(zip(layers, activations)):
        if activation not in TORCH_ACTIVATIONS:
            raise ValueError(f"layer {i} has activation {activation!r}, which to_torch has no PyTorch module for")
        linear = torch.nn.utils.skip_init(torch.nn.Linear, neurons[0].nin, len(neurons), dtype=torch.float64)
        with torch.no_grad():  # skip_init drew no random numbers: torch's generator is untouched
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
        modules.append(linear)
        if TORCH_ACTIVATIONS[activation] is not None:
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[activation])())
    return torch.nn.Sequential(*modules)


def from_torch(module: torch.nn.Sequential) -> MLP:
    """A Sequential of Linear layers, each followed by at most one ReLU, Tanh, Sigmoid (or Identity), as an MLP."""
    torch = require_torch()
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential of Linear and activation modules, got {module!r}")
    _check_no_global_forward_hooks(torch)
    layers: list[tuple[torch.nn.Linear, str]] = []  # each Linear and the activation after it
    seen: list[tuple[torch.nn.Linear, str]] = []  # each Linear so far, and its name
    for name, child in _modules_in_order(torch, module):
        where, kind = f"module {name} of the Sequential ({child!r})", type(child).__name__
        _check_no_forward_hooks(child, where)
        if type(child) is torch.nn.Identity:
            continue  # computes nothing, wherever it stands
        if type(child) is torch.nn.Linear:
            _check_linear(torch, child, where, layers[-1][0].weight.shape[0] if layers else None)
            _check_owns_its_weights(child, where, f"module {name}", seen)
            layers.append((child, "linear"))
        elif kind in FROM_TORCH and type(child) is getattr(torch.nn, kind):
            if not layers or layers[-1][1] != "linear":
                raise ValueError(f"{where} follows no Linear: each activation must come right after a Linear")
            layers[-1] = (layers[-1][0], FROM_TORCH[kind])
        else:
            known = ", ".join(["Linear", *FROM_TORCH, "Sequential"])
            raise TypeError(f"cannot convert {where}: from_torch knows {known}")
    if not layers:
        raise ValueError("from_torch needs a Sequential that holds at least one Linear, got an empty one")
    nin, sizes = layers[0][0].weight.shape[1], [linear.weight.shape[0] for linear, _ in layers]
    model = MLP(nin, sizes, rng=random.Random(0))  # its own generator: the global one stays untouched
    for layer, (_, activation) in zip(model.layers, layers):
        for neuron in layer.neurons:
            neuron.activation = activation
    model.set_parameters([_pairs(linear) for linear, _ in layers])  # the random.Random(0) weights are replaced
    return model


def load_torch(path: str | os.PathLike) -> torch.nn.Sequential:
    """Read a model file saved by serialize.save (or `micrograd-lesson train --save`) as a torch.nn.Sequential."""
    require_torch()  # before the file is read: the missing extra is the first thing to fix
    return to_torch(serialize.load(path))


def save_torch(module: torch.nn.Sequential, path: str | os.PathLike) -> None:
    """Write a Sequential to path in the JSON model format, through serialize.save (whole or not at all)."""
    serialize.save(from_torch(module), path)


def _modules_in_order(torch: ModuleType, sequential: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Each module the Sequential runs, in order and as often as it runs it, named as torch names it ("1.0")."""
    what = f"module {prefix[:-1]} of the Sequential" if prefix else "the Sequential"
    if type(sequential).forward is not torch.nn.Sequential.forward:
        raise TypeError(f"cannot convert {what}: {type(sequential).__name__} has a forward of its own")
    _check_no_forward_hooks(sequential, what)
    # Not named_children(): it yields a module once, however many times the Sequential runs it.
    for key, child in sequential._modules.items():
        if isinstance(child, torch.nn.Sequential):
            yield from _modules_in_order(torch, child, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", child


def _check_no_forward_hooks(module: torch.nn.Module, where: str) -> None:
    """Refuse a module whose forward hooks change what it computes in ways no MLP can copy."""
    if module._forward_hooks or module._forward_pre_hooks:
        raise ValueError(f"cannot convert {where}: it has forward hooks, which an MLP cannot copy (remove them first)")


def _check_no_global_forward_hooks(torch: ModuleType) -> None:
    """Refuse while torch holds forward hooks for every module, which change what each one computes."""
    hooks = torch.nn.modules.module  # where register_module_forward_hook and its pre- twin keep them
    if hooks._global_forward_hooks or hooks._global_forward_pre_hooks:
        raise ValueError(
            "cannot convert the Sequential: torch has forward hooks for every module (register_module_forward_hook "
            "or register_module_forward_pre_hook), which an MLP cannot copy (remove them first: handle.remove())"
        )


def _check_linear(torch: ModuleType, linear: torch.nn.Linear, where: str, fan_in: int | None) -> None:
    """Refuse a Linear that no layer of neurons can be: no bias, numbers that are not real, a size that does not fit."""
    if linear.bias is None:
        raise ValueError(f"{where} has no bias: every neuron has one (make it with bias=True)")
    weight, bias = linear.weight, linear.bias
    for tensor in (weight, bias):
        if tensor.is_meta:
            raise ValueError(
                f"{where} is on the meta device: its weights have shapes but no values yet "
                "(give it real ones first, for example module.to_empty(device='cpu') then load_state_dict)"
            )
        if tensor.layout is not torch.strided:
            raise TypeError(f"{where} holds {tensor.layout} weights: only dense ones convert (use .to_dense())")
    if weight.dim() != 2 or bias.shape != (weight.shape[0],):
        shapes = f"weight {tuple(weight.shape)} and bias {tuple(bias.shape)}"
        raise ValueError(f"{where} has {shapes}: a layer of n neurons with k inputs needs (n, k) and (n,)")
    if 0 in weight.shape:
        raise ValueError(f"{where} has weight {tuple(weight.shape)}: a layer needs at least one neuron and one input")
    if fan_in is not None and weight.shape[1] != fan_in:
        raise ValueError(f"{where} takes {weight.shape[1]} inputs, but the layer before it gives {fan_in}")
    for tensor in (weight, bias):
        if not tensor.dtype.is_floating_point:  # float16, bfloat16 and float32 convert to float64 exactly
            raise TypeError(f"{where} holds {tensor.dtype} numbers: only floating-point weights convert")
        if not tensor.isfinite().all():
            raise ValueError(f"{where} holds a weight or bias that is not a finite number: {tensor.tolist()}")


def _check_owns_its_weights(
    linear: torch.nn.Linear, where: str, name: str, seen: list[tuple[torch.nn.Linear, str]]
) -> None:
    """Refuse a Linear that runs twice or shares numbers with another: an MLP's layers each own their weights."""
    mine = [_memory(linear.weight), _memory(linear.bias)]
    for other, there in seen:
        if other is linear:
            shares = f"is {there} run again"
        elif any(_overlap(a, b) for a in mine for b in (_memory(other.weight), _memory(other.bias))):
            shares = f"shares weights with {there}"
        else:
            continue
        raise ValueError(
            f"{where} {shares}: an MLP's layers each own their weights, so the converted model would train "
            "differently (give each layer its own copy, for example with copy.deepcopy)"
        )
    seen.append((linear, name))


def _memory(tensor: torch.Tensor) -> tuple[int, int]:
    """The bytes a dense tensor's numbers lie within, [start, end): torch's strides are never negative."""
    last = sum((size - 1) * stride for size, stride in zip(tensor.shape, tensor.stride()))
    return tensor.data_ptr(), tensor.data_ptr() + (last + 1) * tensor.element_size()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two [start, end) byte ranges share a byte."""
    return a[0] < b[1] and b[0] < a[1]


def _pairs(linear: torch.nn.Linear) -> list[tuple[list[float], float]]:
    """Each neuron's (weights, bias) from one Linear, as Python floats (float32 and float16 convert exactly)."""
    weights = linear.weight.detach().double().tolist()
    biases = linear.bias.detach().double().tolist()
    return list(zip(weights, biases))
