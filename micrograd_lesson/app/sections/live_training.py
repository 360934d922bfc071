"""One live training run for the page's section 6, "Watch a network learn": the run the command line makes.

The same data split (data.train_test), an MLP with a linear output, the loss of the dataset's kind (hinge on
signed labels, softmax cross-entropy for three classes, MSE for regression), an optional L1/L2 penalty, SGD or
Adam and the five-step TrainingLoop; one step is one batch (by default every training point). The pictures (the
boundary grid and every hidden neuron's map) and the readouts come from a plain-float pass over the same
weights, tested equal to the engine's numbers; the inspected point's values and gradients come from the
engine itself. Every float an answer holds is finite: a loss that explodes pauses training at the last
finite weights (the training loop's own divergence rule, which undoes the step).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

from micrograd_lesson import data, features, floats
from micrograd_lesson.app.pictures import (
    explanation_lines,
    is_off,
    network_numbers,
    network_svg,
    neuron_ids,
    param_ids,
    param_names,
)
from micrograd_lesson.app.point_graph import PointGraph
from micrograd_lesson.app.requests import PARAM_LIMIT, BadRequest, choice, flag, number, shown, sizes, text, whole
from micrograd_lesson.engine import Value
from micrograd_lesson.metrics import score_accuracy
from micrograd_lesson.nn import ACTIVATIONS, MLP, decision_threshold
from micrograd_lesson.recipe import FLOAT_LOSSES, LOSSES, REGULARIZATIONS, Recipe, prepare, script
from micrograd_lesson.training import EXPLANATIONS, PhaseRecord, TrainingDiverged, diverged_at

GRID = 30  # the boundary plot's samples per side
PICTURE_HEIGHT = 430  # px: the most the page shows the network picture (live_training.js's PICTURE_HEIGHT)
MAX_STEPS = 1000  # per request ...
TIME_BUDGET = 0.5  # ... and about this many seconds: the answer says how far it got
MAX_LAYERS, MAX_NEURONS = 6, 8
HISTORY_ROWS = 200
SEED_LIMIT = 10**9
POINT_LIMIT = 6.0  # the inspected point's coordinates: past the plot's edges for every dataset and noise
MARGIN = 0.5  # the plot reaches this far past the outermost points
COMPILED_AFTER = 50  # steps: from then on a step runs as compiled code (the same numbers, ~6x faster), once the
# run is long enough to repay the compiling (one point's program, ~0.1 s for 8-8), which Reset would otherwise pay;
COMPILED_SIZE = 2_000  # ... and only while its points' programs hold at most this many parameters in all (one
# program, or one per class for three classes): they compile in about one engine step's time (every network the
# page allows: at most six layers of 8 on the seven features, three classes 451 x 3, 0.44 s at load 19)
STOPPED = "100% training accuracy (every training point on its side; the test points never decide when to stop)."
LOSS_NAME = "hinge loss: mean of max(0, 1 - y × score)"
LOSS_NAMES = {
    "two_classes": LOSS_NAME,
    "three_classes": "softmax cross-entropy: mean of −log(probability of the right class)",
    "regression": "mean squared error: mean of (output − target)²",
}
STOP_MSE = 0.01  # a regression run stops when its training MSE falls below this, unless stop_mse says otherwise
REG_RATE_LIMIT = 10.0
PHASE_NAMES = {"forward": "forward", "loss": "loss", "backward": "backprop", "update": "update", "repeat": "repeat"}
NEEDS_SLOT = ("step", "phase")  # the actions that train: the host runs at most a few at once, over every tab
ACTIONS = ("show", "configure", "step", "reset", "new_weights", "new_data", "point", "phase", "picture")
ACTIONS += ("weight", "graph")  # set a weight on the picture; a training point's loss graph
GRAPH_MOVES = ("show", "next", "back", "start", "end")  # a point's loss graph: build it (show), or step it
FIELDS = {  # each setting and what the page calls it
    "dataset": "the dataset",
    "noise": "the noise",
    "data_seed": "the data seed",
    "hidden": "the hidden layers",
    "activation": "the activation",
    "lr": "the learning rate",
    "optimizer": "the optimizer",
    "seed": "the weight seed",
    "stop_at_100": "stopping at 100%",
    "ratio": "the train/test ratio",
    "batch": "the batch size",
    "features": "the features",
    "regularization": "the regularization",
    "reg_rate": "the regularization rate",
    "stop_mse": "the stop rule",
}
CLASS_ONLY, REGRESSION_ONLY = ("stop_at_100",), ("stop_mse",)  # a kind's own settings: off for the other kind
WEIGHTS_TEXT = 4000  # characters: the weights a link sets, "step:id:value,...", fit in a request and an address


@dataclass(frozen=True)
class Settings:
    """What a run is made from; the defaults classify every XOR training point right within a few dozen steps.

    stop_at_100 stops at 100% *training* accuracy: choosing when to stop by the test points would make them part
    of training, no longer held out. XOR's points get noise by default (with none, its 100 points sit on 4 spots)."""

    dataset: str = "xor"
    noise: float = 0.1
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "relu"
    lr: float = 0.05
    optimizer: str = "adam"
    seed: int = 0
    stop_at_100: bool = True  # classes only: stop at 100% training accuracy
    ratio: int = 75
    batch: int | None = None  # None: the whole training set
    features: tuple[str, ...] = ("x1", "x2")
    regularization: str = "none"
    reg_rate: float = 0.001
    stop_mse: float = 0.0  # regression only: stop when the training MSE falls below it (0: never)

    @property
    def kind(self) -> str:
        """The dataset's kind: 'two_classes', 'three_classes' or 'regression'."""
        return data.KINDS[self.dataset]

    @classmethod
    def read(cls, fields: object, base: Settings | None = None) -> Settings:
        """Settings from a request's "settings" object, every field checked; a missing field keeps base's value."""
        if not isinstance(fields, dict):
            raise BadRequest('settings must be an object such as {"lr": 0.05}')
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise BadRequest(f"settings has no field {unknown[0]!r}: the fields are {', '.join(FIELDS)}")
        base = base or cls()
        merged = {**base.as_dict(), **fields}
        dataset = choice(merged, "dataset", tuple(data.DATASETS))
        regression = data.KINDS[dataset] == "regression"
        if regression != (base.kind == "regression"):  # a change of kind: the kind's own settings as it starts
            own = {"stop_at_100": not regression, "stop_mse": STOP_MSE if regression else 0.0}
            merged |= {name: value for name, value in own.items() if name not in fields}
        lr = number(merged, "lr", 0.0, 10.0)
        if lr <= 0.0:
            raise BadRequest(f"lr must be above 0 and at most 10, got {lr:g}")
        stop_at_100, stop_mse = flag(merged, "stop_at_100"), number(merged, "stop_mse", 0.0, 1.0)
        if regression and stop_at_100:
            raise BadRequest(
                f"stop_at_100 is for classes, and {dataset} is a regression dataset: a regression run stops "
                f"when its training MSE falls below stop_mse (send stop_at_100 false)"
            )
        if not regression and stop_mse > 0.0:
            raise BadRequest(
                f"stop_mse is for regression, and {dataset} is a dataset of classes: a run of classes stops at "
                f"100% training accuracy with stop_at_100 (send stop_mse 0)"
            )
        ratio = whole(merged, "ratio", 10, 90)
        train_size = len(data.train_test("xor", n=100, train_percent=ratio).X_train)  # any dataset: 100 points
        batch = None if merged.get("batch") is None else _batch(merged, train_size)
        return cls(
            dataset=dataset,
            noise=number(merged, "noise", 0.0, 0.5),
            data_seed=whole(merged, "data_seed", 0, SEED_LIMIT),
            hidden=tuple(sizes(merged, "hidden", MAX_LAYERS, MAX_NEURONS)),
            activation=choice(merged, "activation", tuple(ACTIVATIONS)),
            lr=lr,
            optimizer=choice(merged, "optimizer", ("sgd", "adam")),
            seed=whole(merged, "seed", 0, SEED_LIMIT),
            stop_at_100=stop_at_100,
            ratio=ratio,
            batch=batch,
            features=tuple(_features(merged)),
            regularization=choice(merged, "regularization", REGULARIZATIONS),
            reg_rate=number(merged, "reg_rate", 0.0, REG_RATE_LIMIT),
            stop_mse=stop_mse,
        )

    def as_dict(self) -> dict:
        """The settings as the page's JSON."""
        return {**asdict(self), "hidden": list(self.hidden), "features": list(self.features)}

    def recipe(self) -> Recipe:
        """The training recipe these settings name (all but the stop rules)."""
        return Recipe(**{name: getattr(self, name) for name in FIELDS if name not in ("stop_at_100", "stop_mse")})


