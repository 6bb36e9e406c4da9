"""Grading helpers for the course's nbgrader assignments.

* :mod:`~cnnlib.grading.checks`: the visible and hidden tests' comparisons,
  with messages in the CS231n manner (shapes, dtype, relative error and its
  bound), and the dtype rule every assignment states.
* :mod:`~cnnlib.grading.mistakes`: the known mistakes (kernel flipped, padding
  off by one, ...) recognised from a wrong output, each named in one sentence
  with a link to the book section that explains it.
* :mod:`~cnnlib.grading.tripwire`: notices a solution that calls a library
  convolution or pooling where the task is to write it.
* :mod:`~cnnlib.grading.loops`: notices a Python loop over output positions by
  counting the lines a function runs, not by timing it.
* :mod:`~cnnlib.grading.feedback`: an nbconvert preprocessor that keeps hidden
  tests' code out of the students' feedback (imported by nbgrader_config.py
  only, so students never need nbgrader's converters).

Nothing here imports torch: the numpy-only assignments start fast.
"""

from cnnlib.grading.checks import (
    DTYPE_RULE,
    check_against,
    check_call,
    check_close,
    check_equal,
    check_raises,
    describe,
    equal_problem,
    plain,
    result_dtypes,
)
from cnnlib.grading.loops import check_no_position_loops, python_lines
from cnnlib.grading.mistakes import (
    MISTAKES,
    Mistake,
    diagnose_conv,
    diagnose_correlate2d,
    diagnose_linear,
    diagnose_numerical_gradient,
    diagnose_pool,
    diagnose_pool_backward,
)
from cnnlib.grading.tripwire import no_library_calls

__all__ = [
    "DTYPE_RULE", "MISTAKES", "Mistake", "check_against", "check_call", "check_close", "check_equal",
    "check_no_position_loops", "check_raises", "describe", "diagnose_conv", "diagnose_correlate2d", "diagnose_linear",
    "diagnose_numerical_gradient", "diagnose_pool", "diagnose_pool_backward", "equal_problem", "no_library_calls",
    "plain", "python_lines", "result_dtypes",
]
