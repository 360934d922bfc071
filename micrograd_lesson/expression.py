"""Turn text such as ``"(a*b + c).tanh()"`` into a graph of Values, safely.

The text is parsed with ``ast`` and only a whitelist is built: numbers, the names you give,
``+ - * / **``, unary minus, and the Value methods ``tanh exp log relu sigmoid sin`` (as ``x.tanh()`` or
``tanh(x)``). Anything else is refused before anything runs; nothing is passed to ``eval`` or ``exec``.
"""

from __future__ import annotations

import ast
import math
import operator
import unicodedata
from collections.abc import Callable, Mapping
from typing import NamedTuple

from micrograd_lesson import _checks
from micrograd_lesson.engine import Value

METHODS = ("tanh", "exp", "log", "relu", "sigmoid", "sin")
MAX_LENGTH = 500  # far more than any expression worth drawing; keeps nesting shallow
_LABEL_LENGTH = 12  # intermediate nodes are labelled with their own text when it is this short

_OPERATORS: dict[type[ast.operator], Callable[[Value | float, Value | float], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


class ExpressionError(ValueError):
    """The text is not an expression we can build: a syntax error or an unknown name."""


class UnsafeExpressionError(ExpressionError):
    """The text uses something outside the whitelist (attributes, imports, strings, ...); it is never run."""


class ParsedExpression(NamedTuple):
    """The expression's output Value and the labelled input Values it was built from."""

    value: Value
    inputs: dict[str, Value]


def parse_expression(text: str, names: Mapping[str, float], max_nodes: int | None = None) -> ParsedExpression:
    """Build the Value graph of text, where each name stands for a labelled leaf Value holding names[name].

    max_nodes: refuse, before building anything, a graph with more nodes to draw than this (each Value
    and each op one, as draw_dot draws them)."""
    if not isinstance(text, str):
        raise TypeError(f"the expression must be text, got {type(text).__name__}: {text!r}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; at most {MAX_LENGTH} are allowed")
    inputs = {
        name: Value(_checks.number(name, x, error=ExpressionError), label=name) for name, x in _checked(names).items()
    }
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError) as error:
        where = f" at column {error.offset}" if getattr(error, "offset", None) else ""
        raise ExpressionError(f"cannot parse {text!r}{where}: {getattr(error, 'msg', error)}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"the expression {text!r} is nested too deeply") from None
    if max_nodes is not None and (count := _drawn_nodes(tree.body)) > max_nodes:
        raise ExpressionError(
            f"the expression's graph has {count} nodes to draw (each value and each op is one), "
            f"more than the {max_nodes} allowed; draw a smaller expression"
        )
    try:
        out = _Builder(text.strip(), {_as_python_reads(name): v for name, v in inputs.items()}).build(tree.body)
    except RecursionError:
        raise ExpressionError(f"the expression {text!r} is nested too deeply") from None
    if not isinstance(out, Value):  # a bare number such as "3" still makes a one-node graph
        out = Value(out, label=text.strip())
    return ParsedExpression(out, inputs)


def _drawn_nodes(tree: ast.expr) -> int:
    """How many nodes draw_dot draws for a parsed expression (a leaf per name and per number, a Value and
    an op for each operation), counted from the text alone: nothing is built."""
    functions = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}  # the tanh of tanh(x)
    names, count = set(), 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in functions:
            names.add(node.id)  # one leaf, however often it is used
        elif isinstance(node, ast.Constant):
            count += 1  # each number its own leaf
        elif isinstance(node, (ast.BinOp, ast.Call)) or _negated_value(node):
            count += 2  # its result and its op
    return len(names) + count


def _negated_value(node: ast.AST) -> bool:
    """True for a minus that makes a node: not a plus, and not the sign of a number such as -2 (a float)."""
    if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)):
        return False
    while isinstance(node, ast.UnaryOp):
        node = node.operand
    return not isinstance(node, ast.Constant)


def parse_assignments(pairs: list[str]) -> dict[str, float]:
    """Read ["a=2", "b=-3"] into {"a": 2.0, "b": -3.0}, with a clear error for anything else."""
    names: dict[str, float] = {}
    for pair in pairs:
        name, sep, number = pair.partition("=")
        name, number = name.strip(), number.strip()
        if not sep or not name or not number:
            raise ExpressionError(f"expected name=number such as a=2, got {pair!r}")
        _check_name(name)  # first: the messages below print it as typed, which only a Python name is safe for
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"{name} needs a number, got {number!r} in {pair!r}") from None
        if name in names:
            raise ExpressionError(f"{name} is set twice: {name}={names[name]:g} and {pair!r}")
        names[name] = _checks.number(name, value, error=ExpressionError)
    return _checked(names)


