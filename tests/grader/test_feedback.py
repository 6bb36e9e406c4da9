"""Does the feedback hide the hidden tests and name each known mistake once, as a paragraph with a link?"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from cnnlib.grading.mistakes import MISTAKES, Mistake
from grader.feedback import HideHiddenTests


def failing_cell(source: str, evalue: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.outputs = [new_output("error", ename="AssertionError", evalue=evalue,
                               traceback=["\x1b[0;31mAssertionError\x1b[0m: " + evalue])]
    return cell


def test_a_mistake_failing_two_parts_is_named_once_and_not_inside_the_errors() -> None:
    """Does a diagnosis repeated in two cells become one paragraph, and leave both errors with what failed?"""
    sentence = MISTAKES["kernel_flipped"].explain()
    evalue = f"conv_forward(x of shape (1, 1, 5, 5) float64) is wrong: relative error 3.1e-01, should be below 1e-07.\n{sentence}"
    nb = new_notebook(cells=[
        failing_cell("check()\n### BEGIN HIDDEN TESTS\nsecret = 1\n### END HIDDEN TESTS", evalue),
        failing_cell("visible_check()", evalue),
    ])
    nb, _ = HideHiddenTests().preprocess(nb, {})
    paragraphs = [o for c in nb.cells for o in c.outputs if o.output_type == "display_data"]
    assert len(paragraphs) == 1
    page = paragraphs[0].data["text/html"]
    assert 'class="cnnlib-diagnosis"' in page and "01_convolution.html" in page
    for cell in nb.cells:
        error = cell.outputs[0]
        assert error.evalue.endswith("should be below 1e-07.") and "Likely mistake" not in "".join(error.traceback)
    assert "secret" not in nb.cells[0].source


def test_a_mistake_without_a_book_page_gets_a_paragraph_without_a_link() -> None:
    """Is a diagnosis with no page yet shown as a paragraph with no link?"""
    # Every catalogued mistake has a page today; a new one may come before its page.
    sentence = Mistake("new_mistake", "your gradient is one-sided.").explain()
    nb = new_notebook(cells=[failing_cell("check()", f"numerical_gradient(...) is wrong.\n{sentence}")])
    nb, _ = HideHiddenTests().preprocess(nb, {})
    (paragraph,) = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert "one-sided" in paragraph.data["text/html"] and "<a " not in paragraph.data["text/html"]
