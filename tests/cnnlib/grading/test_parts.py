"""Does the part tracker read from the released notebooks which part defines each name a later cell may miss?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnnlib.grading.parts import Parts, current_parts
from tests.assignments.course import EXERCISES, notebook_of


def release(assignment: str) -> Parts:
    return Parts.read_cells(json.loads(notebook_of(EXERCISES / assignment).read_text())["cells"])


@pytest.mark.parametrize(("assignment", "name", "part"), [
    ("a1_convolution", "zero_pad", 2),  # a function its answer cell defines
    ("a1_convolution", "worked", 6),  # read by the placeholder cell: print(worked) under raise NotImplementedError()
    ("a4_train_a_convnet", "LeNet5", 1),  # a class
    ("a4_train_a_convnet", "hyperparameters", 5),  # read only by its test; the placeholder names nothing
])
def test_each_name_belongs_to_the_part_whose_heading_it_is_under(assignment: str, name: str, part: int) -> None:
    """Is the name defined by the part the notebook's "## Part N" heading puts its cell under?"""
    assert release(assignment).defined_by[name] == part


def test_names_of_the_setup_cell_belong_to_no_part() -> None:
    """Are np and x_lecture, bound before Part 1, left out, so that a NameError for them is not blamed on a part?"""
    defined = release("a1_convolution").defined_by
    assert "np" not in defined and "x_lecture" not in defined


@pytest.mark.parametrize(("assignment", "name"), [
    ("a1_convolution", "lecture_shape"),  # "store in `lecture_shape` the output volume (height, width, depth)"
    ("a2_pooling_and_networks", "conv_layer((32, 32, 3), K=10, F=5, S=1, P=2)[0]"),  # the part's "Volumes are ..."
])
def test_a_volumes_order_is_read_from_the_parts_text(assignment: str, name: str) -> None:
    """Is the order of a volume checked under ``name`` the (height, width, depth) its part's text names?"""
    assert release(assignment).order_of(name, 3) == "(height, width, depth)"
    assert release(assignment).order_of(name, 4) is None


def test_the_kernels_notebook_is_the_one_in_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Jupyter Server's JPY_SESSION_NAME, is the assignment notebook of the working folder read?"""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert current_parts(EXERCISES / "a1_convolution").defined_by["conv_params"] == 5


def test_a_half_written_notebook_gives_no_parts_and_no_error(tmp_path: Path) -> None:
    """Is a notebook cut short while being saved read as no parts, rather than an error in the cell's stderr?"""
    (tmp_path / "a1_convolution.ipynb").write_text('{"cells": [{"cell_type": "markdown", "source": "## Part 1: the')
    assert current_parts(tmp_path) == Parts()
