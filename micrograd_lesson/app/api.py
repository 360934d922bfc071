"""The live lesson for any host: `Lesson().handle(path, body) -> (status, answer)`, bytes in, plain data out.

It holds the sessions (a tab's state: each section's, made when the section is first asked), reads a request's
body, checks the fields every request shares (`seq`, the session id) before any work, and asks the section the
path names (`app/sections/<name>.py`: `respond(state, request) -> (state, answer)`), turning its BadRequest into
the answer's status. The web server (`app/server.py`) calls it; so can a browser's worker or a notebook widget.
No web stack and no threads: a host that serves tabs at once adds its own (server.py does).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from micrograd_lesson.app.requests import MAX_BODY, BadRequest, shown
from micrograd_lesson.app.sections import five_steps, forward_pass, live_training, neuron, quiz, stepper

SECTIONS: dict[str, ModuleType] = {  # each path of the page and the section that answers it
    "/api/neuron": neuron,
    "/api/playground": forward_pass,
    "/api/loop": five_steps,
    "/api/backprop": stepper,
    "/api/quiz": quiz,
    "/api/train": live_training,
}
WITHOUT_SESSION = ("/api/neuron",)  # section 1 keeps nothing between requests
NEW_SESSION = "/api/session"
MAX_SESSIONS = 64  # the least recently used session is dropped when one more starts
MAX_DEPTH = 8  # lists and objects nested in a request (the page's deepest is 3): deeper is refused
MAX_SEQ = 2**53 - 1  # the largest whole number a page's JavaScript counts exactly
ENDED = "this page's session has ended (the server keeps a few at a time): starting afresh"


def section_name(section: ModuleType) -> str:
    """A section's name, as its module is named: 'five_steps'."""
    return section.__name__.rsplit(".", 1)[-1]


class Session:
    """One tab: each section's state by the section's name (a section not yet asked has none)."""

    def __init__(self) -> None:
        self.states: dict[str, Any] = {}
        self.lock = threading.Lock()  # a section's state answers one request at a time


@dataclass
class Call:
    """A request read and checked, and the section that will answer it: run() does the work."""

    section: ModuleType
    request: dict
    session: Session | None

    @property
    def name(self) -> str:
        """The section's name."""
        return section_name(self.section)

    def run(self) -> tuple[int, dict]:
        """Ask the section: (200, its answer with the request's seq) or (the refusal's status, {"error": message})."""
        try:
            if self.session is None:
                _, answer = self.section.respond(None, self.request)
            else:
                with self.session.lock:
                    state, answer = self.section.respond(self.session.states.get(self.name), self.request)
                    self.session.states[self.name] = state
        except BadRequest as error:
            return error.status, {"error": str(error)}
        return 200, {"seq": self.request.get("seq"), **answer}


class Lesson:
    """The sessions of every tab, at most max_sessions, and the sections that answer them."""

    def __init__(self, max_sessions: int = MAX_SESSIONS) -> None:
        self.max_sessions = max_sessions
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.lock = threading.Lock()

    def handle(self, path: str, body: bytes) -> tuple[int, dict]:
        """Answer one request: the status (200, or the refusal's) and the answer as plain data (send it before
        the next request: it may share lists with the section's state)."""
        try:
            if path == NEW_SESSION:
                read(body)
                return 200, self.new_session()
            call = self.prepare(path, body)
        except BadRequest as error:
            return error.status, {"error": str(error)}
        return call.run()

    def prepare(self, path: str, body: bytes) -> Call:
        """Read and check a section's request, before any work: the Call that will answer it, or BadRequest."""
        section = SECTIONS.get(path)
        if section is None:
            raise BadRequest(f"no section answers {shown(path)}: the paths are {', '.join(SECTIONS)}", 404)
        request = read(body)
        seq = request.get("seq")
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ):
            raise BadRequest(f"seq must be a whole number from 0 to {MAX_SEQ}, got {shown(seq)}")
        return Call(section, request, None if path in WITHOUT_SESSION else self.session(request.get("session")))

    def new_session(self) -> dict:
        """Start a session: its id, the quiz's questions, and every section's limits and choices."""
        sid = secrets.token_urlsafe(16)
        with self.lock:
            self.sessions[sid] = Session()
            while len(self.sessions) > self.max_sessions:
                self.sessions.popitem(last=False)
        choices = {section_name(section): section.CHOICES for section in SECTIONS.values()}
        return {"session": sid, "quiz": quiz.questions(), "choices": choices}

    def session(self, sid: object) -> Session:
        """The session sid names, now the most recently used, or BadRequest (410) if it is unknown or dropped."""
        with self.lock:
            if not isinstance(sid, str) or sid not in self.sessions:
                raise BadRequest(ENDED, 410)
            self.sessions.move_to_end(sid)
            return self.sessions[sid]

    def states(self, name: str) -> list:
        """Every session's state of section name (those that have one), the most recently used session's first."""
        with self.lock:
            found = [session.states.get(name) for session in reversed(self.sessions.values())]
        return [state for state in found if state is not None]


def read(body: bytes) -> dict:
    """The body as a JSON object of plain data, or BadRequest: at most MAX_BODY bytes, finite numbers only,
    text that is valid Unicode, at most MAX_DEPTH lists and objects deep."""
    if len(body) > MAX_BODY:
        raise BadRequest(f"the request is too large: at most {MAX_BODY} bytes", 413)
    try:
        data = json.loads(body or b"{}", parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise BadRequest(f"the request nests lists and objects more than {MAX_DEPTH} deep") from None
    except ValueError:
        raise BadRequest("the request is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request must be a JSON object")
    _check_plain(data, 1)
    return data


def _no_constant(name: str) -> float:
    raise BadRequest(f"the request holds {name}, which JSON does not have: send finite numbers only")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadRequest(f"the request holds the number {text[:40]}, too large for a float: send finite numbers only")
    return value


def _check_plain(value: object, depth: int) -> None:
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, (list, dict)):
        if depth > MAX_DEPTH:
            raise BadRequest(f"the request nests lists and objects more than {MAX_DEPTH} deep")
        if isinstance(value, dict):
            for key in value:
                _check_text(key)
        for item in value.values() if isinstance(value, dict) else value:
            _check_plain(item, depth + 1)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # JSON's "\ud800" alone: no character, and no answer could carry it
        bad = text[error.start]
        raise BadRequest(f"the request's text must be valid Unicode, got a lone surrogate {bad!a}") from None
