"""The lesson's five-step training loop (forward, loss, backward, update, repeat), one phase at a time."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value, paused_collector
from micrograd_lesson.losses import binary_cross_entropy, mse
from micrograd_lesson.nn import Module
from micrograd_lesson.optim import SGD, Optimizer

PHASES = ("forward", "loss", "backward", "update", "repeat")
_NEEDS_GRAPH = {"loss": 1, "backward": 2}  # a phase and how many phases of the graph it needs
EXPLANATIONS = {
    "forward": "Forward pass: data flows left to right through the network. Each neuron multiplies its inputs by "
    "weights, adds the bias and applies the activation function, until a prediction comes out.",
    "loss": "Calculate loss: compare each prediction with the right answer. The loss is one number for how wrong "
    "the network is.",
    "backward": "Backpropagation: trace the error backwards through the network to find how much each weight "
    "contributed to it: its gradient.",
    "update": "Update weights: nudge every weight a small step against its gradient, toward a lower loss.",
    "repeat": "Repeat: go back to the forward pass with the updated weights. The same loop runs again and again.",
}


@dataclass(frozen=True)
class PhaseRecord:
    """One phase of the training loop: which, why, and what it changed."""

    epoch: int  # how many full loops had been completed before this phase
    phase: str  # 'forward', 'loss', 'backward', 'update' or 'repeat'
    explanation: str  # the phase in the lesson's words
    predictions: list | None = None  # forward: the network's output for every example
    loss: float | None = None  # loss: the loss; repeat: the loss of the loop just finished
    grads: list[float] | None = None  # backward: every parameter's gradient, in parameters() order
    before: list[float] | None = None  # update: every parameter before ...
    after: list[float] | None = None  # ... and after the step

    @property
    def step(self) -> int:
        """The phase's number in the lesson, 1 to 5."""
        return PHASES.index(self.phase) + 1

    def __str__(self) -> str:
        lines = [f"epoch {self.epoch}, step {self.step} of 5: {self.explanation}"]
        if self.predictions is not None:
            lines.append(f"  predictions: {_short(self.predictions)}")
        if self.loss is not None:
            lines.append(f"  loss: {self.loss:.6g}")
        if self.grads is not None:
            lines.append(f"  gradients: {_short(self.grads)}")
        if self.before is not None and self.after is not None:
            lines.append(f"  weights before: {_short(self.before)}\n  weights after:  {_short(self.after)}")
        return "\n".join(lines)


class TrainingDiverged(ArithmeticError):
    """Training stopped because a number became too large; the model keeps its last finite weights.

    summary says it in one sentence for a learner: at which step, why, and what to try."""

    def __init__(self, message: str, summary: str = "") -> None:
        super().__init__(message)
        self.summary = summary or message


@dataclass(frozen=True)
class Divergence:
    """The rule for a step that made training diverge: a loss that is not finite or past loss_limit, a loss past
    growth times where it started (or growth, if it started below 1), or a weight past weight_limit."""

    loss_limit: float = 1e6
    growth: float = 2.0
    weight_limit: float = 1e6

    def why(self, start: float, before: float, after: float, weights: Sequence[float]) -> str | None:
        """What went wrong, in words, when a step took the loss from before to after (start: the first), or None."""
        if not math.isfinite(after) or after > self.loss_limit:
            return f"the loss exploded from {before:.4g} to {after:.4g}"
        if after > self.growth * max(start, 1.0):
            return f"the loss jumped from {before:.4g} to {after:.4g}, more than twice where it started"
        biggest = max(map(abs, weights), default=0.0)
        if biggest > self.weight_limit:
            return f"a weight grew to {biggest:.3g}, beyond {self.weight_limit:g}"
        return None


def diverged_at(step: int, why: str, lr: float) -> str:
    """The sentence a learner reads when step (counted from 1) made training diverge, naming the learning rate."""
    return (
        f"Training diverged at step {step}: {why}. The learning rate {lr:g} is too large for this network: "
        f"try a smaller one, such as {lr / 10:g}. The weights are as they were before that step."
    )


