"""What the engine's speed machinery (_fast.py) must not change: graph order, results, errors, the collector's state."""

import gc
import itertools
import math
import struct
import threading
from operator import add, mul, sub

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from interrupting import ctrl_c_during_run, interrupt_at_line

from micrograd_lesson import (
    MLP,
    TrainingLoop,
    Value,
    engine,
    optim,
    paused_collector,
    topological_order,
    total,
    training,
)
from micrograd_lesson.backprop import backward_steps
from micrograd_lesson.engine import Sum
from micrograd_lesson.testing import expressions


def recursive_order(root: Value) -> list[Value]:
    """The textbook topological sort (micrograd's build_topo): the order the iterative one must match."""
    order, visited = [], set()

    def visit(node: Value) -> None:
        if node not in visited:
            visited.add(node)
            for parent in node._prev:
                visit(parent)
            order.append(node)

    visit(root)
    return order


@settings(max_examples=60)
@given(expressions(max_inputs=3, max_steps=12))
def test_topological_order_is_the_recursive_depth_first_order(expression):
    out = expression(*expression.inputs)
    assert topological_order(out) == recursive_order(out)


def test_topological_order_puts_a_parent_reached_twice_before_both_children():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + b  # b is a parent of c and of d
    e = d * c
    assert topological_order(e) == [a, b, c, d, e]


@pytest.mark.parametrize("enabled", [True, False])
def test_backward_leaves_the_garbage_collector_as_it_found_it(enabled):
    x = Value(0.5)
    out = (x * x).tanh() + x
    was_enabled = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        out.backward()
        assert gc.isenabled() is enabled
        with pytest.raises(OverflowError):
            ((Value(1e-300) * 1e300) * 1e300).backward()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_gradient_overflow_names_the_first_node_in_order():
    c = Value(1e-300, label="c")
    d = (c * 1e300) * 1e300
    with pytest.raises(OverflowError, match=r"the gradient of 1e-300 \(label 'c'\) is inf"):
        d.backward()


def test_an_overflow_is_named_where_it_began_even_when_it_reaches_the_leaves_as_nan():
    a = Value(-1.0, label="a")
    r = a.relu()  # its local derivative is 0: r's infinite grad reaches a as 0 * inf = nan
    out = (r * 1e300) * 1e300
    with pytest.raises(OverflowError, match=r"the gradient of 0.0, made by ReLU, is inf"):
        out.backward()
    assert math.isinf(r.grad) and a.grad == 0.0  # the leaf's nan is not left behind


def test_an_overflow_that_reaches_no_leaf_is_not_an_error():
    class Detach(Value):  # passes no gradient back: the inf stays on this node, never reaches a leaf
        __slots__ = ()

        def _backward(self) -> None:
            pass

    x = Value(1e-300)
    d = Detach(x.data, (x,), "detach", "", (1.0,))
    out = (d * 1e300) * 1e300
    out.backward()  # every leaf's gradient is finite: the one that matters, as in PyTorch
    assert x.grad == 0.0 and math.isinf(d.grad)


def test_a_failed_backward_leaves_no_inf_in_the_leaves_for_a_later_backward():
    w = Value(1e-300, label="w")
    w.grad = 0.25  # accumulated by an earlier backward()
    with pytest.raises(OverflowError, match=r"the gradient of 1e-300 \(label 'w'\) is inf"):
        ((w * 1e300) * 1e300).backward()
    assert w.grad == 0.25  # as it was before the failed call
    (w * 2.0).backward()  # an unrelated graph on the same leaf works
    assert w.grad == 2.25


def test_backward_steps_put_the_leaves_back_when_a_gradient_overflows():
    w = Value(1e-300, label="w")
    with pytest.raises(OverflowError, match=r"the gradient of 1e-300 \(label 'w'\) is inf"):
        list(backward_steps((w * 1e300) * 1e300))
    assert w.grad == 0.0


def test_op_results_are_plain_values_with_float_data():
    a = Value(2.0)
    a.data = 3  # a learner may store an int; results are still floats, as Value(...) would make them
    for out in (a * a, a + 1, a - 1, a / 2, a**2, -a, a.relu(), a.tanh(), a.exp(), a.log(), a.sigmoid()):
        assert isinstance(out, Value) and out.builtin and type(out.data) is float
        assert out.grad == 0.0 and out.label == "" and len(out._prev) == len(out._local_grads)


def test_relu_local_derivatives_are_one_above_zero_and_zero_elsewhere():
    assert [Value(x).relu()._local_grads for x in (2.0, 0.0, -2.0)] == [(1.0,), (0.0,), (0.0,)]
    assert [Value(x).relu().data for x in (2.0, 0.0, -2.0)] == [2.0, 0.0, 0.0]


def test_an_op_that_overflows_still_names_its_operands():
    with pytest.raises(OverflowError, match=r"\+ overflowed to inf \(operands 1e\+308, 1e\+308\)"):
        Value(1e308) + Value(1e308)


