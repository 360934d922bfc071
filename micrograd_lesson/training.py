"""The lesson's five-step training loop (forward, loss, backward, update, repeat), one phase at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

from micrograd_lesson import _checks
from micrograd_lesson.compiled import Program, compile_graph
from micrograd_lesson.engine import Value, paused_collector
from micrograd_lesson.losses import binary_cross_entropy, cross_entropy, mse
from micrograd_lesson.nn import Module
from micrograd_lesson.optim import SGD, Optimizer

PHASES = ("forward", "loss", "backward", "update", "repeat")
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
    """Training stopped because a number became too large; the model keeps its last finite weights."""


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


@dataclass(frozen=True)
class _Compiled:
    """TrainingLoop(compiled=True)'s program, the graph it was compiled from, and what that graph was built of."""

    program: Program
    predictions: list
    loss: Value
    built_of: tuple  # X, y, the parameters, the model (its repr) and the loss function: compiled anew if they change
    carried: list[int]  # the leaves that are Values of yours in X or y: their grads add up across loops


class TrainingLoop:
    """The lesson's five-step loop over a dataset, advanced one phase at a time, recorded, and reversible.

    X and y are lists (or tuples or arrays): a generator, which can be read only once, is refused.
    loss(predictions, targets) -> Value defaults to mse; optimizer to SGD(model.parameters(), lr=0.1).
    compiled=True works each loop out with the loss graph compiled to code (compiled.py): the same numbers,
    several times faster. It compiles the first loop's graph, and again whenever X, y, the model or the loss
    have changed; each loop's numbers are written into that one graph, which predictions and loss hold."""

    def __init__(
        self,
        model: Module,
        X: Sequence[Sequence[Value | float]],
        y: Sequence,
        loss: Callable[[list, Sequence], Value] | None = None,
        optimizer: Optimizer | None = None,
        compiled: bool = False,
    ) -> None:
        _checks.paired("TrainingLoop", X, y, "input", "target")
        if compiled:  # a loss that picks its formula by the numbers builds another graph when they change
            _replayable_loss(loss, (binary_cross_entropy, cross_entropy))
        self.model = model
        self.X, self.y = list(X), list(y)
        self.loss_fn = loss if loss is not None else mse
        self.optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.1)
        self.params = model.parameters()
        self.epoch = 0  # completed loops
        self.phase = "forward"  # the phase step() runs next
        self.predictions: list | None = None  # this loop's graph: the outputs ...
        self.loss: Value | None = None  # ... and the loss on top of them
        self.losses: list[float] = []  # the loss of every completed loop
        self.history: list[PhaseRecord] = []
        self._undo: list[_Snapshot] = []
        self._forward_data: list[float] | None = None
        self.compiled = compiled
        self._compiled: _Compiled | None = None
        self._results = None  # this loop's numbers from the program; None when the engine works this loop out

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
                done = getattr(self, f"_{phase}")()
            if record:
                self._undo.append(before)
                self.history.append(done)
            self.phase = PHASES[(PHASES.index(phase) + 1) % len(PHASES)]
        except BaseException as error:
            self._restore(before)
            self.predictions, self.loss = graph
            del self.history[n_history:], self._undo[n_undo:]
            if isinstance(error, ArithmeticError) and not isinstance(error, TrainingDiverged):
                raise TrainingDiverged(
                    f"training diverged at epoch {self.epoch}, in the {phase} phase (step {PHASES.index(phase) + 1} "
                    f"of 5): the model keeps its last finite weights; try a smaller learning rate "
                    f"(lr={self.optimizer.lr:g} now). Cause: {error}"
                ) from error
            raise
        return done

    def _forward(self) -> PhaseRecord:
        self.predictions = self._predict()
        self._forward_data = [p.data for p in self.params]
        return PhaseRecord(self.epoch, "forward", EXPLANATIONS["forward"], predictions=_data(self.predictions))

    def _loss(self) -> PhaseRecord:
        self.loss = self._loss_of_predictions()
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
        record = PhaseRecord(self.epoch, "repeat", EXPLANATIONS["repeat"], loss=self.loss.data)
        self.losses.append(self.loss.data)
        self.epoch += 1
        self.predictions = self.loss = None  # let the old graph go
        return record

    def back(self) -> PhaseRecord:
        """Undo the last phase: every parameter, grad and optimizer state exactly as before; return its record."""
        if not self._undo:
            raise ValueError("nothing to go back to: no phase has been run yet (or all were undone)")
        s = self._undo.pop()
        record = self.history.pop()
        done = PHASES.index(s.phase)  # how many phases of this loop had run
        self.predictions = self.loss = None
        if done >= 1:  # rebuild this loop's graph from the weights it was built with: the same numbers exactly
            self._set_data(s.forward_data)
            self.predictions = self._predict()
            if done >= 2:
                self.loss = self._loss_of_predictions()
            if done >= 3:
                self._backpropagate()  # fills the graph's gradients; the parameters' are set just below
        self._restore(s)
        return record

    def run(self, epochs: int, progress: bool = True, record: bool = True) -> list[float]:
        """Run the loop epochs more times (with a tqdm progress bar) and return each loop's loss.

        record=False keeps no history and nothing for back() (which then undoes only phases recorded
        before): memory stays flat however many epochs you run. If the numbers overflow it raises TrainingDiverged;
        after that, Ctrl-C or any error, the loop is as it was before the phase that failed: run() again goes on."""
        epochs = _checks.whole("run's epochs", epochs, low=0)
        from tqdm.auto import tqdm  # imported here: importing the package stays instant

        losses: list[float] = []
        with paused_collector(), tqdm(total=epochs, disable=not progress, desc="training", unit="epoch") as bar:
            while len(losses) < epochs:
                done = self._advance(record)
                if done.phase == "repeat":
                    losses.append(done.loss)
                    bar.set_postfix(loss=f"{done.loss:.4g}")
                    bar.update(1)
        return losses

    # --- the three phases that build, and then backpropagate through, this loop's graph ---------------------

    def _predict(self) -> list:
        """The model's output for every input: the engine builds the graph, or the compiled program works it out."""
        self._results = None
        if not self.compiled:
            return [self.model(x) for x in self.X]
        params = self.model.parameters()
        built_of = (_frozen(self.X), _frozen(self.y), [id(p) for p in params], repr(self.model), self.loss_fn)
        if self._compiled is None or self._compiled.built_of != built_of:  # the first graph, or a changed one
            predictions = [self.model(x) for x in self.X]
            try:
                loss = self.loss_fn(predictions, self.y)
            except Exception:  # this loop runs on the engine, whose loss phase raises the error where it belongs
                return predictions
            if not isinstance(loss, Value):
                return predictions
            program = compile_graph(loss, outputs=_values(predictions))
            yours = {id(v) for v in _values([self.X, self.y])} - {id(p) for p in params}
            carried = [i for i, leaf in enumerate(program.leaves) if id(leaf) in yours]
            self._compiled = _Compiled(program, predictions, loss, built_of, carried)
        compiled, leaves = self._compiled, self._compiled.program.leaves
        grads = [0.0] * len(leaves)  # as after zero_grad(), for the parameters and the graph's own leaves
        for i in compiled.carried:  # a Value of yours in X or y keeps adding up its grad, as backward() does
            grads[i] = leaves[i].grad
        results = compiled.program.compute([leaf.data for leaf in leaves], grads)
        if results is None:  # a number the engine refuses: this loop runs on the engine, which says where
            return [self.model(x) for x in self.X]
        for node, data in zip(compiled.program.outputs, results[2]):
            node.data, node.grad = data, 0.0  # as the engine's new nodes would be
        self._results = results
        return compiled.predictions

    def _loss_of_predictions(self) -> Value:
        if self._results is not None:
            loss = self._compiled.loss
            loss.data, loss.grad = self._results[0], 0.0
            return loss
        loss = self.loss_fn(self.predictions, self.y)
        if not isinstance(loss, Value):
            raise TypeError(f"the loss function must return one Value, got {type(loss).__name__}")
        return loss

    def _backpropagate(self) -> None:
        if self._results is None:
            self.loss.backward()
            return
        program = self._compiled.program
        _, grads, _, output_grads = self._results
        for leaf, grad in zip(program.leaves, grads):
            leaf.grad = grad
        for node, grad in zip(program.outputs, output_grads):
            node.grad = grad
        self._compiled.loss.grad = 1.0

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


