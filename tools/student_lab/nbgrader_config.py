"""nbgrader's configuration for the student's JupyterLab (`make lab`), read before the course's own.

Validate runs the notebook as nbgrader does, then puts a summary by part above the first
failure (cnnlib/grading/part_summary.py).
"""

from cnnlib.grading.part_summary import mark_the_end, summarise_at_the_end

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.Execute.on_notebook_start = mark_the_end
c.Execute.on_cell_start = summarise_at_the_end
