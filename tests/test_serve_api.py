"""The live lesson's JSON endpoints, through Starlette's test client: the engine's numbers, and bad input refused."""

from __future__ import annotations

import threading

import pytest
from starlette.testclient import TestClient  # needs httpx, from the dev extra

from micrograd_lesson.app import server
from micrograd_lesson.app.cli import build_parser
from micrograd_lesson.app.sections.stepper import Stepper


def post(client, url: str, session: str, **body):
    """POST body with the session to url; the response."""
    return client.post(url, json={"session": session, **body})


def test_the_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "The playground" in page.text
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


def test_a_session_comes_with_the_quiz_without_its_answers(client):
    answer = client.post("/api/session", json={}).json()
    assert len(answer["session"]) >= 16
    assert answer["quiz"]["total"] == 9  # the terminal quiz's: 4 multiple-choice questions and 5 exercises
    assert "correct" not in str(answer["quiz"])


def test_the_neuron_shows_its_four_steps_with_numbers(client):
    body = {"x1": 0.5, "x2": -1.0, "w1": 0.6, "w2": 0.4, "b": 0.1, "activation": "sigmoid", "seq": 3}
    answer = client.post("/api/neuron", json=body).json()
    assert answer["seq"] == 3
    assert answer["output"] == pytest.approx(0.5)
    assert answer["steps"][1] == "2. times weights: 0.5000 × +0.6000 = +0.3000, -1.0000 × +0.4000 = -0.4000"


def test_the_playground_reads_0_5125_then_0_6330(client, session):
    answer = post(client, "/api/playground", session, action="show").json()
    assert f"{answer['output']:.4f}" == "0.5125"
    neurons = {n["id"]: n for n in answer["neurons"]}
    assert neurons["h3"]["off"] and not neurons["h1"]["off"]
    assert neurons["out"]["steps"][-1].endswith("= 0.5125")
    assert answer["svg"].lstrip().startswith("<")
    moved = post(client, "/api/playground", session, action="inputs", x1=1.0, x2=0.5).json()
    assert f"{moved['output']:.4f}" == "0.6330"


def test_a_weight_edit_changes_the_output_and_reset_puts_it_back(client, session):
    edited = post(client, "/api/playground", session, action="param", id="h1-out", value=1.6).json()
    assert {p["id"]: p["value"] for p in edited["params"]}["h1-out"] == 1.6
    assert f"{edited['output']:.4f}" != "0.5125"
    reset = post(client, "/api/playground", session, action="reset").json()
    assert f"{reset['output']:.4f}" == "0.5125"


def test_sessions_are_separate(client, session):
    other = client.post("/api/session", json={}).json()["session"]
    post(client, "/api/playground", session, action="inputs", x1=1.0, x2=0.5)
    assert f"{post(client, '/api/playground', other, action='show').json()['output']:.4f}" == "0.5125"


def test_the_loop_steps_forward_and_back(client, session):
    first = post(client, "/api/loop", session, action="show").json()
    assert first["next"] == "forward" and first["record"] is None and not first["can_back"]
    phases = [post(client, "/api/loop", session, action="next").json() for _ in range(5)]
    assert [p["record"]["phase"] for p in phases] == ["forward", "loss", "backward", "update", "repeat"]
    update = phases[3]["record"]["nudges"][0]
    assert update["change"] == pytest.approx(-update["lr"] * update["grad"])
    assert phases[3]["record"]["loss_after"] < phases[3]["record"]["loss_before"] == phases[1]["record"]["loss"]
    assert phases[4]["epoch"] == 1
    repeat = phases[4]["record"]  # step 5 shows the loss after the update beside the one before, as step 4 did
    assert (repeat["loss_before"], repeat["loss_after"]) == (
        update_loss := phases[3]["record"]["loss_before"],
        phases[3]["record"]["loss_after"],
    )
    assert "loss" not in repeat and update_loss == phases[1]["record"]["loss"]
    back = post(client, "/api/loop", session, action="back").json()
    assert back["next"] == "repeat" and back["epoch"] == 0
    assert post(client, "/api/loop", session, action="reset").json()["next"] == "forward"
    refused = post(client, "/api/loop", session, action="back")
    assert refused.status_code == 400 and "nothing to go back to" in refused.json()["error"]


