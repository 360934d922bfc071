"""The checks the package makes on what it is given, and the messages it gives back.

The lesson's modules call these by name (``_checks.finite_data(...)``), so ``engine.py`` reads as the
math and this module holds the "what was wrong, and what was expected" of each refusal. Checks that serve
one module only live beside it (the compiler's in compiled.py, the page's in app/requests.py). This module
imports nothing of the package: the engine hands it the Value class (``value_types``) as it loads.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from numbers import Real
from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without loading typing (and re) for `import Value`
if TYPE_CHECKING:
    from micrograd_lesson.engine import Value


# --- numbers anyone passes in -----------------------------------------------------------------------


def number(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    error: type[Exception] = ValueError,
) -> float:
    """value as a finite float between low and high, or error naming name, the bounds and what came instead."""
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if ok:
        try:
            x = float(value)
        except OverflowError:  # an int too large for a float
            ok = False
    ok = ok and math.isfinite(x)
    ok = ok and (x >= low if low_inclusive else x > low) and (x <= high if high_inclusive else x < high)
    if not ok:
        bounds = []
        if low > -math.inf:
            bounds.append(f"{'>=' if low_inclusive else '>'} {low:g}")
        if high < math.inf:
            bounds.append(f"{'<=' if high_inclusive else '<'} {high:g}")
        bound = f" {' and '.join(bounds)}" if bounds else ""
        raise error(f"{name} must be a finite number{bound}, got {shown(value)}")
    return x


def shown(value: object) -> str:
    """value for a message: its repr, cut short if huge, with its type when that is not a plain number."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text
    return f"{type(value).__name__}: {text}"


# --- a Value's data and its local derivatives ------------------------------------------------------


def describe(*values: Value, sep: str = ", ") -> str:
    """Operands for a message: '2.0 (label 'a'), -3.0'."""
    return sep.join(f"{v.data!r}" + (f" (label {v.label!r})" if v.label else "") for v in values)


def finite_data(data: object, op: str, operands: tuple[Value, ...]) -> float:
    """data as a finite float, or the error that names the number or the op and operands that made it."""
    if type(data) is not float:
        data = to_float(data)
    if not math.isfinite(data):
        for operand in operands:  # an operand set to inf or nan by hand, not an overflow of this op
            if isinstance(operand.data, float) and not math.isfinite(operand.data):
                raise _non_finite_by_hand(op, operand)
        if op and not math.isnan(data):
            raise OverflowError(f"{op} overflowed to {data} (operands {describe(*operands)})")
        if op:  # finite operands never give nan: one was set to nan or inf by hand
            raise ValueError(f"{op} gave nan from operands {describe(*operands)}: each needs finite data")
        raise ValueError(f"Value needs a finite number, got {data}")
    return data


def _non_finite_by_hand(op: str, x: Value) -> ValueError:
    """The error for an op that meets an inf or nan on x: no op makes one, so it was set on .data by hand."""
    return ValueError(f"{op} needs finite data, got {describe(x)}: was .data set to it by hand?")


def to_float(data: object, holder: str = "Value") -> float:
    """A real number as a Python float, or the error that says what holder (a Value, its .data) needs."""
    if hasattr(data, "data") and hasattr(data, "grad"):  # a Value given where its number belongs
        raise TypeError(f"{holder} needs a real number, got a Value ({data!r}); use it directly or pass its .data")
    if not isinstance(data, Real) and not _numpy_bool(data):
        raise TypeError(f"{holder} needs a real number (int, float, bool), got {type(data).__name__}: {data!r}")
    try:
        return float(data)
    except OverflowError:
        raise ValueError(f"{holder} needs a finite number, got {str(data)[:20]}... (too large for a float)") from None


def _numpy_bool(x: object) -> bool:
    """True for numpy's bool (np.True_): a number as Python's bool is, though not registered as a numbers.Real."""
    return type(x).__module__ == "numpy" and type(x).__name__ in ("bool", "bool_")  # bool_ before numpy 2


