"""The training recipe, written once: the data, the network, the loss and the optimizer, from a few settings.

`micrograd-lesson train` and the live page's section 6 both train what prepare() makes, and the page's
"Show the Python" is prepare()'s own recipe lines with the settings written in (script()), so the three
give the same losses to the bit (tests/test_recipe.py).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from micrograd_lesson import data
from micrograd_lesson.losses import hinge
from micrograd_lesson.nn import MLP
from micrograd_lesson.optim import SGD, Adam, Optimizer
from micrograd_lesson.training import Divergence, TrainingLoop

OPTIMIZERS = {"sgd": SGD, "adam": Adam}


@dataclass(frozen=True)
class Recipe:
    """What a classifier's training is made from: a dataset of 2-D points, an MLP, hinge loss and an optimizer."""

    dataset: str = "xor"
    noise: float | None = 0.0  # None: the dataset's own noise (data.DATASETS)
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.05
    seed: int = 0

    @property
    def layers(self) -> list[int]:
        """The MLP's layer sizes: the hidden ones, then one output, a score whose sign is the class."""
        return [*self.hidden, 1]

    @property
    def optimizer_class(self) -> type[Optimizer]:
        """SGD or Adam, by the optimizer's name."""
        return OPTIMIZERS[self.optimizer]


@dataclass
class Training:
    """What prepare() made: the split data, the -1/+1 targets, the model, its optimizer and the five-step loop."""

    points: data.Split
    targets: list[int]
    model: MLP
    optimizer: Optimizer
    loop: TrainingLoop


def prepare(recipe: Recipe) -> Training:
    """The data, model, loss and optimizer the recipe names, and the loop over them, divergence rule and all."""
    # the recipe:
    points = data.train_test(recipe.dataset, seed=recipe.data_seed, noise=recipe.noise)
    targets = data.signed(points.y_train)  # hinge loss wants labels -1 and +1
    model = MLP(2, recipe.layers, activation=recipe.activation, seed=recipe.seed)  # a linear output: a score
    optimizer = recipe.optimizer_class(model.parameters(), lr=recipe.lr)
    loop = TrainingLoop(model, points.X_train, targets, loss=hinge, optimizer=optimizer, divergence=Divergence())
    # (end of the recipe)
    return Training(points, targets, model, optimizer, loop)


def script(recipe: Recipe, steps: int) -> str:
    """A script with the package's public API that replays the recipe for steps steps, printing the train loss
    before the first and after each: prepare()'s recipe lines, the settings written in."""
    source = inspect.getsource(prepare)
    lines = source[source.index("# the recipe:\n") :].splitlines()[1:]
    lines = lines[: lines.index("    # (end of the recipe)")]

    def setting(found: re.Match) -> str:
        value = getattr(recipe, found.group(1))
        return value.__name__ if isinstance(value, type) else repr(value)

    recipe_lines = "\n".join(re.sub(r"\brecipe\.(\w+)", setting, line[4:]) for line in lines)
    return f'''"""The live page's run, replayed: it prints the train loss after each step, as the page shows it."""

from micrograd_lesson import data
from micrograd_lesson.losses import hinge
from micrograd_lesson.nn import MLP
from micrograd_lesson.optim import {recipe.optimizer_class.__name__}
from micrograd_lesson.training import Divergence, TrainingLoop

{recipe_lines}


def train_loss() -> float:
    return hinge([model(x) for x in points.X_train], targets).data


print(0, repr(train_loss()))
for step in range(1, {steps} + 1):
    loop.run(1, progress=False, record=False)  # one step: forward, loss, backward, update
    print(step, repr(train_loss()))
'''
