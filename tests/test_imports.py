"""The package's modules import one another without a cycle, read from the source as Python would run it."""

import ast
import subprocess
import sys
from pathlib import Path

import micrograd_lesson

PACKAGE = Path(micrograd_lesson.__file__).parent
NAME = "micrograd_lesson"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`: imports that never run."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def run_time_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at the top or inside a function, outside `if TYPE_CHECKING:`."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def imported_modules(name: str, source: str, is_package: bool = False) -> set[str]:
    """The package's modules that module name imports; `from micrograd_lesson import x` counts as x when x is one."""
    package = name if is_package else name.rpartition(".")[0]
    targets = set()
    for node in run_time_imports(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:  # from . import x, from .y import z
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in MODULES else base)
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {
    name: imported_modules(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
    for name, path in MODULES.items()
}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of graph as a list of modules (the first again at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once every import below it is cleared
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_the_cycles_it_is_meant_to():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_import_reader_counts_imports_in_functions_and_skips_type_checking_ones():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from micrograd_lesson import _checks, __version__\n"
        "from .nn import MLP\n"
        "if TYPE_CHECKING:\n    from micrograd_lesson.engine import Value\n"
        "def f():\n    import micrograd_lesson.data\n    from micrograd_lesson.viz import draw_dot\n"
    )
    assert imported_modules(f"{NAME}.probe", source) == {
        f"{NAME}._checks",
        NAME,  # __version__ is a name in the package's __init__
        f"{NAME}.nn",
        f"{NAME}.data",
        f"{NAME}.viz",
    }


def test_the_engine_and_its_helpers_import_nothing_above_them():
    beneath = {f"{NAME}._checks", f"{NAME}._fast", f"{NAME}._compat"}
    for module in beneath:
        assert GRAPH[module] <= beneath, f"{module} imports {GRAPH[module] - beneath}"
    assert GRAPH[f"{NAME}.engine"] <= beneath


# --- what importing Value loads -------------------------------------------------------------------------


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running code."""
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_importing_value_loads_the_engine_alone():
    loaded = loaded_after("from micrograd_lesson import Value")
    ours = {m for m in loaded if m.startswith(NAME)}
    assert ours == {NAME, f"{NAME}.engine", f"{NAME}._checks", f"{NAME}._fast", f"{NAME}._compat"}
    assert not loaded & {"graphviz", "numpy", "typing", "re"}  # typing and re: 3 to 8 ms of their own


def test_the_command_lines_help_loads_the_parser_and_the_engine_only():
    loaded = loaded_after(
        "import runpy, sys\nsys.argv = ['micrograd-lesson', '--help']\ntry:\n"
        "    runpy.run_module('micrograd_lesson', run_name='__main__')\nexcept SystemExit:\n    pass"
    )
    ours = {m for m in loaded if m.startswith(NAME)}
    engine = {NAME, f"{NAME}.engine", f"{NAME}._checks", f"{NAME}._fast", f"{NAME}._compat"}
    assert ours == engine | {f"{NAME}.app", f"{NAME}.app.cli", f"{NAME}.app.terminal"}  # no examples, nn, viz
    assert not loaded & {"graphviz", "subprocess", "random"}


def test_every_name_the_package_and_viz_offer_loads_on_first_use():
    code = (
        "import micrograd_lesson, micrograd_lesson.viz as viz\n"
        "missing = [n for m in (micrograd_lesson, viz) for n in m.__all__ if getattr(m, n, None) is None]\n"
        "assert not missing, missing\n"
        "from micrograd_lesson import data, MLP, draw_dot\n"
        "assert MLP.__module__ == 'micrograd_lesson.nn' and draw_dot.__module__ == 'micrograd_lesson.viz.dot'"
    )
    assert f"{NAME}.viz.plots" in loaded_after(code)
