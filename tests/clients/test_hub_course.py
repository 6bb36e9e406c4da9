"""The course on a JupyterHub on localhost: one instructor, two students, nbgrader's exchange between them.

The test creates three Unix accounts, starts JupyterHub with ``tools/hub/jupyterhub_config.py``
(the dummy authenticator, asked for on localhost; local-process spawner, configurable-http-proxy
from npm) and the global ``tools/hub/nbgrader_config.py``, and logs each user in through the hub's API (and
ana, at the end, through its login page in headless chromium). The instructor's course is
a copy of this one in her home. Then the round trip, each step as the user who takes it:
the instructor releases a1; ana fetches, answers and submits it from her JupyterLab on the
hub (the Assignments list's handlers); ben does the same with nbgrader's commands, submits
twice, the second time after the due date; the instructor collects, autogrades, generates
and releases feedback; both fetch it.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import time
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.assignments.course import A1, REPO, SOLUTIONS, answer, checked, hidden_lines, new_course, notebook_of
from tests.clients import jupyterlab as lab
from tests.clients.conftest import missing
from tests.clients.hub import PROXY, Hub, User, course_users, free_ports, run_as, running_hub, tools_hub

pytestmark = pytest.mark.slow

COURSE_ID = "deep-convnets"
NOTEBOOK = f"{A1}/{A1}.ipynb"


@dataclass
class Round:
    """What the round trip left: the users, the course, the exchange, the hub and its tokens."""

    users: dict[str, User]
    course: Path
    exchange: Path
    env: dict[str, str]
    hub: Hub
    tokens: dict[str, str]
    due: datetime

    def nbgrader(self, role: str, *args: str, cwd: Path | None = None) -> str:
        """``nbgrader args`` as ``role`` (in the course for the instructor, in her home for a student); its output."""
        user = self.users[role]
        folder = cwd or (self.course if role == "teach" else user.home)
        result = run_as(user, [self.env["PYTHON"], "-m", "nbgrader", *args], folder, self.env)
        return checked(result, f"nbgrader {' '.join(args)} as {role}").stdout + result.stderr

    def lab(self, role: str, action: str) -> object:
        """Press the Assignments list's ``action`` button (fetch, submit, fetch_feedback) in ``role``'s JupyterLab on the hub."""
        name = self.users[role].name
        answer = self.hub.request(f"/user/{name}/assignments/{action}", self.tokens[role],
                                  body={"course_id": COURSE_ID, "assignment_id": A1}, method="POST")
        # The list of assignments on success, {"success": false, "value": log} on failure.
        if isinstance(answer, dict) and not answer.get("success", True):
            raise RuntimeError(f"{action} as {role} failed: {answer}")
        return answer


def solved(release: nbformat.NotebookNode, only: int | None = None) -> nbformat.NotebookNode:
    """``release`` with its answer cells filled from the instructor's solution (the first ``only`` of them, or all)."""
    solution = nbformat.read(notebook_of(SOLUTIONS / A1), as_version=4)
    full = answer(release, solution)
    if only is not None:
        answers = [i for i, c in enumerate(release.cells) if c.metadata.get("nbgrader", {}).get("solution")]
        for i in answers[only:]:
            full.cells[i].source = release.cells[i].source
    return full


def hub_python() -> Path:
    """Where the hub's users' Python goes (tools/hub/user_python.py): `make hub-deps`'s ``.venv/hub-python`` when the
    checkout is open to other users, else a folder beside the system's temporary files, outside the checkout, which
    a private home folder (mode 0700 or 0750) would hide from them."""
    if tools_hub("user_python").reachable(REPO):
        return REPO / ".venv" / "hub-python"
    key = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"cnnlib-hub-python-{os.geteuid()}-{key}"


def wait_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


