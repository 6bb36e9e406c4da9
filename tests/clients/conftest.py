"""Fixtures for the real-client tests: headless chromium, and a free localhost port.

Like the book's browser test, they skip where Debian's chromium and chromedriver are
missing and fail instead under CI=true. Screenshots go to ``_build/screenshots/``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.book.conftest import SCREENSHOTS, missing, start_chromium  # noqa: F401 - the clients' tests use them


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium for one module's clients (slow servers: 90 s a page)."""
    driver = start_chromium(timeout=90)
    yield driver
    driver.quit()
