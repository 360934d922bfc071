"""The safe expression parser: random text against direct Value arithmetic, and hostile text refused."""

import ast
import builtins
import math
import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_lesson import Value
from micrograd_lesson.engine import topological_order
from micrograd_lesson.expression import (
    METHODS,
    ExpressionError,
    UnsafeExpressionError,
    parse_assignments,
    parse_expression,
)

NAMES = ("a", "b", "c")

# --- random expression text, each paired with the same computation written directly on Values ---------


def _lift(x):
    return x if isinstance(x, Value) else Value(x)


def _binary(symbol, apply):
    def combine(pair):
        (left_text, left), (right_text, right) = pair

        def build(env):
            x, y = left(env), right(env)
            if not isinstance(x, Value) and not isinstance(y, Value):  # the parser's rule for "2 * 3"
                x = Value(x)
            return apply(x, y)

        return f"({left_text} {symbol} {right_text})", build

    return combine


def _method(name, as_function):
    def wrap(node):
        text, inner = node
        return (f"{name}({text})" if as_function else f"({text}).{name}()"), lambda env: getattr(
            _lift(inner(env)), name
        )()

    return wrap


def _negate(node):
    text, inner = node
    return f"(-{text})", lambda env: -inner(env)


leaves = st.one_of(
    st.sampled_from(NAMES).map(lambda name: (name, lambda env: env[name])),
    st.floats(-3, 3, allow_nan=False).map(lambda x: (f"({x!r})", lambda env: x)),
    st.integers(-3, 3).map(lambda n: (f"({n})", lambda env: float(n))),
)


BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
UNARY = [_negate, *(_method(m, as_function) for m in METHODS for as_function in (False, True))]


def _extend(children):
    # two strategies that each pick their op, not one per op: hypothesis draws through each layer of a one_of, and
    # seventeen of them made every example several times dearer to draw than to test
    return st.one_of(
        st.tuples(st.sampled_from(list(BINARY)), children, children).map(
            lambda drawn: _binary(drawn[0], BINARY[drawn[0]])(drawn[1:])
        ),
        st.tuples(st.sampled_from(UNARY), children).map(lambda drawn: drawn[0](drawn[1])),
    )


expression_texts = st.recursive(leaves, _extend, max_leaves=8)


def _outcome(build):
    """(result, None) or (None, the exception's type): the engine refuses some points, and so must the parser."""
    try:
        return build(), None
    except (ArithmeticError, ValueError) as error:
        return None, type(error)


@settings(max_examples=300)
@given(expression_texts, st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3))
def test_random_expression_text_builds_the_same_values_and_gradients_as_direct_arithmetic(expression, point):
    text, build = expression
    names = dict(zip(NAMES, point))
    direct_inputs = {name: Value(x) for name, x in names.items()}
    expected, expected_error = _outcome(lambda: build(direct_inputs))
    parsed, error = _outcome(lambda: parse_expression(text, names))
    if expected_error is not None:
        assert error is expected_error, f"{text}: direct arithmetic raised {expected_error.__name__}, parser {error}"
        return
    assert error is None, f"{text}: the parser raised {error.__name__}, direct arithmetic gave {expected}"
    assert parsed.value.data == _lift(expected).data  # the same ops in the same order: bit for bit
    _, backward_error = _outcome(_lift(expected).backward)
    _, parsed_backward_error = _outcome(parsed.value.backward)
    assert parsed_backward_error is backward_error
    if backward_error is None:
        assert [parsed.inputs[n].grad for n in NAMES] == [direct_inputs[n].grad for n in NAMES]


def test_the_lectures_neuron_expression_builds_labelled_nodes():
    parsed = parse_expression("(a*b + c).tanh()", {"a": 2, "b": -3, "c": 10})
    out = parsed.value
    assert out._op == "tanh" and out.data == pytest.approx(math.tanh(4.0))
    d = out._prev[0]
    assert (d._op, d.label, d.data) == ("+", "a*b + c", 4.0)
    e = d._prev[0]
    assert (e._op, e.label, e.data) == ("*", "a*b", -6.0)
    assert e._prev == (parsed.inputs["a"], parsed.inputs["b"])
    assert [v.label for v in parsed.inputs.values()] == ["a", "b", "c"]
    out.backward()
    assert parsed.inputs["a"].grad == pytest.approx((1 - math.tanh(4.0) ** 2) * -3)


