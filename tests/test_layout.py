"""The code's shape stays as the README's architecture section says: no import cycles among the
package's modules, no module over 500 lines and no function over 60 (benchmarks excepted)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"aura_edge": ROOT / "aura_edge", "aura_edge.export": ROOT / "export",
            "aura_edge.firmware_bridge": ROOT / "firmware_bridge"}
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 60


def modules() -> dict[str, Path]:
    found = {}
    for package, root in PACKAGES.items():
        for path in root.rglob("*.py"):
            parts = [p for p in path.relative_to(root).with_suffix("").parts if p != "__init__"]
            found[".".join([package, *parts])] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere (top level or inside functions)."""
    mods = modules()
    graph = {}
    for name, path in mods.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            # Importing one's own package (its __init__) is not a dependency on a sibling.
            deps |= {t for t in targets if t in mods and t != name and not name.startswith(t + ".")}
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_among_the_package_modules():
    graph = import_graph()
    assert len(graph) > 80
    assert cycles(graph) == []


def test_the_runtime_layers_do_not_import_training_code():
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith(("aura_edge.runtime", "aura_edge.firmware_bridge")):
            above = {d for d in deps if d.startswith(("aura_edge.train", "aura_edge.models", "aura_edge.export",
                                                      "aura_edge.report", "aura_edge.cli"))}
            assert not above, f"{name} imports {sorted(above)}"


def test_no_module_over_500_lines_and_no_function_over_60():
    long_modules, long_functions = [], []
    for name, path in modules().items():
        text = path.read_text()
        if text.count("\n") > MAX_MODULE_LINES:
            long_modules.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name}")
    assert long_modules == [] and long_functions == []
