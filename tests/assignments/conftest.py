"""One run of nbgrader's whole pipeline, shared by every test that inspects its results."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.assignments.course import A1, Course, build_course, new_course


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return build_course(tmp_path_factory.mktemp("course"))


@pytest.fixture
def a1_course(tmp_path: Path) -> Path:
    """A course of its own, in a temporary folder, holding assignment 1 only (released)."""
    root = tmp_path / "course"
    root.mkdir()
    new_course(root, [A1])
    return root
