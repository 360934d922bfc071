"""Interrupt code at a chosen point: the k-th line Python runs inside given modules, as Ctrl-C could."""

import contextlib
import sys


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
