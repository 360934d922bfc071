"""The live lesson's web host, for `micrograd-lesson serve`: Starlette routes to app/api.py, and what HTTP needs.

It answers only requests addressed to it (Host), from its own page (Origin), with a JSON body; runs each request's
work in a worker thread (at most MAX_WORKERS at once), a session's requests in the order they came; and keeps the
limits across tabs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import sys
import threading
from contextlib import nullcontext
from pathlib import Path
from weakref import WeakKeyDictionary

from anyio import CapacityLimiter, to_thread
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from micrograd_lesson.app import api
from micrograd_lesson.app.requests import MAX_BODY, BadRequest
from micrograd_lesson.app.sections import live_training, stepper

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = api.MAX_SESSIONS
MAX_TRAININGS = 4  # trainings at work at once, over every tab: a fifth is told to try again
TRAINING_SLOTS = threading.BoundedSemaphore(MAX_TRAININGS)
BUSY = "the server is busy training for other tabs: try again in a moment"
MAX_PROGRAMS = 8  # training runs that keep their compiled program (about 1 MB each), over every tab
MAX_WORKERS = 6  # requests worked on at once (4 trainings and 2 more), each in a worker thread: more wait their turn.
# glibc's malloc gives threads arenas of their own (up to 8 per core) and keeps what a request freed in its arena;
# anyio's default of 40 threads spread the requests' passing peaks over 16 arenas, which RSS kept for minutes
EVERY_INTERFACE = ("0.0.0.0", "::")  # served on these, the page is reached at any of the computer's IP addresses


def url_host(host: str) -> str:
    """host as a URL writes it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def network_address(family: socket.AddressFamily) -> str | None:
    """This computer's address on its network (the one it sends from), or None without a network."""
    documentation_address = "192.0.2.1" if family == socket.AF_INET else "2001:db8::1"  # reserved: never answers
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((documentation_address, 9))  # connect() on UDP sends nothing: it only picks a route
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(address.split("%")[0]).is_loopback else address


def addresses(host: str, port: int) -> tuple[str, str]:
    """Where a browser on this computer opens the page, and a line saying where else it is reached."""
    if host not in EVERY_INTERFACE:
        return f"http://{url_host(host)}:{port}/", ""
    family = socket.AF_INET if host == "0.0.0.0" else socket.AF_INET6
    here = f"http://{url_host('127.0.0.1' if family == socket.AF_INET else '::1')}:{port}/"
    there = network_address(family)
    elsewhere = f"http://{url_host(there)}:{port}/" if there else f"this computer's IP address, port {port}"
    return here, f"It listens on every network interface: another device on your network opens {elsewhere}"


class Guard:
    """Refuses what this server must not answer: a foreign Host (400), another site's page (403), non-JSON (415)."""

    def __init__(self, app, host: str) -> None:
        self.app, self.host = app, host
        self.names = {"127.0.0.1", "localhost", "[::1]", url_host(host).lower()}

    async def __call__(self, scope, receive, send) -> None:
        refusal = self.refusal(scope["method"], Headers(scope=scope)) if scope["type"] == "http" else None
        app = self.app if refusal is None else JSONResponse({"error": refusal[1]}, refusal[0])
        await app(scope, receive, send)

    def refusal(self, method: str, headers: Headers) -> tuple[int, str] | None:
        """(status, message) for a request this server must not answer, else None."""
        host = headers.get("host", "").lower()
        name = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
        if name not in self.names and not (self.host in EVERY_INTERFACE and is_address(name)):  # no DNS rebinding
            return 400, "this server answers only requests addressed to it"
        if method != "POST":
            return None
        origin, site = headers.get("origin"), headers.get("sec-fetch-site")
        if (origin is not None and origin.lower() != f"http://{host}") or site not in (None, "same-origin", "none"):
            return 403, "this server answers only its own page, not another site's"
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return 415, "the request's body must be JSON (Content-Type: application/json)"
        return None


def is_address(name: str) -> bool:
    """Whether a Host header's name ('192.168.1.5', '[fe80::1]') is an IP address."""
    try:
        return bool(ipaddress.ip_address(name.removeprefix("[").removesuffix("]")))
    except ValueError:
        return False


def create_app(host: str = "127.0.0.1") -> Starlette:
    """The live lesson's app, answering requests addressed to 127.0.0.1, localhost or host."""
    lesson = api.Lesson(MAX_SESSIONS)
    workers = CapacityLimiter(MAX_WORKERS)
    order: WeakKeyDictionary[api.Session, asyncio.Lock] = WeakKeyDictionary()  # first come, first served

    def work(call: api.Call) -> tuple[int, dict]:
        """Run call (in a worker thread) within the limits across tabs."""
        if call.section is not live_training or call.request.get("action") not in live_training.NEEDS_SLOT:
            return call.run()
        if not TRAINING_SLOTS.acquire(blocking=False):
            return 503, {"error": BUSY}
        try:
            return call.run()
        finally:
            TRAINING_SLOTS.release()
            for run in [run for run in lesson.states("live_training") if run.holds_program][MAX_PROGRAMS:]:
                run.drop_program()  # the least recently used tabs' runs compile again when they step

    async def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html")

    async def answer(request: Request) -> Response:
        body = b""
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:  # api refuses it: read no further
                    break
            if request.url.path == api.NEW_SESSION:
                return JSONResponse(*reversed(lesson.handle(api.NEW_SESSION, body)))
            call = lesson.prepare(request.url.path, body)
        except ClientDisconnect:  # the tab went away mid-request: nobody to answer
            return Response(status_code=400)
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, error.status)
        async with nullcontext() if call.session is None else order.setdefault(call.session, asyncio.Lock()):
            status, answer = await to_thread.run_sync(work, call, limiter=workers)
        return JSONResponse(answer, status)

    posts = [Route(path, answer, methods=["POST"]) for path in (api.NEW_SESSION, *api.SECTIONS)]
    routes = [Route("/", index), *posts, Mount("/static", StaticFiles(directory=STATIC))]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, host=host)])
    app.state.lesson, app.state.workers = lesson, workers
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True) -> None:
    """Run the live lesson with uvicorn until Ctrl-C, printing its address and opening the browser; OSError, before
    any of that, if it cannot listen on host and port (the port is taken)."""
    import webbrowser

    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TCP by name, above: asyncio sets TCP_NODELAY
    with sock:
        sock.bind((host, port))
        port = sock.getsockname()[1]  # port 0 asks the system for a free one: say the one bound
        address, elsewhere = addresses(host, port)  # served on 0.0.0.0, a browser opens 127.0.0.1, not 0.0.0.0

        class LessonServer(uvicorn.Server):
            async def startup(self, sockets=None) -> None:
                await super().startup(sockets)
                if self.started and open_browser:  # listening now: the page's first request will be answered
                    webbrowser.open(address)

        print(f"The live lesson is at {address} (Ctrl-C stops it)", flush=True)
        if elsewhere:
            print(elsewhere, flush=True)
        if trouble := stepper.trouble():  # the one section that needs more than Python: say so now
            print(f"warning: {trouble}", file=sys.stderr, flush=True)
        LessonServer(uvicorn.Config(create_app(host), log_level="warning")).run(sockets=[sock])
