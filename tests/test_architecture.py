"""The package's shape: no import circle between modules or stages, every deferred import with its reason.

The imports are read from the source (nothing is imported): module-level imports and those
deferred into functions count, imports only for type checkers do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "criteriakit"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(node: ast.AST, *, deferred: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Yield each run-time import under ``node`` and whether it is inside a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]), deferred=deferred)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, deferred
        else:
            inside = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _imports(child, deferred=inside)


def _targets(module: str, statement: ast.stmt) -> set[str]:
    """The criteriakit modules an import statement imports."""
    if isinstance(statement, ast.Import):
        names = [alias.name for alias in statement.names]
    else:
        assert isinstance(statement, ast.ImportFrom)
        base = statement.module or ""
        if statement.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(statement.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in statement.names
        ]
    found = set()
    for name in names:
        known = name
        while known and known not in MODULES:
            known = known.rpartition(".")[0]
        if known and known != module:
            found.add(known)
    return found


def graph() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Each module's imported modules, and each deferred import (module, line, source line)."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    deferred = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for statement, inside in _imports(ast.parse(text)):
            targets = _targets(name, statement)
            edges[name] |= targets
            if inside and targets:
                deferred.append((name, statement.lineno, lines[statement.lineno - 1]))
    return edges, deferred


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others():
    edges, _ = graph()
    assert cycles(edges) == []


def test_every_deferred_import_says_why():
    _, deferred = graph()
    unexplained = [
        f"{module}:{line}: {source.strip()}"
        for module, line, source in deferred
        if "PLC0415" not in source or not source.split("PLC0415", 1)[1].strip(" -")
    ]
    assert unexplained == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


UPWARD = {
    ("compiling", "columnar"): "a weighting's columnar form builds Polars expressions when called",
    ("model", "render"): "Result.to_dict() and Result.explain() render the result they belong to",
}
"""The imports from a stage to one above it, each deferred into the function that needs it."""


def stage(module: str) -> str:
    """The stage a module belongs to: its subpackage, or the top-level module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def stage_graph() -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Each stage's imported stages, and the stage imports made at module level."""
    edges: dict[str, set[str]] = {stage(name): set() for name in MODULES}
    at_import: set[tuple[str, str]] = set()
    for name, path in MODULES.items():
        for statement, inside in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(name, statement):
                pair = (stage(name), stage(target))
                if pair[0] != pair[1]:
                    edges[pair[0]].add(pair[1])
                    if not inside:
                        at_import.add(pair)
    return edges, at_import


def test_stages_import_only_the_stages_below_them():
    """Without the few deferred upward imports, the stages form no circle: a pipeline."""
    edges, at_import = stage_graph()
    assert not set(UPWARD) & at_import, "an upward import must wait for the call that needs it"
    assert all(upper in edges[lower] for lower, upper in UPWARD), "a listed import is gone"
    layered = {
        name: targets - {upper for lower, upper in UPWARD if lower == name}
        for name, targets in edges.items()
    }
    assert cycles(layered) == []
