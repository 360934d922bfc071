"""The micrograd-lesson command line."""

from __future__ import annotations

import argparse
import sys

from micrograd_lesson import __version__

WELCOME = f"""micrograd_lesson {__version__}: a scalar autograd engine for learning how neural networks learn.

Try it in Python:

    from micrograd_lesson import Value
    a, b = Value(2.0, label='a'), Value(-3.0, label='b')
    c = a * b + a.tanh()
    c.backward()
    print(a.grad, b.grad)

Commands to come: tour, graph, train, playground, quiz.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for micrograd-lesson."""
    parser = argparse.ArgumentParser(prog="micrograd-lesson", description="Learn backpropagation one scalar at a time.")
    parser.add_argument("--version", action="version", version=f"micrograd_lesson {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with argv (default: sys.argv[1:]); return the exit code."""
    build_parser().parse_args(argv)
    sys.stdout.write(WELCOME)
    return 0
