"""The Value engine: every op against central differences, the lecture's worked examples, and bad input."""

import math
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lecture import lecture_example

from micrograd_lesson import Value, topological_order, total
from micrograd_lesson.examples import LECTURE_NEURON_INPUTS
from micrograd_lesson.testing import check_grad, floats

# --- every op against the numerical gradient, inside its honest domain ------------------------------

away_from_zero = floats(-5, 5).filter(lambda x: abs(x) > 0.1)
positive = floats(0.1, 5)


@given(floats(-5, 5), floats(-5, 5))
def test_add_sub_mul_match_numerical_gradient(a, b):
    check_grad(lambda x, y: x + y, a, b)
    check_grad(lambda x, y: x - y, a, b)
    check_grad(lambda x, y: x * y, a, b)


@given(floats(-5, 5), away_from_zero)
def test_division_matches_numerical_gradient(a, b):
    check_grad(lambda x, y: x / y, a, b)


@given(floats(-5, 5), floats(-5, 5), away_from_zero)
def test_reflected_forms_match_numerical_gradient(a, k, nonzero):
    check_grad(lambda x: k + x, a)
    check_grad(lambda x: k - x, a)
    check_grad(lambda x: k * x, a)
    check_grad(lambda x: k / x, nonzero)
    check_grad(lambda x: -x, a)


@given(floats(-3, 3), st.sampled_from([0, 1, 2, 3, -1, -2]))
def test_integer_powers_match_numerical_gradient(a, n):
    if n < 0 and abs(a) < 0.1:
        a = 0.5
    check_grad(lambda x: x**n, a)


@given(positive, floats(-2.5, 2.5))
def test_real_and_value_exponents_match_numerical_gradient(a, n):
    check_grad(lambda x: x**n, a)
    check_grad(lambda x, y: x**y, a, n)
    check_grad(lambda y: 2**y, n)


@given(floats(-5, 5))
def test_exp_tanh_sin_sigmoid_match_numerical_gradient(a):
    check_grad(lambda x: x.exp(), a)
    check_grad(lambda x: x.tanh(), a)
    check_grad(lambda x: x.sin(), a)
    check_grad(lambda x: x.sigmoid(), a)


@given(positive)
def test_log_matches_numerical_gradient(a):
    check_grad(lambda x: x.log(), a)


@given(floats(-5, 5).filter(lambda x: abs(x) > 1e-3))
def test_relu_matches_numerical_gradient_away_from_its_kink(a):
    check_grad(lambda x: x.relu(), a)


def test_relu_slope_at_zero_is_zero_like_micrograd():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


@given(st.lists(floats(-5, 5), min_size=1, max_size=6))
def test_total_matches_numerical_gradient(xs):
    check_grad(lambda *vs: total(vs), *xs)
    check_grad(lambda *vs: total([*vs, *vs]).tanh(), *xs)  # each value twice: its grad adds up over both edges


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=8))
def test_total_equals_chained_plus_bit_for_bit(xs):
    values = [Value(x) for x in xs]
    try:
        chained = values[0]
        for v in values[1:]:
            chained = chained + v
    except OverflowError:  # a partial sum left the floats: then total must refuse too
        with pytest.raises(OverflowError):
            total(values)
        return
    assert total(values).data == chained.data and total(xs).data == chained.data


def test_total_is_one_plus_node_with_a_local_derivative_of_one_per_term():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = total([a, b, 0.5, c])
    assert (out.data, out._op, out._prev[:2], out._prev[3]) == (6.5, "+", (a, b), c)
    assert out._local_grads == (1.0, 1.0, 1.0, 1.0) and out._prev[2].data == 0.5
    assert total([a])._prev == (a,) and total(iter([a, b])).data == 3.0
    total([a, a, b]).backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


def test_total_refuses_bad_input_clearly():
    with pytest.raises(ValueError, match="at least one value"):
        total([])
    with pytest.raises(TypeError, match=r"a list of values to add up, got Value: Value\(data=1.0"):
        total(Value(1.0))
    with pytest.raises(TypeError, match="str"):
        total([Value(1.0), "2"])
    with pytest.raises(OverflowError, match=r"\+ overflowed to inf"):
        total([1e308, 1e308, -1e308])


# --- the lecture's worked examples, exact ------------------------------------------------------------


