"""One run of nbgrader's whole pipeline, shared by every test that inspects its results."""

from __future__ import annotations

import pytest

from tests.assignments.course import Course, build_course


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return build_course(tmp_path_factory.mktemp("course"))
