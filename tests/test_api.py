"""The live lesson's dispatcher (app/api.py) and its sections: every common field checked before any work, each
section's state made on first use, the page's choices sent once, and the same answers from any host."""

from __future__ import annotations

import importlib
import json
import math
import pkgutil
import re
import urllib.error
import urllib.request

import pytest

from micrograd_lesson.app import api, sections, server
from micrograd_lesson.app.requests import number
from micrograd_lesson.app.sections import live_training


def raw_post(client, url: str, body: bytes):
    """POST body, as bytes, to url as JSON; the response."""
    return client.post(url, content=body, headers={"content-type": "application/json"})


def playground(client, session: str) -> str:
    """The playground's output as the page shows it."""
    return f"{client.post('/api/playground', json={'session': session, 'action': 'show'}).json()['output']:.4f}"


# --- issue 26 items 5 and 6: a field no answer could carry is refused before the action runs ----------------------

DEEP = "[" * 970 + "]" * 970  # nested about as deep as Python's JSON reader allows
UNSENDABLE = [
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
    ("1e400", "1e400"),
    ('"\\ud800"', "\\ud800"),  # a lone surrogate: no character at all
    (DEEP, "deep"),
]


@pytest.mark.parametrize("seq, words", UNSENDABLE, ids=[w for _, w in UNSENDABLE])
def test_a_seq_no_answer_could_carry_is_refused_and_the_action_never_runs(client, session, seq, words):
    body = f'{{"session": "{session}", "action": "inputs", "x1": 1.0, "x2": 0.5, "seq": {seq}}}'.encode()
    refused = raw_post(client, "/api/playground", body)
    assert refused.status_code == 400 and words in refused.json()["error"]
    assert playground(client, session) == "0.5125"  # the slider move did not happen


@pytest.mark.parametrize("seq", ["[1]", '"7"', "true", "-1", "1.5", str(2**53)])
def test_seq_is_a_whole_number_or_absent(client, session, seq):
    body = f'{{"session": "{session}", "action": "inputs", "x1": 1.0, "x2": 0.5, "seq": {seq}}}'.encode()
    refused = raw_post(client, "/api/playground", body)
    assert refused.status_code == 400 and refused.json()["error"].startswith("seq must be a whole number")
    assert playground(client, session) == "0.5125"


def test_a_deeply_nested_field_is_refused_wherever_it_is(client, session):
    body = f'{{"session": "{session}", "action": "configure", "settings": {{"hidden": {DEEP}}}}}'.encode()
    refused = raw_post(client, "/api/train", body)
    assert refused.status_code == 400 and "deep" in refused.json()["error"]


def test_a_lone_surrogate_in_the_steppers_names_is_never_echoed_raw(client, session):
    body = f'{{"session": "{session}", "action": "load", "source": "custom", "expression": "a*b", '
    refused = raw_post(client, "/api/backprop", (body + '"names": "a=2 b\\ud800=oops"}').encode())  # a bad number
    assert refused.status_code == 400
    assert "\\ud800" in refused.json()["error"] and "\ud800" not in refused.json()["error"]
    assert refused.content.decode("utf-8")  # the answer is valid UTF-8 JSON


# --- issue 26 item 12: a refused number is shown as sent -------------------------------------------------------


@pytest.mark.parametrize("sent", [10.0000001, 10.000000000000002, 1e-320])
def test_a_number_out_of_range_is_shown_as_sent(sent):
    with pytest.raises(api.BadRequest, match=f"got {re.escape(json.dumps(sent))}$"):
        number({"lr": sent}, "lr", 0.5, 10.0)


