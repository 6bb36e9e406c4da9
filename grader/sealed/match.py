"""Find the instructor's cells in a submission by their content and position, never by the submission's metadata.

A student can change, copy or delete any cell's nbgrader metadata, in JupyterLab's
property inspector or by pasting cells between notebooks. :func:`match` pairs each
cell of the instructor's notebook with one cell of the submission:

1. the locked cells (instructions, set-up, tests) by their released text, in order
   (a longest-common-subsequence alignment, :class:`difflib.SequenceMatcher`);
2. each remaining cell (the answers, an edited test) among the submission's cells
   left between the same two aligned neighbours: by its grade_id, by the names an
   answer defines (``def conv_forward``), or as the only cell of its type there;
   failing that, anywhere in the notebook by grade_id or defined names.

The notebook it returns has the instructor's cells in the instructor's order, each
with the instructor's nbgrader metadata; a cell not found is the released one put
back, a student's own cell keeps its place with no nbgrader metadata. Every change
is a flag naming the cell. A notebook that holds another assignment's cells instead
is recognised (:func:`assignment_of`) and graded as empty, flagged "this is
assignment a2_pooling_and_networks's notebook".

>>> from nbformat.v4 import new_notebook, new_code_cell
>>> meta = lambda i, **kw: {"nbgrader": {"grade_id": i, "locked": not kw.get("solution"), **kw}}
>>> source = new_notebook(cells=[new_code_cell("def f():\\n    return 1", metadata=meta("f", solution=True)),
...                              new_code_cell("assert f() == 1", metadata=meta("test_f", grade=True, points=1))])
>>> student = new_notebook(cells=[new_code_cell("def f():\\n    return 1", metadata=meta("renamed", solution=True)),
...                               new_code_cell("assert f() == 1", metadata=meta("test_f", grade=True, points=1))])
>>> matched = match(source, student)
>>> [c.metadata.nbgrader.grade_id for c in matched.notebook.cells], matched.flags
(['f', 'test_f'], ["answer cell f: its grade_id was changed to 'renamed'; found by its content"])
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from grader.sealed.structure import defined_names

FOREIGN_SHARE = 0.5  # another assignment's notebook: at least this share of its locked cells is found ...
OWN_SHARE = 1 / 3  # ... and less than this share of this assignment's
NBGRADER_KEYS = ("grade_id", "solution", "grade", "locked", "points", "task")


@dataclass
class Matched:
    """A submission with the instructor's cells found: the notebook to grade, the flags, how much work it holds."""

    notebook: NotebookNode
    flags: list[str] = field(default_factory=list)
    answered: dict[str, str] = field(default_factory=dict)  # answer grade_id -> source, where changed from the release
    foreign: str | None = None  # the other assignment whose notebook this is


def _text(cell: NotebookNode) -> str:
    source = cell.get("source", "")
    return ("".join(source) if isinstance(source, list) else str(source)).strip()


