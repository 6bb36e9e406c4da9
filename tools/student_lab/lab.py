"""`make lab`: JupyterLab for a student, on the folder it starts in, without the instructor's tools.

* Configuration from this folder comes first (``JUPYTER_CONFIG_PATH``): nbgrader's
  Create Assignment sidebar, Formgrader and Course List are off, in the page
  (``labconfig/page_config.json``) and on the server (``jupyter_server_config.json``);
  Validate adds a summary by part (``nbgrader_config.py``). `make formgrader` reads none of it.
* The hints' book links (``CNNLIB_BOOK_URL``, read by the kernels) point at the local build
  ``--book=DIR`` (the course's ``_build/html``), served by this server under ``/static/``,
  when it holds one; else at the published book.

It listens on localhost, on ``JUPYTER_PORT`` or the first free port from 8888 (the
links name the port, so it takes no other), and passes its arguments to ``jupyter lab``.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port(first: int = 8888, tries: int = 50) -> int:
    """The first port from ``first`` that nothing on localhost listens on."""
    for port in range(first, first + tries):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port from {first} to {first + tries - 1}; set JUPYTER_PORT")


def main(args: list[str]) -> None:
    book = Path(args.pop(0).removeprefix("--book=")) if args and args[0].startswith("--book=") else Path("_build/html")
    port = int(os.environ.get("JUPYTER_PORT") or free_port())
    env = dict(os.environ, JUPYTER_CONFIG_PATH=os.pathsep.join(filter(None, [str(HERE), os.environ.get("JUPYTER_CONFIG_PATH")])))
    options = [f"--port={port}", "--ServerApp.port_retries=0"]
    if (book / "index.html").is_file():
        env["CNNLIB_BOOK_URL"] = f"http://localhost:{port}/static"
        options.append(f"--ServerApp.extra_static_paths={[str(book)]}")
        print(f"The hints link to the book built in {book}, served at {env['CNNLIB_BOOK_URL']}/index.html")
    else:
        published = env.get("CNNLIB_BOOK_URL", "the published book (CNNLIB_BOOK_URL)")
        print(f"No local build of the book ({book}): the hints link to {published}; `make book` builds one")
    sys.stdout.flush()
    jupyter = str(Path(sys.executable).parent / "jupyter")
    os.execve(jupyter, [jupyter, "lab", *options, *args], env)


if __name__ == "__main__":
    main(sys.argv[1:])