def test_paused_collector_pauses_inside_and_restores_even_on_error():
    from micrograd_lesson import paused_collector

    was_enabled = gc.isenabled()
    try:
        gc.enable()
        with pytest.raises(RuntimeError), paused_collector():
            assert not gc.isenabled()
            raise RuntimeError("a failing training step")
        assert gc.isenabled()
        gc.disable()
        with paused_collector():
            pass
        assert not gc.isenabled()  # left off, as it was found
    finally:
        gc.enable() if was_enabled else gc.disable()


@pytest.fixture
def collector_on():
    """The collector on for the test, and as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was_enabled else gc.disable()


def test_paused_collector_blocks_nest(collector_on):
    with paused_collector():
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block is still open
    assert gc.isenabled()


def test_paused_collector_stays_off_until_the_last_thread_closes_its_block(collector_on):
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with paused_collector():
            first_in.set()
            second_in.wait()
        first_out.set()

    def second():
        first_in.wait()
        with paused_collector():
            second_in.set()
            first_out.wait()
            seen["while the second is still open"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"while the second is still open": False}
    assert gc.isenabled()


def test_a_block_opened_while_the_last_one_turns_the_collector_back_on_leaves_it_on(collector_on, monkeypatch):
    """The race a reviewer found: thread B opens a block right after thread A's last block turns the collector
    on, and before A has noted that it did. B must still turn it back on when it closes."""
    from types import SimpleNamespace

    from micrograd_lesson import _fast

    b_in, b_may_leave = threading.Event(), threading.Event()

    def second():
        with paused_collector():
            b_in.set()
            b_may_leave.wait()

    b = threading.Thread(target=second)

    def enable_then_let_b_in():
        gc.enable()
        if not b.is_alive() and not b_in.is_set():  # the first time only: B opens its block right here
            b.start()
            b_in.wait()

    monkeypatch.setattr(
        _fast, "gc", SimpleNamespace(isenabled=gc.isenabled, disable=gc.disable, enable=enable_then_let_b_in)
    )
    with paused_collector():  # A
        pass
    b_may_leave.set()
    b.join()
    assert gc.isenabled()


def test_many_threads_training_at_once_leave_the_collector_on(collector_on):
    def train():
        model = MLP(2, [3, 1], seed=1)
        loop = TrainingLoop(model, [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0])
        loop.run(20, progress=False)
        for _ in range(20):
            (model([0.5, 0.5]) * 2.0).backward()

    threads = [threading.Thread(target=train) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_an_interrupt_at_any_line_of_a_training_step_leaves_the_collector_on(collector_on):
    for k in itertools.count(1):  # Ctrl-C at the first line run, then the second, ... until a loop finishes
        loop = TrainingLoop(MLP(2, [2, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0])
        try:
            with interrupt_at_line(k, training, optim, engine):
                for _ in range(5):  # one whole loop: forward, loss, backward, update, repeat
                    loop.step()
        except KeyboardInterrupt:
            assert gc.isenabled(), f"interrupted at line {k}"
        else:
            break
    assert k > 50 and gc.isenabled()


def test_a_real_ctrl_c_during_training_leaves_the_collector_on(collector_on):
    loop = TrainingLoop(MLP(2, [8, 8, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]] * 10, [1.0, -1.0] * 10)

    ctrl_c_during_run(loop, 1, 100_000)
    assert gc.isenabled()


def test_a_dropped_graph_is_freed_at_once_without_the_cyclic_collector():
    # A node points only to its parents (no closure pointing back at it), so a graph has no reference
    # cycle: reference counting frees it the moment the last name for it goes away.
    def live_values() -> int:
        return sum(isinstance(o, Value) for o in gc.get_objects())

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = live_values()
        x = Value(0.5)
        out = total([(x * x).tanh(), x / 2.0, x**2.0, (-x).exp(), x.relu().sigmoid()])
        out.backward()
        assert live_values() > before
        del x, out
        assert live_values() == before
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_a_hand_made_value_takes_at_most_two_parents_and_total_adds_up_more():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = Value(6.0, (a, b), "f", "", (2, 3))
    assert (out._prev, out._local_grads) == ((a, b), (2.0, 3.0))
    assert (Value(1.0, (a,), "g", "", (1.0,))._prev, Value(1.0)._prev, Value(1.0)._local_grads) == ((a,), (), ())
    with pytest.raises(ValueError, match=r"at most two parents, got 3; total\(\) adds up many"):
        Value(6.0, (a, b, c), "+", "", (1.0, 1.0, 1.0))
    with pytest.raises(TypeError, match=r"parents must be Values, got \(Value\(data=1.0, grad=0.0\), 2.0\)"):
        Value(3.0, (a, 2.0), "+", "", (1.0, 1.0))
    with pytest.raises(TypeError, match=r"parents must be Values, got \(2.0,\)"):
        Value(math.inf, (2.0,), "f", "", (1.0,))  # the parents are checked before the data that names them
    assert [type(d) for d in out._local_grads] == [float, float]
    for bad, error in (("2", TypeError), (a, TypeError), (math.inf, ValueError), (math.nan, ValueError)):
        with pytest.raises(error, match="a local derivative must be"):
            Value(1.0, (a,), "f", "", (bad,))


def test_total_makes_one_plus_node_of_all_its_terms_and_adds_ints_as_floats():
    with pytest.raises(TypeError, match=r"made by total\(\[a, b, c, ...\]\)"):
        Sum(1.0)
    a = Value(1.0)
    a.data = 3  # a learner may store an int
    s = total([a, a])  # 3 + 3 is the int 6: total must still make its '+' node with float data
    assert (s.op, s.parents, s.local_grads, s.builtin) == ("+", (a, a), (1.0, 1.0), True)
    assert type(s.data) is float and s.data == 6.0
    s.backward()
    assert a.grad == 2.0


def test_topological_order_of_hand_made_nodes_and_subclasses_is_the_recursive_order():
    class Named(Value):  # a learner's own subclass: its nodes take the general path of the search
        __slots__ = ()

    a, b = Named(1.0), Value(2.0)
    c = Value(3.0, (a, b), "", "", (1.0, 1.0))  # a parent but no op name
    d = Named(4.0, (c, a), "g", "", (1.0, 1.0))
    e = total([d, c, b, d * a])
    assert topological_order(e) == recursive_order(e) == [a, b, c, d, e._prev[3], e]


class Slotted(Value):  # a learner's own subclasses: one with slots, one with a __dict__
    __slots__ = ()


class WithDict(Value):
    pass


@st.composite
def mixed_graphs(draw):
    """Random graphs of ops, total() sums (repeated terms too), hand-made nodes and subclasses; the last node."""
    classes = (Value, Slotted, WithDict)
    nodes = [draw(st.sampled_from(classes))(draw(st.floats(-2, 2))) for _ in range(draw(st.integers(1, 3)))]

    def pick() -> Value:  # a node made so far: an index from a strategy hypothesis keeps (a new .map() each time,
        return nodes[draw(st.integers(0, len(nodes) - 1))]  # checked anew at every draw, made drawing the cost)

    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["op", "const", "unary", "total", "hand", "leaf"]))
        if kind == "op":
            a, b, op = pick(), pick(), draw(st.sampled_from(["+", "-", "*"]))
            node = a + b if op == "+" else a - b if op == "-" else a * b
        elif kind == "const":
            a, c, op = pick(), draw(st.sampled_from([2, 0.5, -1.0, 0])), draw(st.sampled_from([add, mul, sub]))
            node = op(c, a) if draw(st.booleans()) else op(a, c)  # c + a is a.__radd__(c)
        elif kind == "unary":
            node = getattr(pick(), draw(st.sampled_from(["__neg__", "relu", "tanh", "sigmoid"])))()
        elif kind == "total":
            node = total([pick() for _ in range(draw(st.integers(1, 5)))])
        elif kind == "hand":
            parents = [pick() for _ in range(draw(st.integers(0, 2)))]
            local_grads = [draw(st.sampled_from([1.0, 0.5, -2.0, 0.0, 3])) for _ in parents]
            node = draw(st.sampled_from(classes))(0.5 * sum(p.data for p in parents), parents, "f", "", local_grads)
        else:
            node = draw(st.sampled_from(classes))(draw(st.floats(-1, 1)))
        assume(abs(node.data) < 1e100)  # products of products can grow without bound
        nodes.append(node)
    for node in nodes:  # leaves may hold grads from before; computed nodes must not matter
        node.grad = draw(st.sampled_from([0.0, 1.5, -0.0]))
    return nodes[draw(st.integers(0, len(nodes) - 1))]


def textbook_grads(root: Value) -> dict[Value, float]:
    """What backward() must leave: recursive order, computed grads from 0, leaves keep theirs, chain rule by _prev."""
    order = recursive_order(root)
    grads = {node: 0.0 if node._prev else node.grad for node in order}
    grads[root] += 1.0
    for node in reversed(order):
        for parent, local in zip(node._prev, node._local_grads):
            grads[parent] += local * grads[node]
    return grads


@settings(max_examples=200, deadline=None)
@given(mixed_graphs())
def test_order_and_gradients_on_mixed_graphs_are_the_textbook_ones_to_the_bit(root):
    order = topological_order(root)
    assert order == recursive_order(root)
    start = [node.grad for node in order]
    for run_backward in (Value.backward, lambda root: list(backward_steps(root))):
        for node, grad in zip(order, start):
            node.grad = grad
        for _ in range(2):  # twice: leaves accumulate, computed nodes start fresh
            expected = textbook_grads(root)
            run_backward(root)
            assert [bits(node.grad) for node in order] == [bits(expected[node]) for node in order]
    root.zero_grad()
    assert all(node.grad == 0.0 for node in order)


def bits(x: float) -> bytes:
    """x's 8 bytes: equal exactly when two floats are the same to the bit (0.0 and -0.0 differ)."""
    return struct.pack("<d", x)
