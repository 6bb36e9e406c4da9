"""nbgrader's configuration for this course.

``solutions/`` is nbgrader's source (instructor) tree and ``exercises/`` the
generated student release. Submissions, autograded copies, feedback and the
gradebook live in git-ignored folders beside them. The Makefile's instructor
targets (``make release``, ``make autograde`` ...) run nbgrader with this file.
"""

import os
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from cnnlib.grading.feedback import HideHiddenTests

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
# mistakes get a sentence and a link to the book (cnnlib/grading/feedback.py).
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, HideHiddenTests]
