"""Does the batch report a sandbox that cannot start, once per submission, instead of grading everyone as zero?"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.sealed import batch, sandbox

REPO = Path(__file__).resolve().parents[3]
A1 = "a1_convolution"


@pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")
def test_a_sandbox_that_cannot_start_is_a_reason_not_a_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With bubblewrap failing at once (as without user namespaces), is each submission listed with the sandbox's
    failure, kept from nbgrader, and given no result?"""
    shutil.copytree(REPO / "solutions" / A1, tmp_path / "solutions" / A1)
    for student in ("ada", "bo"):
        (tmp_path / "submitted" / student / A1).mkdir(parents=True)
        shutil.copy(REPO / "solutions" / A1 / f"{A1}.ipynb", tmp_path / "submitted" / student / A1)
    monkeypatch.setattr(sandbox, "_bwrap", lambda: "/bin/false")  # bubblewrap that exits with status 1
    batch.run(tmp_path, A1)
    assert {who: seen["problem"] for who, seen in batch.problems(tmp_path, A1).items()} == {
        "ada": "sandbox failure: exit status 1", "bo": "sandbox failure: exit status 1"}
    assert sorted((tmp_path / batch.CACHE / f"{A1}.known").read_text().split(",")) == ["ada", "bo"]
    assert not list((tmp_path / batch.CACHE).glob(f"*/{A1}/{A1}.json"))
