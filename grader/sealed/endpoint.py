"""One side of the conversation between the grader and the sandbox.

Both sides run an :class:`Endpoint`. ``request`` sends one message and waits
for its reply; while it waits it serves the other side's requests, so calls
can nest: the grader calls the student's ``numerical_gradient``, which calls
the grader's ``f``, which may call another student function. Every object
that is not plain data stays where it lives and is used through a
:class:`Remote` proxy.
"""

from __future__ import annotations

import builtins
import os
import select
import time
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from grader.sealed.wire import Codec, WireError, dumps, loads

MESSAGE_LIMIT = 256 * 2**20  # bytes in one message: the largest arrays an assignment passes, with room


class TimeoutReached(Exception):  # noqa: N818 - a state reached, not an error of this side
    """The other side did not answer in time."""


class RemoteError(Exception):
    """The other side raised; ``ename`` and ``evalue`` are its exception's type name and message."""

    def __init__(self, ename: str, evalue: str, traceback_text: str = "") -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue, self.traceback_text = ename, evalue, traceback_text


def remote_error(error: dict) -> Exception:
    """The other side's exception here: a built-in type as itself (so ``except ValueError`` works), others as RemoteError.

    >>> remote_error({"ename": "ValueError", "evalue": "does not fit"})
    ValueError('does not fit')
    >>> remote_error({"ename": "os.system", "evalue": "x"})
    RemoteError('os.system: x')
    """
    ename, evalue = str(error.get("ename")), str(error.get("evalue"))
    kind = getattr(builtins, ename, None)
    if isinstance(kind, type) and issubclass(kind, Exception) and kind not in (StopIteration, StopAsyncIteration):
        try:
            return kind(evalue)
        except TypeError:  # an exception type that needs other arguments (UnicodeDecodeError)
            pass
    return RemoteError(ename, evalue, str(error.get("traceback", "")))


class Remote:
    """A proxy for an object of the other side: call it, read its attributes."""

    def __init__(self, endpoint: Endpoint, ref: int, callable_: bool, kind: str) -> None:
        self._endpoint, self._ref, self._callable, self._kind = endpoint, ref, callable_, kind
        self.__name__ = kind

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._endpoint.call(self._ref, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._endpoint.request("getattr", ref=self._ref, name=name)

    def __sealed_watch__(self, watch: str, *args: Any) -> Any:
        """Call the object where it lives under a watch (``library_calls``, ``python_lines``); what the watch saw."""
        return self._endpoint.request("watch", ref=self._ref, watch=watch, args=self._endpoint.codec.encode(list(args)))

    def __repr__(self) -> str:
        return f"<sandboxed {self._kind}>"


class Endpoint:
    """Sends requests and serves the other side's, over a pair of byte streams.

    Args:
        reader, writer: the streams from and to the other side.
        handlers: this side's operations by name (besides ``call`` and ``getattr``),
            each taking the request's fields and returning the reply's ``value``.
    """

    def __init__(self, reader: BinaryIO, writer: BinaryIO, handlers: dict[str, Callable[..., Any]] | None = None) -> None:
        self.reader, self.writer = reader, writer
        self.codec = Codec(lambda ref, callable_, kind: Remote(self, ref, callable_, kind))
        self.handlers = {"call": self._call, "getattr": self._getattr, **(handlers or {})}
        self.deadline: float | None = None
        self._buffer = b""
        self._next_id = 0

    # Reading and writing -------------------------------------------------------------------------

    def _readline(self) -> bytes:
        while b"\n" not in self._buffer:
            if self.deadline is not None:
                left = self.deadline - time.monotonic()
                if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                    raise TimeoutReached("no answer in time")
            chunk = os.read(self.reader.fileno(), 1 << 20)
            if not chunk:
                raise EOFError("the other side closed the connection")
            self._buffer += chunk
            if len(self._buffer) > MESSAGE_LIMIT:
                raise WireError(f"a message of more than {MESSAGE_LIMIT:,} bytes")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _send(self, message: dict) -> None:
        self.writer.write(dumps(message))
        self.writer.flush()

    # Requests ------------------------------------------------------------------------------------

    def request(self, op: str, **fields: Any) -> Any:
        """Send ``op`` and return the decoded reply; serve nested requests meanwhile."""
        self._next_id += 1
        number = self._next_id
        self._send({"id": number, "op": op, **fields})
        while True:
            message = loads(self._readline(), MESSAGE_LIMIT)
            if message.get("reply") == number:
                if "error" in message:
                    raise remote_error(message["error"])
                return self.codec.decode(message.get("value"))
            if "op" in message:
                self.serve(message)
            else:
                raise WireError(f"a reply to request {message.get('reply')!r}, which is not waiting")

    def call(self, ref: int, args: tuple, kwargs: dict) -> Any:
        """Call the other side's object ``ref``; array arguments it changed in place change here too."""
        reply = self.request("call", ref=ref, args=self.codec.encode(list(args)), kwargs=self.codec.encode(kwargs))
        value, mutated = reply
        for position, array in mutated:
            if isinstance(args[position], np.ndarray) and isinstance(array, np.ndarray) and array.shape == args[position].shape:
                np.copyto(args[position], array, casting="unsafe")
        return value

    def serve(self, message: dict) -> None:
        """Answer one request of the other side (its errors are sent back, never raised here)."""
        number = message.get("id")
        try:
            handler = self.handlers[str(message.get("op"))]
            value = handler(**{key: item for key, item in message.items() if key not in ("id", "op")})
            self._send({"reply": number, "value": self.codec.encode(value)})
        except BaseException as error:  # noqa: BLE001 - the other side gets every failure as data
            if isinstance(error, KeyboardInterrupt | SystemExit | TimeoutReached | EOFError):
                raise
            tb = "".join(traceback.format_exception(type(error), error, error.__traceback__)[-6:])
            self._send({"reply": number, "error": {"ename": type(error).__name__, "evalue": str(error)[:4000],
                                                   "traceback": tb[-8000:]}})

    def serve_forever(self) -> None:
        """Serve requests until the other side closes the connection."""
        while True:
            try:
                line = self._readline()
            except EOFError:
                return
            self.serve(loads(line, MESSAGE_LIMIT))

    # The two operations every side serves ----------------------------------------------------------

    def _object(self, ref: Any) -> Any:
        try:
            return self.codec.objects[int(ref)]
        except (KeyError, TypeError, ValueError):
            raise WireError(f"no object {ref!r} here") from None

    def _call(self, ref: int, args: Any, kwargs: Any) -> tuple[Any, list]:
        fn = self._object(ref)
        args, kwargs = self.codec.decode(args), self.codec.decode(kwargs)
        before = {i: a.copy() for i, a in enumerate(args) if isinstance(a, np.ndarray)}
        value = fn(*args, **kwargs)
        mutated = [[i, args[i]] for i, copy in before.items()
                   if args[i].shape != copy.shape or not np.array_equal(args[i], copy, equal_nan=True)]
        return value, mutated

    def _getattr(self, ref: int, name: str) -> Any:
        if str(name).startswith("_"):
            raise AttributeError(f"{name} is private")
        return getattr(self._object(ref), str(name))
