"""The architecture holds: imports go down the layers, without a circle, and no module grows
past about 600 lines.

The import graph is read from the source with ``ast`` (every import, at module level or inside
a function), so a lazy import cannot hide a circle or a layer broken.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
MAX_LINES = 650  # "about 600": a module past this is split by job


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
        return ".".join(base + ([node.module] if node.module else []))
    return node.module or ""


def _imports(name: str) -> set[str]:
    """The modules of ours that ``name`` imports (a name imported from a package is resolved
    to its submodule when there is one)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for inner in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # imports for type annotations only are not run
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, path.name == "__init__.py", node)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("scheduler") and target != name and target != "scheduler":
                found.add(target)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_import_graph_has_no_circle():
    """No module reaches itself through its imports (a package's own ``__init__`` importing
    its submodules is not a circle unless a submodule imports that ``__init__`` back)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                circle = stack[stack.index(target):] + [target]
                pytest.fail("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


@pytest.mark.parametrize("face", ["scheduler.cli", "scheduler.web"])
def test_faces_call_the_application_layer_only(face):
    """The command line and the web app import the application layer (and the errors they
    turn into exit codes or statuses, and text helpers), never the engine, the readers or the
    writers. `scheduler serve` (scheduler.cli.serve) starts the web app."""
    allowed = ("scheduler.app", "scheduler.errors", "scheduler.report", "scheduler.formatting",
               "scheduler.resources", face)
    for name, targets in GRAPH.items():
        if _in(name, face):
            launcher = ("scheduler.web",) if name == "scheduler.cli.serve" else ()
            wrong = sorted(t for t in targets if not _in(t, *allowed, *launcher))
            assert wrong == [], f"{name} imports {wrong}"


def test_the_domain_imports_nothing_of_ours():
    """The domain model is the bottom layer: its modules import only each other."""
    for name, targets in GRAPH.items():
        if _in(name, "scheduler.domain"):
            wrong = sorted(t for t in targets if not _in(t, "scheduler.domain", "scheduler.errors"))
            assert wrong == [], f"{name} imports {wrong}"


def test_the_checker_imports_nothing_of_the_package():
    """The plan checker is an independent judge: it reads only the plan file."""
    for name, targets in GRAPH.items():
        if _in(name, "scheduler.checker"):
            wrong = sorted(t for t in targets if not _in(t, "scheduler.checker"))
            assert wrong == [], f"{name} imports {wrong}"


def test_exporters_never_solve():
    """Exporters turn a plan into files; they import no engine. (They may read the records
    of a re-plan: its result, diff and history, which are data.)"""
    engine = ("scheduler.solve", "scheduler.model", "scheduler.replan.engine",
              "scheduler.replan.solve_remainder", "scheduler.replan.remainder",
              "scheduler.diagnose", "scheduler.app", "scheduler.cli")
    for name, targets in GRAPH.items():
        if _in(name, "scheduler.export"):
            wrong = sorted(t for t in targets if _in(t, *engine))
            assert wrong == [], f"{name} imports {wrong}"


def test_replanning_imports_neither_readers_nor_writers():
    """Re-planning works on domain objects: changes are read by the readers, the new version
    written by the writers."""
    outside = ("scheduler.io", "scheduler.export", "scheduler.planfile", "scheduler.fsio",
               "scheduler.staging", "scheduler.app", "scheduler.cli")
    for name, targets in GRAPH.items():
        if _in(name, "scheduler.replan"):
            wrong = sorted(t for t in targets if _in(t, *outside))
            assert wrong == [], f"{name} imports {wrong}"


def test_the_application_layer_is_not_imported_by_the_library_below_it():
    """Only the faces import the application layer."""
    for name, targets in GRAPH.items():
        if not _in(name, "scheduler.app", "scheduler.cli", "scheduler.web"):
            assert not any(_in(t, "scheduler.app") for t in targets), name


def test_no_module_is_over_about_600_lines():
    """Each module has one job; one that grows past about 600 lines is split by job."""
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
