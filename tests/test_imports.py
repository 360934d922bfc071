"""The package's modules import one another without a cycle, read from the source as Python would run it."""

import ast
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
