"""compiled.py: a graph as straight-line Python, the engine's numbers to the bit, and the engine's promises kept."""

import ast
import math
import random
import tracemalloc

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from micrograd_lesson import MLP, SGD, TrainingLoop, Value, compiled, data, engine, hinge, topological_order, total
from micrograd_lesson.compiled import FORMS, compile_graph, variable_names
from micrograd_lesson.examples import lecture_neuron
from micrograd_lesson.testing import Expression, expressions, floats


def bits(x: object) -> str:
    """A float as its exact bits (-0.0 and 0.0 differ), anything else as its repr."""
    return x.hex() if type(x) is float else repr(x)


def eager_outcome(build, point: list[float], start: list[float]):
    """Build the graph with the engine at point (each input's grad starting at start), then backward():
    (root's data, every leaf's grad) in bits, or the error and the inputs' grads after it."""
    inputs = [Value(0.0, label=f"x{i}") for i in range(len(point))]
    for leaf, x, grad in zip(inputs, point, start):
        leaf.data, leaf.grad = x, grad  # by hand: a Value itself refuses inf and nan
    try:
        root = build(*inputs)
        root.backward()
    except (ArithmeticError, ValueError) as error:
        return type(error), str(error), [bits(leaf.grad) for leaf in inputs]
    return bits(root.data), [bits(leaf.grad) for leaf in topological_order(root) if not leaf.parents]


def compiled_outcome(program, inputs: list[Value], point: list[float], start: list[float]):
    """The same, from a program compiled earlier from a graph built on inputs: its leaves set to point, then run()."""
    for leaf in program.leaves:  # the graph's own constants start at 0, as the engine's fresh ones do
        leaf.grad = 0.0
    for leaf, x, grad in zip(inputs, point, start):
        leaf.data, leaf.grad = x, grad
    try:
        program.run()
    except (ArithmeticError, ValueError) as error:
        return type(error), str(error), [bits(leaf.grad) for leaf in inputs]
    return bits(program.root.data), [bits(leaf.grad) for leaf in program.leaves]


def without_dead_ends(expr: Expression) -> Expression:
    """expr with each step its result does not use made a harmless -x: the engine builds those nodes too, and
    one that fails (1 / 0) is no error of the result's graph, which is all a program holds."""
    used = {len(expr.inputs) + len(expr.steps) - 1}
    for i, (_, args) in reversed(list(enumerate(expr.steps, len(expr.inputs)))):
        if i in used:
            used.update(args)
    steps = [
        (op, args) if i in used else ("neg", args[:1]) for i, (op, args) in enumerate(expr.steps, len(expr.inputs))
    ]
    return Expression(expr.inputs, tuple(steps))


def compiled_from(build, point: list[float]):
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    return compile_graph(build(*inputs)), inputs


# --- the engine's numbers, to the bit --------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(expressions(), st.lists(floats(-3.0, 3.0), min_size=3, max_size=3), st.lists(floats(), min_size=3, max_size=3))
def test_a_program_gives_the_engines_data_and_grads_to_the_bit_here_and_at_other_numbers(expr, other, start):
    expr = without_dead_ends(expr)
    program, inputs = compiled_from(expr, list(expr.inputs))
    data, grads = [leaf.data for leaf in program.leaves], [leaf.grad for leaf in program.leaves]
    assert program.compute(data, grads) is not None  # the compiled code itself, not the engine's replay
    start = start[: len(inputs)]
    for point in (list(expr.inputs), other[: len(inputs)]):  # elsewhere a ReLU may flip, a log may fail
        assert compiled_outcome(program, inputs, point, start) == eager_outcome(expr, point, start)