def test_both_call_forms_and_every_method_work():
    for method in METHODS:
        by_method = parse_expression(f"x.{method}()", {"x": 0.7}).value
        by_function = parse_expression(f"{method}(x)", {"x": 0.7}).value
        direct = getattr(Value(0.7), method)()
        assert by_method.data == by_function.data == direct.data
        assert by_method._op == direct._op


def test_numbers_keep_python_semantics_and_get_labelled_leaves():
    square = parse_expression("a**2", {"a": -3}).value  # a plain exponent: a negative base is fine
    assert square.data == 9.0 and square.parents == (square._prev[0],) and square.constants == (2.0,)
    assert parse_expression("2**a", {"a": 3}).value.data == 8.0
    six = parse_expression("2 * 3", {}).value  # only numbers still make a graph to draw
    assert six.data == 6.0 and [p.label for p in six._prev] == ["2", "3"]
    assert parse_expression("-3", {}).value.data == -3.0
    assert parse_expression("+a", {"a": 1.5}).value.data == 1.5
    assert parse_expression("  a - 1  ", {"a": 1.5}).value.data == 0.5


def test_unknown_names_are_listed_with_the_known_ones():
    with pytest.raises(ExpressionError, match=r"unknown name 'd'.*known names are: a, b") as error:
        parse_expression("a + d", {"a": 1, "b": 2})
    assert not isinstance(error.value, UnsafeExpressionError)
    with pytest.raises(ExpressionError, match=r"\(none given\)"):
        parse_expression("x", {})
    with pytest.raises(ExpressionError, match=r"tanh is a function: write tanh\(x\) or x.tanh\(\)"):
        parse_expression("tanh + 1", {"a": 1})


@pytest.mark.parametrize("text", ["a +", "(a", "a b", "", "a\n+ b", "a = 1", "1 +* 2", "\x00"])
def test_syntax_errors_are_expression_errors(text):
    with pytest.raises(ExpressionError, match="cannot parse") as error:
        parse_expression(text, {"a": 1, "b": 2})
    assert not isinstance(error.value, UnsafeExpressionError)


HOSTILE = [
    "__import__('os')",
    "__import__('os').system('echo owned')",
    "().__class__.__bases__[0].__subclasses__()",
    "a.__class__",
    "a.__dict__",
    "a._prev",
    "a.data",
    "a.grad",
    "a.backward()",
    "a.tanh",
    "a.tanh(a)",
    "a.tanh().__class__",
    "tanh(a).__globals__",
    "tanh(a, b)",
    "tanh(x=a)",
    "tanh(*[a])",
    "a.tanh()()",
    "open('pwned.txt', 'w')",
    "eval('1')",
    "exec('x = 1')",
    "compile('1', '', 'eval')",
    "globals()",
    "getattr(a, 'data')",
    "print(a)",
    "exit()",
    "lambda: 0",
    "[x for x in ()]",
    "(x for x in ())",
    "{x: 1 for x in ()}",
    "{1, 2}",
    "{1: 2}",
    "[a]",
    "(a, b)",
    "'text'",
    "b'bytes'",
    "f'{a}'",
    "a[0]",
    "(z := 1)",
    "a if b else a",
    "a and b",
    "a < b",
    "not a",
    "~a",
    "a // b",
    "a % b",
    "a @ b",
    "a << b",
    "True",
    "None",
    "...",
    "1j",
    "__builtins__",
    "_",
    "await a",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_refused_and_never_evaluated(text, monkeypatch):
    real_compile = builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError("the parser must never call eval or exec")

    def parse_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compile may only be used to parse, never to make code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", parse_only)
    with pytest.raises(UnsafeExpressionError, match="not allowed") as error:
        parse_expression(text, {"a": 1.0, "b": 2.0})
    monkeypatch.undo()
    assert isinstance(error.value, ValueError)


def test_long_and_deep_text_fails_cleanly():
    with pytest.raises(ExpressionError, match="at most 500"):
        parse_expression("a+" * 300 + "a", {"a": 1})
    assert parse_expression("-" * 499 + "a", {"a": 1.0}).value.data == -1.0
    with pytest.raises(ExpressionError):
        parse_expression("(" * 240 + "a" + ")" * 240, {"a": 1})
    with pytest.raises(ExpressionError, match="too large"):
        parse_expression("a * 1e999", {"a": 1})


def drawn(root):
    """The nodes draw_dot draws: every Value, and an op node for each one an op made."""
    order = topological_order(root)
    return len(order) + sum(1 for v in order if v.parents)


@pytest.mark.parametrize(
    "text", ["3", "-3", "2*3", "-a", "+a", "- -a", "a*b + a", "(a*b + c).tanh()", "tanh(3)", "a*2 + b*2", "a - -3"]
)
def test_max_nodes_counts_the_drawing_exactly(text):
    names = {"a": 0.5, "b": 2.0, "c": -1.0}
    count = drawn(parse_expression(text, names).value)
    assert drawn(parse_expression(text, names, max_nodes=count).value) == count
    with pytest.raises(ExpressionError, match=rf"has {count} nodes to draw .* more than the {count - 1} allowed"):
        parse_expression(text, names, max_nodes=count - 1)


def test_max_nodes_refuses_before_building_anything():
    chain = "*".join(["a"] * 60) + " * b.log()"  # building it would fail at log() of a negative number
    with pytest.raises(ExpressionError, match=r"has 124 nodes to draw .* draw a smaller expression"):
        parse_expression(chain, {"a": 1.0, "b": -1.0}, max_nodes=100)


def test_engine_errors_keep_their_meaning():
    with pytest.raises(ValueError, match="log\\(\\) needs a positive input"):
        parse_expression("a.log()", {"a": -2})
    with pytest.raises(ZeroDivisionError):
        parse_expression("a / (b - b)", {"a": 1, "b": 2})
    with pytest.raises(OverflowError):
        parse_expression("9 ** 9 ** 9", {})


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"_a": 1.0}, "Python name"),
        ({"a b": 1.0}, "Python name"),
        ({"tanh": 1.0}, "Value method"),
        ({"a": "1"}, "a must be a finite number, got str: '1'"),
        ({"a": True}, "a must be a finite number, got bool: True"),
        ({"a": math.nan}, "finite"),
    ],
)
def test_bad_names_are_refused(names, message):
    with pytest.raises(ExpressionError, match=message):
        parse_expression("1", names)


