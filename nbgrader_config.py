"""nbgrader's configuration for this course.

``solutions/`` is nbgrader's source (instructor) tree and ``exercises/`` the
generated student release. Submissions, autograded copies, feedback and the
gradebook live in git-ignored folders beside them. The Makefile's instructor
targets (``make release``, ``make autograde`` ...) run nbgrader with this file.
"""

import os
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
)

from grader.export import PartsCsvExport
from grader.feedback import TEMPLATES, HideHiddenTests
from grader.late import LatePenalty, RecordDueDate
from grader.overwrite import RestoreHiddenTests
from grader.sealed.execute import SealedExecute
from grader.sealed.flags import SaveAutoGradesAndFlags
from grader.sealed.sanitize import MatchCells

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

here = Path(__file__).resolve().parent

c.CourseDirectory.root = str(here)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.course_id = "deep-convnets"

# A writable exchange for release/fetch/submit/collect on one machine; a
# JupyterHub sets NBGRADER_EXCHANGE to its shared folder (e.g. /srv/nbgrader/exchange).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", str(here / ".exchange"))

# `make collect-zip`: an LMS download unpacked from downloaded/<assignment>/archive/,
# files named <student_id>_<anything>_<notebook>.ipynb as Canvas names them
# (jdoe_1234_5678_a1_convolution.ipynb, or a1_convolution-1.ipynb for a resubmission);
# adapt the pattern to another LMS. nbgrader matches it against the file's whole path,
# hence the leading ".*/", and files the notebook as file_id plus the file's extension.
c.FileNameCollectorPlugin.named_regexp = r"^.*/(?P<student_id>[^_/]+)_(?:[^/]*_)?(?P<file_id>a\d_[a-z_]+)(?:-\d+)?\.ipynb$"

# Assignment 4 trains a network in one cell (up to a minute); the default is 30 s.
c.Execute.timeout = 300

# Feedback shows which hidden test failed and why, never its code; known
# mistakes get a sentence and a link to the book (grader/feedback.py).
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, HideHiddenTests]
# Its formulas render offline: MathJax goes into the page itself instead of coming from a CDN.
c.HTMLExporter.extra_template_basedirs = TEMPLATES
c.HTMLExporter.filters = {"mathjax_script": "grader.feedback.mathjax_script"}

# Due dates and late penalties, per assignment. `make autograde` writes each due date
# into the gradebook (an assignment with "due": None keeps the gradebook's, none or the
# formgrader's), and a submission is late by its timestamp.txt, which `nbgrader submit`
# writes. Each day late, a started day counting whole, costs percent_per_day of the
# assignment's points, at most max_percent (grader/late.py). Dates are in nbgrader's
# format: "2025-10-13 23:59:00 Europe/Berlin" (a time zone name, or UTC).
c.LatePenalty.deadlines = {
    "a1_convolution": {"due": None, "percent_per_day": 10, "max_percent": 50},
    "a2_pooling_and_networks": {"due": None, "percent_per_day": 10, "max_percent": 50},
    "a3_backprop_and_speed": {"due": None, "percent_per_day": 10, "max_percent": 50},
    "a4_train_a_convnet": {"due": None, "percent_per_day": 10, "max_percent": 50},
    "a5_inside_a_convnet": {"due": None, "percent_per_day": 10, "max_percent": 50},
}
c.AssignLatePenalties.plugin_class = LatePenalty

# Autograde's first pass, nbgrader's list with three changes: RecordDueDate writes the due
# date above; MatchCells (grader/sealed/sanitize.py) takes the notebook that holds
# the student's work (a renamed or duplicated one is found and flagged) and finds its cells
# by content and position, so that no edited grade_id or metadata, and no other assignment's
# notebook, can stop it from being graded; and RestoreHiddenTests (grader/overwrite.py)
# puts the hidden tests back without a checksum warning for each test cell left as released,
# while a locked cell the student edited is still reported.
c.Autograde.sanitize_preprocessors = [
    RecordDueDate, MatchCells, ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreHiddenTests, CheckCellMetadata,
]
# A deleted test cell is put back from the gradebook and graded, instead of scoring zero
# and waiting for a grader.
c.OverwriteCells.add_missing_cells = True

# `make grades`: nbgrader's CSV plus each test cell's score and a needs_manual_grade column.
c.ExportApp.plugin_class = PartsCsvExport

# `nbgrader validate` cuts each line of a failing cell's error at this width (nbgrader's
# default: 90) and draws its rules as wide. The grading checks' messages run longer: a
# wrong result's shapes and relative error, up to 200 characters, and a known mistake's
# sentence with its book link, up to about 280. (JupyterLab's Validate button cuts nothing.)
c.Validator.width = 320

# Sealed grading (grader/sealed): for these assignments, student code runs in a
# sandbox (bubblewrap: no network, the course folder hidden, limits on CPU, memory,
# processes and file size) and the tests judge it from outside, each test cell within its
# own time bound. Assignment 4 passes torch models between tests and answers, which the
# sandbox's protocol does not carry yet: it runs whole, tests included, in a kernel inside
# the same sandbox. Flags (tampering, missing or duplicated cells) go into the answer
# cells' comments, shown in the formgrader and the feedback.
c.Autograde.autograde_preprocessors = [
    SealedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGradesAndFlags,
    AssignLatePenalties, CheckCellMetadata,
]
c.SealedExecute.sealed_assignments = ["a1_convolution", "a2_pooling_and_networks", "a3_backprop_and_speed"]
# Assignment 5 passes torch models and tensors between its tests and answers too.
c.SealedExecute.kernel_assignments = ["a4_train_a_convnet", "a5_inside_a_convnet"]
# Their cells take well under a second (a few with literal loops); a stalled one costs this, not 300 s.
c.SealedExecute.cell_seconds = 10
# And all of a submission's cells together (a correct one takes a few seconds): code that stalls
# in every cell costs the batch this, not 10 s a cell. Cells given a longer bound add their extra.
c.SealedExecute.submission_seconds = 60

# `make autograde` grades the sealed assignments on this machine's cores. With a Dask scheduler's address
# (tls://host:8786) it sends each submission to that cluster's workers instead, which run the same sandbox, and
# records their results here (grader/sealed/cluster.py; the book's "Grading on a cluster"). The
# connection needs the course's TLS certificates in Dask's configuration; GRADING_SCHEDULER=... wins over this.
c.GradingCluster.scheduler = ""