def micrograd_demo(compiled: bool) -> TrainingLoop:
    """micrograd's demo.ipynb: MLP(2, [16, 16, 1]) on two moons, hinge loss + 1e-4 L2, written as the demo writes it,
    as a TrainingLoop (SGD, its learning rate set by the demo's schedule at each step)."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    X, y = data.moons(n=100, noise=0.1, seed=1)

    def loss(scores: list[Value], y: list[int]) -> Value:
        losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    return TrainingLoop(
        model, X, data.signed(y), loss=loss, optimizer=SGD(model.parameters(), lr=1.0), compiled=compiled
    )


def test_micrograd_demo_compiled_gives_every_loss_and_grad_of_its_100_steps_to_the_bit():
    """The demo's step as one point's program, looped over its 100 points (its sum() adds the first point's loss
    to 0, one node more than the others', and the penalty adds to every weight's grad before the points do), and
    as one program of its whole 38,718-node graph: both give the engine's numbers, the engine asked every 10 steps."""
    eager, compiled = micrograd_demo(compiled=False), micrograd_demo(compiled=True)
    whole = compile_graph(eager.loss_fn([eager.model(x) for x in eager.X], eager.y))
    assert len(topological_order(whole.root)) > 38_000
    for k in range(100):
        compiled.optimizer.lr = 1.0 - 0.9 * k / 100
        compiled.step(False), compiled.step(False), compiled.step(False)  # forward, loss, backward
        eager.model.zero_grad()
        expected = whole.run()
        if k % 10 == 0:  # the engine itself
            engine_grads = [bits(p.grad) for p in eager.params]
            eager.model.zero_grad()
            loss = eager.loss_fn([eager.model(x) for x in eager.X], eager.y)
            loss.backward()
            assert bits(loss.data) == bits(expected) and [bits(p.grad) for p in eager.params] == engine_grads
        assert bits(compiled.loss.data) == bits(expected), f"step {k}"
        assert [bits(p.grad) for p in compiled.params] == [bits(p.grad) for p in eager.params], f"step {k}"
        compiled.step(False), compiled.step(False)  # update, repeat
        for p in eager.params:
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    assert compiled.losses[-1] < 0.02
    program = compiled._compiled.program  # one point's program did the work, not a program of the whole graph
    assert "def forward(data, rows, constants, which" in program.source and compiled._compiled._whole.program is None


def test_leaf_grads_add_up_over_runs_as_over_backward_calls():
    neuron, again = lecture_neuron(), lecture_neuron()
    program = compile_graph(neuron["o"])
    for _ in range(3):
        program.run()
        again["o"].backward()
    assert [bits(neuron[k].grad) for k in ("x1", "x2", "w1", "w2", "b")] == [
        bits(again[k].grad) for k in ("x1", "x2", "w1", "w2", "b")
    ]
    assert neuron["o"].grad == again["o"].grad == 1.0


def test_a_program_reads_the_leaves_data_as_it_is_now_so_an_optimizer_works_unchanged():
    neuron = lecture_neuron()
    program = compile_graph(neuron["o"])
    neuron["w1"].data, neuron["b"].data = 0.5, -4.0  # changed after compiling
    fresh = Value(2.0) * 0.5 + Value(0.0) * 1.0 + Value(-4.0)
    assert program.run() == neuron["o"].data == fresh.tanh().data
    assert program() == program.run()  # a program is also called like a function


def test_relu_is_decided_by_the_numbers_of_each_run():
    x = Value(2.0, label="x")
    program = compile_graph((x * 3.0).relu())
    program.run()
    assert (program.root.data, x.grad) == (6.0, 3.0)
    x.data, x.grad = -2.0, 0.0
    program.run()
    assert (program.root.data, x.grad) == (0.0, 0.0)


def test_a_leaf_as_root_and_numbers_set_by_hand_as_ints_run_as_the_engine_runs_them():
    x = Value(3.0, label="x")
    program = compile_graph(x)
    program.run()
    program.run()
    assert (x.data, x.grad) == (3.0, 2.0)  # backward() on a leaf adds 1.0 each time

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    program = compile_graph(a * b + a)
    a.data = 2**60 + 1  # an int, which the engine turns into a float once per op
    expected = Value(2**60 + 1) * Value(2.0) + Value(2**60 + 1)
    assert program.run() == expected.data and type(program.root.data) is float


