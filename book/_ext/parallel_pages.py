"""Let Sphinx read (and so execute) the book's pages in parallel.

myst-nb executes a page while Sphinx reads it, so a parallel read runs the pages on every
core (``tools/build_book.py`` asks for it). Sphinx reads serially when any extension does not
declare itself safe. Three declare nothing although they keep no state while pages are read:
sphinx-multitoc-numbering (loaded by jupyter-book) only replaces the section numbering that
Sphinx runs in the main process after every page is read, and sphinx-mathjax-offline only
copies MathJax into the output when the build ends, and sphinx-jupyterbook-latex acts for
LaTeX builders only. We declare them.
"""

from __future__ import annotations

from typing import Any

UNDECLARED_BUT_SAFE = ("sphinx_multitoc_numbering", "sphinx-mathjax-offline", "sphinx_jupyterbook_latex")


def declare_safe(app: Any, config: Any) -> None:
    for name in UNDECLARED_BUT_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", declare_safe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
