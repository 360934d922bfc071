"""One live training run for the page's section 6, "Watch a network learn": the run the command line makes.

The same data split (data.train_test), an MLP with a linear output, hinge loss on signed labels, SGD or Adam
and the five-step TrainingLoop; one step is one full pass over the training points. The pictures (the
boundary grid and every hidden neuron's map) and the readouts come from a plain-float pass over the same
weights, tested equal to the engine's numbers; the inspected point's values and gradients come from the
engine itself. Every float an answer holds is finite: a loss that explodes pauses training at the last
finite weights (the training loop's own divergence rule, which undoes the step).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from micrograd_lesson import data, floats
from micrograd_lesson.app.pictures import (
    explanation_lines,
    is_off,
    network_numbers,
    network_svg,
    neuron_ids,
    param_ids,
    param_names,
)
from micrograd_lesson.app.requests import BadRequest, choice, flag, number, sizes, whole
from micrograd_lesson.metrics import score_accuracy
from micrograd_lesson.nn import ACTIVATIONS, decision_threshold, input_leaves
from micrograd_lesson.recipe import Recipe, prepare, script
from micrograd_lesson.training import EXPLANATIONS, PhaseRecord, TrainingDiverged

GRID = 30  # the boundary plot's samples per side
MAX_STEPS = 1000  # per request ...
TIME_BUDGET = 0.5  # ... and about this many seconds: the answer says how far it got
MAX_LAYERS, MAX_NEURONS = 6, 8
HISTORY_ROWS = 200
SEED_LIMIT = 10**9
POINT_LIMIT = 6.0  # the inspected point's coordinates: past the plot's edges for every dataset and noise
MARGIN = 0.5  # the plot reaches this far past the outermost points
COMPILED_AFTER = 50  # steps: from then on a step runs as compiled code (the same numbers, ~6x faster), once the
# run is long enough to repay the compiling (~0.45 s for 8-8 on 75 points), which Reset would otherwise pay each time;
COMPILED_SIZE = 10_000  # ... and only a graph of at most this many parameters x training points, which compiles
# within a request's budget (8-8-8 took 0.7 s, six layers of 8 1.4 s)
STOPPED = "100% training accuracy (every training point on its side; the test points never decide when to stop)."
LOSS_NAME = "hinge loss: mean of max(0, 1 - y × score)"
PHASE_NAMES = {"forward": "forward", "loss": "loss", "backward": "backprop", "update": "update", "repeat": "repeat"}
NEEDS_SLOT = ("step", "phase")  # the actions that train: the host runs at most a few at once, over every tab
ACTIONS = ("show", "configure", "step", "reset", "new_weights", "new_data", "point", "phase", "picture")
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
}


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
    stop_at_100: bool = True

    @classmethod
    def read(cls, fields: object, base: Settings | None = None) -> Settings:
        """Settings from a request's "settings" object, every field checked; a missing field keeps base's value."""
        if not isinstance(fields, dict):
            raise BadRequest('settings must be an object such as {"lr": 0.05}')
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise BadRequest(f"settings has no field {unknown[0]!r}: the fields are {', '.join(FIELDS)}")
        merged = {**(base or cls()).as_dict(), **fields}
        lr = number(merged, "lr", 0.0, 10.0)
        if lr <= 0.0:
            raise BadRequest(f"lr must be above 0 and at most 10, got {lr:g}")
        return cls(
            dataset=choice(merged, "dataset", tuple(data.DATASETS)),
            noise=number(merged, "noise", 0.0, 0.5),
            data_seed=whole(merged, "data_seed", 0, SEED_LIMIT),
            hidden=tuple(sizes(merged, "hidden", MAX_LAYERS, MAX_NEURONS)),
            activation=choice(merged, "activation", tuple(ACTIVATIONS)),
            lr=lr,
            optimizer=choice(merged, "optimizer", ("sgd", "adam")),
            seed=whole(merged, "seed", 0, SEED_LIMIT),
            stop_at_100=flag(merged, "stop_at_100"),
        )

    def as_dict(self) -> dict:
        """The settings as the page's JSON."""
        return {**asdict(self), "hidden": list(self.hidden)}

    def recipe(self) -> Recipe:
        """The training recipe these settings name (all but stopping at 100%)."""
        return Recipe(**{name: getattr(self, name) for name in FIELDS if name != "stop_at_100"})


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

    def rows(self) -> list[list[float]]:
        """The kept rows and the last one."""
        return self.kept if self.last is self.kept[-1] else [*self.kept, self.last]


