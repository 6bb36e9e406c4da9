"""Other people's work on the grading machine, for the sandbox's tests to look for from inside.

:func:`planted` puts, outside the course and outside any home folder, what issue 17
found readable from an answer cell: a second copy of the course with the instructor's
notebooks (``<system folder>/other-course/solutions/``), and a classmate's submission
waiting in an exchange as ``make hub`` lays it out (``<system folder>/nbgrader/exchange/
deep-convnets/inbound/``). The system folder is ``/srv`` where this user may write there
(root, as in CI), ``/var/tmp`` otherwise; both are removed afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Planted:
    """The two secrets: their paths, and a word written into each that must never come back from a sandbox."""

    solutions: Path  # the other copy's instructor notebook of a1
    classmate: Path  # a classmate's submitted notebook in the exchange
    marker: str


@contextmanager
def planted() -> Iterator[Planted]:
    """Plant both secrets in a system folder; remove them at the end."""
    parent = Path("/srv") if os.access("/srv", os.W_OK) else Path("/var/tmp")
    base = Path(tempfile.mkdtemp(prefix="cnnlib-planted-", dir=parent))
    base.chmod(0o755)  # readable by every user of the machine, as a hub's exchange and a course clone are
    marker = f"planted-{secrets.token_hex(6)}"
    try:
        solutions = base / "other-course" / "solutions" / "a1_convolution" / "a1_convolution.ipynb"
        solutions.parent.mkdir(parents=True)
        solutions.write_text((REPO / "solutions" / "a1_convolution" / "a1_convolution.ipynb").read_text()
                             .replace("# Assignment 1", f"# Assignment 1 {marker}", 1))
        classmate = (base / "nbgrader" / "exchange" / "deep-convnets" / "inbound" / "ana+a1_convolution+2030-01-01" /
                     "a1_convolution.ipynb")
        classmate.parent.mkdir(parents=True)
        classmate.write_text(json.dumps({"cells": [], "metadata": {"note": marker}, "nbformat": 4, "nbformat_minor": 5}))
        for path in [*base.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield Planted(solutions, classmate, marker)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def spy(paths: list[Path]) -> str:
    """Student code that searches the whole file system for notebooks and tries ``paths``, printing all it reads."""
    return f'''
import os
for folder, subfolders, files in os.walk("/"):
    if folder.startswith(("/proc", "/dev", "/sys")):
        subfolders[:] = []
        continue
    for name in files:
        if name.endswith(".ipynb") and "site-packages" not in folder:
            try:
                print("read", os.path.join(folder, name), open(os.path.join(folder, name)).read())
            except OSError:
                pass
for path in {[str(p) for p in paths]!r}:
    try:
        print("read", path, open(path).read())
    except OSError as error:
        print("refused", type(error).__name__)
print("searched the file system")
'''
