"""The static site's side of the live lesson: its Web Worker runs this module in Pyodide (`micrograd-lesson site`).

The page posts each request's path and JSON body as text; `handle` answers with JSON text of the status and the
answer, as the server's HTTP response would carry them. Everything else is app/api.py, the same as `serve`'s.
"""

from __future__ import annotations

import json

from micrograd_lesson.app import api

LESSON = api.Lesson()  # one tab: the worker belongs to it, and keeps its sessions while the tab is open


def handle(path: str, body: str) -> str:
    """One request ('api/train' as the page's relative URL, or '/api/train'), its body as JSON text:
    '{"status": 200, "answer": {...}}' as JSON text."""
    try:
        status, answer = LESSON.handle("/" + path.lstrip("/"), body.encode("utf-8", "surrogatepass"))
        return json.dumps({"status": status, "answer": answer}, ensure_ascii=False, allow_nan=False)
    except Exception as error:  # a bug, not a refusal: the page shows one line, as the server's 500 does
        return json.dumps({"status": 500, "answer": {"error": f"the lesson failed: {type(error).__name__}: {error}"}})