def _batch(fields: dict, train_size: int) -> int:
    """fields["batch"] as a whole number from 1 to the training set's size, or BadRequest saying both."""
    value = fields.get("batch")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= train_size:
        raise BadRequest(
            f"batch must be null (the whole training set) or a whole number from 1 to {train_size}, the training "
            f"set's size, got {shown(value)}"
        )
    return value


def _features(fields: dict) -> list[str]:
    """fields["features"] as a list of known feature names, each once, in their own order; or BadRequest."""
    value = fields.get("features")
    try:
        return features.checked(value)
    except (TypeError, ValueError) as error:
        raise BadRequest(f"features: {error}") from None


def restart_sentence(old: Settings, new: Settings) -> str:
    """What a change of settings does, in words: 'Changing the learning rate restarts training from step 0.'"""
    changed = [FIELDS[name] for name in FIELDS if getattr(old, name) != getattr(new, name)]
    if not changed:
        return "Training restarts from step 0 with the same settings."
    named = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
    return f"Changing {named} restarts training from step 0."


# --- the run -----------------------------------------------------------------------------------------------------


class History:
    """[step, train_loss, test_loss] rows, at most HISTORY_ROWS however long the run: evenly thinned, ends kept."""

    def __init__(self, limit: int = HISTORY_ROWS) -> None:
        self.limit = limit
        self.kept: list[list[float]] = []  # every `every`-th step's row
        self.every = 1
        self.last: list[float] | None = None

    def add(self, row: list[float]) -> None:
        """Note the row of a new step."""
        self.last = row
        if row[0] % self.every == 0:
            self.kept.append(row)
            if len(self.kept) >= self.limit:  # room for the last row besides
                self.kept, self.every = self.kept[::2], self.every * 2

    def replace_last(self, row: list[float]) -> None:
        """The last step's row again, for new weights at the same step (a weight the learner set)."""
        if self.kept and self.kept[-1] is self.last:
            self.kept[-1] = row
        self.last = row

    def rows(self) -> list[list[float]]:
        """The kept rows and the last one."""
        return self.kept if self.last is self.kept[-1] else [*self.kept, self.last]


