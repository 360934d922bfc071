"""Interrupt code at a chosen point: the k-th line Python runs inside given modules, as Ctrl-C could."""

import contextlib
import os
import signal
import sys
import threading
import time

import pytest


@contextlib.contextmanager
def interrupt_at_line(k, *modules, exception=KeyboardInterrupt):
    """Raise exception (once) when the k-th line (counting from 1) run inside the modules' files starts."""
    files = {module.__file__ for module in modules}
    count = 0

    def each_line(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count == k:
                raise exception  # Python stops tracing after this, so it is raised once
        return each_line

    def on_call(frame, event, arg):
        return each_line if frame.f_code.co_filename in files else None

    before = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(before)


def ctrl_c_during_run(loop, after_epochs, epochs):
    """A real Ctrl-C (SIGINT to this process) once loop has run after_epochs, while loop.run(epochs) trains."""

    def press_ctrl_c():
        while loop.epoch < after_epochs:  # once training is under way, however busy the machine
            time.sleep(0.001)
        os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C raises KeyboardInterrupt
    try:
        presser = threading.Thread(target=press_ctrl_c)
        presser.start()
        with pytest.raises(KeyboardInterrupt):
            loop.run(epochs, progress=False)
        presser.join()
    finally:
        signal.signal(signal.SIGINT, previous)
