"""nbgrader's OverwriteCells, quiet about the hidden tests it puts back.

Before grading, nbgrader overwrites every locked cell of a submission with the source
version from the gradebook and warns "Attribute 'checksum' for cell ... has changed!"
whenever the two differ. The release has its hidden tests removed, so every untouched
test cell differs, and the real warnings (a student edited a visible test) drown in
expected ones. :class:`RestoreHiddenTests` puts the source back silently when the cell is
exactly what the release handed out, and leaves every other case to nbgrader, which still
reports it. It replaces OverwriteCells in ``Autograde.sanitize_preprocessors``
(``nbgrader_config.py``).
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class RestoreHiddenTests(OverwriteCells):
    """OverwriteCells that does not warn about a locked cell left as released, hidden tests removed.

    It also takes what nbgrader's DeduplicateIds leaves of a duplicated cell, ``nbgrader: {}``, as
    a plain cell: nbgrader's own ``add_missing_cells`` would fail on it with KeyError('grade_id').
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata.nbgrader:
                del cell.metadata["nbgrader"]
        return super().preprocess(nb, resources)

    def released(self, source: str) -> str:
        """``source`` as ``nbgrader generate_assignment`` releases it: without its hidden-test regions."""
        cell = NotebookNode(source=source)
        ClearHiddenTests(parent=self)._remove_hidden_test_region(cell)
        return cell.source

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                pass  # nbgrader warns and drops the id
            else:
                if source.locked and cell.source == self.released(source.source):
                    cell.source = source.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata.nbgrader:  # an id nbgrader dropped
            del cell.metadata["nbgrader"]
        return cell, resources