@dataclass(frozen=True)
class _Snapshot:
    """Everything a phase may change, taken just before it runs, so back() can put it all back."""

    phase: str
    epoch: int
    data: list[float]
    grads: list[float]
    optimizer: dict
    forward_data: list[float] | None  # the weights this loop's forward pass used
    n_losses: int


class TrainingLoop:
    """The lesson's five-step loop over a dataset, advanced one phase at a time, recorded, and reversible.

    X and y are lists (or tuples or arrays): a generator, which can be read only once, is refused.
    loss(predictions, targets) -> Value defaults to mse; optimizer to SGD(model.parameters(), lr=0.1).
    compiled=True works each loop out with the loss graph compiled to code (compiled_loop.CompiledLoop): the same
    numbers, several times faster. It compiles the first loop's graph, and again whenever X, y, the model or
    the loss have changed; each loop's numbers are written into that one graph, which predictions and loss hold.
    loop.compiled can be switched at any phase (False lets the program go): the numbers stay the same.
    divergence (a Divergence) judges every step by the loss it leads to, at the next loss phase or when you call
    check_step() with a loss you worked out: a step that made training diverge is undone, and TrainingDiverged
    says so. Without it, only numbers too large to compute stop training.
    batch_size (None: every example) makes each loop one batch of that many examples: each pass over the data
    takes them in an order shuffled by batch_seed and the pass's number (the last batch of a pass may be
    smaller); a full batch keeps the examples' own order. With smaller batches, the divergence rule judges
    only the steps you check_step(), since two batches' losses differ by their examples. A compiled loop runs
    one point's program over the batch's points, whatever its size (the same numbers)."""

    def __init__(
        self,
        model: Module,
        X: Sequence[Sequence[Value | float]],
        y: Sequence,
        loss: Callable[[list, Sequence], Value] | None = None,
        optimizer: Optimizer | None = None,
        compiled: bool = False,
        divergence: Divergence | None = None,
        batch_size: int | None = None,
        batch_seed: int = 0,
    ) -> None:
        _checks.paired("TrainingLoop", X, y, "input", "target")
        self.model = model
        self.X, self.y = list(X), list(y)
        if batch_size is not None:
            _checks.whole("batch_size, the examples in a batch,", batch_size, low=1, high=len(self.X))
        self.batch_size = len(self.X) if batch_size is None else batch_size
        self.batch_seed = _checks.whole("batch_seed", batch_seed)
        self.loss_fn = loss if loss is not None else mse
        self.optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.1)
        self.params = model.parameters()
        self.epoch = 0  # completed loops
        self.phase = "forward"  # the phase step() runs next
        self.predictions: list | None = None  # this loop's graph: the outputs ...
        self.loss: Value | None = None  # ... and the loss on top of them
        self._loss_data = 0.0  # this loop's loss, kept when its graph is let go
        self.losses: list[float] = []  # the loss of every completed loop
        self.history: list[PhaseRecord] = []
        self._undo: list[_Snapshot] = []
        self._forward_data: list[float] | None = None
        self.divergence = divergence
        self.start_loss: float | None = None  # the first loop's loss, which the divergence rule compares with
        self._starts: list[tuple[_Snapshot, int, int]] = []  # the last two loops as they began, for undo_step()
        self._compiled = None  # a compiled_loop.CompiledLoop when a compiled program works each loop out
        self.compiled = compiled

    @property
    def compiled(self) -> bool:
        """True when a compiled program works each loop out; set it at any phase: the numbers stay the same."""
        return self._compiled is not None

    @compiled.setter
    def compiled(self, on: bool) -> None:
        if on and self._compiled is None:
            # A loss that picks its formula by the numbers builds another graph when they change.
            _replayable_loss(self.loss_fn, (binary_cross_entropy,))
            from micrograd_lesson.compiled_loop import CompiledLoop  # loaded only by a compiled loop

            self._compiled = CompiledLoop()
        elif not on and self._compiled is not None:
            self._compiled = None  # the program goes, and with it the graph it wrote this loop's numbers into:
            self.let_go()  # the next phase builds the graph again on the engine

    def let_go(self) -> None:
        """Let go of this loop's graph (between phases it is then only numbers); the phases that need it build
        it again from the weights this loop's forward pass used, to the same numbers."""
        self.predictions = self.loss = None

    def step(self, record: bool = True) -> PhaseRecord:
        """Run the next phase of the loop, record it in history, and return the record; if it fails, nothing changes.

        record=False keeps it out of history and back()'s reach, as run(record=False) does: memory stays flat."""
        return self._advance(record)

    def _advance(self, record: bool) -> PhaseRecord:
        # A phase happens whole or not at all: if it fails, or Ctrl-C lands anywhere in it, everything
        # it changed is put back, so that step() or run() can simply be called again.
        before = self._snapshot()  # kept for back() when recorded
        phase, graph, n_history, n_undo = self.phase, (self.predictions, self.loss), len(self.history), len(self._undo)
        try:
            with paused_collector():
                if self.predictions is None and phase in _NEEDS_GRAPH:  # this loop's graph was let go
                    self._rebuild(_NEEDS_GRAPH[phase])
                done = getattr(self, f"_{phase}")()
            if record:
                self._undo.append(before)
                self.history.append(done)
            if phase == "forward":
                self._starts = [*self._starts[-1:], (before, n_history, n_undo)]
            self.phase = PHASES[(PHASES.index(phase) + 1) % len(PHASES)]
        except BaseException as error:
            self._restore(before)
            self.predictions, self.loss = graph
            del self.history[n_history:], self._undo[n_undo:]
            if self._starts and self._starts[-1][0] is before:  # a forward phase interrupted as it ended
                self._starts.pop()
            if isinstance(error, _Diverged):  # the last step is to blame: it is undone too
                self._undo_to(self._starts[-2])
                raise TrainingDiverged(error.summary) from None
            if isinstance(error, ArithmeticError) and not isinstance(error, TrainingDiverged):
                cause = f"a number overflowed ({str(error)[:120]})"
                raise TrainingDiverged(
                    f"training diverged at epoch {self.epoch}, in the {phase} phase (step {PHASES.index(phase) + 1} "
                    f"of 5): the model keeps its last finite weights; try a smaller learning rate "
                    f"(lr={self.optimizer.lr:g} now). Cause: {error}",
                    diverged_at(self.epoch + 1, cause, self.optimizer.lr),
                ) from error
            raise
        return done

    def _forward(self) -> PhaseRecord:
        self.predictions = self._predict()
        self._forward_data = [p.data for p in self.params]
        return PhaseRecord(self.epoch, "forward", EXPLANATIONS["forward"], predictions=_data(self.predictions))

    def _loss(self) -> PhaseRecord:
        self.loss = self._loss_of_predictions()
        if self.epoch == 0:
            self.start_loss = self.loss.data
        elif self.divergence is not None and len(self._starts) == 2 and self.batch_size == len(self.X):
            # judge the loss the last step led to (another batch's loss says nothing of it: check_step() can)
            why = self._why_diverged(self.losses[-1] if self.losses else self.start_loss, self.loss.data)
            if why:
                raise _Diverged(diverged_at(self.epoch, why, self.optimizer.lr))
        self._loss_data = self.loss.data
        return PhaseRecord(self.epoch, "loss", EXPLANATIONS["loss"], loss=self.loss.data)

    def _backward(self) -> PhaseRecord:
        self.model.zero_grad()  # gradients from the last loop would otherwise add up
        self._backpropagate()
        return PhaseRecord(self.epoch, "backward", EXPLANATIONS["backward"], grads=[p.grad for p in self.params])

    def _update(self) -> PhaseRecord:
        before = [p.data for p in self.params]
        self.optimizer.step()
        after = [p.data for p in self.params]
        return PhaseRecord(self.epoch, "update", EXPLANATIONS["update"], before=before, after=after)

    def _repeat(self) -> PhaseRecord:
        record = PhaseRecord(self.epoch, "repeat", EXPLANATIONS["repeat"], loss=self._loss_data)
        self.losses.append(self._loss_data)
        self.epoch += 1
        self.predictions = self.loss = None  # let the old graph go
        return record

    def check_step(self, loss: float) -> None:
        """Judge the step just taken (its update has run) by the loss it led to, a number you worked out: if the
        divergence rule says training diverged, undo the step (see undo_step) and raise TrainingDiverged."""
        if self.divergence is None or self.phase != "repeat":
            raise ValueError("check_step() judges a step just updated: it needs a divergence rule and the repeat phase")
        why = self._why_diverged(self._loss_data, loss)
        if why:
            step = self.epoch + 1
            self.undo_step()
            raise TrainingDiverged(diverged_at(step, why, self.optimizer.lr))

    def _why_diverged(self, before: float, after: float) -> str | None:
        return self.divergence.why(self.start_loss, before, after, [p.data for p in self.params])

    def undo_step(self) -> None:
        """Undo the loop in progress (or, at a forward phase, the last one completed): every parameter, grad and
        optimizer state as before its forward phase, and its phases gone from history."""
        in_progress = self.phase != "forward"
        if not self._starts or (not in_progress and self._starts[-1][0].epoch != self.epoch - 1):
            raise ValueError("no step to undo: no loop has begun since the start (or since the last undo)")
        self._undo_to(self._starts[-1])

    def _undo_to(self, start: tuple[_Snapshot, int, int]) -> None:
        snapshot, n_history, n_undo = start
        self._restore(snapshot)
        self.predictions = self.loss = None
        del self.history[n_history:], self._undo[n_undo:]
        del self._starts[self._starts.index(start) :]

    def back(self) -> PhaseRecord:
        """Undo the last phase: every parameter, grad and optimizer state exactly as before; return its record."""
        if not self._undo:
            raise ValueError("nothing to go back to: no phase has been run yet (or all were undone)")
        s = self._undo.pop()
        record = self.history.pop()
        if self._starts and self._starts[-1][0] is s:  # back over a loop's forward phase: that loop never began
            self._starts.pop()
        self.predictions = self.loss = None
        self._restore(s)
        self._rebuild(PHASES.index(s.phase))  # as many phases of this loop as had run
        return record

    def _rebuild(self, done: int) -> None:
        """This loop's graph again, its first done phases built from the weights its forward pass used: the same
        numbers exactly. The parameters keep their data and grads."""
        if done == 0:
            return
        data, grads = [p.data for p in self.params], [p.grad for p in self.params]
        self._set_data(self._forward_data)
        self.predictions = self._predict()
        if done >= 2:
            self.loss = self._loss_of_predictions()
            self._loss_data = self.loss.data
        if done >= 3:
            self._backpropagate()  # fills the graph's gradients; the parameters' are put back just below
        self._set_data(data)
        for p, g in zip(self.params, grads):
            p.grad = g

    def run(self, epochs: int, progress: bool = True, record: bool = True) -> list[float]:
        """Run the loop epochs more times (with a tqdm progress bar) and return each loop's loss.

        record=False keeps no history and nothing for back() (which then undoes only phases recorded
        before): memory stays flat however many epochs you run. If the numbers overflow it raises TrainingDiverged;
        after that, Ctrl-C or any error, the loop is as it was before the phase that failed: run() again goes on."""
        epochs = _checks.whole("run's epochs", epochs, low=0)
        # The bar's module is loaded before the loop starts, and only for a bar: a Ctrl-C inside an import can leave
        # a module half made for the rest of the process, so the loop itself imports nothing.
        bar = _progress_bar(epochs) if progress else None
        losses: list[float] = []
        try:
            with paused_collector():
                while len(losses) < epochs:
                    done = self._advance(record)
                    if done.phase == "repeat":
                        losses.append(done.loss)
                        if bar is not None:
                            bar.set_postfix(loss=f"{done.loss:.4g}")
                            bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        return losses

    # --- batches: which examples a loop works on --------------------------------------------------------------

    @property
    def batches_per_pass(self) -> int:
        """How many loops make one pass over every example (an epoch, as TensorFlow Playground counts)."""
        return -(-len(self.X) // self.batch_size)

    def batch(self, loop: int | None = None) -> list[int]:
        """The examples' indices loop number loop works on (by default this loop's): a slice of its pass's order."""
        loop = self.epoch if loop is None else loop
        if self.batch_size == len(self.X):
            return list(range(len(self.X)))
        passes, k = divmod(loop, self.batches_per_pass)
        order = list(range(len(self.X)))
        random.Random(f"{self.batch_seed}:{passes}").shuffle(order)
        return order[k * self.batch_size : (k + 1) * self.batch_size]

    def _batch_data(self) -> tuple[list, list]:
        if self.batch_size == len(self.X):
            return self.X, self.y
        chosen = self.batch()
        return [self.X[i] for i in chosen], [self.y[i] for i in chosen]

    # --- the three phases that build, and then backpropagate through, this loop's graph ---------------------

    def _predict(self) -> list:
        """The model's output for every input: the engine builds the graph, or the compiled program works it out."""
        X, y = self._batch_data()
        if self._compiled is not None:
            return self._compiled.forward(self.model, X, y, self.loss_fn)
        return [self.model(x) for x in X]

    def _loss_of_predictions(self) -> Value:
        loss = self._compiled.loss(self.predictions) if self._compiled is not None else None
        if loss is None:
            loss = self.loss_fn(self.predictions, self._batch_data()[1])
        if not isinstance(loss, Value):
            raise TypeError(f"the loss function must return one Value, got {type(loss).__name__}")
        return loss

    def _backpropagate(self) -> None:
        if self._compiled is None or not self._compiled.backward(self.loss):
            self.loss.backward()

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(
            self.phase,
            self.epoch,
            [p.data for p in self.params],
            [p.grad for p in self.params],
            self.optimizer.state_dict(),
            self._forward_data,
            len(self.losses),
        )

    def _restore(self, s: _Snapshot) -> None:
        self.phase, self.epoch, self._forward_data = s.phase, s.epoch, s.forward_data
        del self.losses[s.n_losses :]
        self._set_data(s.data)
        for p, g in zip(self.params, s.grads):
            p.grad = g
        self.optimizer.load_state_dict(s.optimizer)

    def _set_data(self, data: list[float]) -> None:
        for p, value in zip(self.params, data):
            p.data = value


def _progress_bar(epochs: int) -> object:
    """tqdm's progress bar over epochs (on stderr, or a notebook's own)."""
    from tqdm.auto import tqdm  # imported here: importing the package stays instant

    return tqdm(total=epochs, desc="training", unit="epoch")


class _Diverged(ArithmeticError):
    """Raised inside a loss phase when the divergence rule judges the last step: _advance undoes that step too."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


def _data(outputs: list) -> list:
    return [o.data if isinstance(o, Value) else _data(o) for o in outputs]


def _short(numbers: list, limit: int = 6) -> str:
    flat = [f"{n:.4g}" if isinstance(n, float) else str(n) for n in numbers[:limit]]
    return "[" + ", ".join(flat) + (f", ... ({len(numbers)} in all)]" if len(numbers) > limit else "]")


def _replayable_loss(loss: object, branching: tuple) -> None:
    """Nothing for a loss whose graph has one shape whatever the numbers; else the ValueError saying why not."""
    loss = getattr(loss, "data_loss", loss)  # a losses.Regularized: the loss it adds a penalty to
    if loss in branching:
        raise ValueError(
            f"TrainingLoop(compiled=True) cannot use {loss.__name__}: it picks its formula by the numbers (the sign "
            f"of a prediction), so its graph changes as the weights do, while a program replays one graph; use "
            f"compiled=False, or mse, hinge or cross_entropy"
        )