@pytest.fixture(scope="module")
def round_trip() -> Iterator[Round]:
    if os.geteuid() != 0:
        missing("the hub test creates Unix users and starts JupyterHub's local-process spawner: run it as root")
    if not PROXY.exists():
        missing(f"{PROXY} is missing: `make hub-deps` installs configurable-http-proxy from npm")
    base = Path(tempfile.mkdtemp(prefix="course-hub-"))
    base.chmod(0o755)  # the users reach their homes and the exchange through it
    try:
        (base / "homes").mkdir(mode=0o755)
        (base / "state").mkdir(mode=0o700)
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)  # as tools/hub/nbgrader_config.py says: all may add, none may remove another's
        python = tools_hub("user_python").user_python(hub_python())
        with course_users(base / "homes", ["teach", "ana", "ben"]) as users:
            yield from _round_trip(base, python, exchange, users)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _round_trip(base: Path, python: Path, exchange: Path, users: dict[str, User]) -> Iterator[Round]:
    teach = users["teach"]
    course = teach.home / COURSE_ID
    course.mkdir()
    new_course(course, [A1])
    shutil.chown(course, teach.name, teach.name)
    for path in course.rglob("*"):
        shutil.chown(path, teach.name, teach.name)
    course.chmod(0o700)  # solutions/, the gradebook and every submission are the instructor's alone
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "PYTHON": str(python), "NBGRADER_EXCHANGE": str(exchange),
           "JUPYTER_CONFIG_PATH": str(tools_hub("user_python").config_folder(python)), "LANG": "C.UTF-8"}
    hub_env = {"COURSE_HUB_INSTRUCTORS": teach.name, "COURSE_HUB_STUDENTS": f"{users['ana'].name},{users['ben'].name}",
               "COURSE_HUB_PYTHON": str(python), "NBGRADER_EXCHANGE": str(exchange), "COURSE_HUB_AUTHENTICATOR": "dummy"}
    with running_hub(base / "state", free_ports(3), hub_env) as hub:
        tokens = {role: hub.log_in(user.name, "any password: the dummy authenticator") for role, user in users.items()}
        hub.start_servers({user.name: tokens[role] for role, user in users.items()})
        trip = Round(users, course, exchange, env, hub, tokens, due=datetime.now(UTC))
        trip.nbgrader("teach", "release_assignment", A1)

        # ana, in her JupyterLab on the hub: fetch, answer every part (the contents API is what the editor saves with), submit.
        trip.lab("ana", "fetch")
        ana_path = f"/user/{users['ana'].name}/api/contents/{NOTEBOOK}"
        fetched = nbformat.from_dict(hub.request(ana_path, tokens["ana"])["content"])
        hub.request(ana_path, tokens["ana"], body={"type": "notebook", "format": "json",
                                                   "content": solved(fetched)}, method="PUT")
        trip.lab("ana", "submit")

        # ben, with nbgrader's commands in his home: one part answered and submitted on time, then all of them, late.
        ben = users["ben"]
        trip.nbgrader("ben", "fetch_assignment", A1)
        ben_nb = ben.home / NOTEBOOK
        release = nbformat.read(ben_nb, as_version=4)
        edit_as(trip, "ben", ben_nb, solved(release, only=1))
        trip.nbgrader("ben", "submit", A1)
        # The instructor sets the due date in the course's nbgrader_config.py: between ben's two submissions.
        trip.due = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
        with open(course / "nbgrader_config.py", "a") as config:
            config.write(f'\nc.LatePenalty.deadlines["{A1}"]["due"] = "{trip.due:%Y-%m-%d %H:%M:%S} UTC"\n')
        wait_until(trip.due + timedelta(seconds=1))
        edit_as(trip, "ben", ben_nb, solved(release))
        trip.nbgrader("ben", "submit", A1)

        # The instructor: nbgrader's commands, as `make collect`, `make autograde`, `make release-feedback` run them.
        trip.nbgrader("teach", "collect", A1, "--update")
        trip.nbgrader("teach", "autograde", A1)
        trip.nbgrader("teach", "generate_feedback", A1)
        trip.nbgrader("teach", "release_feedback", A1)

        trip.lab("ana", "fetch_feedback")
        trip.nbgrader("ben", "fetch_feedback", A1)
        yield trip