Edit = tuple[int, int, float]  # (step, parameter index, value): a weight set after that many steps


def read_weights(value: object, model: MLP) -> list[Edit]:
    """The weights a link sets, "step:id:value,..." as the page's address writes them ("0:x1-h1.1:1.5" sets w x1→h1.1
    to 1.5 before the first step), as edits in step order; or BadRequest naming the piece and what was expected."""
    ids = [pid for pid, _ in param_ids(model)]
    edits = []
    for piece in (p.strip() for p in text({"weights": value}, "weights", WEIGHTS_TEXT).split(",")):
        if not piece:
            continue
        parts = [part.strip() for part in piece.split(":")]
        if len(parts) != 3:
            raise BadRequest(f"weights: {piece!r} must be step:parameter:value, such as '0:{ids[0]}:1.5'")
        step, pid, written = parts
        if not (step.isascii() and step.isdigit()) or int(step) > SEED_LIMIT:
            raise BadRequest(f"weights: the step in {piece!r} must be a whole number from 0 to {SEED_LIMIT}")
        if pid not in ids:
            raise BadRequest(f"weights: {pid!r} in {piece!r} is no weight or bias of this network, such as {ids[0]!r}")
        try:
            weight = float(written)
        except ValueError:
            weight = math.nan
        if not -PARAM_LIMIT <= weight <= PARAM_LIMIT:  # NaN is not either
            limit = f"{PARAM_LIMIT:g}"
            raise BadRequest(f"weights: the value in {piece!r} must be a number from -{limit} to {limit}")
        edits.append((int(step), ids.index(pid), weight))
    return sorted(edits, key=lambda edit: edit[0])  # stable: one step's edits keep their order


def _replaced(edits: list[Edit], edit: Edit) -> list[Edit]:
    """Edits with edit last, in place of one that set the same parameter at the same step (only the last counts)."""
    return [e for e in edits if e[:2] != edit[:2]] + [edit]


def written_weights(edits: Sequence[Edit], model: MLP) -> str:
    """Edits as the address writes them, "step:id:value,...", each value to the bit (Python's repr)."""
    ids = [pid for pid, _ in param_ids(model)]
    return ",".join(f"{step}:{ids[index]}:{value!r}" for step, index, value in edits)