def finite_slopes(op: str, local_grads: tuple[float, ...], *operands: Value) -> tuple[float, ...]:
    """local_grads unchanged when all are finite, else the OverflowError naming op and its operands."""
    if not all(math.isfinite(g) for g in local_grads):
        raise OverflowError(f"{op} has an infinite slope at {describe(*operands)}")
    return local_grads


def nonzero_divisor(a: Value, b: Value) -> float:
    """b's data, once it is known to be finite and not zero; else the error naming both."""
    if finite_input("/", b) == 0.0:
        raise ZeroDivisionError(f"/ divides by zero: {describe(a, b, sep=' / ')}")
    return b.data


def real_power(base: Value, exponent: Value, exponent_is_value: bool) -> tuple[float, float]:
    """(a, n) for a ** n when it has a real value (and, for a Value exponent, a slope); else the error why not."""
    a, n = finite_input("**", base), finite_input("**", exponent)  # inf ** 0 would be 1
    if a == 0.0 and n < 0:
        raise ZeroDivisionError(f"** raises zero to a negative power: {describe(base, exponent, sep=' ** ')}")
    if a < 0.0 and n != int(n):
        raise ValueError(f"** needs an integer power of a negative base, got {describe(base, exponent, sep=' ** ')}")
    if exponent_is_value and (a < 0.0 or a == n == 0.0):  # the exponent's gradient needs log(a), or a**n jumps
        got = describe(base, exponent, sep=" ** ")
        raise ValueError(f"** with a Value exponent needs a base > 0 (or 0 to a power > 0), got {got}")
    return a, n


def positive_log_input(x: Value, data: float) -> float:
    """x's data when log() can take it (> 0), else the ValueError naming it."""
    if data <= 0.0:
        raise ValueError(f"log() needs a positive input, got {describe(x)}")
    return data


@contextmanager
def overflow(message: str) -> Iterator[None]:
    """Turn an OverflowError or ZeroDivisionError inside the block into one with message, of the same type."""
    try:
        yield
    except (OverflowError, ZeroDivisionError) as error:
        raise type(error)(message) from None


def terms(values: Iterable[Value | float], value_class: type[Value]) -> tuple[Value, ...]:
    """total()'s terms, each a value_class, or the error when values is not a non-empty list."""
    if type(values) is not list and not isinstance(values, Iterable):  # a list, the usual case, is not asked
        raise TypeError(f"total() needs a list of values to add up, got {type(values).__name__}: {values!r}")
    checked = tuple([term if isinstance(term, value_class) else value_class(term) for term in values])
    if not checked:
        raise ValueError("total() needs at least one value to add up, got none")
    return checked


@contextmanager
def finite_grads(order: list[Value], leaves: list[Value]) -> Iterator[None]:
    """Around backward()'s walk over order: when it fails on a node made by hand that cannot pass its grad on
    (no_backward), or leaves a leaf's grad not finite (finite_leaf_grads), put the leaves' grads back and raise the
    error naming the node."""
    before = [leaf.grad for leaf in leaves]
    try:
        yield
    except TypeError:  # a node made by hand with neither local derivatives nor a _backward
        no_backward(order, leaves, before)
        raise
    finite_leaf_grads(order, leaves, before)


def finite_leaf_grads(order: list[Value], leaves: list[Value], before: list[float]) -> None:
    """Nothing when every leaf's grad is finite; else put the leaves' grads back as before and raise the
    OverflowError naming the node where it began (an inf anywhere reaches the leaves as inf or nan)."""
    if all(map(math.isfinite, map(_grad, leaves))):  # one fast pass; the slow one names the culprit
        return
    node = next(node for node in reversed(order) if not math.isfinite(node.grad))  # backward reached it first
    made_by = f", made by {node._op}," if node._op else ""
    message = f"backward() overflowed: the gradient of {describe(node)}{made_by} is {node.grad}"
    for leaf, grad in zip(leaves, before):  # a later backward() must not trip over this one's inf
        leaf.grad = grad
    raise OverflowError(message)