def _check_name(name: object) -> None:
    """Refuse an input name that is not a Python name, starts with '_' or is a Value method's name."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ExpressionError(
            f"an input name must be a Python name not starting with '_', such as a or x1; got {name!r}"
        )
    if _as_python_reads(name) in METHODS:
        raise ExpressionError(f"{name!r} is the name of a Value method ({', '.join(METHODS)}); choose another name")


def _checked(names: Mapping[str, float]) -> dict[str, float]:
    read_as: dict[str, str] = {}  # each name as Python reads it -> as it was typed
    for name in names:
        _check_name(name)
        if _as_python_reads(name) in read_as:
            raise ExpressionError(f"{read_as[_as_python_reads(name)]!r} and {name!r} are the same name to Python")
        read_as[_as_python_reads(name)] = name
    return dict(names)


def _as_python_reads(name: str) -> str:
    """A name as Python reads it in an expression: 'ｘ' and '𝑥' are both x (NFKC); labels keep it as typed."""
    return unicodedata.normalize("NFKC", name)


class _Builder:
    """Walks a parsed expression and builds Values, refusing every node it does not know."""

    def __init__(self, source: str, inputs: dict[str, Value]) -> None:
        self.source = source
        self.inputs = inputs

    def text(self, node: ast.AST) -> str:
        """The part of the source that node was parsed from, as the user wrote it."""
        return ast.get_source_segment(self.source, node) or type(node).__name__

    def build(self, node: ast.expr) -> Value | float:
        """The Value (or, for a bare number, the float) that node stands for."""
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.labelled(-operand, node) if isinstance(operand, Value) else -operand
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise UnsafeExpressionError(_refusal(node, self.text(node)))

    def constant(self, node: ast.Constant) -> float:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise UnsafeExpressionError(_refusal(node, self.text(node)))
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ExpressionError(f"the number {self.text(node)[:20]} is too large for a float")
        return number

    def name(self, node: ast.Name) -> Value:
        if node.id.startswith("_"):
            raise UnsafeExpressionError(f"names starting with '_' such as {node.id!r} are not allowed")
        if node.id not in self.inputs:
            typed = self.text(node)  # node.id is the name as Python reads it: 'ｘ' becomes 'x'
            if node.id in METHODS:
                raise ExpressionError(f"{typed} is a function: write {typed}(x) or x.{typed}()")
            known = ", ".join(v.label for v in self.inputs.values()) or "(none given)"
            raise ExpressionError(f"unknown name {typed!r} in the expression; the known names are: {known}")
        return self.inputs[node.id]

    def binary(self, node: ast.BinOp) -> Value:
        apply = _OPERATORS[type(node.op)]
        left, right = self.build(node.left), self.build(node.right)
        if not isinstance(left, Value) and not isinstance(right, Value):  # "2 * 3" still makes a graph
            left = Value(left, label=self.text(node.left))
        out = apply(left, right)
        for operand, parent in zip((node.left, node.right), out._prev):
            if not parent.label and not parent._prev:  # name the engine's leaf for a constant, e.g. the 2 in a**2
                parent.label = self.text(operand)
        return self.labelled(out, node)

    def call(self, node: ast.Call) -> Value:
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise UnsafeExpressionError(f"{self.text(node)!r}: keyword and starred arguments are not allowed")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in METHODS and not node.args:  # x.tanh()
            target, method = func.value, func.attr
        elif isinstance(func, ast.Name) and func.id in METHODS and len(node.args) == 1:  # tanh(x)
            target, method = node.args[0], func.id
        else:
            raise UnsafeExpressionError(
                f"{self.text(node)!r} is not allowed: the only calls are x.name() or name(x) "
                f"for name in {', '.join(METHODS)}"
            )
        operand = self.build(target)
        if not isinstance(operand, Value):
            operand = Value(operand, label=self.text(target))
        return self.labelled(getattr(operand, method)(), node)

    def labelled(self, value: Value, node: ast.expr) -> Value:
        text = self.text(node)
        if len(text) <= _LABEL_LENGTH and "\n" not in text:
            value.label = text
        return value


def _refusal(node: ast.AST, text: str) -> str:
    what = {
        ast.Attribute: "attributes other than the methods " + ", ".join(f".{m}()" for m in METHODS),
        ast.BinOp: "operators other than + - * / **",
        ast.UnaryOp: "unary operators other than - and +",
        ast.Subscript: "subscripts",
        ast.Lambda: "lambda",
        ast.ListComp: "comprehensions",
        ast.SetComp: "comprehensions",
        ast.DictComp: "comprehensions",
        ast.GeneratorExp: "comprehensions",
        ast.Starred: "starred arguments",
        ast.Constant: "constants other than numbers",
        ast.JoinedStr: "strings",
        ast.NamedExpr: "assignments",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "if/else",
        ast.Tuple: "tuples",
        ast.List: "lists",
        ast.Dict: "dicts",
        ast.Set: "sets",
    }.get(type(node), type(node).__name__)
    allowed = "numbers, your names, + - * / **, unary -, and the methods " + ", ".join(METHODS)
    return f"{text!r} is not allowed ({what}); an expression may use only {allowed}"
