"""Code from outside the project (micrograd forks' tests, lecture exercises, learners' notebooks) runs as written."""

import array
import copy
import pickle

import pytest

from micrograd_lesson import MLP, Neuron, Value, total

# --- inputs: any sequence of numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "x",
    [b"\x01\x02", memoryview(b"\x01\x02"), bytearray(b"\x01\x02"), array.array("d", [1.0, 2.0]), range(1, 3)],
    ids=lambda x: type(x).__name__,
)
def test_a_network_takes_any_sequence_of_numbers(x):
    neuron, model = Neuron(2, seed=1), MLP(2, [3, 1], seed=1)
    assert neuron(x).data == neuron([1.0, 2.0]).data
    assert model(x).data == model([1.0, 2.0]).data


@pytest.mark.parametrize(
    ("x", "said"),
    [("12", "str"), ((v for v in (1.0, 2.0)), "read only once"), (iter([1.0, 2.0]), "read only once")],
    ids=["str", "generator", "iterator"],
)
def test_a_network_refuses_a_str_a_generator_and_an_iterator(x, said):
    with pytest.raises(TypeError, match=said):
        Neuron(2, seed=1)(x)


# --- vars(), copy, deepcopy, pickle ----------------------------------------------------------------------


def test_vars_shows_the_fields_of_a_leaf_and_of_an_op_result():
    a = Value(2.0, label="a")
    a.m = 0.5  # an attribute of your own
    out = a * 3.0
    assert vars(a) == {"data": 2.0, "grad": 0.0, "_prev": (), "_op": "", "label": "a", "m": 0.5}
    assert vars(out)["data"] == 6.0 and vars(out)["_prev"] == (a, out._prev[1]) and vars(out)["_op"] == "*"
    assert out.__dict__ == vars(out)


def fields(v):
    """What makes two Values equal to a learner: their numbers, names and graph, down to the leaves."""
    return (v.data, v.grad, v.op, v.label, v.local_grads, v.constants, tuple(fields(p) for p in v.parents))


COPIES = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda x: pickle.loads(pickle.dumps(x)),
}


@pytest.mark.parametrize("how", COPIES)
def test_copies_of_values_equal_them(how):
    a = Value(2.0, label="a")
    a.m = 0.5
    out = (a * 3.0).tanh() + a**2
    out.label = "out"
    out.backward()
    for v in (a, out, total([a, out, 1.0]), a**2):
        twin = COPIES[how](v)
        assert type(twin) is type(v) and fields(twin) == fields(v)
    assert COPIES[how](a).m == 0.5


@pytest.mark.parametrize("how", COPIES)
def test_copies_of_a_network_compute_what_it_computes(how):
    model = MLP(2, [4, 1], seed=3)
    twin = COPIES[how](model)
    assert [p.data for p in twin.parameters()] == [p.data for p in model.parameters()]
    assert twin([0.5, -1.0]).data == model([0.5, -1.0]).data
    twin.parameters()[0].m = 1.0  # its parameters still take attributes of your own


# --- _prev ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["pop", "add", "remove"])
def test_prev_says_what_to_use_where_micrograds_set_had_a_method(method):
    c = Value(2.0) * Value(3.0)
    with pytest.raises(AttributeError, match=rf"_prev is a tuple here .* no {method}\(\); read node\._prev\[0\]"):
        getattr(c._prev, method)()
    assert c._prev == c.parents and set(c._prev) == set(c.parents)