class LiveRun:
    """One run: the data, the model, the optimizer and the loop, its step count, readouts, history and status."""

    def __init__(self, settings: Settings, point: Sequence[float] = (1.0, 0.0)) -> None:
        self.settings = s = settings
        self.point = [float(point[0]), float(point[1])]
        made = prepare(s.recipe())  # what `micrograd-lesson train` trains, and the script replays
        self.points, self.targets, self.model, self.optimizer = made.points, made.targets, made.model, made.optimizer
        self.kind = s.kind
        self.inputs = {"train": made.inputs, "test": features.expand(self.points.X_test, s.features)}
        self.test_targets = data.signed(self.points.y_test) if self.kind == "two_classes" else self.points.y_test
        self.loop = made.loop
        self.params = self.model.parameters()
        self.weights = [w for layer in self.model.layers for n in layer.neurons for w in n.w]  # what the penalty sees
        self.lock = threading.Lock()  # held while a request works on the run: its compiled program is not let go then
        programs = len(self.model.layers[-1].neurons) if self.kind == "three_classes" else 1  # one for each class
        self.compilable = len(self.params) * programs <= COMPILED_SIZE
        self.step = 0
        self.status, self.message = "ready", ""
        self.stopped_at: int | None = None
        self._start: tuple[list[float], float] | None = None  # the weights and train loss as each step begins
        self._last: tuple[list[float], float] | None = None  # those of the last step completed: its panel ...
        self._last_grads: list[float] = []  # ... and the gradients its update used (a slow-motion step makes new ones)
        self.edits: list[Edit] = []  # (step, parameter index, value): weights set so far, by the learner or a link
        self.planned: list[Edit] = []  # a link's weights still to set, each once its step is done
        self.graph: PointGraph | None = None  # a training point's loss graph, stepped backward ...
        self.graph_index = 0  # ... and which point it is
        self._evaluate()
        self._first = self.train_loss + self.penalty  # where training starts, for the divergence rule
        self.history = History()
        self.history.add([0, self.train_loss, self.test_loss])
        everything = self.points.X_train + self.points.X_test
        self.bounds = [
            [min(p[i] for p in everything) - MARGIN, max(p[i] for p in everything) + MARGIN] for i in range(2)
        ]

    def drop_compiled(self) -> bool:
        """Let go of the compiled program, at any phase (the next phases run on the engine, and the next step
        compiles again, to the same numbers); False if a request is working on the run."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            self.loop.compiled = False
            return True
        finally:
            self.lock.release()

    @property
    def holds_program(self) -> bool:
        """Whether the run keeps a compiled program (about 1 MB for 8-8): the host caps how many runs do."""
        return self.loop.compiled

    def drop_program(self) -> None:
        """Let go of the compiled program if the run is not at work; it compiles again when it next steps."""
        self.drop_compiled()

    def _evaluate(self) -> None:
        """The readouts from the current weights, in one plain-float pass over every train and test point: the data
        losses, the accuracies (None for regression) and the penalty."""
        p, inputs = self.points, self.inputs
        if self.kind == "three_classes":
            train, test = floats.scores(self.model, inputs["train"]), floats.scores(self.model, inputs["test"])
            self.train_accuracy, self.test_accuracy = (
                _argmax_accuracy(train, p.y_train),
                _argmax_accuracy(test, p.y_test),
            )
        else:
            train, test = floats.outputs(self.model, inputs["train"]), floats.outputs(self.model, inputs["test"])
            if self.kind == "two_classes":
                self.train_accuracy, self.test_accuracy = (
                    score_accuracy(train, p.y_train),
                    score_accuracy(test, p.y_test),
                )
            else:
                self.train_accuracy = self.test_accuracy = None
        loss = FLOAT_LOSSES[self.kind]
        self.train_loss, self.test_loss = loss(train, self.targets), loss(test, self.test_targets)
        s = self.settings
        self.penalty = floats.penalty([w.data for w in self.weights], s.regularization, s.reg_rate)

    def _diverge(self, error: TrainingDiverged) -> None:
        """Pause at the weights from before the failed step (the loop has undone it), saying what to try."""
        if self.loop.phase != "forward":  # a phase failed half-way through the step: the whole step is undone
            self.loop.undo_step()
        self._evaluate()
        self._last = None
        self.status, self.message = "diverged", error.summary

    def _phase(self) -> PhaseRecord | None:
        """Run the next of the five phases (None if it diverged); a completed update is a step."""
        if self.loop.phase == "forward":
            if self.step >= COMPILED_AFTER and self.compilable:
                self.loop.compiled = True
            self._start = ([p.data for p in self.params], self.train_loss, self.penalty)
        try:
            record = self.loop.step(record=False)
            if record.phase == "update":
                self._stepped()
        except TrainingDiverged as error:
            self._diverge(error)
            return None
        if record.phase == "repeat":
            self.loop.losses.clear()  # the run keeps its own history, thinned: memory stays flat
            self._set_planned()  # the step is whole: a link's weights for it, as the learner set them then
        return record

    def _stepped(self) -> None:
        """After an update: the readouts, the loop's divergence rule (TrainingDiverged), history, stopping at 100%."""
        self._evaluate()
        if self.loop.batch_size == len(self.targets):  # the rule compares a step's loss with the one before:
            self.loop.check_step(self.train_loss + self.penalty)  # a full batch's, the loop's loss to the bit
        else:  # a batch's loss says little of the step: the rule judges the loss over every training point
            why = self.loop.divergence.why(
                self._first,
                self._start[1] + self._start[2],
                self.train_loss + self.penalty,
                [p.data for p in self.params],
            )
            if why:
                self.loop.undo_step()
                raise TrainingDiverged(diverged_at(self.step + 1, why, self.settings.lr))
        self.step += 1
        self._last = self._start
        self._last_grads = [p.grad for p in self.params]  # the update just ran on these
        self.history.add([self.step, self.train_loss, self.test_loss])
        if self.stopped_at is not None:
            return
        if self.kind != "regression" and self.settings.stop_at_100 and self.train_accuracy == 1.0:
            self.stopped_at = self.step
            self.status, self.message = "stopped", f"Stopped at step {self.step}: {STOPPED}"
        elif self.kind == "regression" and self.train_loss < self.settings.stop_mse:  # the test points never decide
            self.stopped_at = self.step
            self.status, self.message = (
                "stopped",
                (f"Stopped at step {self.step}: the training MSE fell below {self.settings.stop_mse:g}."),
            )

    def _go_on(self) -> None:
        """A paused run goes on when asked to: after a stop, once past it; after divergence, it tries again."""
        if self.status == "stopped":
            reached = (
                "100% training accuracy"
                if self.kind != "regression"
                else f"a training MSE below {self.settings.stop_mse:g}"
            )
            self.status, self.message = "ready", f"Reached {reached} at step {self.stopped_at}; training on."
        elif self.status == "diverged":
            self.status, self.message = "ready", ""

    def set_weight(self, pid: str, value: float) -> str:
        """Set one weight or bias by its stable id (as section 2's table does), between steps; what was done."""
        ids = [i for i, _ in param_ids(self.model)]
        if pid not in ids:
            raise BadRequest(f"id must name a weight or bias of this network, such as {ids[0]!r}, got {shown(pid)}")
        if self.loop.phase != "forward":
            raise BadRequest("a slow-motion step is half done: let it finish (or press Step) before setting a weight")
        index = ids.index(pid)
        label = param_ids(self.model)[index][1]
        before = self.params[index].data
        if len(written_weights(_replaced(self.edits, (self.step, index, value)), self.model)) > WEIGHTS_TEXT:
            raise BadRequest(  # the address (and a dropped session's replay) could not carry the run any more
                f"this run has set {len(self.edits)} weights by hand, as many as its address can carry: press Reset "
                "(or change a setting) to set more"
            )
        self.planned = []  # a link's weights still to come belong to the run it replayed, no longer this one
        self._set(index, value)
        return f"You set {label} from {before:.4g} to {value:.4g} at step {self.step}: the readouts follow."

    def _set(self, index: int, value: float) -> None:
        """Set parameter index to value between steps, noted for the script and the address; the readouts follow."""
        self.params[index].data = value
        self.edits = _replaced(self.edits, (self.step, index, value))
        self._evaluate()
        self._last = None  # the last step's panel spoke of other weights
        self.history.replace_last([self.step, self.train_loss, self.test_loss])
        if self.status == "diverged":
            self.status, self.message = "ready", ""

    def plan(self, weights: object) -> None:
        """Set the weights a link names ("step:id:value,..."): those of step 0 now, each other once its step is done
        (as they were set when the link was written); BadRequest, changing nothing, for a piece it cannot set."""
        self.planned = read_weights(weights, self.model)
        self._set_planned()

    def _set_planned(self) -> None:
        """Set a link's weights for the step the run is at."""
        while self.planned and self.planned[0][0] == self.step:
            _, index, value = self.planned.pop(0)
            self._set(index, value)

    def train(self, steps: int, budget: float | None = None) -> int:
        """Up to steps steps (a half-done one finished first), stopping at 100%, on divergence or after budget
        seconds (TIME_BUDGET by default); how many it took."""
        self._go_on()
        deadline = time.perf_counter() + (TIME_BUDGET if budget is None else budget)
        done = 0
        while done < steps:
            start = self.step
            while self.step == start and self.status != "diverged":
                self._phase()
            if self.status == "diverged":
                break
            while self.loop.phase != "forward":  # the repeat phase: the step is whole
                self._phase()
            done += 1
            if self.status != "ready" or time.perf_counter() > deadline:
                break
        return done

    def phase(self) -> dict | None:
        """The slow-motion step: run the next of the five phases; what it was, in words, and what to highlight."""
        self._go_on()
        record = self._phase()
        if self.loop.phase != "forward":  # paused half-way through a step: the loop keeps numbers, not its graph
            self.loop.let_go()
        if record is None or self.status == "diverged":
            return None
        name = PHASE_NAMES[record.phase]
        return {
            "name": name,
            "index": record.step,
            "text": EXPLANATIONS[record.phase] + self._phase_numbers(record),
            "highlight": self._highlight(name),
        }

    def _phase_numbers(self, record: PhaseRecord) -> str:
        if record.phase == "forward":
            n, out = len(record.predictions), "output" if self.kind == "regression" else "score"
            points = f"{n} training points" if n == len(self.targets) else f"{n} training points of this batch"
            return f" The network's {out} for each of the {points} is worked out."
        if record.phase == "loss":
            whose = "train loss" if self.loop.batch_size == len(self.targets) else "batch's loss"
            return f" The {whose} is {record.loss:.4f}."
        if record.phase == "backward":
            names = param_names(self.model)
            i = max(range(len(names)), key=lambda k: abs(record.grads[k]))
            return f" The largest gradient is {names[i]}'s: {record.grads[i]:+.4f}."
        if record.phase == "update":
            before, after = self._last[1], self.train_loss
            return f" That was step {self.step}: the train loss went from {before:.4f} to {after:.4f}."
        return ""

    def _highlight(self, name: str) -> list[str]:
        ids = neuron_ids(self.model)
        neurons = [n for column in ids[1:] for n in column]
        edges = [pid for pid, _ in param_ids(self.model) if not pid.startswith("b-")]
        if name in ("forward", "backprop"):
            return neurons + edges
        if name == "loss":
            return ["out"]
        if name == "update":
            return [pid for pid, _ in param_ids(self.model)]
        return []

    # --- what the page shows -------------------------------------------------------------------------------

    def dead(self) -> str | None:
        """What to say when a hidden layer of ReLUs gives 0 at every training point (None while none does)."""
        if self.settings.activation != "relu" or not self.settings.hidden:
            return None
        values = floats.values(floats.layers(self.model), self.inputs["train"])
        for k, layer in enumerate(values[1:-1], start=1):
            if all(v == 0.0 for neuron in layer for v in neuron):
                return (
                    f"Every ReLU of hidden layer {k} gives 0 for every training point, so no gradient gets through "
                    "it: this network has died and will not learn. Try New weights, a smaller learning rate, or tanh."
                )
        return None

    def state(self) -> dict:
        """Everything but the pictures: settings, readouts, history, status, parameters, the inspected point."""
        p = self.points
        return {
            "settings": self.settings.as_dict(),
            "kind": self.kind,
            "loss_name": LOSS_NAMES[self.kind],
            "step": self.step,
            "epoch": self.step // self.loop.batches_per_pass,
            "batches_per_epoch": self.loop.batches_per_pass,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
            "penalty": self.penalty,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "history": self.history.rows(),
            "status": {"kind": self.status, "message": self.message},
            "dead": self.dead(),
            "last_step": self.last_step(),
            "points": {
                "train": [[*x, label] for x, label in zip(p.X_train, p.y_train)],
                "test": [[*x, label] for x, label in zip(p.X_test, p.y_test)],
            },
            "params": self.param_rows(),
            "inspect": self.inspect(),
            "python": self.script(),
            "restarted": None,
            "edited": None,
            "weights": written_weights(self.edits + self.planned, self.model),  # set so far and still to set
        }

    def param_rows(self) -> list[dict]:
        """Every parameter: its id, label, value and gradient, Adam's m and v for it (None with SGD), and the
        change the last step made to it and the gradient that step used (None before the first step)."""
        state = self.optimizer.state_dict()
        m, v = state.get("m"), state.get("v")
        before = self._last[0] if self._last is not None else None
        return [
            {
                "id": pid,
                "label": label,
                "value": param.data,
                "grad": param.grad,
                "m": m[i] if m is not None else None,
                "v": v[i] if v is not None else None,
                "change": param.data - before[i] if before is not None else None,
                "step_grad": self._last_grads[i] if before is not None else None,
            }
            for i, ((pid, label), param) in enumerate(zip(param_ids(self.model), self.params))
        ]

    def last_step(self) -> dict | None:
        """The last completed step: the loss before and after, and the four biggest nudges with the gradients
        that step's update used (not the parameters' gradients now, which a slow-motion backprop replaces)."""
        if self._last is None:
            return None
        lr = self.settings.lr
        changes = [p.data - before for p, before in zip(self.params, self._last[0])]
        top = sorted(range(len(changes)), key=lambda i: -abs(changes[i]))[:4]
        names, ids = param_names(self.model), param_ids(self.model)
        return {
            "loss_before": self._last[1],
            "loss_after": self.train_loss,
            "penalty_before": self._last[2],
            "penalty_after": self.penalty,
            "nudges": [
                {"name": names[i], "id": ids[i][0], "lr": lr, "grad": self._last_grads[i], "change": changes[i]}
                for i in top
            ],
        }

    def inspect(self) -> dict:
        """Each neuron at the inspected point: its four steps, its value and d(output)/d(its value), by the engine."""
        kept = [p.grad for p in self.params]  # backward adds into the parameters' grads: they are put back below
        ids = neuron_ids(self.model)
        x1, x2 = Value(self.point[0], label="x1"), Value(self.point[1], label="x2")
        x = made = features.as_values(x1, x2, self.settings.features)  # built from x1, x2: their grads flow
        nodes, steps = [], []
        for layer in self.model.layers:
            inputs = [v.data for v in x]
            x = [n(x) for n in layer.neurons]
            nodes.append(x)
            steps.append([explanation_lines(n.explain(inputs)) for n in layer.neurons])
        scores = nodes[-1]
        winner = max(range(len(scores)), key=lambda k: scores[k].data)  # the class it says (one output: itself)
        try:
            scores[winner].backward()
        finally:
            for p, g in zip(self.params, kept):
                p.grad = g
        labels = {name: label for name, (label, _) in features.FEATURES.items()}
        found = {
            "x1": self.point[0],
            "x2": self.point[1],
            "x1_grad": x1.grad,
            "x2_grad": x2.grad,
            "inputs": [
                {"id": ids[0][i], "feature": name, "label": labels[name], "value": node.data, "grad": node.grad}
                for i, (name, node) in enumerate(zip(self.settings.features, made))
            ],
            "output": scores[0].data,
            "neurons": [
                {
                    "id": ids[k + 1][j],
                    "value": node.data,
                    "grad": node.grad,
                    "off": is_off(self.model.layers[k].neurons[j], node.data),
                    "steps": steps[k][j],
                }
                for k, layer in enumerate(nodes)
                for j, node in enumerate(layer)
            ],
        }
        if self.kind == "three_classes":
            top = max(node.data for node in scores)  # softmax, shifted by the largest score as cross_entropy does
            exps = [math.exp(node.data - top) for node in scores]
            found |= {"output": [n.data for n in scores], "probabilities": [e / sum(exps) for e in exps]}
            found["winner"] = winner
        return found

    def picture(self, grads: bool = False) -> dict:
        """The boundary grid and every hidden neuron's map (one plain-float pass), and the network picture."""
        (xmin, xmax), (ymin, ymax) = self.bounds
        xs = [xmin + (xmax - xmin) * i / (GRID - 1) for i in range(GRID)]
        ys = [ymax - (ymax - ymin) * j / (GRID - 1) for j in range(GRID)]  # the top row first
        names = self.settings.features
        values = floats.values(floats.layers(self.model), features.expand([(x, y) for y in ys for x in xs], names))
        ids = neuron_ids(self.model)
        grid = {"kind": self.kind, "size": GRID, "x": [xmin, xmax], "y": [ymin, ymax]}
        if self.kind == "three_classes":
            grid |= _winners(values[-1])
        elif self.kind == "regression":
            grid |= {"values": values[-1][0], "range": [-1.0, 1.0]}
        else:
            grid |= {"threshold": decision_threshold(self.model), "values": values[-1][0]}
        labels = {name: label for name, (label, _) in features.FEATURES.items()}
        return {
            "grid": grid,
            "inputs": [
                {"id": ids[0][i], "feature": name, "label": labels[name], "values": column}
                for i, (name, column) in enumerate(zip(names, values[0]))
            ],
            "neurons": [
                {"id": ids[k][j], "values": column}
                for k in range(1, len(values) - 1)
                for j, column in enumerate(values[k])
            ],
            "svg": network_svg(
                self.model, features.expand([self.point], names)[0], show_grads=grads, shown_height=PICTURE_HEIGHT
            ),
            "numbers": network_numbers(self.model, features.expand([self.point], names)[0], show_grads=grads),
        }

    def point_loss(self, index: int) -> Callable[[MLP], Value]:
        """The data loss of training point index alone (the run's loss over that one point), as a function of a
        model, built from x1 and x2 through the run's features."""
        (a, b), target = self.points.X_train[index], self.targets[index]

        def loss_of(model: MLP) -> Value:
            x1, x2 = Value(a, label="x1"), Value(b, label="x2")
            out = model(features.as_values(x1, x2, self.settings.features))
            loss = LOSSES[self.kind]([out], [target])  # the mean over one point (three classes: its three scores)
            loss.label = "loss"
            return loss

        return loss_of

    def point_graph(self, request: dict) -> dict:
        """Build training point index's loss graph for the current weights, or step the one built."""
        move = choice(request, "move", GRAPH_MOVES)
        if move == "show":
            index = whole(request, "index", 0, len(self.targets) - 1)
            self.graph, self.graph_index = PointGraph(self.model, self.point_loss(index), self.step), index
        elif self.graph is None:
            raise BadRequest("no point's graph is open: click a training point first")
        else:
            self.graph.move(move)
        i = self.graph_index
        return {**self.graph.answer(), "index": i, "x": list(self.points.X_train[i]), "label": self.points.y_train[i]}

    def script(self) -> str:
        """A short script with the package's public API that replays this run and prints its train loss per step."""
        return with_edits(script(self.settings.recipe(), self.step), self.edits)