def _frozen(items: object) -> object:
    """Lists of numbers as tuples of floats, to compare with later; a Value stays itself (compared by identity)."""
    if isinstance(items, Value):
        return items
    if hasattr(items, "__len__") and not isinstance(items, str):
        return tuple(map(_frozen, items))
    return float(items) if isinstance(items, Real) else items


def _values(items: list) -> list[Value]:
    """Every Value in a list of lists (a model's outputs, X), in order."""
    found = []
    for item in items:
        if isinstance(item, Value):
            found.append(item)
        elif hasattr(item, "__len__") and not isinstance(item, str):
            found += _values(item)
    return found


def _data(outputs: list) -> list:
    return [o.data if isinstance(o, Value) else _data(o) for o in outputs]


def _short(numbers: list, limit: int = 6) -> str:
    flat = [f"{n:.4g}" if isinstance(n, float) else str(n) for n in numbers[:limit]]
    return "[" + ", ".join(flat) + (f", ... ({len(numbers)} in all)]" if len(numbers) > limit else "]")


def _replayable_loss(loss: object, branching: tuple) -> None:
    """Nothing for a loss whose graph has one shape whatever the numbers; else the ValueError saying why not."""
    if loss in branching:
        raise ValueError(
            f"TrainingLoop(compiled=True) cannot use {loss.__name__}: it picks its formula by the numbers (the sign "
            f"of a prediction, the largest score), so its graph changes as the weights do, while a program replays "
            f"one graph; use compiled=False, or mse or hinge"
        )
