"""The instructor's grader: the course's nbgrader assignments graded, reported and handed back.

Students never install it; they install ``cnnlib``, whose :mod:`cnnlib.grading` holds what
their notebooks import (the checks, the known mistakes, the tripwire and loop counter).
This package imports ``cnnlib``, never the other way round.

* :mod:`~grader.sealed`: sealed grading. Student code runs in a bubblewrap sandbox
  (:mod:`~grader.sealed.sandbox`), the hidden tests judge it from outside
  (:mod:`~grader.sealed.runner`, :mod:`~grader.sealed.kernel`); a class is graded on every
  core or on a Dask cluster (:mod:`~grader.sealed.batch`, :mod:`~grader.sealed.cluster`) and
  summed up in a class report (:mod:`~grader.sealed.report`).
* nbgrader's plug-ins, named in the course's ``nbgrader_config.py``: :mod:`~grader.late`
  (due dates and late penalties), :mod:`~grader.overwrite` (hidden tests put back),
  :mod:`~grader.feedback` (feedback without the hidden tests' code, known mistakes linked
  to the book) and :mod:`~grader.export` (each part's score in ``grades.csv``).
"""
