"""The training recipe, written once: the data, the network, the loss and the optimizer, from a few settings.

`micrograd-lesson train` and the live page's section 6 both train what prepare() makes, and the page's
"Show the Python" is prepare()'s own recipe lines with the settings written in (script()), so the three
give the same losses to the bit (tests/test_recipe.py).
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass

from micrograd_lesson import data, features, floats
from micrograd_lesson.losses import Regularized, cross_entropy, hinge, mse
from micrograd_lesson.nn import MLP
from micrograd_lesson.optim import SGD, Adam, Optimizer
from micrograd_lesson.training import Divergence, TrainingLoop

OPTIMIZERS = {"sgd": SGD, "adam": Adam}
REGULARIZATIONS = ("none", "l1", "l2")
LOSSES = {"two_classes": hinge, "three_classes": cross_entropy, "regression": mse}  # each kind's data loss
# the same losses on plain floats, for readouts (the pictures' pass, section 6's losses, train's final loss):
FLOAT_LOSSES = {"two_classes": floats.hinge, "three_classes": floats.cross_entropy, "regression": floats.mse}
OUTPUTS = {"two_classes": 1, "three_classes": 3, "regression": 1}  # a score; a score per class; a number


@dataclass(frozen=True)
class Recipe:
    """What a training is made from: a dataset of 2-D points and its features, an MLP, a loss and an optimizer."""

    dataset: str = "xor"
    noise: float | None = 0.0  # None: the dataset's own noise (data.DATASETS)
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.05
    seed: int = 0
    ratio: int = 75  # the percent of points that train; the rest are held out to test
    batch: int | None = None  # the points of one step; None: every training point
    features: tuple[str, ...] = ("x1", "x2")
    regularization: str = "none"  # or 'l1', 'l2': a penalty on the weights
    reg_rate: float = 0.001

    @property
    def kind(self) -> str:
        """The dataset's kind: 'two_classes', 'three_classes' or 'regression' (data.KINDS)."""
        return data.KINDS[self.dataset]

    @property
    def inputs(self) -> int:
        """How many inputs the network takes: one per feature."""
        return len(self.features)

    @property
    def layers(self) -> list[int]:
        """The MLP's layer sizes: the hidden ones, then the outputs (OUTPUTS: a score, a score per class, a number)."""
        return [*self.hidden, OUTPUTS[self.kind]]

    @property
    def optimizer_class(self) -> type[Optimizer]:
        """SGD or Adam, by the optimizer's name."""
        return OPTIMIZERS[self.optimizer]


@dataclass
class Training:
    """What prepare() made: the split data, the inputs and targets, the model, its optimizer and the loop."""

    points: data.Split
    inputs: list[list[float]]
    targets: list
    model: MLP
    optimizer: Optimizer
    loop: TrainingLoop


def prepare(recipe: Recipe) -> Training:
    """The data, model, loss and optimizer the recipe names, and the loop over them, divergence rule and all."""
    # the recipe:
    points = data.train_test(recipe.dataset, seed=recipe.data_seed, noise=recipe.noise, train_percent=recipe.ratio)
    inputs = features.expand(points.X_train, recipe.features)  # each point's inputs: the features switched on
    if recipe.kind == "two_classes":
        targets, loss = data.signed(points.y_train), hinge  # hinge loss wants labels -1 and +1
    elif recipe.kind == "three_classes":
        targets, loss = points.y_train, cross_entropy  # a score per class; cross-entropy wants the right one's index
    elif recipe.kind == "regression":
        targets, loss = points.y_train, mse  # one number out, and its squared error
    model = MLP(recipe.inputs, recipe.layers, activation=recipe.activation, seed=recipe.seed)  # a linear output
    if recipe.regularization != "none":
        weights = [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]  # not the biases
        loss = Regularized(loss, weights, recipe.regularization, recipe.reg_rate)  # the loss plus a penalty
    optimizer = recipe.optimizer_class(model.parameters(), lr=recipe.lr)
    loop = TrainingLoop(
        model, inputs, targets, loss=loss, optimizer=optimizer, divergence=Divergence(), batch_size=recipe.batch
    )
    # (end of the recipe)
    return Training(points, inputs, targets, model, optimizer, loop)


_CONDITION = re.compile(r'(el)?if recipe\.(\w+) (==|!=) "(\w+)":$')


@functools.cache
def _prepare_lines() -> tuple[str, ...]:
    """prepare()'s recipe lines as written, read once."""
    source = inspect.getsource(prepare)
    lines = source[source.index("# the recipe:\n") :].splitlines()[1:]
    return tuple(lines[: lines.index("    # (end of the recipe)")])


def recipe_lines(recipe: Recipe) -> str:
    """prepare()'s recipe lines with the settings written in, and only the branches this recipe takes."""
    lines = _prepare_lines()

    def setting(found: re.Match) -> str:
        value = getattr(recipe, found.group(1))
        return value.__name__ if isinstance(value, type) else repr(value)

    kept, taking = [], None  # taking: inside an if on the recipe, whether this recipe takes that branch
    for line in (line[4:] for line in lines):
        condition = _CONDITION.match(line)
        if condition:
            _, name, op, value = condition.groups()
            taking = (getattr(recipe, name) == value) == (op == "==")
            continue
        if taking is not None and line.startswith("    "):  # a branch's line: one level out, if taken
            if taking:
                kept.append(re.sub(r"\brecipe\.(\w+)", setting, line[4:]))
            continue
        if not line.startswith(" "):
            taking = None
        kept.append(re.sub(r"\brecipe\.(\w+)", setting, line))
    return "\n".join(kept)


def script(recipe: Recipe, steps: int) -> str:
    """A script with the package's public API that replays the recipe for steps steps, printing the train loss
    (the data loss over every training point) before the first and after each: prepare()'s recipe lines."""
    loss = LOSSES[recipe.kind].__name__
    regularized = ", Regularized" if recipe.regularization != "none" else ""
    return f'''"""The live page's run, replayed: it prints the train loss after each step, as the page shows it."""

from micrograd_lesson import data, features
from micrograd_lesson.losses import {loss}{regularized}
from micrograd_lesson.nn import MLP
from micrograd_lesson.optim import {recipe.optimizer_class.__name__}
from micrograd_lesson.training import Divergence, TrainingLoop

{recipe_lines(recipe)}


def train_loss() -> float:
    return {loss}([model(x) for x in inputs], targets).data


print(0, repr(train_loss()))
for step in range(1, {steps} + 1):
    loop.run(1, progress=False, record=False)  # one step: forward, loss, backward, update
    print(step, repr(train_loss()))
'''
