"""Does the tampering scan flag the tricks students try, and stay quiet about honest answers?"""

from __future__ import annotations

import nbformat
import pytest

from grader.sealed.scan import scan
from tests.assignments.answers import STYLES
from tests.assignments.course import SOLUTIONS, notebook_of


def honest_answers() -> list[tuple[str, str]]:
    """Every answer of the solutions and of the other correct styles, as (grade_id, source)."""
    found = []
    for folder in sorted(SOLUTIONS.iterdir()):
        nb = nbformat.read(notebook_of(folder), as_version=4)
        found += [(c.metadata["nbgrader"]["grade_id"], c.source) for c in nb.cells
                  if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    for styles in STYLES.values():
        for sources in styles.values():
            found += list(sources.items())
    return found


def test_honest_answers_are_not_flagged() -> None:
    """Do the solutions and every correct style pass the scan without a finding (a4's torch allowed)?"""
    for grade_id, source in honest_answers():
        torch_part = "import torch" in source or "nn." in source or "torch." in source
        assert scan(grade_id, source, libraries_allowed=torch_part) == [], grade_id


@pytest.mark.parametrize(
    ("code", "what"),
    [("import numpy as np\nnp.allclose = lambda *a, **k: True", "assigns to np.allclose"),
     ("import sys\nsys.modules['numpy'] = None", "sys.modules"),
     ("import inspect\nf = inspect.currentframe().f_back", "imports inspect"),
     ("get_ipython().ast_transformers.append(None)", "rewrites cells"),
     ("exec(open('/course/solutions/a1.ipynb').read())", "calls exec()"),
     ("import sqlite3\nsqlite3.connect('gradebook.db')", "opens a database"),
     ("import socket\nsocket.create_connection(('example.org', 80))", "network"),
     ("import os\nos._exit(1)", "exits the process"),
     ("from scipy.signal import correlate2d", "a library whose operations"),
     ("def f(:\n    pass", "does not parse")],
)
def test_tricks_are_flagged_with_their_line(code: str, what: str) -> None:
    """Is each trick named, with its line?"""
    findings = [str(f) for f in scan("conv_forward", code)]
    assert any(what in f and f.startswith("conv_forward, line ") for f in findings), findings
