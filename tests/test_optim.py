"""Optimizers: each update worked by hand, their state kept (and restorable) in the optimizer, bad settings refused."""

import itertools
import math

import pytest
from interrupting import interrupt_at_line

from micrograd_lesson import SGD, Adam, Value, optim


def params_with_grads(*pairs):
    params = []
    for data, grad in pairs:
        p = Value(data)
        p.grad = grad
        params.append(p)
    return params


def test_sgd_steps_against_the_gradient():
    a, b = params_with_grads((1.0, 0.5), (-2.0, -4.0))
    SGD([a, b], lr=0.25).step()
    assert (a.data, b.data) == (1.0 - 0.125, -2.0 + 1.0)


def test_sgd_momentum_remembers_the_last_step():
    (p,) = params_with_grads((0.0, 1.0))
    opt = SGD([p], lr=0.5, momentum=0.5)
    opt.step()  # v = 1, p = -0.5
    opt.step()  # v = 0.5 * 1 + 1 = 1.5, p = -0.5 - 0.75
    assert p.data == -1.25
    assert opt.velocity == [1.5]


def test_sgd_weight_decay_pulls_towards_zero():
    (p,) = params_with_grads((2.0, 0.0))
    SGD([p], lr=0.5, weight_decay=0.25).step()  # g = 0 + 0.25 * 2
    assert p.data == 1.75


def test_adam_by_hand_for_three_steps():
    (p,) = params_with_grads((1.0, 0.0))
    opt = Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    data, m, v = 1.0, 0.0, 0.0
    for t, grad in enumerate([0.5, -1.0, 2.0], start=1):
        p.grad = grad
        opt.step()
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        data -= 0.1 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
        assert p.data == pytest.approx(data, rel=1e-15)
    assert opt.t == 3


def test_adam_first_step_has_size_lr_whatever_the_gradient_scale():
    a, b = params_with_grads((0.0, 1e-3), (0.0, -1e3))
    Adam([a, b], lr=0.01).step()
    assert a.data == pytest.approx(-0.01, rel=1e-4) and b.data == pytest.approx(0.01, rel=1e-10)


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: Adam(p, lr=0.1)])
def test_both_minimise_a_bowl(make):
    x = Value(-2.0)
    opt = make([x])
    for _ in range(300):
        loss = (x - 3.0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert x.data == pytest.approx(3.0, abs=1e-3)


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: Adam(p, lr=0.1)])
def test_a_saved_state_replays_the_same_numbers(make):
    x = Value(1.0)
    opt = make([x])

    def run(steps):
        out = []
        for _ in range(steps):
            x.grad = math.sin(x.data) + 0.3
            opt.step()
            out.append(x.data)
        return out

    run(3)
    state, data = opt.state_dict(), x.data
    first = run(4)
    opt.load_state_dict(state)
    x.data = data
    assert run(4) == first
    state["lr"] = 99.0  # the state is a copy: changing it changes nothing in the optimizer
    assert opt.lr == 0.1


