"""Start a command in a sandbox: bubblewrap where the system has it, resource limits everywhere.

Student code must not read the hidden tests, write the gradebook, reach the
network, or outlive its run. :func:`start` runs a command

* inside Debian's bubblewrap (``bwrap``), when installed: new user, PID,
  network, IPC and UTS namespaces (no network at all), and a file system built
  from an allow-list (:func:`visible`): read-only, the system's libraries and
  binaries (``/usr/lib``, ``/usr/bin`` and their ``/lib``, ``/bin`` links), the
  few files of ``/etc`` the dynamic linker and Python read, the interpreter, the
  virtual environment, cnnlib and this grader (whose runner, kernel and worker run
  there); a private ``/tmp`` with one writable folder,
  the submission's own. Nothing else of the machine exists there: not ``/home``,
  ``/root``, ``/srv``, ``/opt``, ``/var``, ``/mnt``, other courses, the exchange,
  the gradebook or the course folder;
* in a new session, so that :func:`stop` kills the whole process group;
* under limits on CPU seconds, file size and open files (``setrlimit``), and
  on memory and processes: a cgroup where this process may make one (root,
  cgroup v1 or v2), ``RLIMIT_AS`` and ``RLIMIT_NPROC`` otherwise.

:func:`isolation` says in one line what is in force on this machine, for the
grading report: where bubblewrap is missing, it says so plainly.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import cnnlib
import grader

CGROUP_ROOT = Path("/sys/fs/cgroup")
WORKDIR = "/tmp/submission"  # the submission's folder as the sandbox sees it, inside its private /tmp


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use; each default has its reason."""

    cpu_seconds: int = 120  # a4's training takes about 10 s of CPU; a loop that never ends is cut here at the latest
    memory_bytes: int = 3 * 2**30  # torch's import and a small convnet's training stay under 1.5 GiB
    processes: int = 32  # numpy's and torch's thread pools, nothing like a fork bomb
    file_bytes: int = 64 * 2**20  # a submission writes nothing large; this stops a 3 GB file at 64 MiB
    open_files: int = 256


@dataclass
class Sandboxed:
    """A started sandbox: the process, and the cgroups to remove when it ends."""

    process: subprocess.Popen
    cgroups: list[Path]


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _cgroup_dirs(name: str) -> dict[str, Path]:
    """Where this process can make a memory and a pids cgroup, by controller (empty when it cannot)."""
    if os.geteuid() != 0:
        return {}
    unified = CGROUP_ROOT / "cgroup.controllers"
    if unified.exists():  # cgroup v2: one folder holds both controllers
        controllers = unified.read_text().split()
        return {key: CGROUP_ROOT / name for key in ("memory", "pids") if key in controllers}
    return {key: CGROUP_ROOT / key / name for key in ("memory", "pids") if os.access(CGROUP_ROOT / key, os.W_OK)}


# The system's part of the allow-list: what the interpreter, numpy and torch load (shared libraries through the
# dynamic linker and its cache) and the binaries a subprocess of the student's may run; nothing with data of anyone.
SYSTEM = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/libx32", "/usr/bin")
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf",
       "/etc/mime.types", "/etc/fonts")  # the dynamic linker's cache and paths, the time zone, name lookup, mimetypes, fonts
LINKS = ("/bin", "/lib", "/lib64", "/lib32", "/libx32")  # merged /usr: links into /usr, made as links


def isolation() -> str:
    """One line on the isolation in force here, for the grading report and its terminal output: what student code
    can see, and the limits on what it can use.

    >>> isolation().startswith(("bubblewrap", "NO SANDBOX"))
    True
    """
    limits = "cgroup limits on memory and processes" if _cgroup_dirs("probe") else "rlimits on memory and processes"
    if _bwrap():
        return (f"bubblewrap ({_bwrap()}): no network, own user/PID/IPC namespaces; student code sees only, read-only, "
                f"{', '.join(map(str, visible()))}, a private /tmp and, writable, its own submission folder "
                f"({WORKDIR}); {limits}; CPU, file size and open files limited")
    return (f"NO SANDBOX: bubblewrap is not installed (Debian: apt-get install bubblewrap), so student code can read "
            f"the file system and reach the network; only a separate session and {limits}, CPU, file size and open "
            "files limits are in force")


def _readable() -> list[Path]:
    """Folders the sandbox must see read-only besides the system's: the interpreter, the virtual environment, cnnlib
    and the grader's package (its worker and kernel run in the sandbox), each only its package folder when installed
    editable from a course folder."""
    packages = {Path(package.__file__).resolve().parent for package in (cnnlib, grader)}
    folders = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), *packages}
    # The venv's python is a link into the base installation; keep both ends visible.
    folders.add(Path(sys.executable).resolve().parent.parent)
    # A folder inside another one of the list is seen through it.
    return sorted(f for f in folders if not any(f != other and f.is_relative_to(other) for other in folders))