def test_lecture_expression_L():
    L, v = lecture_example()
    assert (v["e"].data, v["d"].data, L.data) == (-6.0, 4.0, -8.0)
    L.backward()
    assert [v[k].grad for k in "Ldfecab"] == [1.0, -2.0, 4.0, -2.0, -2.0, 6.0, -4.0]


def lecture_neuron(activation):
    x1, x2, w1, w2, b = (Value(x, label=name) for name, x in LECTURE_NEURON_INPUTS.items())
    n = x1 * w1 + x2 * w2 + b
    return activation(n), (x1, x2, w1, w2, b)


def tanh_from_exp(n):
    e = (2 * n).exp()
    return (e - 1) / (e + 1)


def lecture_tanh(self: Value) -> Value:
    """tanh written as in the lecture: the result, then a closure that adds its share into the parent."""
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


@pytest.mark.parametrize(
    "activation", [lambda n: n.tanh(), tanh_from_exp, lecture_tanh], ids=["tanh", "exp", "the lecture's closure"]
)
def test_lecture_tanh_neuron(activation):
    o, (x1, x2, w1, w2, b) = lecture_neuron(activation)
    assert o.data == pytest.approx(math.sqrt(0.5), rel=1e-12)
    o.backward()
    expected = {"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}
    for leaf in (x1, x2, w1, w2, b):
        assert leaf.grad == pytest.approx(expected[leaf.label], rel=1e-12, abs=1e-15), leaf.label


def test_manual_backward_replay_matches_backward():
    o, leaves = lecture_neuron(lambda n: n.tanh())
    o.backward()
    automatic = [leaf.grad for leaf in leaves]
    o.zero_grad()
    assert all(leaf.grad == 0.0 for leaf in leaves)
    o.grad = 1.0  # as in the lecture: seed the output, then call _backward node by node, output first
    for node in reversed(topological_order(o)):
        node._backward()
    assert [leaf.grad for leaf in leaves] == automatic


def test_backward_step_by_step_moves_one_node_only():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    out = c.tanh()
    out.grad = 1.0
    out._backward()
    assert c.grad == pytest.approx(1 - math.tanh(-6.0) ** 2)
    assert (a.grad, b.grad) == (0.0, 0.0)
    c._backward()
    assert (a.grad, b.grad) == (c.grad * -3.0, c.grad * 2.0)


# --- shared nodes, diamonds, accumulation ------------------------------------------------------------


def test_reused_value_accumulates_its_gradient():
    a = Value(-3.0)
    b = a + a
    assert b._prev == (a, a)
    b.backward()
    assert a.grad == 2.0
    a.grad = 0.0
    c = b * b  # c = 4a**2, dc/da = 8a
    c.backward()
    assert a.grad == 8 * -3.0


def test_diamond_gets_both_paths():
    x = Value(1.5)
    left, right = x * 2.0, x.exp()
    top = left * right  # d/dx (2x e^x) = 2e^x + 2x e^x
    top.backward()
    assert x.grad == pytest.approx(2 * math.exp(1.5) * (1 + 1.5), rel=1e-14)


def test_backward_twice_doubles_leaf_gradients_like_pytorch():
    a, b, f = Value(2.0), Value(-3.0), Value(-2.0)
    L = (a * b + 10.0) * f
    L.backward()
    first = (a.grad, b.grad, f.grad)
    L.backward()
    assert (a.grad, b.grad, f.grad) == tuple(2 * g for g in first)


def test_two_outputs_sharing_a_subgraph_accumulate_into_the_leaves():
    x = Value(3.0)
    shared = x * x
    (shared + 1.0).backward()
    (shared * 2.0).backward()
    assert x.grad == 2 * 3.0 + 4 * 3.0


def test_zero_grad_clears_the_whole_graph():
    a, b = Value(1.0), Value(2.0)
    out = (a * b).tanh()
    out.backward()
    out.zero_grad()
    assert all(node.grad == 0.0 for node in topological_order(out))


def test_backward_on_a_leaf_seeds_it_with_one():
    a = Value(4.0)
    a.backward()
    assert a.grad == 1.0


def test_topological_order_puts_parents_first_and_is_deterministic():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order == [a, b, c, d, e]
    assert order == topological_order(e)
    assert len(order) == len(set(map(id, order)))


def test_a_chain_far_deeper_than_the_recursion_limit():
    """No recursion limit: a recursive sort stops at the limit's depth (micrograd's at 1,000 levels). 100,000
    levels, ten times the highest limit allowed here, prove it as well as a million (benchmarks/bench.py runs one)."""
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.5)
    y = x
    for _ in range(100_000):  # one op a level: a second (+ 0.0) only made the chain dearer to build and walk
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    del y  # freeing a chain this deep must not overflow the C stack either