def test_a_long_total_and_a_deep_chain_compile_and_stay_exact():
    xs = [Value(random.Random(i).uniform(-1, 1), label="x") for i in range(1000)]
    program = compile_graph(total(xs).tanh())
    assert program.run() == total([Value(x.data) for x in xs]).tanh().data
    assert max(map(len, program.source.splitlines())) < 1000  # a line at a time, not one huge expression

    x = Value(0.5, label="x")
    h = x
    for _ in range(20_000):
        h = h.tanh()
    program = compile_graph(h)
    program.run()
    eager = Value(0.5)
    h = eager
    for _ in range(20_000):
        h = h.tanh()
    h.backward()
    assert (bits(program.root.data), bits(x.grad)) == (bits(h.data), bits(eager.grad))


# --- every op the engine can make has a compiled form ----------------------------------------------------


def engine_ops() -> dict[tuple[str, int, int], object]:
    """Every kind of node the engine makes, found by calling each method of Value (and each function of the
    engine module) on Values and numbers: (op, parents, numbers) -> a function of (a, b) that makes one."""
    found = {}
    makers = [lambda a, b, f=f: f(a) for f in vars(Value).values() if callable(f)]
    makers += [lambda a, b, f=f, arg=arg: f(a, arg(b)) for f in vars(Value).values() if callable(f) for arg in ARGS]
    makers += [lambda a, b, f=f: f([a, b, a]) for f in vars(engine).values() if callable(f)]
    for make in makers:
        try:
            node = make(Value(0.7), Value(1.3))
        except Exception:  # not an op, or not with these arguments
            continue
        if isinstance(node, Value) and node.builtin:
            found.setdefault((node.op, len(node.parents), len(node.constants)), make)
    return found


ARGS = (lambda b: b, lambda b: 2.0, lambda b: -1.0, lambda b: 0.5, lambda b: 0.0)  # b, or a number of the op


def test_every_op_the_engine_can_make_compiles_and_gives_the_engines_numbers():
    ops = engine_ops()
    assert {op for op, _, _ in ops} >= {"+", "-", "*", "/", "**", "neg", "exp", "log", "tanh", "sin", "ReLU", "sigmoid"}
    assert {(op, parents) for op, parents, _ in ops} >= {("**", 1), ("**", 2), ("+", 2), ("+", 3)}
    for kind, make in ops.items():
        program, inputs = compiled_from(make, [0.7, 1.3])
        for point in ([0.7, 1.3], [-0.4, 2.5], [0.0, -1.5]):
            assert compiled_outcome(program, inputs, point, [0.0, 0.0]) == eager_outcome(make, point, [0.0, 0.0]), kind


def test_an_op_added_to_the_engine_without_a_compiled_form_fails_the_test_above(monkeypatch):
    monkeypatch.setattr(Value, "cosh", lambda self: engine._op(math.cosh(self.data), "cosh", self, 1.0), raising=False)
    assert ("cosh", 1, 0) in engine_ops()
    with pytest.raises(ValueError, match=r"cannot compile Value\(data=1\.25.*: its op 'cosh' has no compiled form"):
        compile_graph(Value(0.7).cosh() * 2.0)
    assert "cosh" not in FORMS


# --- only what can be worked out again -------------------------------------------------------------------


def test_a_node_made_by_hand_is_refused_naming_it():
    a = Value(2.0, label="a")
    square = Value(4.0, (a,), "square", "sq", (4.0,))  # its value and local derivative are frozen numbers
    with pytest.raises(ValueError, match=r"cannot compile Value\(data=4\.0, .*label='sq'\) \(op 'square'\): .*by hand"):
        compile_graph(square + 1.0)
    lecture_way = Value(4.0, (a,), "square", "sq2")
    lecture_way._backward = lambda: None
    with pytest.raises(ValueError, match=r"label='sq2'.*made by hand"):
        compile_graph(lecture_way * 2.0)