def test_the_loop_shows_the_off_relus_incoming_weights_getting_gradient_0(client, session):
    forward, _, backward = (post(client, "/api/loop", session, action="next").json()["record"] for _ in range(3))
    assert [p["off"] for p in forward["predictions"]] == [["h1", "h2", "h3"], ["h2", "h3"], ["h1", "h3"], ["h1", "h3"]]
    h3 = ("w x1→h3", "w x2→h3", "b h3")  # section 2's names for its weights and bias
    assert backward["off"] == [{"neuron": "h3", "grads": [{"name": w, "grad": 0.0} for w in h3]}]
    assert any(g["grad"] != 0.0 for g in backward["grads"])  # the neurons that are on do get gradient


def test_stepping_backprop_keeps_the_flipbooks_fixed_layout(client, session):
    import re

    def boxes(svg: str) -> list[tuple[str, ...]]:  # the size of the picture and where every Value's box sits
        found = re.findall(r'viewBox="([^"]*)"', svg)[:1]
        return found + re.findall(
            r'<g class="value" id="([^"]*)"><title>[^<]*</title><rect x="([^"]*)" y="([^"]*)"', svg
        )

    def blanks(answer: dict) -> tuple[list[bool], list[bool]]:  # which grads the picture and the table leave blank
        drawn = re.findall(r'<text class="grad"[^>]*>([^<]*)</text>', answer["svg"])
        return [text == "grad" for text in drawn], [n["grad"] is None for n in answer["nodes"]]

    answer = post(client, "/api/backprop", session, action="load", source="neuron").json()
    first = boxes(answer["svg"])
    assert blanks(answer)[0] == blanks(answer)[1] == [True] * 9 + [False]  # only o's grad, 1, is reached
    for _ in range(answer["total"]):
        answer = post(client, "/api/backprop", session, action="next").json()
        assert boxes(answer["svg"]) == first  # nothing moves from one step to the next
        picture, table = blanks(answer)
        assert picture == table  # a grad not reached yet is blank in both, never drawn as 0
    assert len(first) == 1 + 10  # the neuron's ten Values and the picture's size
    assert "step 9 of 9" in answer["svg"]  # the last step, still highlighted


def test_a_large_expressions_stepper_keeps_no_drawings_of_its_own():
    import gc
    import tracemalloc

    expression = " + ".join(f"(a*b + c).tanh()*{i}" for i in range(1, 6))  # 43 steps to draw
    Stepper("custom", expression, "a=2 b=-3 c=10")  # the modules it needs, loaded before measuring
    gc.collect()
    tracemalloc.start()
    stepper = Stepper("custom", expression, "a=2 b=-3 c=10")
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(stepper.steps) == 43
    assert kept < 500_000  # bytes: each frame is drawn when shown (all 44 kept as SVG took 2.3 MB)


def test_a_lone_input_has_nothing_to_step_through_and_says_so(client, session):
    refused = post(client, "/api/backprop", session, action="load", source="custom", expression=" a ", names="a=2")
    assert (
        refused.status_code == 400
        and refused.json()["error"] == "'a' has no operation to step back through: try one such as a*b"
    )
    assert post(client, "/api/backprop", session, action="load", source="lecture").status_code == 200


def test_the_lecture_expression_stepped_gives_a_grad_6_and_b_grad_minus_4(client, session):
    answer = post(client, "/api/backprop", session, action="load", source="lecture").json()
    assert answer["position"] == 0 and answer["total"] == 6
    for _ in range(6):
        answer = post(client, "/api/backprop", session, action="next").json()
    nodes = {n["label"]: n for n in answer["nodes"]}
    assert nodes["a"]["grad"] == 6 and nodes["b"]["grad"] == -4
    assert abs(nodes["a"]["nudge"] - 6) < 1e-4 and abs(nodes["b"]["nudge"] + 4) < 1e-4
    assert "-2 × -2" not in answer["worked"]["text"] and "2 × -2 = -4" in answer["worked"]["text"]
    assert post(client, "/api/backprop", session, action="back").json()["position"] == 5


