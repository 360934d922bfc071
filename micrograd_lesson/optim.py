"""Optimizers: the weight update, step 4 of the lesson's loop. Their state lives here, never on a Value."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value


class Optimizer:
    """Holds the parameters to update; step() nudges each one against its gradient."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("an optimizer needs at least one parameter, got none (pass model.parameters())")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"an optimizer updates Values, got {type(p).__name__} at position {i}: {p!r}")
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate: how big a step to take; may be changed between steps (a schedule)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _checks.number("lr", value, low=0.0, low_inclusive=False)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0, ready for the next backward()."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its grad; if any number would not be finite, change nothing and raise."""
        new_data, new_state = self._proposed_step()
        self._check(new_data, new_state)
        old_data, old_state = [p.data for p in self.params], self.state_dict()
        try:
            self.load_state_dict(new_state)
            for p, new in zip(self.params, new_data):
                p.data = new
        except BaseException:  # Ctrl-C half-way: put back what had changed, so the step happened not at all
            for p, old in zip(self.params, old_data):
                p.data = old
            self.load_state_dict(old_state)
            raise

    def _check(self, new_data: list[float], new_state: dict) -> None:
        """Refuse a step from a grad that is not finite, or to a parameter or a state (m, v, velocity) that is not."""
        step = f"{type(self).__name__}.step()"
        hint = f"nothing was changed: is the learning rate {self.lr:g} too large?"
        buffers = {name: x for name, x in new_state.items() if isinstance(x, list)}  # one number per parameter
        for i, (p, new) in enumerate(zip(self.params, new_data)):  # reprs only in messages: each one is slow
            if not math.isfinite(p.grad):
                got = f"parameter {i} ({p!r}) has grad {p.grad}"
                raise ValueError(f"{step} needs finite gradients, but {got}; nothing was changed")
            if not math.isfinite(new):
                raise OverflowError(f"{step} would move parameter {i} ({p!r}) to {new}; {hint}")
            for name, x in buffers.items():  # a state of inf would freeze all later steps: Adam's v = inf moves nothing
                if not math.isfinite(x[i]):
                    raise OverflowError(f"{step} would overflow {name} of parameter {i} ({p!r}) to {x[i]}; {hint}")

    def _proposed_step(self) -> tuple[list[float], dict]:
        """Every parameter's new value and the optimizer's new state, computed without changing either."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        """A copy of everything the optimizer remembers between steps (restore it with load_state_dict)."""
        return {"lr": self.lr}

    def load_state_dict(self, state: dict) -> None:
        """Put back a state from state_dict(), so stepping on gives the very same numbers."""
        self.lr = state["lr"]


class SGD(Optimizer):
    """Stochastic gradient descent: p -= lr * grad, optionally with momentum and weight decay."""

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _checks.number("momentum", momentum, low=0.0, high=1.0, high_inclusive=False)
        self.weight_decay = _checks.number("weight_decay", weight_decay, low=0.0)
        self.velocity = [0.0] * len(self.params)  # a running sum of past steps, when momentum > 0

    def _proposed_step(self) -> tuple[list[float], dict]:
        """p - lr * v, where v = momentum * v + grad + weight_decay * p."""
        velocity, new_data = list(self.velocity), []
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data
            if self.momentum:
                g = velocity[i] = self.momentum * velocity[i] + g
            new_data.append(p.data - self.lr * g)
        return new_data, {"lr": self.lr, "velocity": velocity}

    def state_dict(self) -> dict:
        """The learning rate and the momentum buffer."""
        return {"lr": self.lr, "velocity": list(self.velocity)}

    def load_state_dict(self, state: dict) -> None:
        """Put back the learning rate and the momentum buffer."""
        self.lr = state["lr"]
        self.velocity = list(state["velocity"])


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient (m) and of its square (v)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        pair = f"Adam needs betas as a pair (beta1, beta2) such as (0.9, 0.999), got {betas!r}"
        if isinstance(betas, str) or not (isinstance(betas, Sequence) or getattr(betas, "ndim", 0) == 1):
            raise TypeError(pair)
        if len(betas) != 2:
            raise ValueError(pair)
        self.betas = (
            _checks.number("beta1", betas[0], low=0.0, high=1.0, high_inclusive=False),
            _checks.number("beta2", betas[1], low=0.0, high=1.0, high_inclusive=False),
        )
        self.eps = _checks.number("eps", eps, low=0.0, low_inclusive=False)
        self.weight_decay = _checks.number("weight_decay", weight_decay, low=0.0)
        self.t = 0  # steps taken so far, for the bias correction
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _proposed_step(self) -> tuple[list[float], dict]:
        """p - lr * m_hat / (sqrt(v_hat) + eps), with m, v the bias-corrected running averages."""
        beta1, beta2 = self.betas
        t, m, v, new_data = self.t + 1, list(self.m), list(self.v), []
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            m_hat = m[i] / (1 - beta1**t)  # early averages lean towards their start at 0: undo that
            v_hat = v[i] / (1 - beta2**t)
            new_data.append(p.data - self.lr * m_hat / (math.sqrt(v_hat) + self.eps))
        return new_data, {"lr": self.lr, "t": t, "m": m, "v": v}

    def state_dict(self) -> dict:
        """The learning rate, the step count and both running averages."""
        return {"lr": self.lr, "t": self.t, "m": list(self.m), "v": list(self.v)}

    def load_state_dict(self, state: dict) -> None:
        """Put back the learning rate, the step count and both running averages."""
        self.lr = state["lr"]
        self.t = state["t"]
        self.m = list(state["m"])
        self.v = list(state["v"])
