"""Does `make lab` give a student JupyterLab on exercises/ with nbgrader's Assignments list, Validate and Submit?

The browser side is out of reach here; the test starts the real target headless in a small
course of its own and asks what the browser would ask: the page's extensions, and
nbgrader's handlers behind the Assignments list and the Validate button.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.assignments.course import checked, make_command, nbgrader, new_course

A1 = "a1_convolution"
COURSE_ID = "deep-convnets"
TOKEN = "lab-test-token"
START_TIMEOUT_S = 60.0


@dataclass
class Lab:
    url: str
    exchange: Path

    def request(self, path: str, data: dict[str, str] | None = None) -> dict:
        """GET ``path`` (or POST ``data`` as a form) with the token; the JSON answer."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def page(self) -> str:
        request = urllib.request.Request(self.url + "/lab", headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """`make lab` running on a course whose a1 is released to a temporary exchange."""
    tmp = tmp_path_factory.mktemp("lab")
    root, exchange = tmp / "course", tmp / "exchange"
    root.mkdir()
    new_course(root, [A1])
    checked(nbgrader("release_assignment", A1, cwd=root, NBGRADER_EXCHANGE=str(exchange)), "nbgrader release_assignment")
    port = free_port()
    # JUPYTER_PORT and JUPYTER_TOKEN are the server's own variables; BROWSER=true opens no browser.
    env = dict(os.environ, JUPYTER_PORT=str(port), JUPYTER_TOKEN=TOKEN, BROWSER="true",
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_DATA_DIR=str(tmp / "data"))
    log_path = tmp / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(make_command("lab", root, EXCHANGE=exchange), env=env, stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", exchange)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"make lab exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                lab.request("/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"make lab did not answer within {START_TIMEOUT_S:.0f} s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.25)
        yield lab
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_lab_page_loads_nbgrader_extension(lab: Lab) -> None:
    """Does the JupyterLab page load nbgrader's lab extension (the Assignments panel and the Validate button)?"""
    assert '"@jupyter/nbgrader"' in lab.page()


def test_assignments_list_shows_the_exercise_as_fetched(lab: Lab) -> None:
    """Does the Assignments list show a1 as already fetched, at its folder in exercises/?"""
    answer = lab.request(f"/assignments?course_id={COURSE_ID}")
    assert answer["success"], answer
    (a1,) = [a for a in answer["value"] if a["assignment_id"] == A1]
    assert a1["status"] == "fetched" and a1["path"] == A1, a1


def test_validate_reports_the_unanswered_tests(lab: Lab) -> None:
    """Does the Validate button's handler run the unanswered release and report its failing tests?"""
    answer = lab.request("/assignments/validate", {"path": f"{A1}/{A1}.ipynb"})
    assert answer["success"], answer
    assert answer["value"].get("failed"), answer["value"]


def test_submit_puts_the_exercise_in_the_exchange(lab: Lab) -> None:
    """Does the Submit button's handler copy exercises/a1_convolution into the exchange's inbound folder?"""
    answer = lab.request("/assignments/submit", {"assignment_id": A1, "course_id": COURSE_ID})
    assert answer["success"], answer
    inbound = [p.name for p in (lab.exchange / COURSE_ID / "inbound").iterdir()]
    assert any(f"+{A1}+" in name for name in inbound), inbound