def test_a_prediction_is_checked_before_the_reveal(client, session):
    post(client, "/api/backprop", session, action="load", source="lecture")
    assert post(client, "/api/backprop", session, action="predict", guess=-2).json()["correct"]  # d.grad
    first = post(client, "/api/backprop", session, action="predict", guess=3).json()
    assert not first["correct"] and "Hint:" in first["message"] and "-2" not in first["message"]  # a second try
    second = post(client, "/api/backprop", session, action="predict", guess=3).json()
    assert not second["correct"] and "will be -2" in second["message"]  # then the answer


def test_the_neuron_and_a_typed_expression_load(client, session):
    assert post(client, "/api/backprop", session, action="load", source="neuron").json()["total"] > 0
    typed = post(client, "/api/backprop", session, action="load", source="custom", expression="a*a", names="a=3")
    assert typed.status_code == 200 and typed.json()["total"] == 2


def test_the_quiz_gives_two_tries_a_hint_between_and_keeps_the_terminals_score(client, session):
    right = post(client, "/api/quiz", session, item="q1", answer="B").json()
    assert (
        right["correct"]
        and right["outcome"] == "right"
        and right["score"] == "Score: 1 of 1 right (1 at the first try)"
    )
    wrong = post(client, "/api/quiz", session, item="q5", answer=5).json()  # dL/da is 6
    assert not wrong["correct"] and wrong["outcome"] == "try again" and not wrong["over"]
    assert "Hint:" in wrong["message"] and "6" not in wrong["message"]  # a hint, not the answer
    second = post(client, "/api/quiz", session, item="q5", answer=6).json()
    assert second["outcome"] == "right on the second try" and second["over"]
    assert second["score"] == "Score: 2 of 2 right (1 at the first try)"
    from micrograd_lesson.app.quiz import AFTER_BACKPROP  # question 2

    wrong_letter = next(letter for letter in AFTER_BACKPROP.letters if letter != AFTER_BACKPROP.answer.letter)
    post(client, "/api/quiz", session, item="q2", answer=wrong_letter)
    last = post(client, "/api/quiz", session, item="q2", answer=wrong_letter).json()  # two wrong tries: the answer
    assert last["outcome"] == "wrong" and "The answer is" in last["message"] and last["answered"] == 3
    over = post(client, "/api/quiz", session, item="q2", answer="B")
    assert over.status_code == 400 and "question 2 is over" in over.json()["error"]