def edit_as(trip: Round, role: str, path: Path, nb: nbformat.NotebookNode) -> None:
    """Save ``nb`` to ``path`` as ``role``, as her editor would."""
    script = "import sys, nbformat; nbformat.write(nbformat.reads(sys.stdin.read(), as_version=4), sys.argv[1])"
    result = run_as(trip.users[role], [trip.env["PYTHON"], "-c", script, str(path)], path.parent, trip.env,
                    stdin=nbformat.writes(nb))
    checked(result, f"saving {path} as {role}")


def scores(trip: Round, role: str) -> dict[str, float]:
    """The gradebook's scores of ``role``'s a1: the notebook's points, the late penalty, the assignment's score, the maximum."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{trip.course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(A1, trip.users[role].name)
        (notebook,) = submission.notebooks
        # The final score as nbgrader's export computes it: the points less the penalty, never below zero.
        final = max(0.0, submission.score - submission.late_submission_penalty)
        return {"notebook": notebook.score, "penalty": submission.late_submission_penalty, "score": final,
                "max": submission.max_score, "timestamp": submission.timestamp}


def feedback_page(trip: Round, role: str) -> str:
    """The feedback HTML that ``role`` fetched into her home."""
    (page,) = (trip.users[role].home / A1 / "feedback").glob(f"*/{A1}.html")
    return page.read_text()


def test_only_the_course_users_log_in_and_each_reaches_only_her_server(round_trip: Round) -> None:
    """Does the hub refuse a user it does not list, and ben's token ana's server, while each reaches her own?"""
    hub, users, tokens = round_trip.hub, round_trip.users, round_trip.tokens
    with pytest.raises(urllib.error.HTTPError) as refused:
        hub.log_in("mallory", "any password")
    assert refused.value.code == 403
    assert hub.status(f"/user/{users['ana'].name}/api/status", tokens["ana"]) == 200
    assert hub.status(f"/user/{users['ana'].name}/api/contents/{NOTEBOOK}", tokens["ben"]) == 403


@pytest.mark.parametrize("role", ["ana", "ben"])
def test_each_student_holds_feedback_with_the_gradebooks_score(round_trip: Round, role: str) -> None:
    """Does each student's fetched feedback show the score the gradebook holds, after any late penalty?"""
    page = feedback_page(round_trip, role)
    shown = re.search(rf"{A1} \(Score: ([\d.]+) / ([\d.]+)\)", page)
    assert shown, f"{role}'s feedback has no score line"
    held = scores(round_trip, role)
    assert (float(shown[1]), float(shown[2])) == pytest.approx((held["score"], held["max"]))
    # Both finally handed in the instructor's solution: every point, before any penalty.
    assert held["notebook"] == pytest.approx(held["max"]) and held["max"] > 0


@pytest.mark.parametrize("role", ["ana", "ben"])
def test_feedback_shows_no_hidden_test(round_trip: Round, role: str) -> None:
    """Is no line of a1's hidden tests in the feedback a student fetched?"""
    hidden = hidden_lines(A1)
    assert hidden
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback_page(round_trip, role)))
    assert not [line for line in hidden if line in text]


