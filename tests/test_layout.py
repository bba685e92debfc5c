"""The package's shape (DESIGN.md section 1): no import cycle between briefgen's modules,
no stage importing a later one, and the run machinery importing no stage.

Imports are read from the source with ``ast`` — at module top, inside functions and under
``TYPE_CHECKING`` alike — so a cycle hidden behind a lazy import is still found.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "briefgen"

#: The stages in pipeline order; a module of one may import only earlier ones.
STAGES = ("ingest", "nlp", "extract", "fuse", "render")
#: What the run machinery and the pure modules may import of briefgen.
ALLOWED = {
    "errors": set(),
    "model": set(),
    "watchlist": set(),
    "store": {"errors", "model", "store"},
    "data": set(),
    "config": {"errors", "model", "watchlist", "store", "data"},
    # Delivery runs after the build: it reads the configuration and the written brief,
    # and renders its mail body with the render stage's template loader.
    "deliver": {"errors", "model", "config", "render", "deliver"},
}


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """``briefgen.x.y`` → file, for every module of the package."""
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The briefgen modules that module ``name`` imports (submodules resolved)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    names = module_names(root)
    known = set(names)
    return {name: imports_of(name, path, known) for name, path in names.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def part(module: str) -> str:
    """The top-level part a module belongs to: ``briefgen.fuse.actors`` → ``fuse``."""
    return module.split(".")[1] if "." in module else ""


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "briefgen.pipeline" in graph and "briefgen.fuse.actors" in graph
    assert "briefgen.fuse" in graph["briefgen.pipeline"]
    assert "briefgen.model" in graph["briefgen.fuse.actors"]


def test_no_import_cycle_between_briefgen_modules() -> None:
    assert cycles(import_graph()) == []


def parts_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between top-level parts (``fuse``, ``store``, ``pipeline``…)."""
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        out.setdefault(part(module), set()).update(part(t) for t in targets)
    return {name: targets - {name} for name, targets in out.items()}


def test_no_import_cycle_between_the_parts() -> None:
    """Not even through lazy imports: a stage and the run machinery never need each other."""
    assert cycles(parts_graph(import_graph())) == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_stage_imports_a_later_stage() -> None:
    later = []
    for module, targets in import_graph().items():
        if part(module) not in STAGES:
            continue
        rank = STAGES.index(part(module))
        later += [
            f"{module} → {t}" for t in targets if part(t) in STAGES and STAGES.index(part(t)) > rank
        ]
    assert later == []


def test_machinery_and_pure_modules_import_no_stage() -> None:
    wrong = []
    for module, targets in import_graph().items():
        allowed = ALLOWED.get(part(module))
        if allowed is None:
            continue
        wrong += [f"{module} → {t}" for t in targets if part(t) not in allowed]
    assert wrong == []


def test_the_layout_test_catches_an_old_cycle(tmp_path: Path) -> None:
    """The shape this test was written against: pipeline and parallel importing each
    other, cache importing the extract stage, fuse at the top level."""
    pkg = tmp_path / "briefgen"
    (pkg / "extract").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "extract" / "__init__.py").write_text("EXTRACTOR_VERSION = '1'\n")
    (pkg / "pipeline.py").write_text("def f():\n    from .parallel import run\n")
    (pkg / "parallel.py").write_text("def run():\n    from .pipeline import f\n")
    (pkg / "store").mkdir()
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "store" / "cache.py").write_text("from briefgen.extract import EXTRACTOR_VERSION\n")
    graph = import_graph(pkg)
    assert cycles(graph) == [["briefgen.parallel", "briefgen.pipeline"]]
    assert cycles(parts_graph(graph)) == [["parallel", "pipeline"]]
    assert graph["briefgen.store.cache"] == {"briefgen.extract"}