def with_edits(text: str, edits: list[tuple[int, int, float]]) -> str:
    """The replay script with the weights the learner set, each set after the step it was set at."""
    if not edits:
        return text
    by_step: dict[int, list[tuple[int, float]]] = {}
    for step, index, value in edits:
        by_step.setdefault(step, []).append((index, value))
    setup = (
        f"edits = {by_step!r}  # step: [(parameter index, value)], the weights set on the page after that step\n\n\n"
        "def set_weights(step: int) -> None:\n"
        "    for index, value in edits.get(step, []):\n"
        "        model.parameters()[index].data = value\n\n\n"
        "set_weights(0)\n"
    )
    text = text.replace("print(0, repr(train_loss()))", setup + "print(0, repr(train_loss()))", 1)
    loop_line = "    loop.run(1, progress=False, record=False)  # one step: forward, loss, backward, update\n"
    return text.replace(loop_line, loop_line + "    set_weights(step)\n", 1)


def _argmax_accuracy(scores: list[list[float]], labels: Sequence[int]) -> float:
    """The fraction of points whose largest score is their class's (the first largest, as max() picks)."""
    return sum(max(range(len(row)), key=row.__getitem__) == label for row, label in zip(scores, labels)) / len(labels)


def _winners(outputs: list[list[float]]) -> dict:
    """Per grid cell, the class with the largest score and its softmax probability (outputs: [class][cell])."""
    classes, probability = [], []
    for cell in zip(*outputs):
        top = max(cell)
        exps = [math.exp(score - top) for score in cell]
        classes.append(max(range(len(cell)), key=cell.__getitem__))
        probability.append(1.0 / sum(exps))  # the winner's exp is exp(0) = 1
    return {"classes": classes, "probability": probability}