def test_a_node_that_brings_its_own_backward_is_refused_naming_it():
    a = Value(2.0, label="mine")  # a Value you make takes a _backward of its own, as the lecture's do
    a._backward = lambda: None
    with pytest.raises(ValueError, match=r"cannot compile Value\(.*label='mine'\): it brings a _backward of its own"):
        compile_graph(a * 3.0 + 1.0)

    class Noisy(Value):
        def _backward(self):
            print("reached")

    leaf = Noisy(1.0, label="noisy")
    with pytest.raises(ValueError, match=r"label='noisy'\): it brings a _backward of its own"):
        compile_graph(leaf * 2.0)


def test_what_is_not_a_graph_is_refused():
    with pytest.raises(TypeError, match=r"compile_graph's root must be a Value, got 2\.0"):
        compile_graph(2.0)
    with pytest.raises(TypeError, match=r"compile_graph's root must be a Value, got list: \[Value"):
        compile_graph([Value(1.0)])


# --- no silent inf or nan, and the engine's own errors ---------------------------------------------------

HIDDEN = {  # x * x overflows to inf for x = 1e200: each of these ops would hide it
    "relu": lambda x: (x * x * -1.0).relu(),
    "exp": lambda x: (-(x * x)).exp(),
    "tanh": lambda x: (x * x).tanh(),
    "sigmoid": lambda x: (x * x).sigmoid(),
    "divisor": lambda x: 1.0 / (x * x),
    "power 0": lambda x: (x * x) ** 0,
    "power -1": lambda x: (x * x) ** -1,
    "exponent": lambda x: 0.5 ** (x * x),
}


@pytest.mark.parametrize("make", HIDDEN.values(), ids=HIDDEN.keys())
def test_an_overflow_hidden_behind_an_op_is_the_engines_error_and_changes_nothing(make):
    program, (x,) = compiled_from(make, [1.0])
    program.run()
    before = (program.root.data, x.grad)
    expected = eager_outcome(make, [1e200], [x.grad])
    assert expected[0] is OverflowError and expected[1].startswith("* overflowed to inf (operands 1e+200 (label 'x0')")
    assert compiled_outcome(program, [x], [1e200], [x.grad]) == expected
    assert (program.root.data, x.grad) == before


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("make", [lambda x: x.tanh() + 1.0, lambda x: (x + 1.0).relu(), lambda x: 2.0 / (x + 3.0)])
def test_a_non_finite_number_set_by_hand_is_the_engines_error(bad, make):
    program, inputs = compiled_from(make, [1.0])
    assert compiled_outcome(program, inputs, [bad], [0.0]) == eager_outcome(make, [bad], [0.0])


def test_a_gradient_that_overflows_is_backwards_error_and_the_grads_stay_as_they_were():
    def make(c):
        return (c * 1e300) * 1e300  # forward is fine, but d/dc = 1e600 does not fit in a float

    program, inputs = compiled_from(make, [1e-300])
    outcome = compiled_outcome(program, inputs, [1e-300], [5.0])
    assert outcome == eager_outcome(make, [1e-300], [5.0])
    assert outcome[0] is OverflowError and "backward() overflowed" in outcome[1] and outcome[2] == [bits(5.0)]


@pytest.mark.parametrize(
    "make",
    [lambda a: a.log(), lambda a: 1.0 / a, lambda a: a**-1, lambda a: a**0.5, lambda a: a ** Value(2.0), lambda a: a],
)
def test_a_number_outside_an_ops_domain_is_the_engines_error(make):
    program, inputs = compiled_from(make, [2.0])
    for bad in (0.0, -8.0, 5e-324):
        assert compiled_outcome(program, inputs, [bad], [0.0]) == eager_outcome(make, [bad], [0.0])


def test_huge_numbers_the_check_cannot_vouch_for_are_worked_out_by_the_engine():
    def make(a, b):
        return a.tanh() + b.tanh()  # the check adds a and b up: 1e308 + 1e308 is inf, though nothing overflows

    program, inputs = compiled_from(make, [1.0, 2.0])
    assert program.compute([1e308, 1e308], [0.0, 0.0]) is None
    assert compiled_outcome(program, inputs, [1e308, 1e308], [0.0, 0.0]) == eager_outcome(make, [1e308, 1e308], [0, 0])


# --- new inputs: fed in every run, or refused --------------------------------------------------------------