@pytest.mark.parametrize(
    ("url", "body", "words"),
    [
        (
            "/api/neuron",
            {"x1": "0.5", "x2": 0, "w1": 0, "w2": 0, "b": 0, "activation": "relu"},
            "x1 must be a finite number",
        ),
        ("/api/neuron", {"x1": 10**400, "x2": 0, "w1": 0, "w2": 0, "b": 0, "activation": "relu"}, "finite number"),
        ("/api/neuron", {"x1": 1e9, "x2": 0, "w1": 0, "w2": 0, "b": 0, "activation": "relu"}, "between"),
        (
            "/api/neuron",
            {"x1": 0, "x2": 0, "w1": 0, "w2": 0, "b": True, "activation": "relu"},
            "b must be a finite number",
        ),
        ("/api/neuron", {"x1": 0, "x2": 0, "w1": 0, "w2": 0, "b": 0, "activation": "swish"}, "activation must be"),
        ("/api/playground", {"action": "inputs", "x1": 1.5, "x2": 0.5}, "x1 must be between 0 and 1"),
        ("/api/playground", {"action": "inputs", "x1": None, "x2": 0.5}, "x1 must be a finite number"),
        ("/api/playground", {"action": "param", "id": "x9-out", "value": 1}, "id must be one of"),
        ("/api/playground", {"action": "param", "id": "h1-out", "value": 1e300}, "between"),
        ("/api/playground", {"action": "dance"}, "action must be one of"),
        ("/api/loop", {"action": 3}, "action must be one of"),
        ("/api/backprop", {"action": "load", "source": "custom", "expression": 5, "names": ""}, "expression must be"),
        ("/api/backprop", {"action": "load", "source": "custom", "expression": "a*q", "names": "a=1"}, "q"),
        ("/api/backprop", {"action": "load", "source": "custom", "expression": "a", "names": "a=x"}, "needs a number"),
        ("/api/backprop", {"action": "predict", "guess": "six"}, "guess must be a finite number"),
        ("/api/quiz", {"item": "q99", "answer": 1}, "item must be one of"),
        ("/api/quiz", {"item": "q1", "answer": "Z"}, "answer must be one of"),
    ],
)
def test_bad_input_gets_400_with_a_message_and_the_next_request_works(client, session, url, body, words):
    refused = post(client, url, session, **body)
    assert refused.status_code == 400
    assert words in refused.json()["error"]
    assert post(client, "/api/playground", session, action="show").status_code == 200


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "a.__class__",
        "(lambda: 1)()",
        "open('x')",
        "a if a else a",
        "[a for a in ()]",
        "9" * 600,
    ],
)
def test_a_hostile_expression_is_refused_and_never_run(client, session, expression, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused = post(client, "/api/backprop", session, action="load", source="custom", expression=expression, names="a=1")
    assert refused.status_code == 400 and refused.json()["error"]
    assert list(tmp_path.iterdir()) == []
    assert post(client, "/api/backprop", session, action="show").json()["expression"] == "(a*b + c) * f"


def test_an_expression_whose_nudge_leaves_its_domain_still_steps_without_the_check(client, session):
    # (a nudge's step is a millionth of the input: from a = 1.0000001 it crosses a - 1 = 0, where log has no value)
    loaded = post(
        client, "/api/backprop", session, action="load", source="custom", expression="log(a - 1)", names="a=1.0000001"
    )
    assert loaded.status_code == 200
    assert {n["nudge"] for n in loaded.json()["nodes"]} == {None}


@pytest.mark.parametrize(
    ("expression", "names", "grads"),
    [
        ("a*b", "a=1e6 b=3", {"a": 3.0, "b": 1e6}),  # a fixed step of 1e-6 lost the digits of b's 1e6
        ("log(a)", "a=1e-4", {"a": 1e4}),  # ... and the curve of log near 0
        ("(a*b + c) * f", "a=2 b=-3 c=10 f=-2", {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}),  # the lecture's L
    ],
)
def test_the_nudge_check_agrees_with_every_exact_gradient_once_it_is_reached(client, session, expression, names, grads):
    """Issue 26 item 11: the check said "(not yet)" for good where a fixed step lost digits."""
    answer = post(client, "/api/backprop", session, action="load", source="custom", expression=expression, names=names)
    inputs = {n["label"]: n for n in answer.json()["nodes"] if n["label"] in grads}
    hidden = {label: (n["grad"], n["nudge"], n["agrees"]) for label, n in inputs.items()}  # not reached yet: blank,
    assert hidden == dict.fromkeys(grads, (None, None, None))  # not 0, and no nudge check to give the answer away
    for _ in range(answer.json()["total"]):
        answer = post(client, "/api/backprop", session, action="next")
    inputs = {n["label"]: n for n in answer.json()["nodes"] if n["label"] in grads}
    assert {label: n["grad"] for label, n in inputs.items()} == grads
    assert all(abs(n["nudge"] - grads[label]) <= 1e-6 * abs(grads[label]) for label, n in inputs.items()), inputs
    assert {label: n["agrees"] for label, n in inputs.items()} == dict.fromkeys(grads, True)


def test_the_nudge_check_gives_no_verdict_at_a_kink(client, session):
    """At relu's kink the two sides' slopes differ (0 and 1): no estimate there can judge the gradient."""
    answer = post(client, "/api/backprop", session, action="load", source="custom", expression="relu(a)*2", names="a=0")
    for _ in range(answer.json()["total"]):
        answer = post(client, "/api/backprop", session, action="next")
    (a,) = [n for n in answer.json()["nodes"] if n["label"] == "a"]
    assert a["nudge"] is not None and a["agrees"] is None


def test_a_huge_graph_is_refused(client, session):
    expression = "+".join(["a"] * 100)
    refused = post(client, "/api/backprop", session, action="load", source="custom", expression=expression, names="a=1")
    assert refused.status_code == 400 and "nodes" in refused.json()["error"]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"[" * 5000, b'{"x1": NaN}', b'{"x1": 1e400}'])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    refused = client.post("/api/neuron", content=body, headers={"content-type": "application/json"})
    assert refused.status_code == 400 and refused.json()["error"]


def test_an_oversized_body_is_refused(client, session):
    refused = post(client, "/api/playground", session, action="show", padding="x" * (server.MAX_BODY + 1))
    assert refused.status_code == 413 and "too large" in refused.json()["error"]
    assert post(client, "/api/playground", session, action="show").status_code == 200


