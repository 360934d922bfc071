"""The live lesson: a small Starlette app whose every number comes from the engine, for `micrograd-lesson serve`.

Each browser tab asks for a session (POST /api/session) and sends its id with every request. A session's
requests run one at a time, in the order they came (an asyncio.Lock is first come, first served), and
every answer echoes the request's `seq`, so the page shows only the answer to its latest request.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from micrograd_lesson import data as datasets
from micrograd_lesson.app import quiz
from micrograd_lesson.app.pictures import (
    explanation_lines,
    is_off,
    laid_out_frames,
    network_svg,
    neuron_ids,
    param_names,
)
from micrograd_lesson.app.requests import MAX_BODY, NUMBER_LIMIT, BadRequest, choice, number, text
from micrograd_lesson.app.sections import live_training
from micrograd_lesson.backprop import BackwardStep, backward_steps
from micrograd_lesson.engine import Value, topological_order
from micrograd_lesson.examples import (
    LECTURE_INPUTS,
    LECTURE_NEURON_INPUTS,
    lecture_expression,
    lecture_neuron,
    relu_xor_network,
    xor_problem,
)
from micrograd_lesson.expression import ExpressionError, parse_assignments, parse_expression
from micrograd_lesson.nn import ACTIVATIONS, Neuron, layer_values
from micrograd_lesson.playground import Playground
from micrograd_lesson.testing import numerical_grad
from micrograd_lesson.training import PHASES, TrainingLoop

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = 64  # the oldest session is dropped when a 65th arrives
MAX_LOOP_PHASES = 2_000  # the five-step loop's undo history, per session
MAX_EXPRESSION_NODES = 60  # a typed expression's graph, as draw_dot counts nodes
LECTURE_TEXT = "(a*b + c) * f"
NEURON_TEXT = "(x1*w1 + x2*w2 + b).tanh()"
MAX_TRAININGS = 4  # trainings at work at once, over every tab: a fifth is told to try again
TRAINING_SLOTS = threading.BoundedSemaphore(MAX_TRAININGS)
BUSY = "the server is busy training for other tabs: try again in a moment"


# --- sessions ------------------------------------------------------------------------------------------------


class Session:
    """One tab's state: its playground, five-step loop, backprop stepper, quiz score and live training run."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.playground = Playground()
        self.loop = new_loop()
        self.stepper = Stepper("lecture")
        self.answers: dict[str, bool] = {}  # quiz item -> answered right
        self.training: live_training.LiveRun | None = None  # section 6's run, made on first use


class Sessions:
    """At most MAX_SESSIONS sessions; the least recently used is dropped first."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_SESSIONS if limit is None else limit
        self.open: OrderedDict[str, Session] = OrderedDict()

    def new(self) -> str:
        """Start a session and return its id."""
        sid = secrets.token_urlsafe(16)
        self.open[sid] = Session()
        while len(self.open) > self.limit:
            self.open.popitem(last=False)
        return sid

    def get(self, data: dict) -> Session:
        """The session named by data['session'], or BadRequest (status 410 when unknown or dropped)."""
        sid = data.get("session")
        if not isinstance(sid, str) or sid not in self.open:
            raise BadRequest("this page's session has ended (the server keeps a few at a time): starting afresh", 410)
        self.open.move_to_end(sid)
        return self.open[sid]


# --- the lesson's sections -----------------------------------------------------------------------------------


def neuron_answer(data: dict) -> dict:
    """Section 1: one neuron's four steps with the numbers plugged in."""
    x = [number(data, "x1"), number(data, "x2")]
    w = [number(data, "w1"), number(data, "w2")]
    b = number(data, "b")
    activation = choice(data, "activation", tuple(ACTIVATIONS))
    neuron = Neuron(2, activation=activation)
    neuron.set_parameters(w, b)
    e = neuron.explain(x)
    return {"steps": explanation_lines(e), "output": e.output}


