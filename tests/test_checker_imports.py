"""The checker stays independent: its package imports only the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import scheduler.checker

PACKAGE = Path(scheduler.checker.__file__).parent


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line; relative imports keep their leading dots."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is None:
            found += [(node.lineno, "." * node.level + alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + node.module))
    return found


def test_the_checker_package_imports_nothing_else_of_ours() -> None:
    """Each file imports the standard library or a sibling module (one dot), nothing else."""
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) > 1
    outside = []
    for path in files:
        for line, module in imported_modules(path):
            if module.startswith("."):
                if module.startswith("..") or not (PACKAGE / f"{module[1:].split('.')[0]}.py").exists():
                    outside.append(f"{path.name}:{line} imports {module}")
            elif module.split(".")[0] not in sys.stdlib_module_names:
                outside.append(f"{path.name}:{line} imports {module}")
    assert outside == []


def test_the_checker_has_no_subpackages() -> None:
    """Every file of the checker is a direct child of its folder, so the test above sees it."""
    assert [path for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE] == []
