"""A playing tab against a real server for minutes: its memory each minute, and its CPU once the tab is gone.

It starts `micrograd-lesson serve` (uvicorn) on a free port in a process of its own, then drives it as the
page does while it plays: step requests back to back, and a picture every 200 ms. Each minute it prints the
server's resident memory (RSS); at the end it stops the client, as a closed tab does, and prints the CPU
seconds the server used in the next 10 s (the issue's promise: a closed tab stops costing CPU within 10 s).
Printed, not asserted. Linux only (it reads /proc).

Run: .venv/bin/python benchmarks/serve_soak.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
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


def main() -> None:
    """Soak the server and print what it cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the tab plays (10)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client:
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
            while (now := time.perf_counter()) - start < args.minutes * 60:
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
            print(f"at the end ({args.minutes:g} min): RSS {rss_mb(server.pid):.1f} MB, step {step}", flush=True)
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
