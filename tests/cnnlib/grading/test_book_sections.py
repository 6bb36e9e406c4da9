"""Does each hint's link open the book at the section that explains its mistake?"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils.nodes import make_id

from cnnlib.grading.book_sections import SECTIONS
from cnnlib.grading.mistakes import MISTAKES

BOOK = Path(__file__).resolve().parents[3] / "book"


def heading_ids(page: str) -> set[str]:
    """The ids Sphinx gives the page's headings (docutils' make_id of their words), and its explicit labels."""
    text = (BOOK / f"{page}.md").read_text()
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # a code cell's comments are not headings
    headings = {make_id(re.sub(r"[`*]", "", title)) for title in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    return headings | set(re.findall(r"^\(([\w-]+)\)=$", text, flags=re.MULTILINE))


@pytest.mark.parametrize("key", sorted(key for key, mistake in MISTAKES.items() if mistake.page))
def test_each_linked_mistake_names_a_section_of_its_page(key: str) -> None:
    """Does the mistake name a section, and is that section a heading of the page it links?"""
    assert key in SECTIONS, f"{key} links {MISTAKES[key].page} but names no section in cnnlib/grading/book_sections.py"
    assert SECTIONS[key] in heading_ids(MISTAKES[key].page)


def test_the_link_ends_with_the_section(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does the padding mistake's sentence end with its page and #zero-padding under CNNLIB_BOOK_URL?"""
    monkeypatch.setenv("CNNLIB_BOOK_URL", "http://localhost:8888/static")
    message = MISTAKES["padding_off"].explain(used=0, padding=1, off=-1)
    assert message.endswith(" See http://localhost:8888/static/book/02_spatial_arithmetic.html#zero-padding")
