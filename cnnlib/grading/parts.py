"""Which part of an assignment writes which name, so that a failure says "Part 4 is not answered yet".

An assignment's set-up cell calls :func:`declare_parts` with the names each
part's answer cell defines. Then a check that meets the release's
``NotImplementedError`` names the part (:func:`not_answered`), and in
JupyterLab a test cell that fails only because an earlier part is missing
(``NameError: name 'conv_forward' is not defined``) says so: "this follows from
Part 4, which is not answered or not run yet", instead of looking like a
mistake of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PARTS: dict[str, int] = {}


def declare_parts(parts: Mapping[str, int]) -> None:
    """Record the part that writes each name, and explain a missing one in IPython (JupyterLab, Validate).

    >>> declare_parts({"zero_pad": 2})
    >>> not_answered("zero_pad")
    'Part 2 is not answered yet: zero_pad still raises NotImplementedError; write it, run its cell, then this one'
    """
    PARTS.update(parts)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python (the sealed grader's side): nothing to show
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NameError,), _explain_name_error)


def not_answered(name: str) -> str:
    """What a check says when ``name`` still raises the release's ``NotImplementedError``.

    >>> not_answered("some_function")
    'some_function is not answered yet: it still raises NotImplementedError; write it, run its cell, then this one'
    """
    if name in PARTS:
        return (f"Part {PARTS[name]} is not answered yet: {name} still raises NotImplementedError; "
                "write it, run its cell, then this one")
    return f"{name} is not answered yet: it still raises NotImplementedError; write it, run its cell, then this one"


def missing_part(error: BaseException) -> str | None:
    """The sentence for a NameError of a name some part writes, or None.

    >>> PARTS["output_size"] = 1
    >>> missing_part(NameError("name 'output_size' is not defined", name="output_size"))
    "name 'output_size' is not defined: this follows from Part 1, which is not answered or not run yet"
    """
    name = getattr(error, "name", None)
    if isinstance(error, NameError) and name in PARTS:
        return f"{error}: this follows from Part {PARTS[name]}, which is not answered or not run yet"
    return None


def _explain_name_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    """IPython's handler: the usual traceback, its message saying which missing part it follows from."""
    sentence = missing_part(value)
    if sentence is not None:
        value = NameError(sentence, name=getattr(value, "name", None))
    return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
