"""The web host (app/server.py) under hostile use: who it answers, what it refuses, how it starts, and the limits it
keeps across tabs. Each test here failed on the server before app/api.py (42688c3), except where it says so."""

from __future__ import annotations

import json
import logging
import math
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from starlette.testclient import TestClient
from test_serve_api import in_a_thread

from micrograd_lesson.app import server
from micrograd_lesson.app.sections import live_training

SERVE = [sys.executable, "-m", "micrograd_lesson", "serve", "--no-browser"]


def post(client, url: str, body: dict, **headers):
    """POST body as JSON to url, with extra headers; the response."""
    return client.post(url, content=json.dumps(body), headers={"content-type": "application/json", **headers})


def new_session(client) -> str:
    """A new session's id."""
    return client.post("/api/session", json={}).json()["session"]


def playground(client, session: str) -> str:
    """The playground's output as the page shows it."""
    return f"{post(client, '/api/playground', {'session': session, 'action': 'show'}).json()['output']:.4f}"


# --- issue 26 item 4: another site's page cannot wipe the learner's sessions -----------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a file on disk
        {"origin": "http://127.0.0.1:9999"},  # another program's page on this computer
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_a_request_from_another_sites_page_is_refused_and_changes_nothing(monkeypatch, headers):
    monkeypatch.setattr(server, "MAX_SESSIONS", 2)
    client = TestClient(server.create_app(), base_url="http://127.0.0.1")
    mine = new_session(client)
    post(client, "/api/playground", {"session": mine, "action": "inputs", "x1": 1.0, "x2": 0.5})
    for _ in range(server.MAX_SESSIONS + 1):  # enough new sessions to push the learner's out
        refused = post(client, "/api/session", {}, **headers)
        assert refused.status_code == 403 and "another site" in refused.json()["error"]
    wiped = post(client, "/api/playground", {"session": mine, "action": "reset"}, **headers)
    assert wiped.status_code == 403
    assert playground(client, mine) == "0.6330"  # the learner's session and its state are still there


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None])
def test_a_body_that_does_not_say_it_is_json_is_refused_with_415(client, kind):
    mine = new_session(client)
    headers = {} if kind is None else {"content-type": kind}
    body = json.dumps({"session": mine, "action": "inputs", "x1": 1.0, "x2": 0.5})
    refused = client.post("/api/playground", content=body, headers=headers)
    assert refused.status_code == 415 and "JSON" in refused.json()["error"]
    assert playground(client, mine) == "0.5125"


def test_the_pages_own_origin_and_json_with_a_charset_are_answered(client):
    """(Passed before: it holds the checks above to refusing only what is foreign.)"""
    headers = {"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin", "content-type": "application/json"}
    mine = post(client, "/api/session", {}, **headers).json()["session"]
    headers["content-type"] = "application/json; charset=utf-8"
    moved = post(client, "/api/playground", {"session": mine, "action": "inputs", "x1": 1.0, "x2": 0.5}, **headers)
    assert moved.status_code == 200 and f"{moved.json()['output']:.4f}" == "0.6330"


@pytest.mark.parametrize("address", ["192.168.1.5:8000", "10.0.0.7:8000", "[fe80::1]:8000"])
def test_served_on_every_interface_the_page_works_at_the_computers_own_addresses(address):
    """(Before, the Host check refused the computer's LAN addresses: the page served on 0.0.0.0 answered only at
    127.0.0.1 and localhost.)"""
    client = TestClient(server.create_app("0.0.0.0"), base_url=f"http://{address}")
    assert client.get("/").status_code == 200
    mine = post(client, "/api/session", {}, origin=f"http://{address}").json()["session"]
    assert playground(client, mine) == "0.5125"
    assert post(client, "/api/session", {}, origin="http://evil.example").status_code == 403
    rebound = TestClient(server.create_app("0.0.0.0"), base_url="http://evil.example:8000")  # DNS rebinding
    assert rebound.get("/").status_code == 400


# --- issue 26 item 9: IPv6 addresses, and a host that names no address ----------------------------------------


def test_served_on_ipv6_the_host_check_reads_the_brackets():
    client = TestClient(server.create_app("::1"), base_url="http://[::1]:8000")
    assert client.get("/").status_code == 200
    assert playground(client, post(client, "/api/session", {}, origin="http://[::1]:8000").json()["session"])


def test_serve_prints_an_ipv6_address_in_brackets(monkeypatch, capsys):
    import uvicorn

    bound = []

    async def stop_at_once(self) -> None:  # the port it listens on
        bound.append(self.servers[0].sockets[0].getsockname()[1])

    monkeypatch.setattr(uvicorn.Server, "main_loop", stop_at_once)
    in_a_thread(server.serve, "::1", 0, open_browser=False)
    assert f"The live lesson is at http://[::1]:{bound[0]}/" in capsys.readouterr().out