def neuron_with_inputs():
    neuron = lecture_neuron()
    return neuron, compile_graph(neuron["o"], inputs=[neuron["x1"], neuron["x2"]])


def test_a_program_with_inputs_takes_their_values_every_run_by_position_or_by_name():
    neuron, program = neuron_with_inputs()
    assert list(program.inputs) == ["x1", "x2"]
    by_position = program.run(1.0, 0.5)
    assert (neuron["x1"].data, neuron["x2"].data) == (1.0, 0.5)
    assert program.run(x2=0.5, x1=1.0) == by_position
    w1, w2, b = (neuron[k].data for k in ("w1", "w2", "b"))
    assert by_position == (Value(1.0) * w1 + Value(0.5) * w2 + b).tanh().data


@pytest.mark.parametrize(
    ("values", "named", "message"),
    [
        ((), {}, r"needs a value for every input, x1, x2, every time \(never the last run's\): missing x1, x2"),
        ((1.0,), {}, r"takes 2 input value\(s\), x1, x2; got 1"),
        ((), {"x1": 1.0}, "missing x2"),
        ((), {"x1": 1.0, "x2": 0.0, "w1": 3.0}, "unknown w1"),
        ((1.0,), {"x2": 0.0}, "by position or by name, not both"),
    ],
)
def test_a_run_without_all_its_inputs_is_refused_and_changes_nothing(values, named, message):
    neuron, program = neuron_with_inputs()
    before = [(neuron[k].data, neuron[k].grad) for k in neuron]
    with pytest.raises(TypeError, match=message):
        program.run(*values, **named)
    assert [(neuron[k].data, neuron[k].grad) for k in neuron] == before


def test_bad_inputs_are_refused():
    neuron, program = neuron_with_inputs()
    with pytest.raises(ValueError, match="input x1 must be a finite number, got inf"):
        program.run(math.inf, 0.0)
    with pytest.raises(TypeError, match=r"compiled without inputs, so run\(\) takes no values"):
        compile_graph(neuron["o"]).run(1.0, 0.0)
    with pytest.raises(ValueError, match=r"input Value\(data=0\.88.*label='n'\) is not a leaf"):
        compile_graph(neuron["o"], inputs=[neuron["n"]])
    with pytest.raises(ValueError, match=r"input Value\(data=5\.0.* is not a node of the graph"):
        compile_graph(neuron["o"], inputs=[Value(5.0)])
    with pytest.raises(ValueError, match="inputs name one node twice"):
        compile_graph(neuron["o"], inputs=[neuron["x1"], neuron["x1"]])


def test_outputs_get_their_data_and_grad_from_each_run():
    neuron = lecture_neuron()
    program = compile_graph(neuron["o"], outputs=[neuron["n"]])
    neuron["b"].data = 1.0
    program.run()
    assert neuron["n"].data == 2.0 * -3.0 + 0.0 * 1.0 + 1.0
    assert neuron["n"].grad == 1 - math.tanh(neuron["n"].data) ** 2


# --- readable, and no label ever becomes code ------------------------------------------------------------


def test_the_lecture_neurons_code_reads_as_the_lecture_does():
    source = compile_graph(lecture_neuron()["o"]).source
    for line in (
        "x1, w1, x2, w2, b = data",
        "o = tanh(n)  # tanh",
        "grad_o = 1.0",
        "grad_n += (1 - o * o) * grad_o  # tanh",
        "grad_b += 1.0 * grad_n  # +",
        "grad_w1 += x1 * grad_v3  # *",
        "v3 = x1 * w1  # * label 'x1*w1'",
    ):
        assert f"    {line}" in source
    assert len(source.splitlines()) < 40  # one screen


def test_relu_and_the_powers_write_their_local_derivatives_out():
    x = Value(1.5, label="x")
    source = compile_graph(x.relu() + x**2 + x ** Value(3.0, label="n")).source
    assert "(1.0 if x > 0.0 else 0.0) * grad_" in source
    assert "(2.0 * x ** (2.0 - 1)) * grad_" in source
    assert "(n * x ** (n - 1) if n != 0 else 0.0) * grad_" in source


