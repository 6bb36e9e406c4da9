"""nbgrader's Execute step, sealed: ``nbgrader autograde`` runs student code in the sandbox.

:class:`SealedExecute` replaces nbgrader's ``Execute`` in
``Autograde.autograde_preprocessors`` (``nbgrader_config.py``). For an
assignment listed in ``sealed_assignments`` it grades the notebook with
:func:`grader.sealed.runner.grade` against the instructor's notebook in
``solutions/`` and writes each cell's output and error into the notebook, where
nbgrader reads the scores as usual: the gradebook, the formgrader, feedback and
export are nbgrader's own. For an assignment listed in ``kernel_assignments``
(assignment 4, whose tests and answers pass torch models to each other, which
the sandbox's protocol does not carry yet) the instructor's notebook with the
student's answers runs whole in a Jupyter kernel inside the sandbox
(:mod:`.kernel`). Any other assignment runs in nbgrader's kernel, as stock
nbgrader does. The grading's flags (an answer cell missing or duplicated, code
that looks like tampering) are logged with the isolation in force and left in
the resources for :class:`~.flags.SaveAutoGradesAndFlags`, which shows them in
the formgrader and the feedback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Float, List, Unicode

from grader.sealed.batch import GRADERS, cached, key
from grader.sealed.sandbox import isolation
from grader.sealed.sanitize import FLAGS
from grader.sealed.structure import DEFAULT_SECONDS, SUBMISSION_SECONDS, Bounds


class SealedExecute(Execute):
    """Execute that grades the listed assignments sealed, and the others in nbgrader's kernel."""

    sealed_assignments = List(
        Unicode(), default_value=[], help="Assignments whose student code runs in the sandbox, tests outside it"
    ).tag(config=True)
    kernel_assignments = List(
        Unicode(), default_value=[], help="Assignments that run whole, tests included, in a kernel in the sandbox"
    ).tag(config=True)
    cell_seconds = Float(
        DEFAULT_SECONDS, help="Each sealed cell's time bound, unless its source cell's metadata sets cnnlib.seconds"
    ).tag(config=True)
    submission_seconds = Float(
        SUBMISSION_SECONDS, help="All of a sealed submission's cells together, plus what the cells with longer bounds add"
    ).tag(config=True)

    def _coursedir(self) -> CourseDirectory:
        converter = getattr(self.parent, "parent", None)
        return getattr(converter, "coursedir", None) or CourseDirectory(config=self.config)

    def _source(self, resources: ResourcesDict) -> NotebookNode:
        """The instructor's notebook of this assignment, from the course's source folder."""
        coursedir = self._coursedir()
        assignment, notebook = resources["nbgrader"]["assignment"], resources["nbgrader"]["notebook"]
        folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        return nbformat.read(folder / f"{notebook}.ipynb", as_version=4)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources["nbgrader"]["assignment"]
        how = "sealed" if assignment in self.sealed_assignments else "kernel" if assignment in self.kernel_assignments else ""
        if not how:
            return super().preprocess(nb, resources)
        source, coursedir = self._source(resources), self._coursedir()
        names = resources["nbgrader"]
        bounds = Bounds(self.cell_seconds, self.submission_seconds)
        digest = key(source, nb, bounds)  # the answers as MatchCells found them, as the batch found them
        graded = cached(Path(coursedir.root), names["student"], names["assignment"], names["notebook"], digest)
        if graded is None:  # not graded by `python -m grader.sealed.batch` (make autograde runs it first)
            with tempfile.TemporaryDirectory(prefix="cnnlib-submission-") as workdir:
                graded = GRADERS[how](source, nb, Path(workdir), bounds=bounds)
        by_id = {result.grade_id: result for result in graded.results}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            result = by_id.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
            if result is None:
                continue
            if result.output:
                cell.outputs.append(new_output("stream", name="stdout", text=result.output))
            if result.error:
                error = result.error
                cell.outputs.append(new_output("error", ename=error["ename"], evalue=error["evalue"],
                                               traceback=[f"{error['ename']}: {error['evalue']}"]))
        student = resources["nbgrader"]["student"]
        self.log.info("%s, %s graded %s: %s", student, assignment, how, isolation())
        # The flags of MatchCells (which notebook, which cells), then the grading's: each once.
        flags = list(dict.fromkeys(nb.metadata.pop(FLAGS, {}).get("flags", []) + graded.flags))
        for flag in flags:
            self.log.warning("%s, %s: %s", student, assignment, flag)
        resources["cnnlib_flags"] = flags
        return nb, resources
