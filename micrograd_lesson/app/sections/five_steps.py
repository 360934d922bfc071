"""Section 3, "The five steps": the training loop on XOR, one phase at a time, forward and back."""

from __future__ import annotations

from micrograd_lesson.app.pictures import is_off, network_numbers, network_svg, neuron_ids, param_ids
from micrograd_lesson.app.requests import BadRequest, choice
from micrograd_lesson.examples import relu_xor_network, xor_problem
from micrograd_lesson.nn import layer_values
from micrograd_lesson.training import PHASES, PhaseRecord, TrainingLoop

MAX_PHASES = 2_000  # the loop's undo history, per session
CHOICES = {"max_phases": MAX_PHASES}


def new_loop() -> TrainingLoop:
    """The five-step loop on XOR, from the same first weights every time: a ReLU network with h3 off throughout."""
    X, y = xor_problem()
    return TrainingLoop(relu_xor_network(), X, y)


def off_neurons(model, x: list[float]) -> list[str]:
    """The ReLU neurons that output 0 for input x, by stable id."""
    ids = neuron_ids(model)
    values = layer_values(model, x)
    return [
        ids[k + 1][j]
        for k, layer in enumerate(model.layers)
        for j, neuron in enumerate(layer.neurons)
        if is_off(neuron, values[k + 1][j])
    ]


def answer(loop: TrainingLoop, record: PhaseRecord | None) -> dict:
    """The phase just run (or none), what it changed, and the picture."""
    shown = None
    if record is not None:
        shown = {"step": record.step, "phase": record.phase, "epoch": record.epoch, "text": record.explanation}
        ids, names = zip(*param_ids(loop.model))  # 'x1-h3', 'w x1→h3': the id ends with the neuron it feeds
        if record.predictions is not None:
            shown["predictions"] = [
                {"x": x, "target": t, "prediction": p, "off": off_neurons(loop.model, x)}
                for x, t, p in zip(loop.X, loop.y, record.predictions)
            ]
        if record.loss is not None and record.phase == "repeat":  # the loop just finished: its loss, and what
            shown["loss_before"] = record.loss  # its update bought (the same data through the updated weights)
            shown["loss_after"] = loop.loss_fn([loop.model(x) for x in loop.X], loop.y).data
        elif record.loss is not None:
            shown["loss"] = record.loss
        if record.grads is not None:
            top = sorted(range(len(names)), key=lambda i: -abs(record.grads[i]))[:4]
            shown["grads"] = [{"name": names[i], "grad": record.grads[i]} for i in top]
            always_off = set.intersection(*(set(off_neurons(loop.model, x)) for x in loop.X))
            shown["off"] = [  # a ReLU that outputs 0 for every input passes no gradient back to its weights
                {
                    "neuron": name,
                    "grads": [
                        {"name": n, "grad": g}
                        for pid, n, g in zip(ids, names, record.grads)
                        if pid.rsplit("-", 1)[1] == name
                    ],
                }
                for name in sorted(always_off)
            ]
        if record.before is not None:
            lr = loop.optimizer.lr
            top = sorted(range(len(names)), key=lambda i: -abs(record.after[i] - record.before[i]))[:4]
            shown["nudges"] = [
                {"name": names[i], "lr": lr, "grad": loop.params[i].grad, "change": record.after[i] - record.before[i]}
                for i in top
            ]
            if loop.loss is not None:  # the same data through the updated weights: the loss this step bought
                shown["loss_before"] = loop.loss.data
                shown["loss_after"] = loop.loss_fn([loop.model(x) for x in loop.X], loop.y).data
    grads = loop.phase == "update"  # between backprop and the update the picture shows the gradients
    shown_x = "(" + ", ".join(f"{v:g}" for v in loop.X[1]) + ")"  # the one input the picture's values are for
    return {
        "record": shown,
        "next": loop.phase,
        "next_step": PHASES.index(loop.phase) + 1,
        "epoch": loop.epoch,
        "losses": loop.losses[-10:],
        "can_back": bool(loop.history),
        "svg": network_svg(loop.model, loop.X[1], show_grads=grads, caption=f"Shown for the input x = {shown_x}."),
        "numbers": network_numbers(loop.model, loop.X[1], show_grads=grads),  # what the picture shows, by id
    }


def respond(loop: TrainingLoop | None, request: dict) -> tuple[TrainingLoop, dict]:
    """Next, Back, Reset or show on the five-step loop (a new loop on first use)."""
    action = choice(request, "action", ("show", "next", "back", "reset"))
    if loop is None:
        loop = new_loop()
    record = None
    if action == "next":
        if len(loop.history) >= MAX_PHASES:
            raise BadRequest(f"the loop keeps at most {MAX_PHASES} steps to go back through: press Reset")
        record = loop.step()
    elif action == "back":
        if not loop.history:
            raise BadRequest("nothing to go back to: press Next first")
        loop.back()
        record = loop.history[-1] if loop.history else None
    elif action == "reset":
        loop = new_loop()
    elif loop.history:
        record = loop.history[-1]
    return loop, answer(loop, record)
