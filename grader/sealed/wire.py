"""What crosses between the grader and the sandbox: plain data, and references to everything else.

One message is one line of JSON. Values are encoded as plain data: ``None``,
booleans, numbers, strings, lists, tuples, dicts with string keys, and numpy
arrays and scalars as ``.npy`` bytes, read back with ``allow_pickle=False``.
Nothing is ever unpickled, so nothing a submission sends can run as code on
the grader's side. Any other object (a function, a class, a model) stays in
the process that owns it; the other side gets a reference, a number that
:class:`Codec` turns into a proxy through ``make_proxy``.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DEPTH = 20  # nested lists deeper than this are a submission's trick, not an answer


class WireError(ValueError):
    """A message that is not what the protocol allows."""


def _npy(value: np.ndarray | np.generic) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


class Codec:
    """Encodes values for one side of the wire, keeping its own objects under reference numbers.

    Args:
        make_proxy: builds the stand-in for the other side's object number ``ref``
            (``callable`` says whether the object can be called).
    """

    def __init__(self, make_proxy: Callable[[int, bool, str], object]) -> None:
        self.make_proxy = make_proxy
        self.objects: dict[int, object] = {}  # our objects that the other side holds references to

    def encode(self, value: Any, depth: int = 0) -> Any:
        """``value`` as JSON-ready plain data; objects that are not data become references.

        >>> codec = Codec(lambda ref, callable_, kind: None)
        >>> codec.encode((1, "a", [2.5, None]))
        {'tuple': [1, 'a', {'list': [2.5, None]}]}
        """
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested deeper than {MAX_DEPTH} levels")
        if value is None or isinstance(value, bool | int | float | str):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
                return {"bigint": str(value)}
            if isinstance(value, float) and not np.isfinite(value):
                return {"float": repr(value)}
            return value
        if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in "biufc":
            return {"npy": _npy(value), "scalar": isinstance(value, np.generic)}
        if isinstance(value, list | tuple):
            return {type(value).__name__: [self.encode(item, depth + 1) for item in value]}
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return {"dict": {key: self.encode(item, depth + 1) for key, item in value.items()}}
        ref = id(value)
        self.objects[ref] = value
        return {"ref": ref, "callable": callable(value), "kind": type(value).__name__}

    def decode(self, data: Any, depth: int = 0) -> Any:
        """The value that ``data`` (from the other side) encodes; references become proxies.

        >>> codec = Codec(lambda ref, callable_, kind: None)
        >>> codec.decode(codec.encode((np.arange(3), {"k": 2})))
        (array([0, 1, 2]), {'k': 2})
        """
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested deeper than {MAX_DEPTH} levels")
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if not isinstance(data, dict) or len(data) not in (1, 2, 3):
            raise WireError(f"not a value of the protocol: {type(data).__name__}")
        if "npy" in data:
            array = _from_npy(data["npy"])
            return array[()] if data.get("scalar") else array
        if "list" in data or "tuple" in data:
            items = [self.decode(item, depth + 1) for item in data.get("list", data.get("tuple", []))]
            return items if "list" in data else tuple(items)
        if "dict" in data:
            return {str(key): self.decode(item, depth + 1) for key, item in data["dict"].items()}
        if "bigint" in data:
            return int(data["bigint"])
        if "float" in data:
            return float(data["float"])
        if "ref" in data:
            return self.make_proxy(int(data["ref"]), bool(data.get("callable")), str(data.get("kind", "object")))
        raise WireError(f"not a value of the protocol: keys {sorted(data)}")


def dumps(message: dict) -> bytes:
    """One message as one line of JSON."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes, limit: int) -> dict:
    """The message in ``line``; WireError when it is too long or not a JSON object."""
    if len(line) > limit:
        raise WireError(f"a message of {len(line):,} bytes, more than the {limit:,} allowed")
    try:
        message = json.loads(line)
    except ValueError as error:
        raise WireError(f"a message that is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise WireError("a message that is not a JSON object")
    return message
