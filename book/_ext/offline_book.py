"""A Sphinx extension for the course's offline book: each script tag once per page.

sphinx-thebe registers its inline configuration script
(``const THEBE_JS_URL = ...``) on every ``env-before-read-docs``, so an
incremental rebuild can list it twice, and the second ``const`` declaration is
a console error in every page. We drop repeated script entries before each
page is written.
"""

from __future__ import annotations

from typing import Any


def unique_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Keep the first of each identical script entry (same file or same inline body)."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in context.get("script_files", []):
        key = (str(script), str(getattr(script, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict[str, Any]:
    # Late priority: run after every extension has added its scripts to the page.
    app.connect("html-page-context", unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