def test_served_on_every_interface_serve_prints_addresses_a_browser_can_open(monkeypatch, capsys):
    """(Before, serve --host 0.0.0.0 printed and opened http://0.0.0.0:PORT/, which a browser cannot open.)"""
    import uvicorn

    bound = []

    async def stop_at_once(self) -> None:  # the port it listens on
        bound.append(self.servers[0].sockets[0].getsockname()[1])

    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(uvicorn.Server, "main_loop", stop_at_once)
    monkeypatch.setattr(server, "network_address", lambda family: "192.168.1.5")
    in_a_thread(server.serve, "0.0.0.0", 0, open_browser=True)
    printed, port = capsys.readouterr().out, bound[0]
    assert f"The live lesson is at http://127.0.0.1:{port}/" in printed and "0.0.0.0" not in printed
    assert f"every network interface: another device on your network opens http://192.168.1.5:{port}/" in printed
    assert opened == [f"http://127.0.0.1:{port}/"]
    monkeypatch.setattr(server, "network_address", lambda family: None)  # a computer on no network
    in_a_thread(server.serve, "::", 0, open_browser=False)
    printed, port = capsys.readouterr().out, bound[1]
    assert (
        f"The live lesson is at http://[::1]:{port}/" in printed
        and f"this computer's IP address, port {port}" in printed
    )