# --- attributes, construction, repr ------------------------------------------------------------------


def test_learner_attributes():
    a, b = Value(2, label="a"), Value(True)
    assert (a.data, b.data, a.grad) == (2.0, 1.0, 0.0)
    assert type(a.data) is float
    e = a * b
    e.label = "e"
    assert (e._op, e._prev, e.label) == ("*", (a, b), "e")
    assert (a + 1)._op == "+" and a.tanh()._op == "tanh" and a.exp()._op == "exp"
    assert Value(Fraction(1, 4)).data == 0.25


def test_repr_like_micrograd():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(-1.5, label="x")) == "Value(data=-1.5, grad=0.0, label='x')"


def test_identity_semantics():
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2


def test_every_op_accepts_numbers_on_either_side():
    v = Value(2.0)
    assert [(v + 1).data, (1 + v).data, (v - 1).data, (1 - v).data] == [3.0, 3.0, 1.0, -1.0]
    assert [(v * 3).data, (3 * v).data, (v / 4).data, (4 / v).data] == [6.0, 6.0, 0.5, 2.0]
    assert [(v**3).data, (3**v).data, (v ** Value(2.0)).data, (-v).data] == [8.0, 9.0, 4.0, -2.0]
    assert sum([v, v, v]).data == 6.0


def test_sigmoid_and_tanh_never_overflow():
    assert Value(-1000).sigmoid().data == 0.0
    assert Value(1000).sigmoid().data == 1.0
    assert Value(-1000).tanh().data == -1.0
    big = Value(-1000.0)
    big.sigmoid().backward()
    assert big.grad == 0.0


# --- bad input gets a clear error --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, name",
    [("2", "str"), (None, "NoneType"), (1 + 2j, "complex"), ([1.0], "list"), (Value(1.0), "Value")],
)
def test_non_numbers_are_refused_by_type(bad, name):
    with pytest.raises(TypeError, match=name):
        Value(bad)
    if not isinstance(bad, Value):
        with pytest.raises(TypeError, match=name):
            Value(1.0) + bad


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Value(-2.0, label="x").log(), ValueError, r"log\(\) needs a positive input, got -2.0 \(label 'x'\)"),
        (lambda: Value(0.0).log(), ValueError, r"log\(\) needs a positive input, got 0.0"),
        (lambda: Value(1.0) / Value(0.0, label="d"), ZeroDivisionError, r"/ divides by zero: 1.0 / 0.0 \(label 'd'\)"),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, "divides by zero"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"zero to a negative power: 0.0 \*\* -1.0"),
        (lambda: Value(-8.0) ** 0.5, ValueError, r"integer power of a negative base, got -8.0 \*\* 0.5"),
        (lambda: Value(0.0) ** 0.5, ZeroDivisionError, r"no finite value or slope at 0.0 \*\* 0.5"),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, r"Value exponent needs a base > 0 .*, got -2.0 \*\* 2.0"),
        (lambda: (-2) ** Value(2.0), ValueError, r"Value exponent needs a base > 0 .*, got -2.0 \*\* 2.0"),
        (lambda: Value(0.0) ** Value(0.0), ValueError, r"Value exponent needs a base > 0 .*, got 0.0 \*\* 0.0"),
        (lambda: Value(10**400), ValueError, r"finite number, got 10000000000000000000\.\.\. \(too large"),
        (lambda: Value(10.0) ** 400, OverflowError, r"\*\* has no finite value"),
        (lambda: Value(1000.0, label="big").exp(), OverflowError, r"exp\(\) overflows for 1000.0 \(label 'big'\)"),
        (lambda: Value(1e308) * 10, OverflowError, r"\* overflowed to inf \(operands 1e\+308, 10.0\)"),
        (lambda: Value(1.0) / 1e-320, OverflowError, r"/ has an infinite slope"),
        (lambda: Value(5e-324).log(), OverflowError, r"log has an infinite slope"),
    ],
)
def test_bad_operations_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_gradient_overflow_in_backward_is_an_error_not_a_silent_inf():
    c = Value(1e-300)
    d = (c * 1e300) * 1e300  # forward is fine (1e300), but dd/dc = 1e600 does not fit in a float
    with pytest.raises(OverflowError, match="backward"):
        d.backward()


