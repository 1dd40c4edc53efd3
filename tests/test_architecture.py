"""The code's shape is a promise too: every import points down, and nothing dodges a circle.

The layers are import-linter contracts in ``pyproject.toml`` (README, "Code layout"): commands
above dev data above views, views above services, services above models; inside services the
areas in their order above the shared leaves; and no two sibling modules or packages importing
each other both ways.
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parent.parent

# Imports written inside a function on purpose, each with its reason.
LATE_IMPORTS_ALLOWED = {
    "forum/__init__.py": "the app factory wires the app one register_* step at a time",
    "forum/cli.py": "dev data is loaded only when its command runs, never in a worker",
}


def test_every_import_points_down_and_no_circle_appears(capsys):
    configuration.configure()
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def _late_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("forum"):
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {inner.module}")
    return found


def test_no_function_imports_our_code_to_dodge_a_circle():
    modules = sorted((ROOT / "forum").rglob("*.py"))
    checked = [p for p in modules if str(p.relative_to(ROOT)) not in LATE_IMPORTS_ALLOWED]
    assert [found for path in checked for found in _late_imports(path)] == []
