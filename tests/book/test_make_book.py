"""`make book` never shows numbers computed with an old cnnlib.

The pages' execution cache hashes their code only, and Sphinx re-reads only the pages whose
own files changed, so the Makefile's book recipes must make every page run again after a change
to cnnlib, and also when the cache is gone but the rest of ``_build`` is kept. A full book takes
minutes; the same recipes are run here on a copy of the Makefile with a book of two trivial
pages and a one-line ``cnnlib``, whose outputs name the cnnlib value they saw and a token that
is new on every execution.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("page_a", "page_b")
PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {name}

```{{code-cell}} ipython3
import uuid

import cnnlib

print(f"value={{cnnlib.VALUE}} run={{uuid.uuid4().hex}}")
```
"""

pytestmark = pytest.mark.slow


def make_book(book: Path) -> str:
    """Run the course's `make book` in ``book``; its output (the test fails if it fails)."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "jupyter-book").exists() or shutil.which("make") is None:
        pytest.skip("needs make and jupyter-book beside this Python")
    # The book's own cnnlib comes first on the kernel's path, before the course's editable install.
    env = {**os.environ, "PYTHONPATH": str(book)}
    result = subprocess.run(
        ["make", "book", f"BIN={bin_dir}", "STAMP=.ready"],
        cwd=book, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def outputs(book: Path) -> dict[str, tuple[str, str]]:
    """Each page's printed (cnnlib value, execution token), read from its built HTML."""
    found = {}
    for name in PAGES:
        html = (book / "_build" / "html" / f"{name}.html").read_text()
        (found[name],) = re.findall(r"value=(\d+) run=([0-9a-f]{32})", html)
    return found


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A two-page book beside a copy of the course's Makefile and the course's execution settings."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "build_book.py", tmp_path / "tools")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(
        {"title": "tiny", "only_build_toc_files": True, "execute": config["execute"]}))
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "intro", "chapters": [{"file": name} for name in PAGES]}))
    (tmp_path / "intro.md").write_text("# Tiny\n")
    for name in PAGES:
        (tmp_path / f"{name}.md").write_text(PAGE.format(name=name))
    (tmp_path / "cnnlib").mkdir()
    (tmp_path / "cnnlib" / "__init__.py").write_text("VALUE = 1\n")
    # The Makefile's set-up stamp, newer than the files it is made from, so make installs nothing.
    (tmp_path / "grader").mkdir()
    for name in ("requirements.txt", "pyproject.toml", "grader/pyproject.toml"):
        (tmp_path / name).touch()
        os.utime(tmp_path / name, (0, 0))
    (tmp_path / ".ready").touch()
    return tmp_path


def test_every_page_runs_again_after_cnnlib_changes_or_its_cache_is_removed(book: Path) -> None:
    """Does every page show new outputs after cnnlib changes, and after the cache alone is removed?"""
    make_book(book)
    first = outputs(book)
    assert {value for value, _ in first.values()} == {"1"}

    make_book(book)
    assert outputs(book) == first, "nothing changed: every page should come from the cache"

    (book / "cnnlib" / "__init__.py").write_text("VALUE = 2\n")
    log = make_book(book)
    assert "every page runs again" in log
    second = outputs(book)
    for name in PAGES:
        assert second[name][0] == "2", f"{name} still shows the old cnnlib's value"
        assert second[name][1] != first[name][1], f"{name} did not run again"

    shutil.rmtree(book / "_build" / ".jupyter_cache")
    assert "every page runs again" in make_book(book)
    third = outputs(book)
    for name in PAGES:
        assert third[name][1] != second[name][1], f"{name} did not run again without its cache"