def test_serve_refuses_an_empty_host():
    finished = subprocess.run([*SERVE, "--host", ""], capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2 and finished.stdout == ""
    assert "--host must name an address" in finished.stderr and "0.0.0.0" in finished.stderr


# --- issue 26 item 10: a port that is taken --------------------------------------------------------------------


def test_a_taken_port_gets_one_line_naming_it_and_port_and_exit_code_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = subprocess.run([*SERVE, "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    assert finished.stdout == ""  # not "the lesson is at ..." first
    (line,) = finished.stderr.splitlines()
    assert f"port {port}" in line and "--port" in line


# --- issue 26 item 8: a tab that goes away mid-request ----------------------------------------------------------


@pytest.fixture(scope="module")
def watched():
    """A server in a thread, the uvicorn errors it logs, and an Event set when it has finished with a request to
    /api/neuron: (port, records, finished)."""
    import uvicorn

    records: list[logging.LogRecord] = []
    finished = threading.Event()
    inner = server.create_app()

    async def app(scope, receive, send):
        try:
            await inner(scope, receive, send)
        finally:
            if scope["type"] == "http" and scope["path"] == "/api/neuron":
                finished.set()

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not running.started and thread.is_alive():
        time.sleep(0.01)
    keep = Keep()
    logging.getLogger("uvicorn.error").addHandler(keep)
    yield sock.getsockname()[1], records, finished
    logging.getLogger("uvicorn.error").removeHandler(keep)
    running.should_exit = True
    thread.join(10)
    sock.close()


def test_a_client_that_disconnects_mid_request_prints_no_traceback(watched):
    port, records, finished = watched
    with socket.create_connection(("127.0.0.1", port)) as tab:
        head = f"POST /api/neuron HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        tab.sendall(f'{head}Content-Length: 100\r\n\r\n{{"x1": '.encode())  # 100 bytes promised, 8 sent
    assert finished.wait(60)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:  # whatever it logs is out by now
        assert page.status == 200
    assert [record.getMessage() for record in records] == []


# --- issue 26 item 7: without Graphviz, only section 4 stops, and says how to fix it -----------------------------


@pytest.fixture
def no_graphviz(monkeypatch):
    """Graphviz missing: MICROGRAD_LESSON_DOT names no program."""
    from micrograd_lesson.viz.render import ENV_VAR

    monkeypatch.setenv(ENV_VAR, "/no/such/dot")


def test_without_graphviz_every_section_but_the_stepper_works(no_graphviz, client):
    mine = new_session(client)
    assert playground(client, mine) == "0.5125"
    bodies = {
        "/api/neuron": {"x1": 0.5, "x2": -1.0, "w1": 0.6, "w2": 0.4, "b": 0.1, "activation": "tanh"},
        "/api/loop": {"action": "next"},
        "/api/quiz": {"item": "q1", "answer": "A"},
        "/api/train": {"action": "step", "steps": 1},
    }
    for url, body in bodies.items():
        assert post(client, url, {"session": mine, **body}).status_code == 200, url
    stepper = post(client, "/api/backprop", {"session": mine, "action": "show"})
    assert stepper.status_code == 503
    assert "Graphviz" in stepper.json()["error"] and "pip install graphviz-pure" in stepper.json()["error"]


def test_serve_warns_at_start_when_graphviz_is_missing(no_graphviz, monkeypatch, capsys):
    import uvicorn

    async def stop_at_once(self) -> None:
        return None

    monkeypatch.setattr(uvicorn.Server, "main_loop", stop_at_once)
    in_a_thread(server.serve, "127.0.0.1", 0, open_browser=False)
    printed = capsys.readouterr()
    assert "The live lesson is at" in printed.out
    assert "Section 4" in printed.err and "pip install graphviz-pure" in printed.err


# --- the limits across tabs -----------------------------------------------------------------------------------


def test_at_most_max_workers_requests_are_worked_on_at_once_and_the_others_wait_their_turn(monkeypatch):
    """(New, issue 26's soak: each request took a thread of its own, up to anyio's 40, and what each thread's work
    allocated stayed in the allocator's arena for that thread: the server's memory grew for minutes.)"""
    from micrograd_lesson.app.sections import neuron

    monkeypatch.setattr(server, "MAX_WORKERS", 2)
    inside, most, lock = [0], [0], threading.Lock()
    entered, release = threading.Semaphore(0), threading.Event()
    respond = neuron.respond

    def held(state, request):  # section 1 keeps no session: nothing else orders these requests
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        entered.release()
        release.wait()
        with lock:
            inside[0] -= 1
        return respond(state, request)

    monkeypatch.setattr(neuron, "respond", held)
    app, answers = server.create_app(), []
    body = {"x1": 0.5, "x2": -1.0, "w1": 0.6, "w2": 0.4, "b": 0.1, "activation": "sigmoid"}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        asks = [threading.Thread(target=lambda: answers.append(post(client, "/api/neuron", body))) for _ in range(4)]
        for ask in asks:
            ask.start()
        try:
            entered.acquire()
            entered.acquire()
            while inside[0] == 2 and app.state.workers.statistics().tasks_waiting < 2:  # the others wait their turn
                time.sleep(0.01)
            assert inside[0] == 2
        finally:
            release.set()
            for ask in asks:
                ask.join()
    assert most[0] == 2 and [answer.status_code for answer in answers] == [200] * 4


def test_only_the_most_recently_used_runs_keep_a_compiled_program_and_the_numbers_do_not_change(monkeypatch):
    """(New: the cap was a registry inside live_training before; this is its test, moved to the host.)"""
    monkeypatch.setattr(server, "MAX_PROGRAMS", 1)
    monkeypatch.setattr(live_training, "TIME_BUDGET", math.inf)
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 2)  # the same path as at step 50, sooner
    client = TestClient(server.create_app(), base_url="http://127.0.0.1")
    first, second = new_session(client), new_session(client)
    settings = {"stop_at_100": False, "hidden": [4]}
    after = live_training.COMPILED_AFTER + 2

    def train(session: str, **body) -> dict:
        return post(client, "/api/train", {"session": session, **body}).json()

    def holds(session: str) -> bool:
        return live_training_run(client, session).holds_program

    for session in (first, second):
        train(session, action="configure", settings=settings)
    train(first, action="step", steps=after)
    assert holds(first)
    train(second, action="step", steps=after)  # the second compiled run: the first lets its program go
    assert holds(second) and not holds(first)
    on = train(first, action="step", steps=3)  # and compiles again when it steps on
    assert holds(first) and not holds(second)
    alone = TestClient(server.create_app(), base_url="http://127.0.0.1")
    single = new_session(alone)
    post(alone, "/api/train", {"session": single, "action": "configure", "settings": settings})
    same = post(alone, "/api/train", {"session": single, "action": "step", "steps": after + 3}).json()
    assert (on["step"], on["params"], on["train_loss"]) == (same["step"], same["params"], same["train_loss"])


@pytest.mark.parametrize("let_go", ["reset", "configure", "dropped"])
def test_a_compiled_run_left_mid_step_is_freed_when_replaced_or_its_session_dropped(monkeypatch, let_go):
    """Issue 26 item 1, the host's part: no registry keeps a run (before, the cap's registry held one left halfway
    through a slow-motion step for ever)."""
    import gc
    import weakref

    monkeypatch.setattr(server, "MAX_SESSIONS", 1)
    monkeypatch.setattr(live_training, "TIME_BUDGET", math.inf)
    monkeypatch.setattr(live_training, "COMPILED_AFTER", 2)  # the same path as at step 50, sooner
    client = TestClient(server.create_app(), base_url="http://127.0.0.1")
    mine = new_session(client)

    def train(**body) -> dict:
        return post(client, "/api/train", {"session": mine, **body}).json()

    train(action="configure", settings={"stop_at_100": False, "hidden": [4]})
    train(action="step", steps=live_training.COMPILED_AFTER + 1)
    train(action="phase")  # left halfway through a step
    run = weakref.ref(live_training_run(client, mine))
    if let_go == "dropped":
        new_session(client)  # the one session kept is now this one
    else:
        train(action=let_go, **({"settings": {"lr": 0.01}} if let_go == "configure" else {}))
    gc.collect()
    assert run() is None


def live_training_run(client, session: str) -> live_training.LiveRun:
    """The session's section-6 run, found through the test client's app."""
    return client.app.state.lesson.sessions[session].states["live_training"]
