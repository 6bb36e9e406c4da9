"""Grading helpers for the course's nbgrader assignments.

* :mod:`~cnnlib.grading.checks`: the visible and hidden tests' comparisons of
  array results, with messages in the CS231n manner (shapes, dtype, relative
  error and its bound), and the dtype rule every assignment states;
  :mod:`~cnnlib.grading.exact_checks` for exact values and raised errors.
* :mod:`~cnnlib.grading.mistakes`: the known mistakes (kernel flipped, padding
  off by one, ...), each named in one sentence with a link to the book section
  that explains it, recognised from a wrong output by
  :mod:`~cnnlib.grading.layer_mistakes` (conv, pooling, fully connected) and
  :mod:`~cnnlib.grading.gradient_mistakes` (backward passes, numerical gradients).
* :mod:`~cnnlib.grading.tripwire`: notices a solution that calls a library
  convolution or pooling where the task is to write it.
* :mod:`~cnnlib.grading.loops`: notices a Python loop over output positions by
  counting the lines a function runs, not by timing it.
* the rest of what students' notebooks import: :mod:`~cnnlib.grading.torch_checks`
  and :mod:`~cnnlib.grading.torch_mistakes` (assignment 4), :mod:`~cnnlib.grading.inside_mistakes`
  and :mod:`~cnnlib.grading.trained` (assignment 5's LeNet-5), and
  :mod:`~cnnlib.grading.part_summary` (Validate's summary in the student's lab).

The instructor's machinery (the sealed runner, batch, report, late penalties, export,
the feedback's preprocessor) is the separate package ``grader``, which imports this
one; nothing here imports it.

Nothing here imports torch: the numpy-only assignments start fast.
"""

from cnnlib.grading import notebook_view
from cnnlib.grading.checks import DTYPE_RULE, check_against, check_call, check_close, describe, result_dtypes
from cnnlib.grading.exact_checks import check_equal, check_raises, equal_problem, plain
from cnnlib.grading.gradient_mistakes import diagnose_conv_backward, diagnose_numerical_gradient, diagnose_pool_backward
from cnnlib.grading.layer_mistakes import (
    diagnose_conv,
    diagnose_correlate2d,
    diagnose_linear,
    diagnose_pad,
    diagnose_params,
    diagnose_pool,
)
from cnnlib.grading.loops import check_no_position_loops, python_lines
from cnnlib.grading.mistakes import MISTAKES, Mistake
from cnnlib.grading.tripwire import no_library_calls

# In a notebook's kernel: one line per passing part, short tracebacks, unanswered parts named.
notebook_view.install()

__all__ = [
    "DTYPE_RULE", "MISTAKES", "Mistake", "check_against", "check_call", "check_close", "check_equal",
    "check_no_position_loops", "check_raises", "describe", "diagnose_conv", "diagnose_conv_backward",
    "diagnose_correlate2d", "diagnose_linear", "diagnose_numerical_gradient", "diagnose_pad", "diagnose_params",
    "diagnose_pool", "diagnose_pool_backward", "equal_problem", "no_library_calls",
    "plain", "python_lines", "result_dtypes",
]
