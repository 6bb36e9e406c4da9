"""What a student sees in the notebook: one line per passing part, short errors, unanswered parts named.

Installed into the IPython kernel when the setup cell imports :mod:`cnnlib.grading`
(outside IPython nothing changes: checks print each line, as their doctests show).
In the kernel:

* a test cell whose checks all pass prints one line, ``Part 3: all visible checks pass
  (5 checks)``, instead of one relative error per check;
* an error's traceback leaves out the grading library's frames (:mod:`~cnnlib.grading.tracebacks`);
* a part's placeholder ``raise NotImplementedError()`` reads ``Part 2 is not answered yet``,
  and a failure that only follows from an unanswered part says so: ``Part 4 fails only
  because Part 2 is not answered yet``, also for a ``NameError`` of a name that an
  unanswered part defines (:mod:`~cnnlib.grading.parts`). nbgrader's Validate runs the
  notebook in such a kernel, so it shows the same words.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from cnnlib.grading.parts import Parts, current_parts
from cnnlib.grading.tracebacks import caught, frames, is_grading, trimmed

UNANSWERED = "not answered yet"


class NotAnsweredError(NotImplementedError):
    """A part's placeholder was reached: that part, or one it uses, is not answered yet."""


class _View:
    """The kernel's state: the running cell's part, its passed checks, the parts stopped by unanswered ones."""

    def __init__(self) -> None:
        self.parts = Parts()
        self.part: int | None = None
        self.passed = 0
        self.blocked: dict[int, set[int]] = {}  # part -> the unanswered parts that stopped its answer cell

    def pre_run_cell(self, info: Any) -> None:
        self.parts = current_parts()
        source = info.raw_cell or ""
        self.part = self.parts.part_of_cell(source)
        self.passed = 0
        is_test = source.strip() in self.parts.by_source and source.strip() not in self.parts.answers
        if self.part is not None and not is_test:
            self.blocked.pop(self.part, None)  # an answer cell runs again: what stopped it before may be answered now

    def post_run_cell(self, result: Any) -> None:
        if self.passed and result.error_in_exec is None and result.error_before_exec is None:
            where = f"Part {self.part}" if self.part is not None else "This cell"
            print(f"{where}: all visible checks pass ({self.passed} check{'s' if self.passed > 1 else ''})")
        self.passed = 0

    def explain(self, error: BaseException) -> BaseException:
        """``error``, or a :class:`NotAnsweredError` naming the unanswered part it follows from."""
        placeholder = _placeholder(error)
        if placeholder is not None:
            function = placeholder if placeholder != "<module>" else None
            # A method's part is its class's: LeNet5.__init__ is defined with LeNet5.
            root = self.part if function is None else self.parts.defined_by.get(function.split(".")[0], self.part)
            if root is not None and self.part is not None and root != self.part:
                why = f"it calls `{function}`, which still raises NotImplementedError"
            else:
                what = f"`{function}`" if function else "its answer cell"
                why = f"{what} still raises NotImplementedError: write your answer in place of that line"
            return self._not_answered({root} if root is not None else set(), why)
        if isinstance(error, NameError) and getattr(error, "name", None) in self.parts.defined_by:
            name = error.name
            owner = self.parts.defined_by[name]
            roots = self.blocked.get(owner, {owner})
            if owner == self.part and roots == {owner}:
                why = f"`{name}` is not defined: Part {owner}'s answer sets it (answer it, then run its cell)"
            elif owner == self.part:
                why = f"`{name}` is not defined, because Part {owner}'s answer stopped there"
            else:
                why = f"it uses `{name}`, which Part {owner} defines"
            return self._not_answered(roots, why)
        return error

    def _not_answered(self, roots: set[int], why: str) -> NotAnsweredError:
        if not roots:
            return NotAnsweredError(f"This part is {UNANSWERED}: {why}")
        if self.part is not None:
            self.blocked.setdefault(self.part, set()).update(roots)
        named = _listed(roots)
        if roots == {self.part} or self.part is None:
            message = f"{named} {UNANSWERED}: {why}"
        else:
            message = f"Part {self.part} fails only because {named} {UNANSWERED}: {why}"
        return NotAnsweredError(message)


def _listed(parts: Iterable[int]) -> str:
    """The parts as the subject of a sentence.

    >>> _listed({5, 2}), _listed({3})
    ('Parts 2 and 5 are', 'Part 3 is')
    """
    numbers = sorted(parts)
    if len(numbers) == 1:
        return f"Part {numbers[0]} is"
    return f"Parts {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} are"


def _placeholder(error: BaseException) -> str | None:
    """The function's qualified name (``"<module>"`` for a cell's top level) where ``raise NotImplementedError()`` was reached.

    A check that caught the placeholder (``zero_pad raised NotImplementedError``) counts as reaching it.
    """
    inner = caught(error) or error
    if type(inner) is not NotImplementedError or inner.args:
        return None
    entries = [entry for entry in frames(inner.__traceback__) if not is_grading(entry)]
    return entries[-1].tb_frame.f_code.co_qualname if entries else None


_view = _View()


def passed(line: str) -> None:
    """A visible check passed: print ``line`` outside the kernel, count it inside (one line per part at the end)."""
    if _installed:
        _view.passed += 1
    else:
        print(line)


def order_of(name: str, length: int) -> str | None:
    """In the kernel, the order the notebook names for the tuple ``name`` ("(height, width, depth)"); else None."""
    return current_parts().order_of(name, length) if _installed else None


def _show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython's handler for a cell's exception: the explained error, its traceback trimmed."""
    try:
        shown = _view.explain(value)
        running = getattr(shell.displayhook, "exec_result", None)  # the cell's result, whose error the reply names
        if shown is not value and running is not None and running.error_in_exec is value:
            running.error_in_exec = shown  # so the reply (and nbgrader's Validate) names the same error as the output
        # The frames are the original error's: the test's line, then the student's down to what raised.
        # IPython's own first frame (the cell runner), which tb_offset skips, is not the library's and stays.
        shell.showtraceback((type(shown), shown, trimmed(value)), tb_offset=tb_offset)
    except Exception:  # never hide a student's error behind our own
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


_installed = False


def install(shell: Any | None = None) -> bool:
    """Install the view into the running IPython ``shell`` (found when None); False outside IPython.

    Installing twice does nothing more.
    """
    global _installed
    if shell is None:
        ipython = sys.modules.get("IPython")  # not loaded: not in IPython, and importing it would cost a second
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if not _installed:
        shell.set_custom_exc((Exception,), _show)
        shell.events.register("pre_run_cell", _view.pre_run_cell)
        shell.events.register("post_run_cell", _view.post_run_cell)
        _installed = True
    return True
