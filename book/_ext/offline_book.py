"""A Sphinx extension for the course's book: each script tag once, and accessible citations.

sphinx-thebe and sphinx-togglebutton register inline configuration scripts
(``const THEBE_JS_URL = ...``) once with the filename ``None`` and again
with ``''``, so every page lists them twice, and the second ``const``
declaration is a console error. We drop repeated script entries before each
page is written.
"""

from __future__ import annotations

from typing import Any


def unique_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Keep the first of each identical script entry (same file or same inline body)."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in context["script_files"]:
        # The repeats differ only in an empty filename ('' against None).
        key = (getattr(script, "filename", None) or "", str(getattr(script, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: the list is the builder's own, which other handlers append to.
    context["script_files"][:] = unique


def citations_as_list_items(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Give bibliography entries the ``listitem`` role that their ``role="list"`` parent requires."""
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Any) -> dict[str, Any]:
    # Late, after sphinx.ext.mathjax and the theme have added their scripts.
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("html-page-context", citations_as_list_items, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