def test_the_learning_rate_just_past_10_is_refused_as_sent(client, session):
    refused = client.post(
        "/api/train", json={"session": session, "action": "configure", "settings": {"lr": 10.0000001}}
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "lr must be between 0 and 10, got 10.0000001"


# --- sessions and sections -------------------------------------------------------------------------------------


def test_a_new_session_makes_no_sections_state_until_the_section_is_asked():
    lesson = api.Lesson()
    status, answer = lesson.handle("/api/session", b"{}")
    session = lesson.sessions[answer["session"]]
    assert status == 200 and session.states == {}  # no graph laid out, no network built
    lesson.handle("/api/loop", json.dumps({"session": answer["session"], "action": "show"}).encode())
    assert list(session.states) == ["five_steps"]


def test_the_new_sessions_answer_carries_every_sections_limits_and_choices(client):
    choices = client.post("/api/session", json={}).json()["choices"]
    assert set(choices) == {api.section_name(section) for section in api.SECTIONS.values()}
    assert choices["live_training"]["max_neurons"] == live_training.MAX_NEURONS
    assert choices["neuron"]["activations"] == ["relu", "tanh", "sigmoid", "linear"]


def test_section_6s_choices_are_what_its_settings_accept(client, session):
    choices = live_training.CHOICES

    def configure(**settings) -> int:
        return client.post("/api/train", json={"session": session, "action": "configure", "settings": settings})

    for name, options in (("dataset", "datasets"), ("activation", "activations"), ("optimizer", "optimizers")):
        assert all(configure(**{name: option}).status_code == 200 for option in choices[options])
        assert configure(**{name: "other"}).status_code == 400
    high = choices["noise"][1]
    assert configure(noise=high).status_code == 200 and configure(noise=math.nextafter(high, 1)).status_code == 400
    high = choices["lr"][1]
    assert configure(lr=high).status_code == 200 and configure(lr=math.nextafter(high, 11)).status_code == 400
    widest = [choices["max_neurons"]] * choices["max_layers"]
    assert configure(hidden=widest).status_code == 200 and configure(hidden=[*widest, 1]).status_code == 400
    assert (
        client.post("/api/train", json={"session": session, "action": "show"}).json()["settings"]
        != (choices["defaults"])
    )
    assert configure(**choices["defaults"]).json()["settings"] == choices["defaults"]


def test_an_unknown_path_is_a_404_naming_the_paths():
    status, answer = api.Lesson().handle("/api/nothing", b"{}")
    assert status == 404 and "/api/train" in answer["error"]


# --- "How to add a page section" (ARCHITECTURE.md), enforced --------------------------------------------------


def test_every_section_module_answers_has_choices_is_routed_and_has_a_place_on_the_page():
    names = sorted(info.name for info in pkgutil.iter_modules(sections.__path__))
    page = (server.STATIC / "index.html").read_text()
    app_js = (server.STATIC / "app.js").read_text()
    routed = {api.section_name(section) for section in api.SECTIONS.values()}
    for name in names:
        module = importlib.import_module(f"micrograd_lesson.app.sections.{name}")
        assert callable(getattr(module, "respond", None)), f"{name} has no respond(state, request)"
        assert isinstance(getattr(module, "CHOICES", None), dict), f"{name} has no CHOICES dict"
        json.dumps(module.CHOICES, allow_nan=False)  # sent as JSON with each new session
        assert name in routed, f"no path of api.SECTIONS answers with {name}"
        assert f'data-mount="{name}"' in page, f'index.html has no element with data-mount="{name}"'
        assert (server.STATIC / "sections" / f"{name}.js").is_file(), f"no app/static/sections/{name}.js"
        assert f"./sections/{name}.js" in app_js, f"app.js does not mount sections/{name}.js"
        paths = [path for path, section in api.SECTIONS.items() if section is module]
        assert any(path in paths for path, _ in SCRIPT), f"the replay's SCRIPT never asks {name}"
    assert len(names) == 6


def test_sections_import_no_web_stack():
    import subprocess
    import sys

    code = (
        "import sys; import micrograd_lesson.app.api; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio', 'asyncio')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


# --- the replay: any host gets the same answers ---------------------------------------------------------------

SCRIPT = [  # (path, request): one session through every section
    ("/api/neuron", {"x1": 0.5, "x2": -1.0, "w1": 0.6, "w2": 0.4, "b": 0.1, "activation": "tanh", "seq": 1}),
    ("/api/playground", {"action": "show", "seq": 1}),
    ("/api/playground", {"action": "inputs", "x1": 1.0, "x2": 0.5, "seq": 2}),
    ("/api/playground", {"action": "param", "id": "h1-out", "value": 1.6, "seq": 3}),
    ("/api/playground", {"action": "param", "id": "h9-out", "value": 1.6, "seq": 4}),
    ("/api/loop", {"action": "show"}),
    *[("/api/loop", {"action": "next"})] * 6,
    ("/api/loop", {"action": "back"}),
    ("/api/backprop", {"action": "show"}),
    ("/api/backprop", {"action": "next"}),
    ("/api/backprop", {"action": "predict", "guess": 1.0}),
    (
        "/api/backprop",
        {"action": "load", "source": "custom", "expression": "(a*b + c).tanh()", "names": "a=2 b=-3 c=1"},
    ),
    ("/api/backprop", {"action": "next"}),
    ("/api/backprop", {"action": "load", "source": "custom", "expression": "a +", "names": "a=2"}),
    ("/api/quiz", {"item": "q1", "answer": "B"}),
    ("/api/quiz", {"item": "q5", "answer": 7}),
    ("/api/quiz", {"item": "q5", "answer": 6}),
    ("/api/train", {"action": "show"}),
    ("/api/train", {"action": "configure", "settings": {"hidden": [4], "stop_at_100": False, "dataset": "moons"}}),
    ("/api/train", {"action": "step", "steps": 7}),  # on into compiled steps (past COMPILED_AFTER, 4 here)
    *[("/api/train", {"action": "phase"})] * 3,
    ("/api/train", {"action": "point", "x1": 0.5, "x2": -0.25}),
    ("/api/train", {"action": "picture", "grads": True}),
    ("/api/train", {"action": "new_weights"}),
    ("/api/train", {"action": "configure", "settings": {"lr": 20}}),
]


def replayed(post) -> list[tuple[int, dict]]:
    """SCRIPT's (status, answer) pairs from post(path, body bytes), in a session of its own."""
    status, answer = post("/api/session", b"{}")
    session = answer.pop("session")
    found = [(status, answer)]
    for path, request in SCRIPT:
        found.append(post(path, json.dumps({**request, "session": session}).encode()))
    return found


def test_one_session_replayed_over_http_and_through_api_handle_gets_the_same_answers(address, monkeypatch):
    monkeypatch.setattr(live_training, "TIME_BUDGET", math.inf)  # the steps done do not depend on the clock
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 4)  # the same path as at step 50, sooner

    def over_http(path: str, body: bytes) -> tuple[int, dict]:
        sent = urllib.request.Request(address.rstrip("/") + path, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(sent, timeout=120) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)

    def direct_call(path: str, body: bytes) -> tuple[int, dict]:
        status, answer = lesson.handle(path, body)
        return status, json.loads(json.dumps(answer))  # as a host sends it, before the next request changes it

    lesson = api.Lesson()
    direct = replayed(direct_call)
    assert direct == replayed(over_http)
    assert direct == through_the_worker_bridge()
    statuses = [status for status, _ in direct]
    assert [path for (path, _), status in zip(SCRIPT, statuses[1:]) if status != 200] == [
        "/api/playground",  # no such weight
        "/api/backprop",  # not an expression
        "/api/train",  # a learning rate past 10
    ]
    assert direct[-7][1]["step"] == 7


def test_one_session_replayed_through_the_notebook_widgets_messages_gets_the_same_answers(monkeypatch):
    widgets = pytest.importorskip("micrograd_lesson.widgets", reason="needs pip install 'micrograd-lesson[notebooks]'")
    monkeypatch.setattr(live_training, "TIME_BUDGET", math.inf)
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 4)
    lesson = api.Lesson()  # the session and section 1, which has no widget
    shown = {
        "/api/playground": widgets.Playground(),
        "/api/loop": widgets.Loop(),
        "/api/backprop": widgets.Stepper(),
        "/api/quiz": widgets.Quiz(),
        "/api/train": widgets.Trainer(),
    }
    sent = []
    for widget in shown.values():
        widget.send = lambda content, buffers=None: sent.append(json.loads(json.dumps(content)))

    def widget_message(path: str, body: bytes) -> tuple[int, dict]:
        if path not in shown:
            status, answer = lesson.handle(path, body)
            return status, json.loads(json.dumps(answer))
        widget, asked = shown[path], f"view:{len(sent)}"
        widget._received(widget, {"id": asked, "path": path.removeprefix("/api/"), "body": json.loads(body)}, [])
        (answer,) = [message for message in sent if message.get("id") == asked]
        return answer["status"], answer["answer"]

    def direct_call(path: str, body: bytes) -> tuple[int, dict]:
        status, answer = direct.handle(path, body)
        return status, json.loads(json.dumps(answer))

    direct = api.Lesson()
    assert replayed(widget_message) == replayed(direct_call)