@pytest.mark.parametrize("url", ["/api/playground", "/api/loop", "/api/backprop", "/api/quiz"])
@pytest.mark.parametrize("sid", ["no-such-session", None, 12])
def test_an_unknown_session_gets_410_with_a_message(client, url, sid):
    refused = client.post(url, json={"session": sid, "action": "show"})
    assert refused.status_code == 410 and "session" in refused.json()["error"]


def test_old_sessions_are_dropped_and_the_page_is_told(monkeypatch):
    monkeypatch.setattr(server, "MAX_SESSIONS", 3)
    client = TestClient(server.create_app(), base_url="http://127.0.0.1")
    ids = [client.post("/api/session", json={}).json()["session"] for _ in range(4)]
    assert post(client, "/api/playground", ids[0], action="show").status_code == 410
    assert all(post(client, "/api/playground", sid, action="show").status_code == 200 for sid in ids[1:])


def test_every_answer_echoes_its_seq(client, session):
    assert post(client, "/api/playground", session, action="show", seq=41).json()["seq"] == 41


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "192.168.1.5"])
def test_a_foreign_host_header_is_refused(client, host):
    assert client.get("/", headers={"host": host}).status_code == 400
    assert client.post("/api/session", json={}, headers={"host": host}).status_code == 400


def test_localhost_and_the_host_asked_for_are_accepted():
    client = TestClient(server.create_app("192.168.1.5"), base_url="http://192.168.1.5:8000")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_serve_takes_port_host_and_no_browser():
    args = build_parser().parse_args(["serve", "--port", "8123", "--host", "0.0.0.0", "--no-browser"])
    assert (args.port, args.host, args.no_browser) == (8123, "0.0.0.0", True)
    defaults = build_parser().parse_args(["serve"])
    assert (defaults.port, defaults.host, defaults.no_browser) == (8000, "127.0.0.1", False)


def test_serve_prints_its_address_and_opens_the_browser_once_listening(monkeypatch, capsys):
    """Port 0 (a free port, as the tests ask) prints and opens the port bound (before: http://127.0.0.1:0/)."""
    import uvicorn

    bound = []

    async def stop_at_once(self) -> None:  # instead of serving until Ctrl-C: the port it listens on
        bound.append(self.servers[0].sockets[0].getsockname()[1])

    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(uvicorn.Server, "main_loop", stop_at_once)
    in_a_thread(server.serve, "127.0.0.1", 0, open_browser=True)
    assert bound[0] > 0
    assert f"The live lesson is at http://127.0.0.1:{bound[0]}/ (Ctrl-C stops it)" in capsys.readouterr().out
    assert opened == [f"http://127.0.0.1:{bound[0]}/"]


def test_serve_with_no_browser_opens_none(monkeypatch):
    import uvicorn

    async def stop_at_once(self) -> None:
        return None

    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(uvicorn.Server, "main_loop", stop_at_once)
    in_a_thread(server.serve, "127.0.0.1", 0, open_browser=False)
    assert opened == []


def in_a_thread(function, *args, **kwargs) -> None:
    """Call function in a thread of its own: its event loop then never meets one the test process runs
    (Playwright's, when the browser tests ran first)."""
    errors = []

    def call():
        try:
            function(*args, **kwargs)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_the_serve_command_answers_and_stops_cleanly_on_ctrl_c():
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:  # a port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "micrograd_lesson", "serve", "--no-browser", "--port", str(port)]
    # Ctrl-C reaches serve as it does in a terminal: however pytest was started (a shell's background job has
    # SIGINT ignored, and its children inherit that), the child starts with SIGINT's default.
    default_sigint = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint
    )
    try:
        assert process.stdout.readline().startswith(f"The live lesson is at http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 60  # printed just before listening: try until it answers (a busy machine's 60 s)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:
                    status = page.status
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130  # Ctrl-C: uvicorn shuts down, then the usual exit code
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()


def test_the_wheel_ships_the_page(wheel):
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for path in server.STATIC.rglob("*.*"):  # the page, its styles and its modules (static/sections/ too)
        assert f"micrograd_lesson/app/static/{path.relative_to(server.STATIC).as_posix()}" in names
