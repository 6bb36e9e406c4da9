"""Validate's summary by part: which parts pass, which are not answered, which fail only because of those.

nbgrader's Validate lists each failed test cell with its error. In a notebook with four
parts left to do that is a page of errors, and a part that fails only because an
earlier one is unanswered looks like a part to fix. :class:`PartSummary` runs after
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

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_output

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


class PartSummary(Preprocessor):
    """After execution, put the summary by part above the first failed test cell's error (Validate shows it first)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        lines = summary(nb.cells)
        for cell in nb.cells:
            grade = cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade")
            if grade and any(output.output_type == "error" for output in cell.outputs):
                text = "\n".join([HEADING, *lines]) + "\n\n"
                cell.outputs.insert(0, new_output("stream", name="stderr", text=text))
                break
        return nb, resources