def playground_answer(pg: Playground) -> dict:
    """Section 2: every neuron's value and four steps, every weight and bias, by stable id."""
    ids = neuron_ids(pg.model)
    neurons = [{"id": name, "value": pg.activations[0][i], "off": False, "steps": []} for i, name in enumerate(ids[0])]
    params = []
    x = pg.inputs
    for k, layer in enumerate(pg.model.layers):
        for j, neuron in enumerate(layer.neurons):
            e = neuron.explain(x)
            name = ids[k + 1][j]
            neurons.append(
                {"id": name, "value": e.output, "off": is_off(neuron, e.output), "steps": explanation_lines(e)}
            )
            for i, w in enumerate(neuron.w):
                params.append({"id": f"{ids[k][i]}-{name}", "label": f"w {ids[k][i]}→{name}", "value": w.data})
            params.append({"id": f"b-{name}", "label": f"b {name}", "value": neuron.b.data})
        x = pg.activations[k + 1]
    return {
        "x1": pg.x1,
        "x2": pg.x2,
        "output": pg.output,
        "neurons": neurons,
        "params": params,
        "svg": network_svg(pg.model, pg.inputs),
    }


def playground_params(pg: Playground) -> dict[str, Value]:
    """Every weight and bias of the playground by its stable id."""
    ids = neuron_ids(pg.model)
    found = {}
    for k, layer in enumerate(pg.model.layers):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                found[f"{ids[k][i]}-{ids[k + 1][j]}"] = w
            found[f"b-{ids[k + 1][j]}"] = neuron.b
    return found


def update_playground(session: Session, data: dict) -> dict:
    """Apply a slider move, a weight edit or a reset, then answer with the whole playground."""
    pg = session.playground
    action = choice(data, "action", ("show", "inputs", "param", "reset"))
    if action == "inputs":
        pg.set(x1=number(data, "x1", 0.0, 1.0), x2=number(data, "x2", 0.0, 1.0))
    elif action == "param":
        params = playground_params(pg)
        name = choice(data, "id", tuple(params))
        params[name].data = number(data, "value", -10.0, 10.0)
        pg.set()
    elif action == "reset":
        session.playground = pg = Playground(pg.x1, pg.x2)
    return playground_answer(pg)


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


