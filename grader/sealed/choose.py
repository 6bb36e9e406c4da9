"""Which file of a submission holds the student's work: the notebook that is graded, and why.

Students rename and duplicate notebooks (``a1_convolution-Copy1.ipynb``,
``a1_convolution (1).ipynb``), work in the copy and hand in both, or save another
assignment's notebook under this one's name. :func:`choose` reads every notebook
in the submission's folder, finds the instructor's cells in each
(:func:`~.match.match`) and picks the one whose answer cells hold the work:

* the expected notebook, when it holds work and no other notebook holds other work;
* otherwise the one notebook with work (or the one with most, when several differ),
  flagged with both file names;
* when two notebooks hold different work, the grade is marked for a grader, with a
  flag saying what to compare (:data:`MANUAL`).

When the expected notebook is missing, the chosen one is linked under its name
(:func:`link_expected`: a symbolic link beside the student's files, which stay as
they were), so that nbgrader, which grades notebooks by name, grades it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.sealed.match import Matched, match

MANUAL = "needs a grader: "  # a flag that starts so marks the notebook's grade for manual grading


@dataclass
class Choice:
    """The file to grade as the expected notebook (None when there is none), the flags, and the reason it could
    not be graded as handed in (for the batch's table), if any."""

    path: Path | None
    flags: list[str] = field(default_factory=list)
    problem: str = ""


def read(path: Path) -> tuple[NotebookNode | None, str]:
    """The notebook at ``path``, or None and why it cannot be read: not valid JSON, or JSON that is no notebook."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, f"unreadable file ({type(error).__name__}: {error})"
    try:
        data = json.loads(text)
    except ValueError as error:
        return None, f"not valid JSON ({'an empty file' if not text.strip() else error})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "valid JSON, but not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds; each is a reason, never fatal
        return None, f"not a notebook nbformat can read ({type(error).__name__}: {error})"
    return nb, ""


def choose(folder: Path, notebook: str, source: NotebookNode, others: dict[str, NotebookNode] | None = None) -> Choice:
    """The notebook in ``folder`` to grade as ``notebook`` (its name without .ipynb) against ``source``.

    Args:
        folder: the submission's folder (``submitted/<student>/<assignment>``).
        notebook: the name of the instructor's notebook.
        source: the instructor's notebook.
        others: the other assignments' instructor notebooks by name, to recognise one of them.
    """
    expected = folder / f"{notebook}.ipynb"
    files = sorted(p for p in folder.glob("*.ipynb") if not p.is_symlink())  # a link is the grader's, see link_expected
    read_ok: dict[Path, Matched] = {}
    unread: dict[Path, str] = {}
    for path in files:
        nb, why = read(path)
        if nb is None:
            unread[path] = why
        else:
            read_ok[path] = match(source, nb, others)
    own = {p: m for p, m in read_ok.items() if not m.foreign}
    worked = {p: m for p, m in own.items() if m.answered}
    if expected in worked:
        rivals = [p.name for p, m in worked.items() if p != expected and m.answered != worked[expected].answered]
        flags = [f"{MANUAL}{', '.join(rivals)} also hold(s) answers that differ from {expected.name}, which is graded: "
                 "compare them and grade by hand, or ask the student which one counts"] if rivals else []
        return Choice(expected, flags)
    if worked:
        pick = max(worked, key=lambda p: (len(worked[p].answered), p.name == expected.name))
        state = ("left as released" if expected in own else unread.get(expected) or
                 ("another assignment's notebook" if expected in read_ok else "not submitted"))
        flags = [f"graded {pick.name}, which holds the student's work, instead of {expected.name} ({state})"]
        rivals = [p.name for p, m in worked.items() if p != pick and m.answered != worked[pick].answered]
        if rivals:
            flags.append(f"{MANUAL}{', '.join(rivals)} also hold(s) answers, different ones; {pick.name} (most answers) "
                         "is graded: compare them and grade by hand, or ask the student which one counts")
        return Choice(pick, flags)
    if expected in own:  # nothing answered anywhere: the blank release, graded as it is
        return Choice(expected)
    foreign = {p: m.foreign for p, m in read_ok.items() if m.foreign}
    if foreign:
        path = expected if expected in foreign else min(foreign)
        what = f"{path.name} is assignment {foreign[path]}'s notebook"
        return Choice(path, [f"{MANUAL}{path.name} holds no work of {notebook}: ask the student for {expected.name}"],
                      problem=f"another assignment's notebook ({what})")
    if unread:
        return Choice(None, problem="; ".join(f"{p.name}: {why}" for p, why in unread.items()))
    return Choice(None, problem="no notebook submitted" + (f" (only {', '.join(p.name for p in folder.iterdir())})"
                                                           if folder.is_dir() and any(folder.iterdir()) else ""))


def link_expected(folder: Path, notebook: str, choice: Choice) -> None:
    """Link the chosen file under the expected name when the student handed in no file of that name (nbgrader
    grades notebooks by name); a link made before is kept or pointed at the new choice."""
    expected = folder / f"{notebook}.ipynb"
    if choice.path is None or choice.path == expected or (expected.exists() and not expected.is_symlink()):
        return
    if expected.is_symlink():
        expected.unlink()
    expected.symlink_to(choice.path.name)
