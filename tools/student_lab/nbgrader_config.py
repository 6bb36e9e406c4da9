"""nbgrader's configuration for the student's JupyterLab (`make lab`), read before the course's own.

Validate runs the notebook as nbgrader does, then puts a summary by part above the first
failure (cnnlib/grading/part_summary.py).
"""

from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute

from cnnlib.grading.part_summary import PartSummary

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.Validator.preprocessors = [CheckCellMetadata, ClearOutput, Execute, PartSummary]
