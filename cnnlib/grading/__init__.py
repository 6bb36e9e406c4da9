"""Grading helpers for the course's nbgrader assignments.

* :mod:`~cnnlib.grading.checks`: the visible and hidden tests' comparisons,
  with messages in the CS231n manner (shapes, relative error and its bound).
* :mod:`~cnnlib.grading.mistakes`: the known mistakes (kernel flipped, padding
  off by one, ...) recognised from a wrong output, each named in one sentence
  with a link to the book section that explains it.
* :mod:`~cnnlib.grading.tripwire`: notices a solution that calls a library
  convolution or pooling where the task is to write it.
* :mod:`~cnnlib.grading.feedback`: an nbconvert preprocessor that keeps hidden
  tests' code out of the students' feedback (imported by nbgrader_config.py
  only, so students never need nbgrader's converters).

Nothing here imports torch: the numpy-only assignments start fast.
"""

from cnnlib.grading.checks import check_against, check_close, check_equal, check_raises, describe
from cnnlib.grading.mistakes import MISTAKES, Mistake, diagnose_conv, diagnose_linear, diagnose_pool
from cnnlib.grading.tripwire import no_library_calls

__all__ = [
    "MISTAKES", "Mistake", "check_against", "check_close", "check_equal", "check_raises", "describe",
    "diagnose_conv", "diagnose_linear", "diagnose_pool", "no_library_calls",
]
