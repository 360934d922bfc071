"""Tabs against a real server for minutes: its memory each minute, and its CPU once the tabs are gone.

It starts `micrograd-lesson serve` (uvicorn) on a free port in a process of its own, then drives it as the
page does. With one tab (the default) the tab plays: step requests back to back, and a picture every 200 ms.
With `--tabs N` (N > 1) each tab does what a restless learner does, chosen at random with a fixed seed: steps
(a run passes step 50 and steps compiled), slow-motion phases left half-way through a step, Reset, a new
configuration (network shapes up to 3 layers of 8), pictures, and a dropped session (the tab starts a new
one; the server lets the old ones go past its cap of 64). Each minute it prints the server's resident memory
(RSS), and at the end the change from minute 5 (memory flat: the change stays within 10 MB over 30 minutes);
then it stops the clients, as closed tabs do, and prints the CPU seconds the server used in the next 10 s.
Printed, not asserted. Linux only (it reads /proc).

Run: .venv/bin/python benchmarks/serve_soak.py [--minutes 10] [--tabs 16]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

PICTURE_EVERY = 0.2  # seconds
SETTINGS = {"dataset": "moons", "noise": 0.1, "hidden": [8, 8], "stop_at_100": False, "lr": 0.01}


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """The process's resident memory in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def start_server(port: int) -> subprocess.Popen:
    """`micrograd-lesson serve` on port, once it answers."""
    command = [sys.executable, "-m", "micrograd_lesson", "serve", "--port", str(port), "--no-browser"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the server did not start")


SHAPES = [[8, 8], [4], [8, 8, 8], [3, 3], [8]]  # the networks a restless tab switches between
DATASETS = ["xor", "moons", "circles"]


class RestlessTab:
    """One tab whose learner does a bit of everything, at random (seeded): what it asks, and how often."""

    def __init__(self, address: str, seed: int) -> None:
        self.client = httpx.Client(base_url=address, timeout=60.0)
        self.rng = random.Random(seed)
        self.session = self.new_session()
        self.counts: dict[str, int] = {}

    def new_session(self) -> str:
        return self.client.post("/api/session", json={}).json()["session"]

    def post(self, **body) -> None:
        """One request; a busy server (503: four trainings at once) is asked again, as the page does."""
        while True:
            answer = self.client.post("/api/train", json={"session": self.session, **body})
            if answer.status_code != 503:
                assert answer.status_code == 200, answer.text
                return
            time.sleep(0.05)

    def act(self) -> None:
        """One thing a learner does."""
        rng = self.rng
        kind = rng.choices(["step", "phase", "reset", "configure", "picture", "drop"], [6, 3, 1, 1, 3, 0.3])[0]
        if kind == "step":
            self.post(action="step", steps=rng.choice([1, 5, 20]))
        elif kind == "phase":
            for _ in range(rng.randint(1, 4)):  # slow motion, left half-way through a step
                self.post(action="phase")
        elif kind == "reset":
            self.post(action="reset")
        elif kind == "configure":
            settings = {"hidden": rng.choice(SHAPES), "dataset": rng.choice(DATASETS), "stop_at_100": False}
            self.post(action="configure", settings=settings)
        elif kind == "picture":
            self.post(action="picture", grads=rng.random() < 0.5)
        else:
            self.session = self.new_session()  # the tab's session dropped: the server keeps the old one a while
        self.counts[kind] = self.counts.get(kind, 0) + 1


def soak_tabs(address: str, server: subprocess.Popen, tabs: int, minutes: float) -> None:
    """tabs restless tabs at once for minutes, the server's RSS each minute and its change from minute 5."""
    stop = threading.Event()
    restless = [RestlessTab(address, seed) for seed in range(tabs)]
    errors: list[BaseException] = []

    def run(tab: RestlessTab) -> None:
        try:
            while not stop.is_set():
                tab.act()
        except BaseException as error:  # said at the end, and the soak stops
            errors.append(error)
            stop.set()

    threads = [threading.Thread(target=run, args=(tab,), daemon=True) for tab in restless]
    print(f"server pid {server.pid}, {tabs} tabs, RSS at the start {rss_mb(server.pid):.1f} MB", flush=True)
    for thread in threads:
        thread.start()
    seen: dict[int, float] = {}
    start = time.perf_counter()
    for minute in range(1, int(minutes) + 1):
        if stop.wait(max(0.0, start + minute * 60 - time.perf_counter())):
            break
        seen[minute] = rss_mb(server.pid)
        print(f"minute {minute}: RSS {seen[minute]:.1f} MB", flush=True)
    stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"a tab failed: {errors[0]!r}")
    counts: dict[str, int] = {}
    for tab in restless:
        for kind, n in tab.counts.items():
            counts[kind] = counts.get(kind, 0) + n
    print("what the tabs did:", ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    last = max(seen)
    if 5 in seen and last > 5:
        print(f"RSS at minute 5 {seen[5]:.1f} MB, at minute {last} {seen[last]:.1f} MB: {seen[last] - seen[5]:+.1f} MB")


def play_one_tab(address: str, server: subprocess.Popen, minutes: float) -> None:
    """One tab plays for minutes: steps back to back and a picture every 200 ms, the server's RSS each minute."""
    with httpx.Client(base_url=address, timeout=30.0) as client:
        session = client.post("/api/session", json={}).json()["session"]

        def post(**body) -> dict:
            answer = client.post("/api/train", json={"session": session, **body})
            assert answer.status_code == 200, answer.text
            return answer.json()

        post(action="configure", settings=SETTINGS)
        print(f"server pid {server.pid}, RSS at the start {rss_mb(server.pid):.1f} MB", flush=True)
        start = time.perf_counter()
        last_picture = start - PICTURE_EVERY  # the first picture at once
        minute, requests, pictures, step = 1, 0, 0, 0
        while (now := time.perf_counter()) - start < minutes * 60:
            if now - last_picture >= PICTURE_EVERY:
                last_picture += PICTURE_EVERY  # on a fixed beat, as the page's timer is
                post(action="picture", grads=pictures % 2 == 1)
                pictures += 1
            else:
                answer = post(action="step", steps=1)
                step = answer["step"]
                if answer["status"]["kind"] != "ready":
                    post(action="reset")  # as a learner presses Reset and plays again
            requests += 1
            if now - start >= minute * 60:
                print(
                    f"minute {minute}: RSS {rss_mb(server.pid):.1f} MB, step {step}, {requests} requests, "
                    f"{pictures} pictures",
                    flush=True,
                )
                minute += 1
        print(f"at the end ({minutes:g} min): RSS {rss_mb(server.pid):.1f} MB, step {step}", flush=True)


def main() -> None:
    """Soak the server and print what it cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the tabs work (10)")
    parser.add_argument("--tabs", type=int, default=1, help="1: one tab plays; more: restless tabs at once (1)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        address = f"http://127.0.0.1:{port}"
        if args.tabs > 1:
            soak_tabs(address, server, args.tabs, args.minutes)
        else:
            play_one_tab(address, server, args.minutes)
        closed = cpu_seconds(server.pid)  # the tab is gone: no more requests
        time.sleep(10)
        used = cpu_seconds(server.pid) - closed
        print(f"after the client stopped: {used:.2f} CPU seconds in the next 10 s; RSS {rss_mb(server.pid):.1f} MB")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
