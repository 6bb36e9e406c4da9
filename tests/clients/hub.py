"""A private JupyterHub for the course on localhost, with real Unix users, for the hub test.

:func:`course_users` creates the instructor's and students' accounts (and removes them
afterwards); :class:`Hub` starts ``jupyterhub`` with ``tools/hub/jupyterhub_config.py`` and
talks to it as its users do; :func:`run_as` runs a command as one of them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tests.assignments.course import REPO

HUB_CONFIG = REPO / "tools" / "hub" / "jupyterhub_config.py"
PROXY = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class User:
    name: str
    home: Path


@contextmanager
def course_users(homes: Path, roles: list[str]) -> Iterator[dict[str, User]]:
    """A new Unix account per role (``teach`` -> ``teach-1a2b``), home 0700 under ``homes``; removed at the end."""
    suffix = secrets.token_hex(2)
    users: dict[str, User] = {}
    try:
        for role in roles:
            user = User(f"{role}-{suffix}", homes / f"{role}-{suffix}")
            subprocess.run(["useradd", "--create-home", "--home-dir", str(user.home), "--shell", "/bin/bash", user.name],
                           check=True, capture_output=True)
            users[role] = user
            user.home.chmod(0o700)  # a student's files are hers alone, whatever the system's default
        yield users
    finally:
        for user in users.values():
            end_processes_of(user)
            subprocess.run(["userdel", "--remove", user.name], check=False, capture_output=True)


def end_processes_of(user: User) -> None:
    """SIGKILL whatever the hub left running as ``user`` (by process id), so that userdel can remove the account."""
    found = subprocess.run(["ps", "-o", "pid=", "-u", user.name], capture_output=True, text=True, check=False).stdout
    for pid in map(int, found.split()):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_as(user: User, args: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    """``args`` as ``user`` (uid, gid, no other groups) in ``cwd``, with ``env``, the user's HOME and USER, and ``stdin``."""
    entry = pwd.getpwnam(user.name)
    return subprocess.run(args, cwd=cwd, user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], umask=0o022,
                          env=dict(env, HOME=entry.pw_dir, USER=user.name, LOGNAME=user.name),
                          input=stdin, capture_output=True, text=True, check=False)


class HubError(RuntimeError):
    pass


@dataclass
class Hub:
    """A running hub at ``url``; the tokens of the users who logged in."""

    url: str
    process: subprocess.Popen
    log: Path

    def request(self, path: str, token: str | None = None, body: object = None, method: str | None = None) -> object:
        """``path`` on the hub (``/hub/api/...`` or ``/user/<name>/...``) with JSON ``body``; the JSON answer or None."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **({"Authorization": f"token {token}"} if token else {})}
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read()
        return json.loads(text) if text else None

    def status(self, path: str, token: str) -> int:
        """The HTTP status of GET ``path`` with ``token`` (an error's too)."""
        try:
            self.request(path, token)
            return 200
        except urllib.error.HTTPError as error:
            return error.code

    def log_in(self, name: str, password: str) -> str:
        """Log ``name`` in through the hub's API (the authenticator checks the password); her API token."""
        answer = self.request(f"/hub/api/users/{name}/tokens", body={"auth": {"username": name, "password": password},
                                                                      "note": "course test", "expires_in": 3600})
        return answer["token"]

    def start_servers(self, tokens: dict[str, str]) -> None:
        """Start each user's JupyterLab through the hub's API (user name -> her token); wait until all are ready."""
        for name, token in tokens.items():
            self.request(f"/hub/api/users/{name}/server", token, body={}, method="POST")
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = dict(tokens)
        while waiting:
            waiting = {name: token for name, token in waiting.items()
                       if not (self.request(f"/hub/api/users/{name}", token)["servers"].get("") or {}).get("ready")}
            if waiting and time.monotonic() > deadline:
                raise HubError(f"servers of {sorted(waiting)} not ready within {START_TIMEOUT_S:.0f} s:\n{self.tail()}")
            time.sleep(0.5)

    def tail(self) -> str:
        return self.log.read_text()[-4000:]


@contextmanager
def running_hub(state: Path, port: int, env: dict[str, str]) -> Iterator[Hub]:
    """``jupyterhub -f tools/hub/jupyterhub_config.py`` as root on ``port``, its state in ``state``; stopped at the end."""
    log = state / "jupyterhub.log"
    hub_env = dict(os.environ, COURSE_HUB_URL=f"http://127.0.0.1:{port}", COURSE_HUB_STATE=str(state), **env)
    with open(log, "w") as out:
        process = subprocess.Popen([str(REPO / ".venv" / "bin" / "python"), "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
                                   cwd=state, env=hub_env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise HubError(f"jupyterhub exited with {process.returncode}:\n{hub.tail()}")
            try:
                hub.request("/hub/api/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise HubError(f"jupyterhub did not answer within {START_TIMEOUT_S:.0f} s:\n{hub.tail()}") from None
                time.sleep(0.25)
        yield hub
    finally:
        # SIGTERM: the hub stops the users' servers and its proxy before it exits.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free localhost ports (the hub, its API, the proxy's API)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports")


def tools_hub(module: str) -> ModuleType:
    """``tools/hub/<module>.py``, imported (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(module, REPO / "tools" / "hub" / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded
