"""The class report after grading: what the instructor acts on, in the terminal and as a web page.

``python -m grader.sealed.report COURSE [ASSIGNMENT]`` reads the
gradebook, the autograded notebooks and the sealed results, and gives for each
assignment: the score distribution, each test's pass rate, the known mistakes
diagnosed (:mod:`cnnlib.grading.mistakes`) and how many students made each,
the slowest submissions, and every flagged submission with its reason (a
changed, missing or copied cell, a renamed notebook, code that looks like
tampering), the isolation the sandbox gave, and, at the end, one table of the
submissions that could not be graded with the reason of each (no notebook,
unreadable JSON, not a notebook, another assignment's notebook, a failure while
grading). The page is ``COURSE/reports/<assignment>.html``. Exit status 1 when
that table is not empty.
"""

from __future__ import annotations

import argparse
import fnmatch
import html
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from cnnlib.grading.mistakes import MISTAKES, PREFIX
from grader.sealed.batch import CACHE, problems
from grader.sealed.sandbox import isolation


@dataclass
class ClassReport:
    """One assignment's results over the class."""

    assignment: str
    max_score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)  # student -> score
    passed: dict[str, list[bool]] = field(default_factory=dict)  # test cell -> passed, per student
    mistakes: Counter = field(default_factory=Counter)  # mistake key -> students
    seconds: dict[str, float] = field(default_factory=dict)  # student -> grading time
    flags: dict[str, list[str]] = field(default_factory=dict)  # student -> reasons
    failed: dict[str, str] = field(default_factory=dict)  # student -> why the submission could not be graded


def _mistake_keys(nb: nbformat.NotebookNode) -> set[str]:
    """The known mistakes named in an autograded notebook's errors."""
    found = set()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error" or PREFIX not in output.get("evalue", ""):
                continue
            found |= {key for key, mistake in MISTAKES.items() if mistake.pattern().search(output["evalue"])}
    return found


def collect(course: Path, assignment: str) -> ClassReport:
    """Read the gradebook, autograded notebooks and sealed results of ``assignment``."""
    report = ClassReport(assignment)
    report.failed = {student: seen["problem"] for student, seen in problems(course, assignment).items()}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        try:
            record = gradebook.find_assignment(assignment)
        except MissingEntry:
            return report
        report.max_score = record.max_score
        for submission in gradebook.assignment_submissions(assignment):
            student = submission.student.id
            if not any((course / "autograded" / student / assignment).glob("*.ipynb")):
                report.failed.setdefault(student, "nbgrader's autograde failed on it (its log above says why)")
                report.flags.setdefault(student, []).append(
                    f"could not be graded: {report.failed[student]}; at zero in the gradebook, waiting for a grader")
                continue
            report.scores[student] = submission.score
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.cell_type == "code":  # a test cell; a written answer is graded by hand
                        report.passed.setdefault(grade.name, []).append((grade.score or 0) >= grade.max_score)
                    if grade.needs_manual_grade:
                        report.flags.setdefault(student, []).append(f"{grade.name} waits for a grader")
    for student in sorted(p.name for p in (course / "submitted").glob("*") if (p / assignment).is_dir()):
        if student in report.failed and student not in report.flags:
            report.flags[student] = [f"could not be graded: {report.failed[student]}"]
        if student not in report.scores and student not in report.flags:
            report.flags[student] = ["not in the gradebook: run make autograde"]
        for path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
            report.mistakes.update(_mistake_keys(nbformat.read(path, as_version=4)))
        for path in sorted((course / CACHE / student / assignment).glob("*.json")):
            data = json.loads(path.read_text())
            report.seconds[student] = report.seconds.get(student, 0.0) + float(data.get("seconds", 0.0))
            report.flags.setdefault(student, []).extend(data.get("flags", []))
    report.flags = {student: reasons for student, reasons in report.flags.items() if reasons}
    return report


def histogram(scores: list[float], top: float, bins: int = 10) -> list[int]:
    """How many scores fall in each of ``bins`` equal ranges of 0..top (the top score in the last).

    >>> histogram([0, 5, 10, 10], 10, bins=2)
    [1, 3]
    """
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, int(bins * score / top)) if top else 0] += 1
    return counts


def text(report: ClassReport) -> str:
    """The report for the terminal."""
    lines = [f"== {report.assignment}: {len(report.scores)} graded, out of {report.max_score:g} points",
             f"isolation: {isolation()}"]
    if report.scores:
        counts = histogram(list(report.scores.values()), report.max_score)
        width = report.max_score / len(counts)
        lines.append("score distribution:")
        lines += [f"  {i * width:5.1f}-{(i + 1) * width:5.1f} {'#' * n} {n}" for i, n in enumerate(counts)]
    lines.append("pass rate per test:")
    lines += [f"  {name:28} {100 * sum(p) / len(p):5.1f}% of {len(p)}" for name, p in report.passed.items()]
    if report.mistakes:
        lines += ["mistakes diagnosed (students):"] + [f"  {key:28} {n}" for key, n in report.mistakes.most_common()]
    slowest = sorted(report.seconds.items(), key=lambda item: -item[1])[:5]
    if slowest:
        lines += ["slowest submissions:"] + [f"  {student:28} {seconds:6.1f} s" for student, seconds in slowest]
    lines.append(f"flagged: {len(report.flags)}")
    lines += [f"  {student}: {reason}" for student, reasons in sorted(report.flags.items()) for reason in reasons]
    return "\n".join(lines)