def test_the_late_submission_carries_the_late_penalty(round_trip: Round) -> None:
    """Is ben's second, late submission the one graded, with 10 % of the points off, and ana's on time with none?"""
    inbound = round_trip.exchange / COURSE_ID / "inbound"
    assert len(list(inbound.glob(f"{round_trip.users['ben'].name}+{A1}+*"))) == 2  # ben submitted twice
    ana, ben = scores(round_trip, "ana"), scores(round_trip, "ben")
    due = round_trip.due.replace(tzinfo=None)  # the gradebook's times are naive UTC
    assert ana["timestamp"] < due < ben["timestamp"]
    assert ana["penalty"] == 0 and ana["score"] == pytest.approx(ana["max"])
    assert ben["notebook"] == pytest.approx(ben["max"])  # his second, complete notebook; the first had part 1 alone
    # Less than a day late counts as one started day: percent_per_day of the points (10 % of 17 = 1.7 points).
    rule = PyFileConfigLoader("nbgrader_config.py", path=str(round_trip.course)).load_config().LatePenalty.deadlines[A1]
    assert ben["penalty"] == pytest.approx(ben["max"] * min(rule["percent_per_day"], rule["max_percent"]) / 100)
    assert ben["score"] == pytest.approx(ben["max"] - ben["penalty"])


def test_a_student_reads_neither_another_students_work_nor_the_solutions(round_trip: Round) -> None:
    """As ben: are ana's folder, the exchange's submissions and feedback and the instructor's solutions closed to him?"""
    trip = round_trip
    inbound = trip.exchange / COURSE_ID / "inbound"
    probes = {
        "ana's notebook": trip.users["ana"].home / NOTEBOOK,
        "the exchange's submissions": inbound,
        "the released feedback": trip.exchange / COURSE_ID / "feedback",
        "the instructor's solutions": trip.course / "solutions" / NOTEBOOK,
        # Controls: what ben may read, so that a refusal above is the permissions', not a broken probe.
        "his own notebook": trip.users["ben"].home / NOTEBOOK,
        "the released assignment": trip.exchange / COURSE_ID / "outbound" / NOTEBOOK,
    }
    script = ("import json, os, sys\nout = {}\nfor name, path in json.loads(sys.stdin.read()).items():\n"
              "    try:\n        os.listdir(path) if os.path.isdir(path) else open(path).read(1)\n        out[name] = 'read'\n"
              "    except PermissionError:\n        out[name] = 'denied'\nprint(json.dumps(out))")
    result = run_as(trip.users["ben"], [trip.env["PYTHON"], "-c", script], trip.users["ben"].home, trip.env,
                    stdin=json.dumps({k: str(v) for k, v in probes.items()}))
    seen = json.loads(checked(result, "ben's reads").stdout)
    # A submission's own folder is open (the instructor removes it later), but ben can neither list the inbound
    # folder nor guess its name: nbgrader ends it with 12 random characters.
    (submission,) = inbound.glob(f"{trip.users['ana'].name}+{A1}+*")
    assert len(submission.name.rsplit("+", 1)[1]) == 12
    assert seen == {name: "read" if name.startswith(("his own", "the released assignment")) else "denied" for name in probes}


def test_ana_logs_in_on_the_hubs_page_and_finds_her_feedback(browser, round_trip: Round) -> None:
    """In a real browser: does ana's login on the hub's page open her JupyterLab, whose Assignments list offers her feedback?"""
    from selenium.webdriver.common.by import By

    ana = round_trip.users["ana"].name
    browser.get(round_trip.hub.url + "/hub/login")
    lab.wait_for(browser, lambda d: d.find_element(By.ID, "username_input"), "the hub's login page").send_keys(ana)
    browser.find_element(By.ID, "password_input").send_keys("any password")
    lab.shot(browser, "hub_1_login")
    browser.find_element(By.ID, "login_submit").click()
    lab.wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item"), "ana's JupyterLab on the hub")
    assert f"/user/{ana}/lab" in browser.current_url
    lab.dismiss_news(browser)
    lab.menu(browser, "Nbgrader", "Assignment List")
    submitted = lab.wait_for(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#submitted_assignments_list")
                                                 if "view feedback" in e.text], "her submission with its feedback")[0]
    lab.shot(browser, "hub_2_ana_feedback_in_assignments_list")
    assert A1 in submitted.text
