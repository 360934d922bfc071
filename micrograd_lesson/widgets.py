"""The live page's sections as notebook widgets: `Playground()`, `Loop()`, `Stepper(L)`, `Trainer()`, `Quiz()`.

Each widget's front-end is the page's own section module: its ES module is put together when this module is
imported, from the files the page serves (shared.js, then static/sections/<name>.js, each as it is on disk, then
a few lines that mount the section in the widget's element), so there is no second copy and no bundler. The
section's requests travel as custom widget messages, {"id", "path", "body"}, and `api.Lesson.handle` answers them
in the kernel, {"id", "status", "answer"}: the view that asked takes its answer, and a request that changed the
widget's state sends {"changed": id}, which makes every other view refresh. The learner's Python reads and sets
the same state through the widget's traits and methods; with no front-end at all (a headless run, nbconvert) a
widget still works, and shows its picture as an SVG.
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError as error:  # pragma: no cover - the notebooks extra is missing
    raise ImportError(
        f"micrograd_lesson.widgets needs anywidget: pip install 'micrograd-lesson[notebooks]' ({error})"
    ) from error

from micrograd_lesson.app import api
from micrograd_lesson.app.sections.stepper import GraphStepper
from micrograd_lesson.engine import Value
from micrograd_lesson.training import TrainingLoop
from micrograd_lesson.viz.graph import NOTEBOOK_WIDTH, fit_width
from micrograd_lesson.viz.svg import prefixed_ids

STATIC = Path(__file__).parent / "app" / "static"
SHOWN = itertools.count(1)  # static pictures shown: each one's ids start w1-, w2-, ...
QUIET = ("show", "picture", "predict")  # the actions that change no state: no other view need refresh

# The widget host: what app.js is for the page. The section module above it exports mount(root, host).
HOST = """
// --- the notebook widget's host (micrograd_lesson/widgets.py): the section above, mounted in the widget's element,
// its requests sent to the kernel as custom messages with an id of this view's own, and answered there.
const helpers = {%s};

function render({model, el}) {
  const view = Math.random().toString(36).slice(2);  // this view's request ids are "<view>:1", "<view>:2", ...
  const waiting = new Map();
  let count = 0;
  function transport(path, body) {
    const id = `${view}:${++count}`;
    return new Promise((resolve, reject) => {
      waiting.set(id, {resolve, reject});
      model.send({id, path, body});
    });
  }
  const root = el.appendChild(document.createElement("div"));
  root.className = "lesson-widget";
  root.dataset.lmSuppressShortcuts = "true";  // a key pressed in the widget is the section's, not JupyterLab's
  const setup = model.get("_setup");
  const host = {transport, choices: setup.choices, helpers};  // no urlState: a widget leaves the address alone
  if (setup.questions) host.questions = setup.questions;
  const section = mount(root, host);
  if (setup.graph) {  // Stepper(L): the graph is the learner's, from Python; in place of the page's choice, its name
    const choice = root.querySelector("fieldset");
    const legend = choice.querySelector("legend");
    const named = Object.assign(document.createElement("p"), {textContent: setup.graph});
    named.dataset.part = "graph";
    choice.replaceChildren(legend, named);
  }
  function received(message) {
    if ("changed" in message) {  // the kernel's state changed: every view but the one that asked shows it
      if (!String(message.changed).startsWith(view + ":")) section.refresh();
      return;
    }
    const asked = waiting.get(message.id);
    if (!asked) return;  // another view's answer
    waiting.delete(message.id);
    if (message.status === 200) asked.resolve(message.answer);
    else asked.reject(Object.assign(new Error(message.answer.error || "request refused"), {status: message.status}));
  }
  model.on("msg:custom", received);
  section.refresh();
  return () => { model.off("msg:custom", received); section.destroy(); };
}

export default {render};
"""

# A widget is a card of the page's light colours in JupyterLab's light and dark themes alike: the engine's
# pictures and the sections' colours are drawn for a light background.
CARD = """
.lesson-widget { background: #fff; color: #111; color-scheme: light; padding: 0.6rem 0.8rem; border-radius: 4px;
  font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.4; max-width: 100%; overflow-x: auto; }