_grad = attrgetter("grad")


def hand_made_parents(
    parents: object, local_grads: tuple, value_class: type[Value]
) -> tuple[tuple[Value, ...], tuple[float, ...] | None]:
    """A hand-made node's parents and local derivatives (None when the node brings its own _backward), checked."""
    if local_grads and isinstance(parents, (set, frozenset, dict)):
        raise TypeError(
            f"Value's parents came as a {type(parents).__name__}, which has no order, with local derivatives "
            f"to pair them with: pass the parents as a tuple in the order of the local derivatives, (a, b)"
        )
    parents = tuple(parents)
    if len(parents) > 2:
        raise ValueError(f"Value takes at most two parents, got {len(parents)}; total() adds up many values")
    if not all(isinstance(parent, value_class) for parent in parents):
        raise TypeError(f"Value's parents must be Values, got {parents!r}")
    if not local_grads:  # the lecture's way: the node's _backward, assigned after it is made, does the work
        return parents, None
    if len(parents) != len(local_grads):
        raise ValueError(
            f"Value with {len(parents)} parent(s) needs one local derivative per parent, got {len(local_grads)}"
        )
    for local in local_grads:
        if not isinstance(local, Real) or isinstance(local, bool):
            raise TypeError(f"a local derivative must be a number, got {type(local).__name__}: {local!r}")
        if not math.isfinite(local):
            raise ValueError(f"a local derivative must be finite, got {local!r}")
    return parents, tuple(float(local) for local in local_grads)


def no_backward(order: list[Value], leaves: list[Value], before: list[float]) -> None:
    """When backward() failed on a node made by hand with neither local derivatives nor a _backward: put the
    leaves' grads back and raise the error that names the node; otherwise nothing."""
    for node in order:
        if node._a is not None and node._da is None and "_backward" not in getattr(node, "__dict__", ()):
            for leaf, grad in zip(leaves, before):
                leaf.grad = grad
            raise ValueError(
                f"backward() reached {node!r}, made by hand with parents but with neither local derivatives "
                f"nor a _backward of its own: give it one, Value(data, parents, op, label, (d/da, d/db)), or "
                f"assign node._backward = a function that adds its share into each parent's grad"
            )


def hand_set_float(v: Value, number: object) -> float:
    """number, set on v.data by hand, as a Python float (a numpy scalar, an int), or the error naming v."""
    return to_float(number, f"the .data of {f'the Value labelled {v.label!r}' if v.label else repr(v)}")


def finite_input(op: str, x: Value) -> float:
    """x's data for op when it is finite, else the error: no op makes an inf or a nan, so it was set by hand."""
    data = x._data
    if not -math.inf < data < math.inf:
        raise _non_finite_by_hand(op, x)
    return data


# --- what the rest of the package is given: numbers, names, lists of inputs ---------------------------
#
# Where the package pairs or indexes what it is given (examples with their labels, inputs with their
# weights) it needs a list, a tuple or an array, and refuses a generator (it can be read only once) or a
# set (it has no order) rather than guess. Where it only goes through items once (total(), l2(), an
# optimizer's parameters) any iterable will do.

if TYPE_CHECKING:
    from collections.abc import Collection

value_types: tuple[type, ...] = ()  # (Value,), set by engine.py as it loads: this module imports nothing of it


def data_of(name: str, value: object, **bounds) -> float:
    """The number in value (a Value's data, or a number itself), checked as number() checks it."""
    return number(name, value.data if isinstance(value, value_types) else value, **bounds)


def whole(
    name: str, value: object, low: int | None = None, high: int | None = None, error: type[Exception] = ValueError
) -> int:
    """value as an int between low and high, or error naming name, the bounds and what came instead."""
    from numbers import Integral

    ok = isinstance(value, Integral) and not isinstance(value, bool)
    ok = ok and (low is None or value >= low) and (high is None or value <= high)
    if not ok:
        bounds = [f"{sign} {bound}" for sign, bound in ((">=", low), ("<=", high)) if bound is not None]
        bound = f" {' and '.join(bounds)}" if bounds else ""
        raise error(f"{name} must be a whole number{bound}, got {shown(value)}")
    return int(value)