def page(report: ClassReport) -> str:
    """The report as a self-contained web page (no scripts, readable on a phone and in dark mode)."""
    e = html.escape
    counts = histogram(list(report.scores.values()), report.max_score) if report.scores else []
    tallest, width = max(counts, default=0) or 1, report.max_score / max(len(counts), 1)
    bars = "".join(
        f'<rect x="{i * 30 + 2}" y="{100 - 90 * n / tallest:.1f}" width="26" height="{90 * n / tallest:.1f}">'
        f'<title>{n} students</title></rect><text x="{i * 30 + 15}" y="{96 - 90 * n / tallest:.1f}">{n or ""}</text>'
        f'<text x="{i * 30 + 15}" y="114">{i * width:.3g}</text>' for i, n in enumerate(counts))
    svg = (f'<svg viewBox="0 0 {30 * len(counts) + 4} 120" role="img" aria-label="Score distribution: '
           f'{", ".join(map(str, counts))} students per tenth of the points">{bars}</svg>'
           f"<p>Students per tenth of the {report.max_score:g} points; each bar starts at the score below it.</p>")
    tests = "".join(f"<tr><td>{e(name)}</td><td>{100 * sum(p) / len(p):.1f}%</td></tr>" for name, p in report.passed.items())
    mistakes = "".join(f"<tr><td>{e(MISTAKES[k].summary())} <small>({e(k)})</small></td><td>{n}</td></tr>"
                       for k, n in report.mistakes.most_common())
    slowest = "".join(f"<tr><td>{e(s)}</td><td>{t:.1f} s</td></tr>"
                      for s, t in sorted(report.seconds.items(), key=lambda item: -item[1])[:10])
    flags = "".join(f"<tr><td>{e(s)}</td><td>{e(r)}</td></tr>" for s, reasons in sorted(report.flags.items()) for r in reasons)
    failed = "".join(f"<tr><td>{e(s)}</td><td>{e(r)}</td></tr>" for s, r in sorted(report.failed.items()))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(report.assignment)}: class report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem auto; max-width: 52rem; padding: 0 1rem;
       color: #1b1b1b; background: #fff; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border-bottom: 1px solid #ccc; padding: .3rem; text-align: left; }}
svg {{ width: 100%; max-width: 30rem; }} rect {{ fill: #2a6fb0; }}
text {{ font-size: 8px; text-anchor: middle; fill: currentColor; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #e6e6e6; background: #151515; }} rect {{ fill: #7fb2e5; }} td, th {{ border-color: #444; }}
}}
</style></head><body>
<h1>{e(report.assignment)}</h1>
<p>{len(report.scores)} submissions graded, out of {report.max_score:g} points; {len(report.flags)} flagged.</p>
<h2>Score distribution</h2>{svg}
<h2>Pass rate per test</h2><table><tr><th>test</th><th>passed</th></tr>{tests}</table>
<h2>Mistakes diagnosed</h2><table><tr><th>likely mistake</th><th>students</th></tr>{mistakes}</table>
<h2>Slowest submissions</h2><table><tr><th>student</th><th>grading time</th></tr>{slowest}</table>
<h2>Flagged submissions</h2><table><tr><th>student</th><th>reason</th></tr>{flags}</table>
<h2>Could not be graded</h2><table><tr><th>student</th><th>reason</th></tr>{failed}</table>
<h2>Isolation</h2><p>{e(isolation())}</p>
</body></html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("assignment", nargs="?", default="*", help="an assignment or a pattern (default: every one)")
    options = parser.parse_args(argv)
    course = options.course.resolve()
    submitted = (course / "submitted").glob("*/*")
    assignments = sorted({p.name for p in submitted if p.is_dir() and fnmatch.fnmatch(p.name, options.assignment)})
    failed: list[tuple[str, str, str]] = []
    for assignment in assignments:
        report = collect(course, assignment)
        print(text(report))
        out = course / "reports" / f"{assignment}.html"
        out.parent.mkdir(exist_ok=True)
        out.write_text(page(report))
        print(f"report: {out}")
        failed += [(assignment, student, reason) for student, reason in sorted(report.failed.items())]
    print(failure_table(failed))
    return 1 if failed else 0


def failure_table(failed: list[tuple[str, str, str]]) -> str:
    """The submissions that could not be graded, one line each: assignment, student, reason.

    >>> print(failure_table([("a1", "gina", "no notebook submitted")]))
    Could not be graded (1): ask these students to hand in again, or grade them by hand
      a1  gina  no notebook submitted
    """
    if not failed:
        return "Every submission was graded."
    width = [max(len(row[i]) for row in failed) for i in range(2)]
    return "\n".join([f"Could not be graded ({len(failed)}): ask these students to hand in again, or grade them by hand"]
                     + [f"  {a:{width[0]}}  {s:{width[1]}}  {r}" for a, s, r in failed])


if __name__ == "__main__":
    sys.exit(main())
