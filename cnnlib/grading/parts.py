"""The parts of an assignment notebook: which cells and which names belong to "Part N".

An assignment's markdown headings ``## Part N: ...`` open its parts; every cell
up to the next heading belongs to part N. A part *defines* the names its answer
cells bind at top level (``def zero_pad``, ``worked = ...``) and, in a cell not
yet answered, the names it only reads (``print(worked)`` under
``raise NotImplementedError()``), or else that its tests read and no cell binds
(``hyperparameters``). The kernel-side messages
(:mod:`cnnlib.grading.notebook_view`) use this to say "Part 2 is not answered
yet" and to trace a later part's ``NameError`` back to the part that defines
the name.

The notebook is the kernel's own: ``JPY_SESSION_NAME`` under Jupyter Server, else the
one assignment notebook in the working folder (nbgrader's Validate runs there).
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

HEADING = re.compile(r"^#+\s*Part\s+(\d+)\b", re.MULTILINE)
WORD_TUPLE = re.compile(r"\(((?:[A-Za-z]+, )+[A-Za-z]+)\)")


@dataclass
class Parts:
    """Cells and names by part number, read from one notebook."""

    by_source: dict[str, int] = field(default_factory=dict)  # a code cell's source (stripped) -> its part
    answers: set[str] = field(default_factory=set)  # the sources of answer (nbgrader solution) cells
    defined_by: dict[str, int] = field(default_factory=dict)  # a name -> the part whose answer defines it
    text: dict[int, str] = field(default_factory=dict)  # each part's markdown

    def part_of_cell(self, source: str) -> int | None:
        """The part of the cell with this source, or of the names it defines when it was edited since saving.

        >>> parts = Parts.read_cells([{"cell_type": "markdown", "source": "## Part 2: padding"},
        ...                           {"cell_type": "code", "source": "def zero_pad(x, p):\\n    raise NotImplementedError()"}])
        >>> parts.part_of_cell("def zero_pad(x, p):\\n    return x"), parts.defined_by
        (2, {'zero_pad': 2})
        """
        found = self.by_source.get(source.strip())
        if found is not None:
            return found
        for name in sorted(_bound(source)):
            if name in self.defined_by:
                return self.defined_by[name]
        return None

    def order_of(self, name: str, length: int) -> str | None:
        """The order a part's text names for the tuple ``name`` of ``length`` items, e.g. "(height, width, depth)".

        The first parenthesised list of ``length`` words in a sentence that names ``name`` in
        backticks, else in the text of the part that defines it.

        >>> parts = Parts(defined_by={"alexnet": 6}, text={6: "Volumes are (height, width, depth). Store `alexnet`."})
        >>> parts.order_of("alexnet[0][1]", 3), parts.order_of("alexnet[0][1]", 4)
        ('(height, width, depth)', None)
        """
        base = re.match(r"[A-Za-z_]\w*", name)
        if base is None:
            return None
        sentences = [s for text in self.text.values() for s in re.split(r"(?<=[.:;])\s", text) if f"`{base[0]}`" in s]
        own = [self.text[self.defined_by[base[0]]]] if self.defined_by.get(base[0]) in self.text else []
        for text in sentences + own:
            for words in WORD_TUPLE.findall(text):
                if len(words.split(", ")) == length:
                    return f"({words})"
        return None

    @classmethod
    def read_cells(cls, cells: list[dict]) -> Parts:
        parts, part, bound_before = cls(), None, set(dir(builtins))
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] == "markdown":
                heading = HEADING.search(source)
                part = int(heading[1]) if heading else part
                if part is not None:
                    parts.text[part] = parts.text.get(part, "") + "\n" + source
                continue
            if cell["cell_type"] != "code":
                continue
            if part is not None:
                parts.by_source[source.strip()] = part
            nbgrader = cell.get("metadata", {}).get("nbgrader", {})
            answer = nbgrader.get("solution", False) or not nbgrader  # a cell a student added answers too
            bound = _bound(source)
            if part is not None:
                # An answer defines what it binds and what it reads unbound; a test, what it reads that nothing bound.
                defined = bound | (_read(source) - bound_before) if answer else _read(source) - bound_before - bound
                for name in defined:
                    parts.defined_by.setdefault(name, part)
                if answer:
                    parts.answers.add(source.strip())
            bound_before |= bound
        return parts


def _top_level(source: str) -> list[ast.stmt]:
    try:
        return ast.parse(source).body
    except SyntaxError:  # a half-written answer, or IPython's magics
        return []


def _bound(source: str) -> set[str]:
    """The names a cell binds at top level: functions, classes, assignments and imports."""
    names = set()
    for statement in _top_level(source):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
        else:
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return names


def _read(source: str) -> set[str]:
    """The names a cell reads at top level (not inside its functions)."""
    names = set()
    for statement in _top_level(source):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        names |= {node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return names


_cache: dict[Path, tuple[float, Parts]] = {}


def notebook_path(cwd: Path | None = None) -> Path | None:
    """The kernel's notebook: Jupyter Server's ``JPY_SESSION_NAME``, else the one notebook with parts in ``cwd``."""
    cwd = Path.cwd() if cwd is None else cwd
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        for candidate in (Path(session), cwd / Path(session).name):
            if candidate.is_file():
                return candidate
    found = [path for path in sorted(cwd.glob("*.ipynb")) if re.search(r"#+ *Part \d", path.read_text(errors="replace"))]
    return found[0] if len(found) == 1 else None


def current_parts(cwd: Path | None = None) -> Parts:
    """The parts of the kernel's notebook as last saved, read again when it changes.

    Empty when there is no notebook or it cannot be read: these hooks run before every cell, and
    an error of theirs would reach the cell's stderr, which nbgrader counts as the cell failing.
    """
    try:
        path = notebook_path(cwd)
        if path is None:
            return Parts()
        mtime = path.stat().st_mtime
        if path not in _cache or _cache[path][0] != mtime:
            _cache[path] = (mtime, Parts.read_cells(json.loads(path.read_text())["cells"]))
        return _cache[path][1]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # a folder we may not read, a notebook half written
        return Parts()