def _next_seed(seed: int) -> int:
    return seed + 1 if seed < SEED_LIMIT else 0


def respond(run: LiveRun | None, request: dict) -> tuple[LiveRun, dict]:
    """Do what the request asks of the run (made with the defaults on first use); the run now, and the answer."""
    action = choice(request, "action", ACTIONS)
    if run is None:
        run = LiveRun(Settings())
    with run.lock:
        return _respond(run, request, action)


def _respond(run: LiveRun, request: dict, action: str) -> tuple[LiveRun, dict]:
    if action == "picture":
        return run, run.picture(flag(request, "grads") if "grads" in request else False)
    if action == "graph":
        return run, run.point_graph(request)
    restarted, phase, edited = None, None, None
    if action == "configure":
        settings = Settings.read(request.get("settings"), run.settings)
        restarted = restart_sentence(run.settings, settings)
        made = LiveRun(settings, run.point)
        if "weights" in request:  # a link's weights, checked against the new network before the run is replaced
            made.plan(request["weights"])
        run = made
    elif action == "step":
        run.train(whole(request, "steps", 1, MAX_STEPS))
    elif action == "reset":
        run = LiveRun(run.settings, run.point)
    elif action == "new_weights":
        run = LiveRun(replace(run.settings, seed=_next_seed(run.settings.seed)), run.point)
    elif action == "new_data":
        run = LiveRun(replace(run.settings, data_seed=_next_seed(run.settings.data_seed)), run.point)
    elif action == "point":
        run.point = [number(request, "x1", -POINT_LIMIT, POINT_LIMIT), number(request, "x2", -POINT_LIMIT, POINT_LIMIT)]
    elif action == "phase":
        phase = run.phase()
    elif action == "weight":
        edited = run.set_weight(request.get("id"), number(request, "value", -PARAM_LIMIT, PARAM_LIMIT))
    answer = run.state()
    answer["restarted"] = restarted
    answer["edited"] = edited
    if action == "phase":
        answer["phase"] = phase
    return run, answer


CHOICES = {  # the page's limits and choices, sent with a new session so that the page copies none of them
    "datasets": list(data.DATASETS),
    "dataset_kinds": dict(data.KINDS),
    "activations": list(ACTIVATIONS),  # every activation nn has: a new one reaches the page with no edit here
    "features": list(features.FEATURES),
    "feature_labels": {name: label for name, (label, _) in features.FEATURES.items()},
    "regularizations": list(REGULARIZATIONS),
    "ratio": [10, 90],
    "reg_rate": [0.0, REG_RATE_LIMIT],
    "stop_mse": [0.0, 1.0],
    "optimizers": ["sgd", "adam"],
    "max_layers": MAX_LAYERS,
    "max_neurons": MAX_NEURONS,
    "point_limit": POINT_LIMIT,
    "noise": [0.0, 0.5],
    "lr": [0.0, 10.0],
    "max_steps": MAX_STEPS,
    "param_limit": PARAM_LIMIT,
    "seed_limit": SEED_LIMIT,
    "defaults": Settings().as_dict(),
}
