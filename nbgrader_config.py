"""nbgrader's configuration for this course.

``solutions/`` is nbgrader's source (instructor) tree and ``exercises/`` the
generated student release. Submissions, autograded copies, feedback and the
gradebook live in git-ignored folders beside them.
"""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

here = Path(__file__).resolve().parent

c.CourseDirectory.root = str(here)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.course_id = "deep-convnets"