.lesson-widget input, .lesson-widget select, .lesson-widget button, .lesson-widget textarea { color: #111; }
"""


def module_text(section: str) -> str:
    """A section's widget module: shared.js and sections/<section>.js as the page serves them, then the host."""
    shared = (STATIC / "shared.js").read_text(encoding="utf-8")
    names = re.findall(r"^export (?:const|function) (\w+)", shared, re.MULTILINE)
    own = (STATIC / "sections" / f"{section}.js").read_text(encoding="utf-8")
    return f"{shared}\n{own}\n{HOST % ', '.join(names)}"


STYLES = (STATIC / "sections.css").read_text(encoding="utf-8") + CARD


class SectionWidget(anywidget.AnyWidget):
    """One section of the live page as a widget, with a session of its own in the kernel."""

    section = ""  # the section's module name: app/sections/<section>.py and static/sections/<section>.js
    path = ""  # its requests' path ("playground" is /api/playground)
    _css = STYLES
    _setup = traitlets.Dict().tag(sync=True)  # the section's choices (the quiz's questions too), for mount()

    def __init__(self, **traits: Any) -> None:
        super().__init__(**traits)
        self._lesson = api.Lesson(max_sessions=1)
        opened = self._lesson.new_session()
        self._session = opened["session"]
        setup = {"choices": opened["choices"][self.section]}
        if self.section == "quiz":
            setup["questions"] = opened["quiz"]
        self._setup = setup
        self._answering = False  # True while the traits take an answer's numbers, so that no request follows
        self.on_msg(self._received)

    @property
    def state(self) -> Any:
        """The section's state in this widget's session (None until the section is first asked)."""
        return self._lesson.sessions[self._session].states.get(self.section)

    @state.setter
    def state(self, value: Any) -> None:
        self._lesson.sessions[self._session].states[self.section] = value

    def handle(self, body: object) -> tuple[int, dict]:
        """Answer one of the section's requests as the page's are answered: (200, answer) or (status, {"error"})."""
        request = {**body, "session": self._session} if isinstance(body, dict) else body
        return self._lesson.handle(f"/api/{self.path}", json.dumps(request).encode())

    def ask(self, body: dict) -> dict:
        """Send a request from Python, as a view would: the answer, every view refreshed; ValueError if refused."""
        status, answer = self.handle(body)
        if status != 200:
            raise ValueError(answer["error"])
        self._took(body, answer)
        return answer

    def _received(self, _widget: object, message: object, _buffers: object) -> None:
        """A view's request, {"id", "path", "body"}: answer it to that view, and tell the others of a change."""
        if not isinstance(message, dict) or not isinstance(message.get("id"), str) or len(message["id"]) > 100:
            return  # nothing to answer to
        if message.get("path") != self.path:
            answer = {"error": f"this widget answers {self.path!r} only, got {str(message.get('path'))[:40]!r}"}
            self.send({"id": message["id"], "status": 404, "answer": answer})
            return
        body = message.get("body", {})
        status, answer = self.handle(body)
        self.send({"id": message["id"], "status": status, "answer": answer})
        if status == 200:
            self._took(body, answer, message["id"])

    def _took(self, body: dict, answer: dict, asked_by: str | None = None) -> None:
        """Put the answer's numbers on the traits, and make every other view refresh if the state changed."""
        with self._quietly():
            self.show(answer)
        if body.get("action") not in QUIET:
            self.send({"changed": asked_by})

    @contextmanager
    def _quietly(self):
        self._answering = True
        try:
            yield
        finally:
            self._answering = False

    def show(self, answer: dict) -> None:
        """Take an answer's readouts onto the traits (each widget its own)."""

    def picture(self) -> str | None:
        """The section's picture now, as SVG text (None if it has none)."""
        return self.ask({"action": "show"}).get("svg")

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        svg = self.picture()
        if svg:  # where no widget front-end runs (nbconvert, a notebook viewer), the picture shows, as a drawing does:
            fitted = fit_width(svg[svg.index("<svg") :], NOTEBOOK_WIDTH)  # no wider than the column, and with ids
            data["image/svg+xml"] = prefixed_ids(fitted, f"w{next(SHOWN)}-")  # no other picture on the page has
        return data, metadata


class Playground(SectionWidget):
    """Section 2, the playground: the 2-3-1 network's forward pass, x1 and x2 on sliders, every weight editable."""

    section, path = "forward_pass", "playground"
    _esm = module_text("forward_pass")
    x1 = traitlets.Float(0.5).tag(sync=True)
    x2 = traitlets.Float(0.5).tag(sync=True)
    output = traitlets.Float(read_only=True).tag(sync=True)

    def __init__(self, x1: float = 0.5, x2: float = 0.5) -> None:
        super().__init__()
        self.ask({"action": "inputs", "x1": x1, "x2": x2})

    @traitlets.validate("x1", "x2")
    def _move(self, proposal: Any) -> float:
        if self._answering or not hasattr(self, "_session"):
            return proposal["value"]
        inputs = {"x1": self.x1, "x2": self.x2, proposal["trait"].name: proposal["value"]}
        try:
            return self.ask({"action": "inputs", **inputs})[proposal["trait"].name]
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from None

    def show(self, answer: dict) -> None:
        """The sliders and the output, from the answer."""
        self.x1, self.x2 = answer["x1"], answer["x2"]
        self.set_trait("output", answer["output"])


class Loop(SectionWidget):
    """Section 3, the five-step loop, one phase at a time: the lesson's XOR loop, or your own TrainingLoop."""

    section, path = "five_steps", "loop"
    _esm = module_text("five_steps")
    epoch = traitlets.Int(read_only=True).tag(sync=True)
    phase = traitlets.Unicode(read_only=True).tag(sync=True)  # the phase Next runs
    loss = traitlets.Float(None, allow_none=True, read_only=True).tag(sync=True)  # the loop's loss, once worked out

    def __init__(self, loop: Any = None) -> None:
        if loop is not None and not isinstance(loop, TrainingLoop):
            raise TypeError(f"Loop needs a TrainingLoop (or nothing: the lesson's XOR loop), got {type(loop).__name__}")
        super().__init__()
        self.own = loop is not None
        if self.own:
            self.state = loop
            self.start = len(loop.history)  # the phases it had run: Reset goes back to here
        self.ask({"action": "show"})

    @property
    def loop(self) -> Any:
        """The TrainingLoop the widget steps."""
        return self.state

    def handle(self, body: object) -> tuple[int, dict]:
        """As the section, but Reset on your own loop goes back to where it was when the widget got it."""
        if self.own and isinstance(body, dict) and body.get("action") == "reset":
            while len(self.state.history) > self.start:
                self.state.back()
            body = {**body, "action": "show"}
        return super().handle(body)

    def next(self) -> dict:
        """Run the next phase; the answer."""
        return self.ask({"action": "next"})

    def back(self) -> dict:
        """Undo the last phase; the answer."""
        return self.ask({"action": "back"})

    def reset(self) -> dict:
        """Back to the start; the answer."""
        return self.ask({"action": "reset"})

    def show(self, answer: dict) -> None:
        """The epoch, the next phase and the latest loss, from the answer."""
        self.set_trait("epoch", answer["epoch"])
        self.set_trait("phase", answer["next"])
        self.set_trait("loss", None if self.state.loss is None else self.state.loss.data)


class Stepper(SectionWidget):
    """Section 4, backprop one scalar at a time: on the lecture's graph, or on any Value you built (Stepper(L))."""

    section, path = "stepper", "backprop"
    _esm = module_text("stepper")
    position = traitlets.Int(0).tag(sync=True)  # the steps done; set it to jump
    total = traitlets.Int(read_only=True).tag(sync=True)

    def __init__(self, value: Value | None = None) -> None:
        super().__init__()
        if value is not None:
            self.state = GraphStepper(value)
            self._setup = {**self._setup, "graph": f"yours, from Python: {self.state.text}"}  # no choice of graph
        self.ask({"action": "show"})

    def handle(self, body: object) -> tuple[int, dict]:
        """As the section, but a Stepper on your graph keeps it: loading another graph is refused."""
        if isinstance(self.state, GraphStepper) and isinstance(body, dict) and body.get("action") == "load":
            refused = "this Stepper steps the graph you gave it: for the lecture's graphs, make a Stepper()"
            return 400, {"error": refused}
        return super().handle(body)

    @traitlets.validate("position")
    def _jump(self, proposal: Any) -> int:
        if self._answering or not hasattr(self, "_session"):
            return proposal["value"]
        self.state.position = max(0, min(len(self.state.steps), proposal["value"]))
        return self.ask({"action": "show"})["position"]

    def next(self) -> dict:
        """One chain-rule step forward; the answer."""
        return self.ask({"action": "next"})

    def back(self) -> dict:
        """One step back; the answer."""
        return self.ask({"action": "back"})

    def restore_grads(self) -> None:
        """Give your graph's nodes back the grads they held before the stepper (a graph you gave it only)."""
        if isinstance(self.state, GraphStepper):
            self.state.restore_grads()

    def show(self, answer: dict) -> None:
        """The step shown and the step count, from the answer."""
        if "position" in answer:
            self.position = answer["position"]
            self.set_trait("total", answer["total"])


class Trainer(SectionWidget):
    """Section 6, a network learning: Trainer(dataset="moons", hidden=(4, 4)) or Trainer("dataset=moons&hidden=4,4")."""

    section, path = "live_training", "train"
    _esm = module_text("live_training")
    step = traitlets.Int(read_only=True).tag(sync=True)
    train_loss = traitlets.Float(None, allow_none=True, read_only=True).tag(sync=True)
    test_loss = traitlets.Float(None, allow_none=True, read_only=True).tag(sync=True)

    def __init__(self, query: str = "", **settings: Any) -> None:
        if not isinstance(query, str):
            raise TypeError(f"Trainer's settings string must be text such as 'dataset=moons&hidden=4,4', got {query!r}")
        super().__init__()
        self._history: list[tuple[float, ...]] = []
        fields = {**settings_from_query(query), **settings}
        if "hidden" in fields:
            fields["hidden"] = list(fields["hidden"])
        weights = {"weights": fields.pop("weights")} if "weights" in fields else {}  # "0:x1-h1.1:1.5,..."
        self.ask({"action": "configure", "settings": fields, **weights} if fields or weights else {"action": "show"})

    @property
    def model(self) -> Any:
        """The live MLP being trained."""
        return self.state.model

    @property
    def history(self) -> list[tuple[float, ...]]:
        """(step, train loss, test loss) rows, thinned as the chart's."""
        return list(self._history)

    def train(self, steps: int = 1) -> dict:
        """Train this many steps, or fewer if the run stops (100% accuracy, divergence); the answer after the last."""
        target = self.state.step + steps if isinstance(steps, int) else None
        answer = self.ask({"action": "step", "steps": steps})  # the section refuses a bad count, by name
        while self.state.status == "ready" and self.state.step < target:  # the page's half a second a request
            answer = self.ask({"action": "step", "steps": target - self.state.step})
        return answer

    def show(self, answer: dict) -> None:
        """The step and the losses, from the answer."""
        if "step" in answer:
            self.set_trait("step", answer["step"])
            self.set_trait("train_loss", answer["train_loss"])
            self.set_trait("test_loss", answer["test_loss"])
            self._history = [tuple(row) for row in answer["history"]]

    def picture(self) -> str | None:
        """The network picture now, as SVG text."""
        return self.ask({"action": "picture"})["svg"]


def settings_from_query(query: str) -> dict:
    """The settings a URL-style string names, as the page's address writes them: 'dataset=moons&hidden=4,4&stop=0'."""
    fields: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key == "stop":
            fields["stop_at_100"] = value != "0"
        elif key == "hidden":
            fields[key] = [_number(token) for token in value.split(",") if token.strip()]
        elif key == "features":
            fields[key] = [token for token in value.split(",") if token.strip()]
        elif key == "reg":
            fields["regularization"] = value
        elif key == "batch" and value == "all":
            fields[key] = None  # the whole training set
        elif key == "weights":
            fields[key] = value  # "step:id:value,...", read by the section against its network
        else:
            fields[key] = _number(value)
    return fields


def _number(text: str) -> Any:
    """text as a whole number or a float where it reads as one, else as it is (the section names a bad value)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class Quiz(SectionWidget):
    """Section 5, the quiz: a quick check and gradients to predict, judged by the engine."""

    section, path = "quiz", "quiz"
    _esm = module_text("quiz")
    score = traitlets.Int(read_only=True).tag(sync=True)  # questions right, on either try
    first = traitlets.Int(read_only=True).tag(sync=True)  # of those, right at the first try

    def answer(self, item: str, answer: object) -> dict:
        """Answer an item ("q1" ... "q9", as the page numbers them) from code, as the page's buttons do; the verdict."""
        return self.ask({"item": item, "answer": answer})

    def show(self, answer: dict) -> None:
        """The score, from the answer: right on either try, and right at the first."""
        if "right" in answer:
            self.set_trait("score", answer["right"])
            self.set_trait("first", answer["first"])

    def picture(self) -> str | None:
        """None: the quiz has no picture (its questions show as text)."""
        return None
