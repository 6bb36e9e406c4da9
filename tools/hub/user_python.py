"""A Python that every user of the hub can run, with the course's virtual environment on its path.

The hub starts each user's server as that Unix user, so the course's interpreter and
packages must be readable by all. ``.venv``'s packages are (the repository is world-readable),
but its interpreter may not be: a venv made from a Python under /root (pyenv's default)
points at a binary no other user may reach. This puts that Python's interpreter, its
standard library and ``.venv``'s packages in a folder all can read, as hard links where
it can (a second or two, no space), as copies elsewhere. The packages sit under the new
interpreter's own prefix because sealed grading's sandbox shows the grader's Python
installation and cnnlib, and hides the rest of the course folder, ``.venv`` with it.
Where ``.venv``'s own interpreter is reachable it is used as it is.

    python tools/hub/user_python.py .venv/hub-python   # `make hub-deps`; prints the interpreter to use

It is made again when ``.venv`` was installed anew (``make setup``'s stamp is newer).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parents[2] / ".venv"
# Not needed to run the course: the tests of Python itself, its static library, Tk, IDLE. The compiled
# __pycache__ come along: the users cannot write them, and compiling every import each time costs seconds.
LEFT_OUT = shutil.ignore_patterns("site-packages", "test", "config-*", "idlelib", "tkinter", "turtledemo")


def everyone_can_run(path: Path) -> bool:
    """Whether ``path`` is executable by others and every folder above it can be entered by others."""
    path = path.resolve()
    if not path.exists() or not path.stat().st_mode & stat.S_IXOTH:
        return False
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in path.parents)


def user_python(dest: Path, venv: Path = VENV) -> Path:
    """An interpreter all users can run that imports what ``venv`` holds; copied into ``dest`` when ``venv``'s is not."""
    python = venv / "bin" / "python"
    if everyone_can_run(python):
        return python
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
    if not site.exists():
        shutil.copytree(packages, site, copy_function=link_or_copy)
    # Jupyter looks for its configuration (nbgrader's server extensions) and data (JupyterLab, its
    # extensions, the kernel spec) under sys.prefix: here they are .venv's.
    for folder in ("etc", "share"):
        link = dest / folder / "jupyter"
        if not link.is_symlink():
            link.parent.mkdir(exist_ok=True)
            link.symlink_to(venv / folder / "jupyter")
    # nbgrader runs alembic by name; .venv's script would start the unreachable interpreter.
    alembic = dest / "bin" / "alembic"
    alembic.write_text(f"#!{binary}\nfrom alembic.config import main\nmain()\n")
    alembic.chmod(0o755)
    stamp.touch()
    # Modes are the originals' (world-readable), not changed here: a hard link's mode is its original's too.
    return binary


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
    print(user_python(Path(sys.argv[1])))