def test_nan_set_by_hand_is_named_when_an_op_meets_it():
    x = Value(1.0, label="x")
    x.data = math.nan  # .data is a plain attribute: nothing stops this, but the next op says what happened
    with pytest.raises(ValueError, match=r"\+ needs finite data, got nan \(label 'x'\): was .data set to it by hand\?"):
        x + 1.0


def test_zero_to_a_positive_value_power_has_a_zero_exponent_slope():
    base, power = Value(0.0), Value(2.0)
    (base**power).backward()
    assert (base.grad, power.grad) == (0.0, 0.0)


def test_parents_need_one_local_derivative_each():
    with pytest.raises(ValueError, match="one local derivative per parent"):
        Value(1.0, (Value(1.0),), "f", "", (1.0, 2.0))


def test_a_node_with_neither_local_derivatives_nor_a_backward_is_named_when_backward_reaches_it():
    w = Value(0.5, label="w")
    w.grad = 0.25
    f = Value(2 * w.data, (w,), "twice", label="f")  # made the lecture's way, but its _backward was never given
    with pytest.raises(
        ValueError,
        match=r"backward\(\) reached Value\(data=1.0.*label='f'\), made by hand .* "
        r"neither local derivatives nor a _backward",
    ):
        (f * 3.0).backward()
    assert w.grad == 0.25  # nothing half-done


def test_parents_in_a_set_cannot_be_paired_with_local_derivatives():
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(TypeError, match=r"came as a set, which has no order.*pass the parents as a tuple"):
        Value(6.0, {a, b}, "*", "", (3.0, 2.0))
    out = Value(6.0, {a, b}, "*")  # the lecture's way: its own _backward knows which parent is which
    assert set(out.parents) == {a, b} and out.local_grads is None


# --- what the lecture's and the peers' code does to a Value ------------------------------------------------


def test_a_closure_node_has_no_local_derivatives_and_is_not_an_engine_op():
    o, _ = lecture_neuron(lecture_tanh)
    assert (o.local_grads, o.builtin, o.op) == (None, False, "tanh")


def test_values_made_with_the_constructor_take_attributes_of_their_own():
    p = Value(0.5)
    p.m, p.v, p._vis_color = 0.0, 0.0, "lightblue"  # as EurekaLabs' optimizer and drawing code do
    assert (p.m, p.v, p._vis_color) == (0.0, 0.0, "lightblue")
    out = p * 2.0
    out.label = "out"  # the lecture labels op results too
    assert out.label == "out" and p.label == ""


# --- the graph protocol: what drawings, stepping and a learner's own tools read ------------------------


def test_a_node_tells_its_parents_local_derivatives_and_op_in_operand_order():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b
    assert (out.parents, out.local_grads, out.op, out.builtin) == ((a, b), (-3.0, 2.0), "*", True)
    assert (out._prev, out._op) == (out.parents, out.op)  # micrograd's names for the same things
    assert (a.parents, a.local_grads, a.op, a.builtin) == ((), (), "", False)
    assert ((a + a).parents, (-a).parents, (-a).local_grads) == ((a, a), (a,), (-1.0,))


def test_a_learners_node_named_tanh_is_not_the_engines_tanh():
    x = Value(0.5)
    t = math.tanh(x.data)
    hand_made = Value(t, (x,), "tanh", "", (1 - t * t,))
    engines = x.tanh()
    assert hand_made.op == engines.op == "tanh"
    assert hand_made.local_grads == engines.local_grads
    assert (hand_made.builtin, engines.builtin) == (False, True)


def test_importing_value_loads_no_drawing_code_and_draw_dot_still_imports():
    probe = (
        "import sys; from micrograd_lesson import Value; "
        "print(sorted(m for m in sys.modules if m.startswith(('graphviz', 'micrograd_lesson.viz')))); "
        "from micrograd_lesson import draw_dot; print(draw_dot.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "micrograd_lesson.viz.dot"]


def test_sin_and_its_slope_cos():
    a = Value(0.5)
    b = a.sin()
    b.backward()
    assert (b.data, a.grad) == (math.sin(0.5), math.cos(0.5))  # d(sin a)/da = cos a
    a.data = math.inf  # sin(inf) is no number: set by hand, it is refused by name
    with pytest.raises(ValueError, match=r"sin\(\) needs finite data"):
        a.sin()
