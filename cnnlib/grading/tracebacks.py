"""Tracebacks without the grading library's own frames, so that a failed check's message comes first.

A visible test fails inside ``check_call`` or ``check_equal``; Python's traceback then
shows their source (docstring included) above the message. A student needs the test's
line and her own code's, not ours: :func:`trimmed` drops every frame of
``cnnlib/grading`` and, where a check caught the student's exception to word it
(``conv_forward raised ValueError: ...``), puts the student's frames back under the
test's line, so the traceback points at the line of hers that raised.
"""

from __future__ import annotations

import os
from types import TracebackType

GRADING_DIR = os.path.dirname(os.path.realpath(__file__)) + os.sep


def is_grading(tb: TracebackType) -> bool:
    """Whether this frame runs the grading library's code."""
    return os.path.realpath(tb.tb_frame.f_code.co_filename).startswith(GRADING_DIR)


def frames(tb: TracebackType | None) -> list[TracebackType]:
    """The traceback's entries, outermost first."""
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def chain(entries: list[TracebackType]) -> TracebackType | None:
    """A new traceback through ``entries`` (outermost first)."""
    tb = None
    for entry in reversed(entries):
        tb = TracebackType(tb, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return tb


def caught(error: BaseException) -> BaseException | None:
    """The student's exception a check caught and reworded (``raise AssertionError(...) from None``), or None."""
    context = error.__context__
    if error.__suppress_context__ and context is not None and any(map(is_grading, frames(error.__traceback__))):
        return context
    return None


def trimmed(error: BaseException) -> TracebackType | None:
    """``error``'s traceback without the grading library's frames, with the caught exception's frames under it.

    >>> from cnnlib.grading import check_equal
    >>> try:
    ...     check_equal(4, 5, "output_size(7, 3)")
    ... except AssertionError as error:
    ...     names = [[entry.tb_frame.f_code.co_name for entry in frames(tb)] for tb in (error.__traceback__, trimmed(error))]
    >>> names
    [['<module>', 'check_equal'], ['<module>']]
    """
    kept = [entry for entry in frames(error.__traceback__) if not is_grading(entry)]
    inner = caught(error)
    if inner is not None:
        kept += [entry for entry in frames(inner.__traceback__) if not is_grading(entry)]
    return chain(kept)
