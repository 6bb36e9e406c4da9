"""Validate's summary by part: which parts pass, which are not answered, which fail only because of those.

nbgrader's Validate lists each failed test cell with its error. In a notebook with four
parts left to do that is a page of errors, and a part that fails only because an
earlier one is unanswered looks like a part to fix. :func:`add_summary` runs after
Validate's execution (the student's ``make lab`` configures it, in
``tools/student_lab/nbgrader_config.py``) and puts one line per part above the first
failure, from the words :mod:`cnnlib.grading.notebook_view` gave each error::

    Your notebook, part by part:
      Part 1: all visible checks pass
      Part 2: not answered yet
      Part 4: fails only because Part 2 is not answered yet
      Part 5: fails: conv_params(C=3, K=10, F=5) returned 750, expected 760
"""

from __future__ import annotations

import re
import weakref

from nbformat import NotebookNode
from nbformat.v4 import new_output, new_raw_cell

from cnnlib.grading.parts import Parts

FOLLOWS = re.compile(r"^Part \d+ fails only because (?P<roots>Parts? [\d, and]+) (?:is|are) not answered yet")
HEADING = "Your notebook, part by part:"


def verdict(outputs: list[NotebookNode]) -> str:
    """One test cell's verdict from its outputs: passes, not answered, follows from another part, or fails.

    >>> verdict([new_output("error", ename="AssertionError", evalue="zero_pad is wrong\\nLikely mistake: ...")])
    'fails: zero_pad is wrong'
    >>> follows = "Part 4 fails only because Part 2 is not answered yet: it calls `zero_pad`, ..."
    >>> verdict([new_output("error", ename="NotAnsweredError", evalue=follows)])
    'fails only because Part 2 is not answered yet'
    """
    for output in outputs:
        if output.output_type != "error":
            continue
        first = (output.evalue.splitlines() or [""])[0]
        follows = FOLLOWS.match(first)
        if follows:
            return f"fails only because {follows['roots']} {'are' if 'Parts' in follows['roots'] else 'is'} not answered yet"
        if output.ename == "NotAnsweredError":
            return "not answered yet"
        return f"fails: {first.split('; case:')[0]}" if first else f"fails: {output.ename}"
    return "all visible checks pass"


def summary(cells: list[NotebookNode]) -> list[str]:
    """One line per part with test cells: its first failing cell's verdict, or that all pass."""
    parts = Parts.read_cells(cells)
    verdicts: dict[int, str] = {}
    for cell in cells:
        if cell.cell_type != "code" or not cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            continue
        part = parts.by_source.get(cell.source.strip())
        if part is None:
            continue
        said = verdict(cell.outputs)
        if verdicts.get(part, "all visible checks pass") == "all visible checks pass":
            verdicts[part] = said
    return [f"  Part {part}: {said}" for part, said in sorted(verdicts.items())]


def add_summary(cells: list[NotebookNode]) -> None:
    """Put the summary by part above the first failed test cell's error, which Validate shows first."""
    for cell in cells:
        grade = cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade")
        if grade and any(output.output_type == "error" for output in cell.outputs):
            text = "\n".join([HEADING, *summary(cells)]) + "\n\n"
            cell.outputs.insert(0, new_output("stream", name="stderr", text=text))
            return


# Validate's list of preprocessors is fixed, but its Execute (an nbclient NotebookClient) takes hooks from the
# configuration: one adds an empty cell after the last, whose start means that every cell has run.
MARK = "cnnlib-part-summary"
# The added cell's id -> its notebook; weak, so a run cut short (a cell past its time) leaves nothing behind.
_waiting: weakref.WeakValueDictionary[int, NotebookNode] = weakref.WeakValueDictionary()


def mark_the_end(notebook: NotebookNode, **_: object) -> None:
    """``Execute.on_notebook_start``: add the empty last cell whose start :func:`summarise_at_the_end` waits for."""
    end = new_raw_cell("", metadata={MARK: True})
    notebook.cells.append(end)
    _waiting[id(end)] = notebook


def summarise_at_the_end(cell: NotebookNode, **_: object) -> None:
    """``Execute.on_cell_start``: at the added last cell every cell has run: add the summary, remove the cell."""
    notebook = _waiting.pop(id(cell), None) if cell.get("metadata", {}).get(MARK) else None
    if notebook is not None:
        notebook.cells.remove(cell)
        add_summary(notebook.cells)