def loop_answer(loop: TrainingLoop, record) -> dict:
    """Section 3: the phase just run (or none), what it changed, and the picture."""
    shown = None
    if record is not None:
        shown = {"step": record.step, "phase": record.phase, "epoch": record.epoch, "text": record.explanation}
        names = param_names(loop.model)
        if record.predictions is not None:
            shown["predictions"] = [
                {"x": x, "target": t, "prediction": p, "off": off_neurons(loop.model, x)}
                for x, t, p in zip(loop.X, loop.y, record.predictions)
            ]
        if record.loss is not None:
            shown["loss"] = record.loss
            shown["previous_loss"] = loop.losses[-2] if record.phase == "repeat" and len(loop.losses) > 1 else None
        if record.grads is not None:
            top = sorted(range(len(names)), key=lambda i: -abs(record.grads[i]))[:4]
            shown["grads"] = [{"name": names[i], "grad": record.grads[i]} for i in top]
            always_off = set.intersection(*(set(off_neurons(loop.model, x)) for x in loop.X))
            shown["off"] = [  # a ReLU that outputs 0 for every input passes no gradient back to its weights
                {
                    "neuron": name,
                    "grads": [{"name": n, "grad": g} for n, g in zip(names, record.grads) if n.split()[0] == name],
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
    return {
        "record": shown,
        "next": loop.phase,
        "next_step": PHASES.index(loop.phase) + 1,
        "epoch": loop.epoch,
        "losses": loop.losses[-10:],
        "can_back": bool(loop.history),
        "svg": network_svg(loop.model, loop.X[1], show_grads=loop.phase in ("update",)),
    }


def update_loop(session: Session, data: dict) -> dict:
    """Next, Back, Reset or show on the five-step loop."""
    action = choice(data, "action", ("show", "next", "back", "reset"))
    loop, record = session.loop, None
    if action == "next":
        if len(loop.history) >= MAX_LOOP_PHASES:
            raise BadRequest(f"the loop keeps at most {MAX_LOOP_PHASES} steps to go back through: press Reset")
        record = loop.step()
    elif action == "back":
        if not loop.history:
            raise BadRequest("nothing to go back to: press Next first")
        loop.back()
        record = loop.history[-1] if loop.history else None
    elif action == "reset":
        session.loop = loop = new_loop()
    elif loop.history:
        record = loop.history[-1]
    return loop_answer(loop, record)


class Stepper:
    """Section 4: backward() on one graph, one chain-rule contribution at a time, forward and back."""

    def __init__(self, source: str, expression: str = "", names: str = "") -> None:
        if source == "lecture":
            self.root, self.text, self.names = lecture_expression(), LECTURE_TEXT, dict(LECTURE_INPUTS)
        elif source == "neuron":
            self.root, self.text, self.names = lecture_neuron()["o"], NEURON_TEXT, dict(LECTURE_NEURON_INPUTS)
        else:
            self.names = parse_assignments(names.split())
            self.text = expression
            self.root = parse_expression(expression, self.names, max_nodes=MAX_EXPRESSION_NODES).value
            if not self.root.parents:
                raise BadRequest(f"{expression.strip()!r} has no operation to step back through: try one such as a*b")
        self.nodes = topological_order(self.root)
        self.ids = {id(node): f"v{i}" for i, node in enumerate(self.nodes)}  # stable: the engine's own order
        self.frames = laid_out_frames(self.root)  # frame k shows the grads after step k; it runs backward, so ...
        for node in self.nodes:
            node.grad = 0.0  # ... the steps below start from zero grads, not from what it left behind
        self.steps = list(backward_steps(self.root))
        for node in self.nodes:  # back to the start: dL/dL = 1, every other grad 0
            node.grad = 1.0 if node is self.root else 0.0
        self.grads = [[node.grad for node in self.nodes]]  # every grad after 0, 1, 2, ... steps
        for step in self.steps:  # replay, to keep every node's grad after each step
            self._apply(step)
            self.grads.append([node.grad for node in self.nodes])
        self.position = 0
        self.nudges = self._nudges()

    def _apply(self, step: BackwardStep) -> None:
        if step.parent is not None:
            step.parent.grad = step.grad_after
        else:
            for parent, after in zip(step.node.parents, step.grad_after):
                parent.grad = after

    def _nudges(self) -> dict[str, float]:
        names = list(self.names)
        try:
            estimate = numerical_grad(
                lambda *xs: parse_expression(self.text, dict(zip(names, xs))).value, *self.names.values()
            )
        except (ValueError, ArithmeticError):  # a nudge steps outside the expression's domain (log near 0)
            return {}
        return dict(zip(names, estimate))

    def move(self, by: int) -> None:
        """Step forward (+1) or back (-1), staying within the steps."""
        self.position = max(0, min(len(self.steps), self.position + by))

    def answer(self) -> dict:
        """The graph at the current step: every node's grad so far, the worked edge, the picture."""
        grads = self.grads[self.position]
        for node, g in zip(self.nodes, grads):
            node.grad = g
        done = self.steps[self.position - 1] if self.position else None
        upcoming = self.steps[self.position] if self.position < len(self.steps) else None
        return {
            "expression": self.text,
            "position": self.position,
            "total": len(self.steps),
            "nodes": [
                {
                    "id": self.ids[id(node)],
                    "label": node.label or node.op,
                    "data": node.data,
                    "grad": g,
                    "nudge": self.nudges.get(node.label) if not node.parents else None,
                }
                for node, g in zip(self.nodes, grads)
            ],
            "worked": self._step_dict(done),
            "next": None if upcoming is None else {"parent": self._name(upcoming.parent or upcoming.node)},
            "svg": self.frames[self.position].svg(),  # drawn when shown: a session keeps no SVG
        }

    def _name(self, node: Value) -> str:
        return node.label or f"{node.op} node {self.ids[id(node)]}"

    def _step_dict(self, step: BackwardStep | None) -> dict | None:
        if step is None:
            return None
        if step.parent is None:
            return {"text": f"{self._name(step.node)} ran its own _backward for all its parents"}
        return {
            "node": self.ids[id(step.node)],
            "parent": self.ids[id(step.parent)],
            "text": f"{self._name(step.parent)}.grad += local × upstream = {step.local:.4g} × {step.upstream:.4g} "
            f"= {step.contribution:.4g}, so {self._name(step.parent)}.grad = {step.grad_after:.4g}",
        }

    def check(self, guess: float) -> dict:
        """Is guess the next step's gradient (the receiving node's grad after it)?"""
        if self.position >= len(self.steps):
            raise BadRequest("every gradient is revealed already: press Back or load again")
        step = self.steps[self.position]
        right = step.grad_after if step.parent is not None else step.grad_after[0]
        name = self._name(step.parent or step.node.parents[0])
        correct = abs(guess - right) <= 0.01 * max(1.0, abs(right))
        return {
            "correct": correct,
            "message": f"{'Right' if correct else 'Not quite'}: {name}.grad will be {right:.4g}.",
        }


def update_stepper(session: Session, data: dict) -> dict:
    """Load a graph, step it, or check a prediction."""
    action = choice(data, "action", ("show", "load", "next", "back", "predict"))
    if action == "load":
        source = choice(data, "source", ("lecture", "neuron", "custom"))
        expression = names = ""
        if source == "custom":
            expression, names = text(data, "expression"), text(data, "names", 200)
        try:
            session.stepper = Stepper(source, expression, names)
        except (ExpressionError, ValueError, TypeError, ArithmeticError) as error:
            raise BadRequest(str(error)) from None
    elif action in ("next", "back"):
        session.stepper.move(1 if action == "next" else -1)
    elif action == "predict":
        return session.stepper.check(number(data, "guess", -1e6, 1e6))
    return session.stepper.answer()


def update_training(session: Session, data: dict) -> dict:
    """Section 6, in a worker thread: a step takes one of the process-wide training slots (503 when all are busy);
    showing the run, its picture or a point does not."""
    if data.get("action") not in ("step", "phase"):
        session.training, answer = live_training.respond(session.training, data)
        return answer
    if not TRAINING_SLOTS.acquire(blocking=False):
        raise BadRequest(BUSY, 503)
    try:
        session.training, answer = live_training.respond(session.training, data)
    finally:
        TRAINING_SLOTS.release()
    return answer


def quiz_questions() -> dict:
    """Section 5: the quick check and the exercises, without their answers."""
    return {
        "check": {"prompt": quiz.QUICK_CHECK.prompt, "options": [[o.letter, o.text] for o in quiz.QUICK_CHECK.options]},
        "exercises": [e.question for e in quiz.EXERCISES],
        "total": 1 + len(quiz.EXERCISES),
    }


def quiz_answer(session: Session, data: dict) -> dict:
    """Check one answer and keep the score (an item counts once, right or wrong, as first answered)."""
    item = choice(data, "item", ("check", *(f"e{i}" for i in range(len(quiz.EXERCISES)))))
    if item == "check":
        feedback = quiz.check_answer(choice(data, "answer", quiz.QUICK_CHECK.letters))
    else:
        feedback = quiz.EXERCISES[int(item[1:])].check(number(data, "answer", -1e6, 1e6))
    session.answers.setdefault(item, feedback.correct)
    return {
        "correct": feedback.correct,
        "message": feedback.message,
        "score": sum(session.answers.values()),
        "answered": len(session.answers),
        "total": 1 + len(quiz.EXERCISES),
    }


def page_choices() -> dict:
    """Each page section's limits and choices, sent with a new session so the page copies none of them.

    A stand-in: the sections branch builds this from the section modules themselves and replaces it."""
    lt = live_training
    return {
        "neuron": {"activations": list(ACTIVATIONS), "limit": NUMBER_LIMIT},
        "forward_pass": {"inputs": [0.0, 1.0], "param_limit": 10.0},
        "five_steps": {"max_phases": MAX_LOOP_PHASES},
        "stepper": {"max_expression": 500, "max_names": 200, "max_nodes": MAX_EXPRESSION_NODES, "guess_limit": 1e6},
        "quiz": {"answer_limit": 1e6},
        "live_training": {
            "datasets": list(datasets.DATASETS),
            "activations": ["relu", "tanh", "sigmoid"],
            "optimizers": ["sgd", "adam"],
            "max_layers": lt.MAX_LAYERS,
            "max_neurons": lt.MAX_NEURONS,
            "point_limit": lt.POINT_LIMIT,
            "noise": [0.0, 0.5],
            "lr": [0.0, 10.0],
            "max_steps": lt.MAX_STEPS,
            "seed_limit": lt.SEED_LIMIT,
            "defaults": lt.Settings().as_dict(),
        },
    }


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, at most MAX_BODY bytes, or BadRequest."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        raise BadRequest(f"the request is too large: at most {MAX_BODY} bytes", 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadRequest(f"the request is too large: at most {MAX_BODY} bytes", 413)
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        raise BadRequest("the request is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request must be a JSON object")
    return data


# --- the app -------------------------------------------------------------------------------------------------


def create_app(host: str = "127.0.0.1") -> Starlette:
    """The live lesson's app; it answers only requests addressed to 127.0.0.1, localhost or host."""
    sessions = Sessions()

    async def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html")

    async def new_session(request: Request) -> JSONResponse:
        await read_json(request)
        return JSONResponse({"session": sessions.new(), "quiz": quiz_questions(), "choices": page_choices()})

    async def neuron(request: Request) -> JSONResponse:
        data = await read_json(request)
        return JSONResponse({"seq": data.get("seq"), **neuron_answer(data)})

    def in_session(handler, threaded: bool = False):
        async def endpoint(request: Request) -> JSONResponse:
            data = await read_json(request)
            session = sessions.get(data)
            async with session.lock:  # first come, first served: one session's requests in order
                if threaded:  # long work: the event loop goes on serving other tabs meanwhile
                    answer = await run_in_threadpool(handler, session, data)
                else:
                    answer = handler(session, data)
            return JSONResponse({"seq": data.get("seq"), **answer})

        return endpoint

    async def refused(request: Request, error: BadRequest) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=error.status)

    routes = [
        Route("/", index),
        Route("/api/session", new_session, methods=["POST"]),
        Route("/api/neuron", neuron, methods=["POST"]),
        Route("/api/playground", in_session(update_playground), methods=["POST"]),
        Route("/api/loop", in_session(update_loop), methods=["POST"]),
        Route("/api/backprop", in_session(update_stepper, threaded=True), methods=["POST"]),
        Route("/api/quiz", in_session(quiz_answer), methods=["POST"]),
        Route("/api/train", in_session(update_training, threaded=True), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    hosts = sorted({"127.0.0.1", "localhost", host})
    return Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={BadRequest: refused},
    )


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True) -> None:
    """Run the live lesson with uvicorn until Ctrl-C, printing its address and opening the browser."""
    import webbrowser

    import uvicorn

    address = f"http://{host}:{port}/"

    class LessonServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if self.started and open_browser:  # listening now: the page's first request will be answered
                webbrowser.open(address)

    print(f"The live lesson is at {address} (Ctrl-C stops it)", flush=True)
    LessonServer(uvicorn.Config(create_app(host), host=host, port=port, log_level="warning")).run()