def visible() -> list[Path]:
    """Everything of this machine's file system that student code sees (read-only), besides /dev, /proc and its
    private /tmp: the allow-list, as far as it exists here."""
    system = [Path(p) for p in (*SYSTEM, *ETC) if Path(p).exists()]
    return sorted({*system, *_readable()})


def bwrap_command(argv: list[str], workdir: Path) -> list[str]:
    """``argv`` wrapped in bubblewrap, with ``workdir`` as the only writable folder (seen as :data:`WORKDIR`), on a
    file system holding only :func:`visible`."""
    command = [_bwrap() or "bwrap", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for link in map(Path, LINKS):
        if link.is_symlink():
            command += ["--symlink", os.readlink(link), str(link)]
        elif link.is_dir():
            command += ["--ro-bind", str(link), str(link)]
    for folder in visible():
        command += ["--ro-bind", str(folder), str(folder)]
    command += ["--bind", str(workdir), WORKDIR, "--chdir", WORKDIR]
    command += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--die-with-parent",
                "--new-session", "--clearenv", "--setenv", "HOME", WORKDIR, "--setenv", "PATH", "/usr/bin:/bin",
                "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "MPLBACKEND", "Agg"]
    # The hints' book links, in the feedback and the formgrader, point where the instructor published the book.
    if os.environ.get("CNNLIB_BOOK_URL"):
        command += ["--setenv", "CNNLIB_BOOK_URL", os.environ["CNNLIB_BOOK_URL"]]
    return command + ["--", *argv]


def start(argv: list[str], workdir: Path, limits: Limits = Limits(), *, stderr: int | None = None) -> Sandboxed:
    """Start ``argv`` sandboxed in ``workdir``, with pipes on its stdin and stdout.

    Args:
        argv: the command; its first item an absolute path.
        workdir: the only folder the command can write (its working folder).
        limits: the resources it may use.
        stderr: where its stderr goes (default: inherited).
    """
    cgroups = _cgroup_dirs(f"cnnlib-sandbox-{uuid.uuid4().hex[:12]}")
    for controller, folder in cgroups.items():
        folder.mkdir(exist_ok=True)
        if controller == "memory":
            limit = "memory.max" if (folder / "memory.max").exists() else "memory.limit_in_bytes"
            (folder / limit).write_text(str(limits.memory_bytes))
        else:
            (folder / "pids.max").write_text(str(limits.processes))
    tasks = [folder / ("cgroup.procs" if (folder / "cgroup.procs").exists() else "tasks") for folder in cgroups.values()]

    def limit_child() -> None:  # runs in the child, before exec
        for task in tasks:
            task.write_text(str(os.getpid()))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if "memory" not in cgroups:
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        if "pids" not in cgroups and os.geteuid() != 0:  # root is exempt from RLIMIT_NPROC
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    command = bwrap_command(argv, workdir) if _bwrap() else argv
    process = subprocess.Popen(command, cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                               preexec_fn=limit_child, start_new_session=True)
    return Sandboxed(process, list(dict.fromkeys(cgroups.values())))


def check() -> str:
    """Why the sandbox cannot run a program on this machine (bubblewrap's own error), or "" when it can.

    A sandbox that cannot start (no unprivileged user namespaces, say) would fail every cell of every
    submission alike; the batch reports this once per submission instead of grading them all as zero.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cnnlib-sandbox-check-") as workdir:
        box = start([sys.executable, "-c", "print('ok')"], Path(workdir), stderr=subprocess.PIPE)
        try:
            out, err = box.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            out, err = b"", b"no answer within 60 s"
        finally:
            stop(box)
    if box.process.returncode == 0 and out.strip() == b"ok":
        return ""
    said = err.decode(errors="replace").strip().splitlines()
    return f"exit status {box.process.returncode}" + (f": {said[-1]}" if said else "")


def stop(sandbox: Sandboxed) -> None:
    """Kill the sandbox's whole process group and every process left in its cgroups, then remove them."""
    try:
        os.killpg(sandbox.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sandbox.process.wait()
    for folder in sandbox.cgroups:
        procs = folder / ("cgroup.procs" if (folder / "cgroup.procs").exists() else "tasks")
        for _ in range(100):  # processes that left the session (setsid) are still in the cgroup
            left = procs.read_text().split() if procs.exists() else []
            if not left:
                break
            for pid in left:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            folder.rmdir()
        except OSError:
            pass
