"""Do the Makefile's collection targets bring every submission into submitted/, and does autograding survive a broken one?

Each test runs the real targets (``make collect``, ``make collect-zip``, ``make autograde``) on a
small course of its own in a temporary folder, holding assignment 1 only.
"""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import time
import zipfile
from pathlib import Path

import nbformat

from tests.assignments.course import A1, REPO, Course, answered, checked, make, submit, submit_through_exchange


def test_exchange_submission_is_collected(a1_course: Path, tmp_path: Path) -> None:
    """Does a notebook released to the exchange, fetched and submitted by a student, reach submitted/<student>/<assignment>/?"""
    alice = submit_through_exchange(a1_course, tmp_path / "exchange", tmp_path / "alice")
    collected = a1_course / "submitted" / "alice" / A1 / alice.notebook.name
    assert nbformat.read(collected, as_version=4) == nbformat.read(alice.notebook, as_version=4)


def test_lms_download_is_collected_and_a_stray_file_reported(a1_course: Path) -> None:
    """Does `make collect-zip` file each Canvas-named notebook under its student, and name the one it cannot place?"""
    archive = a1_course / "downloaded" / A1 / "archive"
    archive.mkdir(parents=True)
    placed = {
        "jdoe": "jdoe_1234_5678_a1_convolution.ipynb",
        "asmith": "asmith_LATE_2345_6789_a1_convolution.ipynb",
        "cli": "cli_4567_8901_a1_convolution-1.ipynb",  # Canvas's name for a resubmission
    }
    stray = "bwong_3456_7890_Untitled.ipynb"  # the wrong notebook uploaded: no assignment notebook's name
    with zipfile.ZipFile(archive / "submissions.zip", "w") as download:
        for name in [*placed.values(), stray]:
            download.writestr(name, nbformat.writes(answered(a1_course)))
    result = checked(make("collect-zip", a1_course), "make collect-zip")
    assert sorted(p.name for p in (a1_course / "submitted").iterdir()) == sorted(placed)
    for student in placed:
        assert (a1_course / "submitted" / student / A1 / f"{A1}.ipynb").is_file()
    output = result.stdout + result.stderr
    assert re.search(r"Skipped submission with no match information provided: \S*/" + re.escape(stray), output), output[-3000:]
    assert "3 files collected, 1 files skipped" in output


def test_autograde_grades_past_a_dying_and_a_looping_submission(a1_course: Path) -> None:
    """Does `make autograde` grade a submission that exits or loops, costing it only the parts that touch the fault?"""
    with open(a1_course / "nbgrader_config.py", "a") as config:
        config.write("\nc.SealedExecute.cell_seconds = 5  # a1's cells take well under a second; the looping one is cut\n")
    submit(a1_course, A1, "solution", answered(a1_course))
    submit(a1_course, A1, "dies", answered(a1_course, (("conv_params", "return F * F * C * K + K",
                                                         "import os\n    os._exit(1)"),)))
    submit(a1_course, A1, "loops", answered(a1_course, (("worked_numbers", "lecture_params = conv_params(3, 10, 5)",
                                                          "while True:\n    pass"),)))
    start = time.perf_counter()
    checked(make("autograde", a1_course), "make autograde")
    assert time.perf_counter() - start < 60, "the looping cell should cost its 5 s bound, not more"
    course = Course(a1_course)
    solution, loops, dies = (course.cell_scores(A1, student) for student in ("solution", "loops", "dies"))
    assert all(score == top for score, top in solution.values())
    assert {name for name, (score, top) in loops.items() if score < top} == {"test_worked_numbers"}
    # The exit costs the parts that call conv_params, and nothing else.
    assert {name for name, (score, top) in dies.items() if score < top} == {"test_conv_params", "test_worked_numbers"}
    errors = [o.evalue for c in course.autograded(A1, "loops").cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert any("longer than its bound of 5 s" in e for e in errors), errors


def readme_student_commands() -> list[str]:
    """The shell lines the README gives students on one shared machine without a hub."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("**Students on one shared machine, without a hub.**"):]
    block = section[section.index("```bash\n") + len("```bash\n"):]
    return block[:block.index("```")].strip().splitlines()


def test_a_student_fetches_and_submits_with_the_readme_commands_alone(a1_course: Path, tmp_path: Path) -> None:
    """On one machine without a hub, do the README's student commands, in a shell with nothing else set, fetch the
    released assignment and hand in the answered notebook for `make collect`?"""
    exchange, home = tmp_path / "exchange", tmp_path / "home"
    home.mkdir()
    checked(make("release-exchange", a1_course, EXCHANGE=exchange), "make release-exchange")
    lines = [line.replace("~/deep-convnets", str(REPO)).replace("/srv/nbgrader/exchange", str(exchange))
             for line in readme_student_commands()]
    fetch = next(i for i, line in enumerate(lines) if "fetch_assignment" in line)
    submit_line = next(line for line in lines if " submit " in line)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    def shell(script: list[str]) -> None:
        result = subprocess.run(["bash", "-ec", "\n".join(script)], cwd=home, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr

    shell(lines[:fetch + 1])
    fetched = home / "assignments" / A1 / f"{A1}.ipynb"
    nbformat.write(answered(a1_course), fetched)
    shell([*lines[:fetch], submit_line])
    checked(make("collect", a1_course, EXCHANGE=exchange), "make collect")
    me = pwd.getpwuid(os.getuid()).pw_name  # nbgrader names a student by her Unix account
    collected = a1_course / "submitted" / me / A1 / f"{A1}.ipynb"
    assert nbformat.read(collected, as_version=4) == nbformat.read(fetched, as_version=4)