def test_labels_that_would_shadow_or_collide_get_names_of_their_own():
    labels = ["x1", "x1", "sum", "exp", "data", "grads", "finite", "lambda", "__class__", "grad_y", "y", "v2", ""]
    leaves = [Value(float(i + 1), label=label) for i, label in enumerate(labels)]
    program = compile_graph(total([leaf * 2.0 for leaf in leaves]))
    names = variable_names(topological_order(program.root))
    assert [names[leaf] for leaf in leaves][:2] == ["x1", "x1_2"]  # an MLP's inputs are all labelled x1, x2
    assert len(set(names.values())) == len(names)
    for label in ("sum", "exp", "data", "grads", "finite", "lambda", "__class__"):
        assert label not in {names[leaf] for leaf in leaves}
    assert program.run() == total([Value(float(i + 1)) * 2.0 for i in range(len(labels))]).data


def code_names(source: str) -> set[str]:
    """Every name the code uses, as Python's own parser reads it (tokenize's regex splits names such as 'A·')."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_no_label_text_ever_becomes_code(labels):
    leaves = [Value(float(i + 1), label=label) for i, label in enumerate(labels)]
    nodes = [leaf.tanh() for leaf in leaves]
    for node, label in zip(nodes, reversed(labels)):
        node.label = label
    program = compile_graph(total(nodes))
    names = variable_names(topological_order(program.root))
    allowed = {*names.values(), *(f"grad_{n}" for n in names.values())}
    allowed |= {"def", "forward_backward", "data", "grads", "finite", "return", "tanh"}
    assert code_names(program.source) <= allowed  # label text only ever sits in comments, escaped
    (function,) = ast.parse(program.source).body
    assert isinstance(function, ast.FunctionDef)
    assert program.run() == total([Value(float(i + 1)).tanh() for i in range(len(labels))]).data


def test_a_newline_or_a_quote_in_a_label_stays_in_its_comment():
    x = Value(1.0, label="x\nimport os; os.system('echo hi')  # '\"")
    y = x * 2.0
    y.label = "y\r\u2028__import__('os')"
    source = compile_graph(y).source
    assert "\nimport os" not in source and "\n__import__" not in source
    assert "import" not in code_names(source)


def test_labels_python_reads_as_one_name_get_two_names():
    fi, ligature = Value(1.0, label="fi"), Value(2.0, label="\ufb01")  # Python reads the name 'ﬁ' as 'fi'
    program = compile_graph(fi * ligature)
    program.run()
    assert (fi.grad, ligature.grad) == (2.0, 1.0)


def test_save_writes_the_source_through_the_safe_writer(tmp_path, monkeypatch):
    from micrograd_lesson import _files

    written = []
    real = _files.write_file
    monkeypatch.setattr(_files, "write_file", lambda path, data: written.append(path) or real(path, data))
    program = compile_graph(lecture_neuron()["o"])
    assert program.save(tmp_path / "neuron.py") == tmp_path / "neuron.py"
    assert (tmp_path / "neuron.py").read_text() == program.source and written == [tmp_path / "neuron.py"]


# --- a big graph compiles in parts, within its memory ----------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(expressions(), st.lists(floats(-3.0, 3.0), min_size=3, max_size=3), st.integers(1, 4))
def test_a_program_in_parts_gives_the_engines_numbers_to_the_bit(expr, other, part):
    expr = without_dead_ends(expr)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled, "PART", part)
        program, inputs = compiled_from(expr, list(expr.inputs))
    for point in (list(expr.inputs), other[: len(inputs)]):
        assert compiled_outcome(program, inputs, point, [0.5] * len(inputs)) == eager_outcome(
            expr, point, [0.5] * len(inputs)
        )


@pytest.mark.parametrize("part", [1, 2, 3, 4])
def test_outputs_and_inputs_of_a_program_in_parts(part, monkeypatch):
    whole, in_parts = lecture_neuron(), lecture_neuron()
    programs = []
    for neuron in (whole, in_parts):
        monkeypatch.setattr(compiled, "PART", part if neuron is in_parts else 10**9)
        outputs = [neuron["n"], neuron["x1w1"], neuron["b"]]  # computed in two parts, and a leaf
        programs.append(compile_graph(neuron["o"], inputs=[neuron["x2"]], outputs=outputs))
    assert programs[1].source.count("\ndef part_") == math.ceil(5 / part)  # the neuron's 5 computed nodes
    for x2 in (0.0, 1.5, -2.0):
        assert bits(programs[0].run(x2)) == bits(programs[1].run(x2))
        assert [(bits(whole[k].data), bits(whole[k].grad)) for k in whole] == [
            (bits(in_parts[k].data), bits(in_parts[k].grad)) for k in in_parts
        ]


def test_a_graph_of_part_nodes_is_one_function_and_one_more_makes_two_parts(monkeypatch):
    monkeypatch.setattr(compiled, "PART", 6)
    x = Value(0.5, label="x")
    six = x.tanh().tanh().tanh().tanh().tanh().tanh()
    source = compile_graph(six).source
    assert source.startswith("def forward_backward(data, grads):") and source.count("def ") == 1
    source = compile_graph(six.tanh()).source
    assert "def part_1(" in source and "def part_2(" in source and "PARTS = (part_1, part_2)" in source
    assert compile_graph(six.tanh()).run() == six.tanh().data


def test_compiling_a_graph_of_many_parts_peaks_below_2_kb_a_node(monkeypatch):
    """It peaked near 9 KB a node: Python's compiler held the whole graph as one function. 10,000 nodes in parts of
    500 hold the compiler to one part as 50,000 in parts of PART (4,000) do, in a fifth of the time."""
    monkeypatch.setattr(compiled, "PART", 500)
    model = MLP(2, [16, 16, 1], seed=0)
    X, y = data.moons(n=27, noise=0.1, seed=1)
    loss = hinge([model(x) for x in X], data.signed(y))
    nodes = len(topological_order(loss))
    assert 10_000 < nodes < 11_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        program = compile_graph(loss)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak / nodes < 2048, f"{peak / nodes:.0f} bytes a node"
    assert program.run() == loss.data


def test_a_graph_past_the_node_limit_is_refused_before_it_is_compiled(monkeypatch):
    monkeypatch.setattr(compiled, "MAX_NODES", 100)
    xs = [Value(float(i)) for i in range(60)]
    compile_graph(total(xs[:50]))  # 51 nodes
    with pytest.raises(ValueError, match=r"cannot compile a graph of 181 nodes: compile_graph takes at most 100 \("):
        compile_graph(total([x * 2.0 for x in xs]))  # 60 leaves, 60 constants 2.0, 60 products and their sum


@settings(max_examples=30, deadline=None)
@given(expressions(max_steps=6), st.data())
def test_rerun_works_a_graph_out_again_with_a_leaf_changed_and_leaves_the_graph_as_it_was(expression, drawn):
    xs = [Value(x) for x in expression.inputs]
    root = expression(*xs)
    before = [(node.data, node.grad) for node in topological_order(root)]
    i = drawn.draw(st.integers(0, len(xs) - 1))
    x = drawn.draw(floats())
    try:
        expected = expression(*expression.inputs[:i], x, *expression.inputs[i + 1 :]).data
    except (ValueError, ArithmeticError):  # outside an op's domain (perhaps an op the root does not use)
        assume(False)
    assert compiled.rerun(root, {xs[i]: x}).data == expected  # the engine's own ops: to the last bit
    assert [(node.data, node.grad) for node in topological_order(root)] == before


def test_check_replayable_refuses_a_node_made_by_hand_or_with_its_own_backward_by_name():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    compiled.check_replayable(a * b)
    with pytest.raises(ValueError, match=r"cannot compile .* \(op '\*'\): it was made by hand"):
        compiled.check_replayable(Value(6.0, (a, b), "*"))

    class Own(Value):
        def _backward(self):
            pass

    with pytest.raises(ValueError, match=r"cannot compile .*: it brings a _backward of its own"):
        compiled.check_replayable(Own(1.0))