def one_of(name: str, value: object, choices: Collection, error: type[Exception] = ValueError) -> None:
    """Nothing when value is one of choices, else error naming name, every choice and what came instead."""
    try:
        known = value in choices
    except TypeError:  # an unhashable value, such as a list, asked of a dict: not one of its keys
        known = False
    if not known:
        raise error(f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}")


def sequence(name: str, value: object) -> None:
    """Nothing when value is a list, tuple or array (an ordered collection with a length); else the TypeError."""
    if (isinstance(value, Sequence) and not isinstance(value, str)) or getattr(value, "ndim", 0) >= 1:
        return
    raise TypeError(f"{name} must be a list, tuple or array, got {_kind(value)}")


def _kind(value: object) -> str:
    """What came instead of a list, for a message: its type and repr, with the fix for a generator or a set."""
    import reprlib

    shown = f"{type(value).__name__}: {reprlib.repr(value)}"
    if isinstance(value, Iterator):
        return f"{shown} (it can be read only once: pass list(...) of it)"
    if isinstance(value, (set, frozenset)):
        return f"{shown} (a set has no order: pass a list)"
    return shown


def class_labels(name: str, y: Sequence, classes: int | None) -> None:
    """Nothing when y holds class labels: for one output (classes=None) all 0/1 or all -1/+1, else class indexes.

    Else the error naming the first label that does not fit, its position and what was expected."""
    if classes is not None:
        for i, label in enumerate(y):
            whole(f"{name}'s label at position {i}, a class index,", label, low=0, high=classes - 1)
        return
    seen: dict[int, int] = {}  # each label value met, and where first
    for i, label in enumerate(y):
        if isinstance(label, bool) or not isinstance(label, Real) or label not in (-1, 0, 1):
            raise ValueError(
                f"{name}'s label at position {i} must be 0 or 1 (or -1 or +1) for a model with one output, "
                f"got {shown(label)}"
            )
        seen.setdefault(int(label), i)
        if 0 in seen and -1 in seen:
            raise ValueError(
                f"{name}'s labels mix 0/1 and -1/+1: 0 at position {seen[0]}, -1 at position {seen[-1]}; use one style"
            )


def inputs(x: object, expected: int) -> None:
    """Nothing when x is a list (or any other sequence, or a 1-D array) of expected inputs, else the error saying
    what came: a str, a generator or an iterator is refused (read once, it would give the network no inputs)."""
    if type(x) is list and len(x) == expected:  # the usual case, answered first
        return
    import reprlib

    if isinstance(x, (*value_types, Real)):
        raise ValueError(f"expected a list of {expected} input(s), got a single number {x!r}")
    is_vector = getattr(x, "ndim", None) == 1  # a 1-D numpy array, e.g. a row of sklearn's make_moons
    if isinstance(x, str) or not (isinstance(x, Sequence) or is_vector):  # bytes, memoryview: numbers, as a list
        raise TypeError(f"expected a list of {expected} input number(s), got {_kind(x)}")
    if len(x) != expected:
        raise ValueError(f"expected {expected} input(s), got {len(x)}: {reprlib.repr(list(x))}")


def paired(name: str, items: object, labels: object, item: str, label: str) -> None:
    """Nothing when items and labels are lists (or tuples or arrays) with one label per item, at least one;
    else the error saying so."""
    if isinstance(items, (*value_types, Real)) or isinstance(labels, (*value_types, Real)):
        raise ValueError(f"{name} needs lists of {item}s and {label}s, one per example; got a single number")
    sequence(f"{name}'s {item}s", items)
    sequence(f"{name}'s {label}s", labels)
    if len(items) != len(labels) or len(items) == 0:
        raise ValueError(
            f"{name} needs one {label} per {item} and at least one: got {len(items)} {item}s, {len(labels)} {label}s"
        )