def test_zero_grad_and_a_learning_rate_schedule():
    a, b = params_with_grads((1.0, 3.0), (1.0, -3.0))
    opt = SGD(iter([a, b]), lr=1.0)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)
    opt.lr = 1.0 - 0.9 * 50 / 100
    assert opt.lr == 0.55


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: SGD([Value(1.0)], lr=0.0), ValueError, "lr must be a finite number > 0, got 0.0"),
        (lambda: SGD([Value(1.0)], lr=float("nan")), ValueError, "lr must be"),
        (lambda: SGD([Value(1.0)], lr=True), ValueError, "lr must be a finite number > 0, got bool: True"),
        (lambda: SGD([Value(1.0)], lr="0.1"), ValueError, "lr must be a finite number > 0, got str: '0.1'"),
        (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), ValueError, "momentum must be a finite number >= 0 and < 1"),
        (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=-1), ValueError, "weight_decay"),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), ValueError, "betas as a pair"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 0.99, 0.9)), ValueError, "betas as a pair"),
        (lambda: Adam([Value(1.0)], betas=None), TypeError, r"betas as a pair \(beta1, beta2\) .* got None"),
        (lambda: Adam([Value(1.0)], betas={0.9, 0.999}), TypeError, "betas as a pair"),  # a set has no order
        (lambda: Adam([Value(1.0)], betas="ab"), TypeError, "betas as a pair"),
        (lambda: Adam([Value(1.0)], betas=("0.9", 0.999)), ValueError, "beta1 must be a finite number >= 0 and < 1"),
        (lambda: Adam([Value(1.0)], betas=(0.9, None)), ValueError, "beta2 must be a finite .* got NoneType: None"),
        (lambda: SGD([Value(1.0)], lr=0.1, momentum="0.9"), ValueError, "momentum must be .* got str: '0.9'"),
        (lambda: SGD([Value(1.0)], lr=0.1, momentum=True), ValueError, "momentum must be .* got bool: True"),
        (lambda: Adam([Value(1.0)], eps=0), ValueError, "eps"),
        (lambda: SGD([], lr=0.1), ValueError, "at least one parameter"),
        (lambda: SGD([1.0], lr=0.1), TypeError, "updates Values, got float at position 0"),
    ],
)
def test_bad_settings_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=1e300, momentum=0.5), lambda ps: Adam(ps, lr=1e308)])
def test_a_step_that_would_overflow_changes_nothing_and_says_so(make):
    params = [Value(1.0), Value(-2.0)]
    opt = make(params)
    params[0].grad, params[1].grad = 1e10, 1.0
    before_state = opt.state_dict()
    with pytest.raises(OverflowError, match=r"step\(\) would move parameter 0 .* learning rate"):
        opt.step()
    assert [p.data for p in params] == [1.0, -2.0]
    assert opt.state_dict() == before_state


def test_numpy_numbers_are_settings_like_python_numbers():
    import numpy as np

    opt = Adam([Value(1.0)], lr=np.float32(0.5), betas=(np.float64(0.9), 0.999), eps=np.float32(1e-8))
    assert type(opt.lr) is float and opt.lr == 0.5 and opt.betas == (0.9, 0.999)
    assert SGD([Value(1.0)], lr=np.int64(1)).lr == 1.0
    assert Adam([Value(1.0)], betas=np.array([0.9, 0.999])).betas == (0.9, 0.999)


def test_adam_refuses_a_gradient_whose_square_overflows_its_state():
    a, w = params_with_grads((1.0, 0.1), (2.0, 1e200))  # finite, but g * g = 1e400 makes v infinite
    w.label = "w"
    opt = Adam([a, w], lr=0.01)
    before_state = opt.state_dict()
    # Without the refusal, v = inf makes m_hat / sqrt(v_hat) = 0: this step and every later one would move w not at all.
    with pytest.raises(OverflowError, match=r"Adam.step\(\) would overflow v of parameter 1 \(.*label='w'.*\) to inf"):
        opt.step()
    assert [a.data, w.data] == [1.0, 2.0] and opt.state_dict() == before_state and opt.t == 0


@pytest.mark.parametrize("grad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1)])
def test_a_gradient_that_is_not_finite_is_refused_by_name(make, grad):
    a, b = params_with_grads((1.0, 0.5), (-2.0, grad))
    opt = make([a, b])
    before_state = opt.state_dict()
    with pytest.raises(ValueError, match=rf"finite gradients, but parameter 1 \(Value\(data=-2.0.*has grad {grad}"):
        opt.step()
    assert [a.data, b.data] == [1.0, -2.0] and opt.state_dict() == before_state


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_an_interrupt_anywhere_in_a_step_leaves_it_undone(make):
    def started():
        params = params_with_grads((1.0, 0.5), (-2.0, -0.25), (0.5, 2.0))
        opt = make(params)
        opt.step()  # a state to keep: the velocity, or Adam's m, v and t, are no longer zeros
        return params, opt

    def everything(params, opt):
        return [p.data for p in params], opt.state_dict()

    params, opt = started()
    before = everything(params, opt)
    opt.step()
    after = everything(params, opt)
    for k in itertools.count(1):  # Ctrl-C at the first line step() runs, then at the second, ... until it finishes
        params, opt = started()
        try:
            with interrupt_at_line(k, optim):
                opt.step()
        except KeyboardInterrupt:
            assert everything(params, opt) == before, f"interrupted at line {k}"
            opt.step()
            assert everything(params, opt) == after
        else:
            break
    assert k > 20  # every line of step() was a place to interrupt