def _nbgrader(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def released(source: NotebookNode) -> NotebookNode:
    """``source`` as ``nbgrader generate_assignment`` hands it out: solutions replaced by stubs, hidden tests removed."""
    release = copy.deepcopy(source)
    release, _ = ClearSolutions().preprocess(release, {})
    release, _ = ClearHiddenTests().preprocess(release, {})
    return release


def _names(text: str) -> set[str]:
    try:
        return defined_names(text)
    except (SyntaxError, ValueError):
        return set()


def _kind(cell: NotebookNode) -> str:
    meta = _nbgrader(cell)
    return "answer" if meta.get("solution") else "test" if meta.get("grade") else "locked"


def _anchors(release: NotebookNode, cells: list[NotebookNode]) -> dict[int, int]:
    """Release cell index -> submission cell index for the locked cells found by their text, in order."""
    keys = [_text(c) if _kind(c) != "answer" else f"\0answer {i}" for i, c in enumerate(release.cells)]
    theirs = [_text(c) for c in cells]
    blocks = difflib.SequenceMatcher(None, keys, theirs, autojunk=False).get_matching_blocks()
    return {a + k: b + k for a, b, size in blocks for k in range(size) if keys[a + k]}


def share_found(source: NotebookNode, submission: NotebookNode) -> float:
    """The share of ``source``'s locked cells found in ``submission`` by their released text (0 to 1)."""
    release = released(source)
    locked = [i for i, c in enumerate(release.cells) if _kind(c) != "answer" and _text(c)]
    found = _anchors(release, list(submission.get("cells", [])))
    return sum(i in found for i in locked) / max(len(locked), 1)


def assignment_of(submission: NotebookNode, sources: dict[str, NotebookNode]) -> str | None:
    """The assignment among ``sources`` (name -> instructor's notebook) whose locked cells ``submission`` holds most
    of, if at least :data:`FOREIGN_SHARE` of them."""
    shares = {name: share_found(nb, submission) for name, nb in sources.items()}
    best = max(shares, key=shares.get, default=None)
    return best if best is not None and shares[best] >= FOREIGN_SHARE else None


def _score(want: NotebookNode, grade_id: str, cell: NotebookNode) -> float:
    """How much speaks for ``cell`` being the instructor's ``want``: its id, the names it defines, its text, its type."""
    score = 4.0 if _nbgrader(cell).get("grade_id") == grade_id else 0.0
    if _kind(want) == "answer":
        given, theirs = _names(_text(want)), _names(_text(cell))
        score += 2.0 * len(given & theirs) / len(given | theirs) if given and theirs else 0.0
    else:
        score += 2.0 * difflib.SequenceMatcher(None, _text(want), _text(cell)).ratio()
    return score + (0.5 if cell.get("cell_type") == want.cell_type else 0.0)


def _pair(source: NotebookNode, release: NotebookNode, cells: list[NotebookNode]) -> dict[int, int]:
    """Instructor cell index -> submission cell index, for every instructor cell found."""
    pairs = _anchors(release, cells)
    free = set(range(len(cells))) - set(pairs.values())
    graded = [i for i, c in enumerate(source.cells) if _nbgrader(c).get("grade_id")]
    for i in graded:  # between the aligned neighbours: evidence first, then position
        if i in pairs:
            continue
        below, above = max((j for j in pairs if j < i), default=-1), min((j for j in pairs if j > i), default=len(source.cells))
        low, high = pairs.get(below, -1), pairs.get(above, len(cells))
        near = [k for k in sorted(free) if low < k < high]
        want = source.cells[i]
        scored = {k: _score(want, _nbgrader(want)["grade_id"], cells[k]) for k in near}
        best = max(scored, key=scored.get, default=None)
        theirs = [k for k in near if cells[k].get("cell_type") == want.cell_type]
        ours = [j for j in graded if below < j < above and j not in pairs and source.cells[j].cell_type == want.cell_type]
        if best is not None and scored[best] >= 1.0:
            pairs[i] = best
        elif len(theirs) == 1 and ours == [i]:  # the one cell of its type where it belongs
            pairs[i] = theirs[0]
        else:
            continue
        free.discard(pairs[i])
    for i in graded:  # moved elsewhere: by grade_id or by the names it defines, anywhere
        if i in pairs or not free:
            continue
        scored = {k: _score(source.cells[i], _nbgrader(source.cells[i])["grade_id"], cells[k]) for k in free}
        best = max(scored, key=scored.get)
        if scored[best] >= 1.5:
            pairs[i] = best
            free.discard(best)
    return pairs


def _changes(grade_id: str, kind: str, want: dict, got: dict) -> list[str]:
    """Flags for the nbgrader metadata a student's cell carries where it differs from the instructor's."""
    what = {"answer": "answer cell", "test": "test cell"}.get(kind, "cell")
    if not got:
        return [f"{what} {grade_id}: its nbgrader metadata was removed; found by its content"]
    if got.get("grade_id") != grade_id:
        return [f"{what} {grade_id}: its grade_id was changed to {got.get('grade_id')!r}; found by its content"]
    changed = [key for key in NBGRADER_KEYS if bool(want.get(key)) != bool(got.get(key)) or
               (key == "points" and float(want.get(key) or 0) != float(got.get(key) or 0))]
    return [f"{what} {grade_id}: its nbgrader metadata was changed ({', '.join(changed)}); the instructor's is used"
            ] if changed else []


def match(source: NotebookNode, submission: NotebookNode, others: dict[str, NotebookNode] | None = None) -> Matched:
    """``submission`` rebuilt on ``source``'s cells: see the module's docstring.

    Args:
        source: the instructor's notebook (solutions and hidden tests).
        submission: the student's notebook, any metadata.
        others: other assignments' instructor notebooks by name, to recognise a notebook of one of them.
    """
    release = released(source)
    cells = [nbformat.from_dict(c) for c in submission.get("cells", []) if isinstance(c, dict) and "cell_type" in c]
    foreign = None
    if others and share_found(source, submission) < OWN_SHARE:
        foreign = assignment_of(submission, others)
    pairs = {} if foreign else _pair(source, release, cells)
    result = Matched(nbformat.v4.new_notebook(metadata=copy.deepcopy(submission.get("metadata", {}))), foreign=foreign)
    if foreign:
        result.flags.append(f"this is assignment {foreign}'s notebook, not this assignment's: graded as empty")
    placed: list[tuple[tuple[int, int, int], NotebookNode]] = []
    mine = {k: i for i, k in pairs.items()}
    for i, want in enumerate(source.cells):
        meta = _nbgrader(want)
        grade_id = meta.get("grade_id")
        if i in pairs:
            cell = copy.deepcopy(cells[pairs[i]])
            if grade_id:
                result.flags += _changes(grade_id, _kind(want), meta, _nbgrader(cell))
                cell.metadata["nbgrader"] = copy.deepcopy(meta)
            if _kind(want) == "answer" and _text(cell) != _text(release.cells[i]):
                result.answered[grade_id] = _text(cell)
        else:
            cell = copy.deepcopy(release.cells[i])
            if grade_id and not foreign:
                what = {"answer": "answer cell", "test": "test cell"}.get(_kind(want), "cell")
                graded = "graded as empty" if _kind(want) == "answer" else "the instructor's is put back"
                result.flags.append(f"{what} {grade_id} is missing; {graded}")
        placed.append(((i, 0, 0), cell))
    last = -1
    for k, cell in enumerate(cells):
        if k in mine:
            last = mine[k]
            continue
        cell = copy.deepcopy(cell)
        stray = _nbgrader(cell).get("grade_id")
        if "nbgrader" in cell.get("metadata", {}):
            del cell.metadata["nbgrader"]
        if stray and not foreign:
            result.flags.append(f"a copy of cell {stray} (or a cell given its metadata) was found beside the "
                                "instructor's; graded as the student's own cell")
        placed.append(((last, 1, k), cell))
    result.notebook.cells = [cell for _, cell in sorted(placed, key=lambda item: item[0])]
    return result
