"""nbgrader's first look at a submission, made safe: the right notebook, its cells found by content.

:class:`MatchCells` runs first among ``Autograde.sanitize_preprocessors``
(``nbgrader_config.py``), before nbgrader reads any grade_id. It grades the notebook
that holds the student's work in place of the one nbgrader opened, where they differ
(:func:`~.choose.choose`: a renamed or duplicated notebook), and hands nbgrader that
notebook rebuilt on the instructor's cells (:func:`~.match.match`), so that changed,
copied or deleted nbgrader metadata, or another assignment's notebook, can neither
crash nbgrader's recording nor cost correct work its points. Its flags travel in the
notebook's metadata (``cnnlib.flags``) to :class:`~.execute.SealedExecute`, which
reports them with the grading's own.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.sealed.batch import others_of
from grader.sealed.choose import choose, read
from grader.sealed.match import match

FLAGS = "cnnlib"  # the notebook metadata key that carries the flags from sanitizing to grading


class MatchCells(NbGraderPreprocessor):
    """Replace the submission by the notebook with the student's work, its cells found by content and position."""

    def _coursedir(self) -> CourseDirectory:
        converter = getattr(self.parent, "parent", None)
        return getattr(converter, "coursedir", None) or CourseDirectory(config=self.config)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        names, coursedir = resources["nbgrader"], self._coursedir()
        assignment, notebook, student = names["assignment"], names["notebook"], names["student"]
        source_folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        source_path = source_folder / f"{notebook}.ipynb"
        if not source_path.exists():
            return nb, resources
        source = nbformat.read(source_path, as_version=4)
        others = others_of(source_folder.parent.parent, source_folder.parent.name, assignment)
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        choice = choose(folder, notebook, source, others)
        expected = folder / f"{notebook}.ipynb"
        if choice.path is not None and choice.path.resolve() != expected.resolve():
            chosen, _ = read(choice.path)
            nb = chosen if chosen is not None else nb
        matched = match(source, nb, others)
        flags = choice.flags + matched.flags
        for flag in flags:
            self.log.warning("%s, %s: %s", student, assignment, flag)
        matched.notebook.metadata[FLAGS] = {"flags": flags}
        return matched.notebook, resources