class LiveRun:
    """One run: the data, the model, the optimizer and the loop, its step count, readouts, history and status."""

    def __init__(self, settings: Settings, point: Sequence[float] = (1.0, 0.0)) -> None:
        self.settings = s = settings
        self.point = [float(point[0]), float(point[1])]
        made = prepare(s.recipe())  # what `micrograd-lesson train` trains, and the script replays
        self.points, self.targets, self.model, self.optimizer = made.points, made.targets, made.model, made.optimizer
        self.loop = made.loop
        self.params = self.model.parameters()
        self.lock = threading.Lock()  # held while a request works on the run: its compiled program is not let go then
        self.compilable = len(self.params) * len(self.targets) <= COMPILED_SIZE
        self.step = 0
        self.kind, self.message = "ready", ""
        self.stopped_at: int | None = None
        self._start: tuple[list[float], float] | None = None  # the weights and train loss as each step begins
        self._last: tuple[list[float], float] | None = None  # those of the last step completed: its panel ...
        self._last_grads: list[float] = []  # ... and the gradients its update used (a slow-motion step makes new ones)
        self._evaluate()
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
        """The four readouts from the current weights, in one plain-float pass over train and test points."""
        p = self.points
        train, test = floats.outputs(self.model, p.X_train), floats.outputs(self.model, p.X_test)
        self.train_loss, self.test_loss = floats.hinge(train, self.targets), floats.hinge(test, data.signed(p.y_test))
        self.train_accuracy, self.test_accuracy = score_accuracy(train, p.y_train), score_accuracy(test, p.y_test)

    def _diverge(self, error: TrainingDiverged) -> None:
        """Pause at the weights from before the failed step (the loop has undone it), saying what to try."""
        if self.loop.phase != "forward":  # a phase failed half-way through the step: the whole step is undone
            self.loop.undo_step()
        self._evaluate()
        self._last = None
        self.kind, self.message = "diverged", error.summary

    def _phase(self) -> PhaseRecord | None:
        """Run the next of the five phases (None if it diverged); a completed update is a step."""
        if self.loop.phase == "forward":
            if self.step >= COMPILED_AFTER and self.compilable:
                self.loop.compiled = True
            self._start = ([p.data for p in self.params], self.train_loss)
        try:
            record = self.loop.step(record=False)
            if record.phase == "update":
                self._stepped()
        except TrainingDiverged as error:
            self._diverge(error)
            return None
        if record.phase == "repeat":
            self.loop.losses.clear()  # the run keeps its own history, thinned: memory stays flat
        return record

    def _stepped(self) -> None:
        """After an update: the readouts, the loop's divergence rule (TrainingDiverged), history, stopping at 100%."""
        self._evaluate()
        self.loop.check_step(self.train_loss)
        self.step += 1
        self._last = self._start
        self._last_grads = [p.grad for p in self.params]  # the update just ran on these
        self.history.add([self.step, self.train_loss, self.test_loss])
        if self.settings.stop_at_100 and self.stopped_at is None and self.train_accuracy == 1.0:
            self.stopped_at = self.step
            self.kind, self.message = "stopped", f"Stopped at step {self.step}: {STOPPED}"

    def _go_on(self) -> None:
        """A paused run goes on when asked to: after a stop, once past it; after divergence, it tries again."""
        if self.kind == "stopped":
            self.kind, self.message = "ready", f"Reached 100% training accuracy at step {self.stopped_at}; training on."
        elif self.kind == "diverged":
            self.kind, self.message = "ready", ""

    def train(self, steps: int, budget: float | None = None) -> int:
        """Up to steps steps (a half-done one finished first), stopping at 100%, on divergence or after budget
        seconds (TIME_BUDGET by default); how many it took."""
        self._go_on()
        deadline = time.perf_counter() + (TIME_BUDGET if budget is None else budget)
        done = 0
        while done < steps:
            start = self.step
            while self.step == start and self.kind != "diverged":
                self._phase()
            if self.kind == "diverged":
                break
            while self.loop.phase != "forward":  # the repeat phase: the step is whole
                self._phase()
            done += 1
            if self.kind != "ready" or time.perf_counter() > deadline:
                break
        return done

    def phase(self) -> dict | None:
        """The slow-motion step: run the next of the five phases; what it was, in words, and what to highlight."""
        self._go_on()
        record = self._phase()
        if self.loop.phase != "forward":  # paused half-way through a step: the loop keeps numbers, not its graph
            self.loop.let_go()
        if record is None or self.kind == "diverged":
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
            return f" The network's score for each of the {len(self.targets)} training points is worked out."
        if record.phase == "loss":
            return f" The train loss is {record.loss:.4f}."
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
        values = floats.values(floats.layers(self.model), self.points.X_train)
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
            "loss_name": LOSS_NAME,
            "step": self.step,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "history": self.history.rows(),
            "status": {"kind": self.kind, "message": self.message},
            "dead": self.dead(),
            "last_step": self.last_step(),
            "points": {
                "train": [[*x, label] for x, label in zip(p.X_train, p.y_train)],
                "test": [[*x, label] for x, label in zip(p.X_test, p.y_test)],
            },
            "params": [
                {"id": pid, "label": label, "value": param.data, "grad": param.grad}
                for (pid, label), param in zip(param_ids(self.model), self.params)
            ],
            "inspect": self.inspect(),
            "python": self.script(),
            "restarted": None,
        }

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
            "nudges": [
                {"name": names[i], "id": ids[i][0], "lr": lr, "grad": self._last_grads[i], "change": changes[i]}
                for i in top
            ],
        }

    def inspect(self) -> dict:
        """Each neuron at the inspected point: its four steps, its value and d(output)/d(its value), by the engine."""
        kept = [p.grad for p in self.params]  # backward adds into the parameters' grads: they are put back below
        ids = neuron_ids(self.model)
        x = input_leaves(self.point)
        nodes, steps = [], []
        for layer in self.model.layers:
            inputs = [v.data for v in x]
            x = [n(x) for n in layer.neurons]
            nodes.append(x)
            steps.append([explanation_lines(n.explain(inputs)) for n in layer.neurons])
        output = nodes[-1][0]
        try:
            output.backward()
        finally:
            for p, g in zip(self.params, kept):
                p.grad = g
        return {
            "x1": self.point[0],
            "x2": self.point[1],
            "output": output.data,
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

    def picture(self, grads: bool = False) -> dict:
        """The boundary grid and every hidden neuron's map (one plain-float pass), and the network picture."""
        (xmin, xmax), (ymin, ymax) = self.bounds
        xs = [xmin + (xmax - xmin) * i / (GRID - 1) for i in range(GRID)]
        ys = [ymax - (ymax - ymin) * j / (GRID - 1) for j in range(GRID)]  # the top row first
        values = floats.values(floats.layers(self.model), [(x, y) for y in ys for x in xs])
        ids = neuron_ids(self.model)
        return {
            "grid": {
                "size": GRID,
                "x": [xmin, xmax],
                "y": [ymin, ymax],
                "threshold": decision_threshold(self.model),
                "values": values[-1][0],
            },
            "neurons": [
                {"id": ids[k][j], "values": column}
                for k in range(1, len(values) - 1)
                for j, column in enumerate(values[k])
            ],
            "svg": network_svg(self.model, self.point, show_grads=grads),
            "numbers": network_numbers(self.model, self.point, show_grads=grads),  # what the picture shows, by id
        }

    def script(self) -> str:
        """A short script with the package's public API that replays this run and prints its train loss per step."""
        return script(self.settings.recipe(), self.step)


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
    restarted, phase = None, None
    if action == "configure":
        settings = Settings.read(request.get("settings"), run.settings)
        restarted = restart_sentence(run.settings, settings)
        run = LiveRun(settings, run.point)
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
    answer = run.state()
    answer["restarted"] = restarted
    if action == "phase":
        answer["phase"] = phase
    return run, answer


CHOICES = {  # the page's limits and choices, sent with a new session so that the page copies none of them
    "datasets": list(data.DATASETS),
    "activations": list(ACTIVATIONS),  # every activation nn has: a new one reaches the page with no edit here
    "optimizers": ["sgd", "adam"],
    "max_layers": MAX_LAYERS,
    "max_neurons": MAX_NEURONS,
    "point_limit": POINT_LIMIT,
    "noise": [0.0, 0.5],
    "lr": [0.0, 10.0],
    "max_steps": MAX_STEPS,
    "seed_limit": SEED_LIMIT,
    "defaults": Settings().as_dict(),
}
