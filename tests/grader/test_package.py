"""Is the grader a package of its own that cnnlib, the library students install, never imports?"""

from __future__ import annotations

import ast
from pathlib import Path

import cnnlib

CNNLIB = Path(cnnlib.__file__).resolve().parent


def imported(tree: ast.Module) -> list[str]:
    """Every module name ``tree`` imports, at any depth (inside functions too), relative imports as written."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_cnnlib_module_imports_the_grader() -> None:
    """Does any module of cnnlib import ``grader`` (read from its source, not run)?"""
    modules = sorted(CNNLIB.rglob("*.py"))
    assert len(modules) > 40 and CNNLIB / "grading" / "checks.py" in modules
    found = {
        str(path.relative_to(CNNLIB.parent)): name
        for path in modules
        for name in imported(ast.parse(path.read_text(encoding="utf-8")))
        if name == "grader" or name.startswith("grader.")
    }
    assert found == {}, f"cnnlib imports the instructor's grader: {found}"


def test_the_check_sees_an_import_of_the_grader() -> None:
    """Would the check above notice a grader import hidden in a function?"""
    source = "import os\ndef f():\n    from grader.sealed import batch\n    import grader\n"
    assert imported(ast.parse(source)) == ["os", "grader.sealed", "grader"]