def test_names_python_reads_alike_keep_the_typed_name_and_may_not_both_be_set():
    parsed = parse_expression("ｘ * 2", {"ｘ": 3.0})  # a fullwidth x, which Python reads as x
    assert parsed.value.data == 6.0 and parsed.inputs["ｘ"].label == "ｘ"
    assert parse_expression("x * 2", {"ｘ": 3.0}).value.parents[0].label == "ｘ"
    with pytest.raises(ExpressionError, match="'ｘ' and 'x' are the same name to Python"):
        parse_expression("x", {"ｘ": 1.0, "x": 2.0})
    with pytest.raises(ExpressionError, match="Value method"):
        parse_expression("1", {"ｔａｎｈ": 1.0})


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="must be text"):
        parse_expression(3, {})


def test_parse_assignments_reads_name_equals_number():
    assert parse_assignments(["a=2", "b=-3", " c = 1e-3 "]) == {"a": 2.0, "b": -3.0, "c": 0.001}
    assert parse_assignments([]) == {}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["a"], "expected name=number"),
        (["a="], "expected name=number"),
        (["=2"], "expected name=number"),
        (["a=two"], "a needs a number, got 'two'"),
        (["a=1", "a=2"], "a is set twice"),
        (["a=nan"], "finite"),
        (["a=inf"], "finite"),
        (["1a=2"], "Python name"),
        (["exp=2"], "Value method"),
    ],
)
def test_parse_assignments_refuses_bad_pairs(pairs, message):
    with pytest.raises(ExpressionError, match=message):
        parse_assignments(pairs)


@pytest.mark.parametrize(
    "pairs",
    [["\x1b[2J=x"], ["\x1b[31mred=inf"], ["\x1b[31m=1", "\x1b[31m=2"], ["a\u202eb=x"], ["\ud800=x"], ["a\nb=1e999"]],
)
def test_a_refused_name_is_printed_escaped(pairs):
    """(Before, "needs a number", "set twice" and "must be a finite number" printed the name as typed: a terminal
    ran its escape codes, and a lone surrogate could not be printed at all.)"""
    with pytest.raises(ExpressionError) as refused:
        parse_assignments(pairs)
    assert str(refused.value).isprintable() and str(refused.value).isascii()
    assert "Python name" in str(refused.value)
