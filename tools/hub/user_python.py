"""A Python that every user of the hub can run, with the course's virtual environment on its path.

The hub starts each user's server as that Unix user, so what they run must be reachable by
all: every folder above it open to others (mode o+x). A venv made from a Python under /root
(pyenv's default) points at a binary no other user may reach, and a checkout in a private
home folder (mode 0700 or 0750, the default on many distributions) hides ``.venv``, cnnlib
and ``tools/hub`` from everyone. This puts that Python's interpreter, its standard library,
``.venv``'s packages, cnnlib and the grader themselves (not the editable installs' links into the checkout),
Jupyter's configuration and data, and the hub's ``nbgrader_config.py`` (in its
``etc/jupyter``, which every Jupyter command of that Python reads) in one folder, as hard
links where it can (seconds, no space), as copies elsewhere. DEST must be a folder all users
can reach: ``.venv/hub-python`` when the checkout is, otherwise one outside it (``make hub
HUB_PYTHON=/opt/deep-convnets-python``); :func:`reachable` says which. Where ``.venv``'s own
interpreter and the checkout are reachable, the interpreter is used as it is.

    python tools/hub/user_python.py .venv/hub-python   # `make hub-deps`; prints the interpreter to use

It is made again when ``.venv`` was installed anew (``make setup``'s stamp is newer); cnnlib, the
grader and the hub's configuration are refreshed each time.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
# The packages installed editable from the checkout (package: its distribution's name, as in the links' names):
# cnnlib, which kernels import, and the grader, which the instructor's nbgrader configuration imports.
EDITABLE = {"cnnlib": "cnnlib", "grader": "deep_convnets_grader"}
HUB_CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"
# Not needed to run the course: the tests of Python itself, its static library, Tk, IDLE. The compiled
# __pycache__ come along: the users cannot write them, and compiling every import each time costs seconds.
LEFT_OUT = shutil.ignore_patterns("site-packages", "test", "config-*", "idlelib", "tkinter", "turtledemo")


def reachable(path: Path) -> bool:
    """Whether other users can enter every folder above ``path`` (and ``path`` itself, when it is a folder)."""
    path = path.resolve()
    folders = [*path.parents, *([path] if path.is_dir() else [])]
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in folders)


def everyone_can_run(path: Path) -> bool:
    """Whether ``path`` is executable by others and every folder above it can be entered by others."""
    path = path.resolve()
    return path.exists() and bool(path.stat().st_mode & stat.S_IXOTH) and reachable(path)


def user_python(dest: Path, venv: Path = VENV) -> Path:
    """An interpreter all users can run that imports what ``venv`` holds; copied into ``dest`` when ``venv``'s is not.

    Raises:
        PermissionError: ``dest``'s parent is a folder other users cannot reach (it names the folder to use instead).
    """
    python = venv / "bin" / "python"
    if everyone_can_run(python) and reachable(REPO):
        return python
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not reachable(dest.parent):
        raise PermissionError(f"{dest.parent} is in a folder the hub's users cannot enter (every folder above it needs "
                              f"o+x): give user_python.py a folder outside it, such as /opt/deep-convnets-python "
                              f"(make hub HUB_PYTHON=/opt/deep-convnets-python)")
    probe = "import json, sys, sysconfig; print(json.dumps([sys.base_prefix, '%d.%d' % sys.version_info[:2], " \
            "sysconfig.get_paths()['purelib']]))"
    base, version, packages = json.loads(subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                                                         check=True).stdout)
    base = Path(base)
    binary, stamp = dest / "bin" / f"python{version}", dest / ".made"
    installed = venv / ".installed"
    if stamp.exists() and installed.exists() and installed.stat().st_mtime > stamp.stat().st_mtime:
        shutil.rmtree(dest)  # hard links would keep the packages .venv had before
    if not binary.exists():
        binary.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base / "bin" / f"python{version}", binary)
        relocate(binary, base / "lib")
        shutil.copytree(base / "lib" / f"python{version}", dest / "lib" / f"python{version}", ignore=LEFT_OUT,
                        copy_function=link_or_copy, dirs_exist_ok=True)
        for library in (base / "lib").glob("libpython*.so*"):
            shutil.copy2(library, dest / "lib" / library.name, follow_symlinks=True)
        (dest / "bin" / "python").symlink_to(binary.name)
    site = dest / "lib" / f"python{version}" / "site-packages"
    links = [f"__editable__*{name}*" for name in EDITABLE.values()]
    if not site.exists():
        shutil.copytree(packages, site, copy_function=link_or_copy, ignore=shutil.ignore_patterns(*links))
    # cnnlib and the grader themselves, not the editable installs' links into the checkout; afresh, as the
    # checkout may have changed.
    for link in (found for pattern in links for found in site.glob(pattern)):
        link.unlink()
    for package in EDITABLE:
        shutil.rmtree(site / package, ignore_errors=True)
        shutil.copytree(REPO / package, site / package, copy_function=link_or_copy,
                        ignore=shutil.ignore_patterns("pyproject.toml"))
    # Jupyter looks for its configuration (nbgrader's server extensions) and data (JupyterLab, its
    # extensions, the kernel spec) under sys.prefix: .venv's, put here too.
    for folder in ("etc", "share"):
        target = dest / folder / "jupyter"
        if target.is_symlink():  # made by an earlier version: a link into the checkout
            target.unlink()
        if not target.exists():
            shutil.copytree(venv / folder / "jupyter", target, copy_function=link_or_copy)
    # The hub's global nbgrader configuration, where every Jupyter command of this Python reads it.
    shutil.copy2(HUB_CONFIG, dest / "etc" / "jupyter" / "nbgrader_config.py")
    # nbgrader runs alembic by name; .venv's script would start the unreachable interpreter.
    alembic = dest / "bin" / "alembic"
    alembic.write_text(f"#!{binary}\nfrom alembic.config import main\nmain()\n")
    alembic.chmod(0o755)
    stamp.touch()
    # Modes are the originals' (world-readable), not changed here: a hard link's mode is its original's too.
    return binary


def config_folder(python: Path) -> Path:
    """The folder of the hub's global nbgrader_config.py for users of ``python``: its prefix's etc/jupyter, where
    :func:`user_python` puts a copy, else tools/hub itself."""
    folder = Path(python).parent.parent / "etc" / "jupyter"
    return folder if (folder / HUB_CONFIG.name).exists() else HUB_CONFIG.parent


def link_or_copy(source: str, target: str) -> None:
    """A hard link (the files are world-readable already), or a copy on another file system."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def relocate(binary: Path, libdir: Path) -> None:
    """Point ``binary``'s RUNPATH (where it finds libpython) from ``libdir`` to its own ../lib.

    The new path is shorter, so it is written in place of the old one in the ELF string
    table, padded with NULs: the dynamic linker reads up to the first.
    """
    old, new = str(libdir).encode() + b"\0", b"$ORIGIN/../lib\0"
    data = binary.read_bytes()
    if data.count(old) == 1 and len(new) <= len(old):
        binary.write_bytes(data.replace(old, new.ljust(len(old), b"\0")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: user_python.py DEST")
    try:
        print(user_python(Path(sys.argv[1])))
    except PermissionError as error:
        sys.exit(f"user_python.py: {error}")
