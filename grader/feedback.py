"""Feedback that hides hidden tests and links the book for known mistakes.

nbgrader's feedback HTML shows every test cell's source and full traceback, so
by default a student reads the hidden tests, and with them the answers.
:class:`HideHiddenTests` runs in ``nbgrader generate_feedback`` (see
``nbgrader_config.py``) and, in each cell with a hidden-test region:

* replaces the region's code with one placeholder comment;
* shortens each error to ``ename: evalue``, the message the grading checks
  wrote (the case's shapes, the relative error, a known mistake), because a
  traceback quotes the lines around the failing one.

A known mistake's sentence (see :mod:`cnnlib.grading.mistakes`) moves out of
the error into a highlighted paragraph with a link to its book section, once
per notebook: a mistake that fails several parts is named at the first.

The page's formulas render offline: :data:`TEMPLATES` holds nbconvert's
``mathjax`` macro made to put MathJax into the page (:func:`mathjax_script`, from
the book's own offline copy, sphinx-mathjax-offline) instead of loading it from a
CDN; nbgrader's feedback template finds it first.
"""

from __future__ import annotations

import html
import os
import re
from importlib.metadata import distribution
from pathlib import Path

import nbgrader
from markupsafe import Markup
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Unicode, default

from cnnlib.grading.mistakes import DEFAULT_BOOK_URL, PREFIX

TEMPLATES = [str(Path(__file__).parent / "templates"),  # feedback/mathjax.html.j2, ahead of nbconvert's own
             str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]


def mathjax_script(name: str) -> Markup:
    """MathJax's ``name`` (``tex-svg.js``) from sphinx-mathjax-offline, as text to put in a ``<script>`` element."""
    static = Path(str(distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline/static/mathjax")))
    return Markup((static / name).read_text(encoding="utf-8").replace("</script", "<\\/script"))  # noqa: S704 - MathJax's own code


DIAGNOSIS = re.compile(re.escape(PREFIX) + r" (?P<sentence>.+?)(?: See (?P<url>https?://\S+))?$", re.MULTILINE)


def published(url: str) -> str:
    """``url`` under ``CNNLIB_BOOK_URL`` when set here and the link was made without it.

    A sandboxed kernel (assignments 4 and 5) runs with a cleared environment, so its messages link
    the default address; the feedback, made where the instructor set the variable, corrects them.

    >>> os.environ["CNNLIB_BOOK_URL"] = "https://example.org/course"
    >>> published(DEFAULT_BOOK_URL + "book/06_case_studies.html#resnet")
    'https://example.org/course/book/06_case_studies.html#resnet'
    >>> del os.environ["CNNLIB_BOOK_URL"]
    """
    base = os.environ.get("CNNLIB_BOOK_URL")
    if base and url.startswith(DEFAULT_BOOK_URL):
        return f"{base.rstrip('/')}/{url[len(DEFAULT_BOOK_URL):]}"
    return url


def diagnosis_output(evalue: str) -> NotebookNode | None:
    """An HTML output naming the known mistake in ``evalue`` with a link to the book, or None.

    >>> out = diagnosis_output("relative error 1e-01.\\nLikely mistake: bias missing. See https://b/book/04.html")
    >>> print(out.data["text/html"])
    <p class="cnnlib-diagnosis"><strong>Likely mistake:</strong> bias missing. <a href="https://b/book/04.html">...</a></p>
    """
    found = DIAGNOSIS.search(evalue)
    if found is None:
        return None
    sentence = html.escape(found["sentence"])
    link = f' <a href="{html.escape(published(found["url"]), quote=True)}">Read the book section.</a>' if found["url"] else ""
    page = f'<p class="cnnlib-diagnosis"><strong>{html.escape(PREFIX)}</strong> {sentence}{link}</p>'
    return new_output("display_data", data={"text/html": page, "text/plain": found[0]})


class HideHiddenTests(Preprocessor):
    """Remove hidden tests' code and tracebacks from feedback; link known mistakes to the book."""

    begin_delimiter = Unicode("BEGIN HIDDEN TESTS", help="Marks the start of a hidden-test region").tag(config=True)
    end_delimiter = Unicode("END HIDDEN TESTS", help="Marks the end of a hidden-test region").tag(config=True)
    placeholder = Unicode(
        "# Hidden tests ran here. Their code is not shown; the message below says what they found.",
        help="Replaces each hidden-test region in the feedback",
    ).tag(config=True)

    @default("enabled")
    def _enabled_default(self) -> bool:
        # nbconvert skips preprocessors that are not enabled; listing this one in the config means "use it".
        return True

    def hide(self, source: str) -> str:
        """``source`` with each hidden-test region replaced by the placeholder, indented like its delimiter.

        >>> HideHiddenTests().hide("a = 1\\n### BEGIN HIDDEN TESTS\\nassert a == 1\\n### END HIDDEN TESTS")
        'a = 1\\n# Hidden tests ran here. Their code is not shown; the message below says what they found.'
        """
        lines, hidden = [], False
        for line in source.split("\n"):
            if self.begin_delimiter in line:
                hidden = True
                lines.append(line[: len(line) - len(line.lstrip())] + self.placeholder)
            elif self.end_delimiter in line:
                hidden = False
            elif not hidden:
                lines.append(line)
        return "\n".join(lines)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        self._named: set[str] = set()  # diagnoses already shown in this notebook
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if cell.cell_type != "code":
            return cell, resources
        has_hidden = self.begin_delimiter in cell.source
        if has_hidden:
            cell.source = self.hide(cell.source)
        outputs = []
        for output in cell.outputs:
            outputs.append(output)
            if output.output_type != "error":
                continue
            diagnosis = diagnosis_output(output.evalue)
            if diagnosis is not None:
                # The sentence is shown once, as the paragraph; the error keeps what failed.
                output.evalue = DIAGNOSIS.sub("", output.evalue).rstrip(". \n") + "."
                output.traceback = [DIAGNOSIS.sub("", line) for line in output.traceback]
                if diagnosis.data["text/plain"] not in self._named:
                    self._named.add(diagnosis.data["text/plain"])
                    outputs.append(diagnosis)
            if has_hidden:
                output.traceback = [f"{output.ename}: {output.evalue}"]
        cell.outputs = outputs
        return cell, resources
