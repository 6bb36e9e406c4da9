"""`jupyter-book build` with Sphinx's parallel read, so pages execute on every core.

jupyter-book 1.0's command line has no ``-j``; its ``build_sphinx`` takes ``jobs``. myst-nb
executes each page while Sphinx reads it, so reading in parallel runs the pages in parallel.
Usage: ``python tools/build_book.py [jupyter-book build arguments]``; BOOK_JOBS sets the
number of processes (default: the machine's cores).
"""

from __future__ import annotations

import functools
import os
import sys

import jupyter_book.sphinx
from jupyter_book.cli import main as cli

# The command imports build_sphinx from its module when it runs, so the module's name is patched.
jobs = int(os.environ.get("BOOK_JOBS") or os.cpu_count() or 1)
jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)

if __name__ == "__main__":
    sys.exit(cli.main(["build", *sys.argv[1:]]))
