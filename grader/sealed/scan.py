"""Flag answer code that looks like tampering, for the instructor to read; the score never changes.

Sealed grading already keeps these tricks from working; the scan tells the
instructor who tried. It reads each answer cell's syntax tree and names, with
the line, what an honest answer to a numpy or torch exercise has no reason to
do: replacing attributes of modules (``np.allclose = ...``), reaching into
``sys.modules``, ``builtins`` or IPython's input transformers, walking stack
frames, running strings as code, touching files, databases, processes or the
network, and importing a library whose convolution the part forbids.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Module attributes an answer may not need, by what they are for.
SUSPECT_CALLS = {
    "exec": "runs a string as code", "eval": "runs a string as code", "compile": "compiles a string as code",
    "__import__": "imports by name", "open": "opens a file", "globals": "reaches the notebook's globals",
    "setattr": "sets an attribute by name", "delattr": "deletes an attribute by name",
}
SUSPECT_MODULES = {
    "inspect": "inspects stack frames", "gc": "walks the garbage collector's objects", "ctypes": "calls C directly",
    "subprocess": "starts processes", "socket": "opens network connections", "urllib": "opens network connections",
    "requests": "opens network connections", "http": "opens network connections", "sqlite3": "opens a database",
    "shutil": "moves or deletes files", "importlib": "imports by name", "builtins": "changes built-ins",
    "signal": "handles signals", "threading": "starts threads", "multiprocessing": "starts processes",
    "IPython": "reaches IPython", "pickle": "unpickles data", "marshal": "loads code objects",
}
SUSPECT_ATTRIBUTES = {
    "modules": "sys.modules: replaces imported modules", "f_back": "walks stack frames", "f_globals": "walks stack frames",
    "f_locals": "walks stack frames", "_getframe": "walks stack frames", "settrace": "traces the grader",
    "setprofile": "profiles the grader", "input_transformers_post": "rewrites cells before they run",
    "ast_transformers": "rewrites cells before they run", "system": "runs a shell command", "_exit": "exits the process",
    "unlink": "deletes files", "rmtree": "deletes folders", "write_text": "writes files",
    "__code__": "replaces a function's code", "__globals__": "reaches a function's globals",
}
FORBIDDEN_LIBRARIES = ("torch", "scipy", "cnnlib", "skimage", "cv2", "tensorflow", "jax", "keras")


@dataclass(frozen=True)
class Finding:
    """One suspicious line of an answer cell."""

    grade_id: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.grade_id}, line {self.line}: {self.what}"


def _root(node: ast.expr) -> str | None:
    """The name at the start of an attribute chain (``np`` of ``np.linalg.norm``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def scan(grade_id: str, source: str, *, libraries_allowed: bool = False) -> list[Finding]:
    """Suspicious constructs in one answer cell's ``source``.

    Args:
        grade_id: the answer cell, for the findings.
        source: its code.
        libraries_allowed: whether the part allows torch, scipy and friends (assignment 4 does).

    >>> [str(f) for f in scan("conv_forward", "import numpy as np\\nnp.allclose = lambda *a: True")]
    ['conv_forward, line 2: assigns to np.allclose, an attribute of a module']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [Finding(grade_id, error.lineno or 0, f"does not parse: {error.msg}")]
    modules: set[str] = set()
    findings: list[Finding] = []

    def flag(node: ast.AST, what: str) -> None:
        findings.append(Finding(grade_id, getattr(node, "lineno", 0), what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for alias in node.names:
                modules.add((alias.asname or alias.name).split(".")[0])
            for name in names:
                top = name.split(".")[0]
                if top in SUSPECT_MODULES:
                    flag(node, f"imports {name}, which {SUSPECT_MODULES[top]}")
                elif top in FORBIDDEN_LIBRARIES and not libraries_allowed:
                    flag(node, f"imports {name}, a library whose operations this part asks you to write")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and _root(target) in modules | {"np", "sys", "os"}:
                    flag(node, f"assigns to {ast.unparse(target)}, an attribute of a module")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            reason = SUSPECT_CALLS.get(node.func.id)
            if reason:
                flag(node, f"calls {node.func.id}(), which {reason}")
        elif isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRIBUTES:
            flag(node, f"uses .{node.attr}: {SUSPECT_ATTRIBUTES[node.attr]}")
    return sorted(set(findings), key=lambda f: (f.line, f.what))