# The static site's worker runs app/worker.py in Pyodide, where graphviz (the Python package), tqdm and the web stack
# are not installed: the third host replays SCRIPT through it in a Python that cannot import them.
WORKER_HOST = """
import json, math, sys
for name in ("graphviz", "tqdm", "starlette", "uvicorn", "anyio"):
    sys.modules[name] = None  # import fails, as in a browser
from micrograd_lesson.app import worker
from micrograd_lesson.app.sections import live_training
live_training.TIME_BUDGET, live_training.COMPILED_AFTER = math.inf, 4
def post(path, body):
    answer = json.loads(worker.handle(path, body))
    return answer["status"], answer["answer"]
status, answer = post("/api/session", "{}")
session = answer.pop("session")
found = [(status, answer)]
for path, request in json.load(sys.stdin):
    found.append(post(path, json.dumps({**request, "session": session})))
print(json.dumps(found))
"""


def through_the_worker_bridge() -> list[tuple[int, dict]]:
    """SCRIPT's (status, answer) pairs through the site worker's Python bridge, body text in and JSON text out."""
    import subprocess
    import sys

    ran = subprocess.run(
        [sys.executable, "-c", WORKER_HOST], input=json.dumps(SCRIPT), capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    return [(status, answer) for status, answer in json.loads(ran.stdout)]
