"""Numbers set by hand on .data: numpy scalars work as Python numbers do, and huge integers and non-numbers get
the package's own messages.

Setting .data keeps the number as a Python float, or says at once why it cannot: the ops compute on floats only.
"""

import numpy as np
import pytest

from micrograd_lesson import Value

OPS = {
    "v * 2": lambda v: v * 2,
    "2 * v": lambda v: 2 * v,
    "v + 1": lambda v: v + 1,
    "v - 1": lambda v: v - 1,
    "-v": lambda v: -v,
    "v / 2": lambda v: v / 2,
    "v ** 2": lambda v: v**2,
    "tanh": Value.tanh,
    "exp": Value.exp,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


def holding(data):
    """A leaf labelled 'v' whose .data was set by hand to data."""
    v = Value(1.0, label="v")
    v.data = data
    return v


# --- numpy scalars ------------------------------------------------------------------------------------

NUMPY = [np.float32(2.0), np.int64(3), np.float64(2.5), np.True_]


@pytest.mark.parametrize("x", NUMPY, ids=repr)
def test_a_numpy_scalar_makes_a_value_of_a_python_float(x):
    v = Value(x)
    assert type(v.data) is float and v.data == float(x)


@pytest.mark.parametrize(
    ("x", "op"),
    [(x, op) for x in NUMPY for op in OPS if not (x is np.True_ and op in ("-v", "sigmoid"))],  # see below
    ids=repr,
)
def test_a_numpy_scalar_set_on_data_gives_the_python_numbers_result(x, op):
    out = OPS[op](holding(x))
    assert type(out.data) is float and out.data == OPS[op](Value(float(x))).data


@pytest.mark.parametrize("op", ["-v", "sigmoid"])
def test_a_numpy_bool_set_on_data_can_be_negated(op):  # numpy refuses -np.True_
    assert OPS[op](holding(np.True_)).data == OPS[op](Value(1.0)).data


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # numpy's first try, then floats
def test_a_float32_set_on_data_is_computed_as_a_python_float():
    v = holding(np.float32(0.1))
    assert (v * 3).data == float(np.float32(0.1)) * 3.0  # numpy computes float32 * float in float32
    assert (holding(np.float32(3e38)) * 2).data == float(np.float32(3e38)) * 2.0  # float32 would overflow to inf


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_an_int64_set_on_data_never_wraps_around():
    v = holding(np.int64(2**62))
    assert (v + v).data == 2.0**63  # numpy's int64 wraps around to -2**63, with only a warning


@pytest.mark.parametrize("x", [np.float32(0.5), np.int64(3)], ids=repr)
def test_grads_stay_python_floats_when_data_is_a_numpy_scalar(x):
    v = holding(x)
    (v * v).backward()
    assert type(v.grad) is float and v.grad == 2 * float(x)


# --- huge integers --------------------------------------------------------------------------------------

HUGE = 10**400  # a Python int, exact, but far beyond a float


def test_a_huge_integer_is_refused_when_a_value_is_made():
    with pytest.raises(ValueError, match=r"too large for a float"):
        Value(HUGE)


@pytest.mark.parametrize("op", ["-v", "relu"])
def test_a_huge_integer_set_on_data_is_refused_by_the_ops_that_check_their_result(op):
    with pytest.raises(ValueError, match=r"too large for a float"):
        OPS[op](holding(HUGE))


@pytest.mark.parametrize("op", ["v * 2", "2 * v", "v + 1", "v - 1", "v / 2", "tanh", "log", "sigmoid"])
def test_a_huge_integer_set_on_data_is_refused_by_every_op(op):
    with pytest.raises(ValueError, match=r"too large for a float"):  # today: Python's bare OverflowError
        OPS[op](holding(HUGE))


# --- things that are not numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("data", ["3", None, [1.0]], ids=repr)
def test_a_non_number_set_on_data_is_refused_naming_the_value(data, op):
    with pytest.raises(TypeError, match=r"needs a (real )?number") as error:  # today: Python's own TypeError
        OPS[op](holding(data))
    assert "'v'" in str(error.value)  # the Value, by its label


@pytest.mark.parametrize("data", ["3", None, [1.0], HUGE], ids=repr)
def test_setting_data_to_what_is_not_a_real_number_is_refused_where_it_is_set(data):
    v = Value(1.0, label="v")
    with pytest.raises(
        (TypeError, ValueError), match=r"the \.data of the Value labelled 'v' needs a (real|finite) number"
    ):
        v.data = data  # before: accepted silently, refused by the next op
    assert v.data == 1.0  # unchanged


def test_an_op_result_takes_a_number_set_on_data_as_a_float():
    out = Value(1.0) + 1.0
    out.data = np.int64(3)
    assert type(out.data) is float and (out * 2).data == 6.0


def test_a_value_made_from_a_non_number_is_refused_saying_what_it_needs():
    with pytest.raises(TypeError, match=r"Value needs a real number \(int, float, bool\), got str: '3'"):
        Value("3")
