"""nbgrader's global configuration on the course's hub: the course and the exchange every user shares.

Every user's server finds it through ``JUPYTER_CONFIG_PATH`` (``jupyterhub_config.py``
sets it to this folder; a system-wide install copies it to /etc/jupyter/nbgrader_config.py).
Students need nothing else: their Assignments list fetches into, and submits from, their
home. The instructor runs nbgrader in the course folder, a clone of the repository, whose
own ``nbgrader_config.py`` (grading, due dates, late penalties) is read after this one.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "deep-convnets"
# Created once by root, world-writable with the sticky bit (chmod 1777): everyone may add to
# it, no one may rename or remove what another user put there. nbgrader makes the course's
# inbound folder writable but not listable, so a student cannot see another's submission.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
