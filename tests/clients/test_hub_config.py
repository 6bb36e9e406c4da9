"""Is the course's hub safe when exposed: PAM by default, the dummy authenticator only on loopback and when asked?

``tools/hub/jupyterhub_config.py`` is read as JupyterHub reads it (traitlets' loader), and
started once for real with the dummy authenticator on an address others can reach, which
must refuse to start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.clients.hub import HUB_CONFIG


def hub_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> object:
    for name in ("COURSE_HUB_AUTHENTICATOR", "COURSE_HUB_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader(HUB_CONFIG.name, path=str(HUB_CONFIG.parent)).load_config()


def test_users_log_in_with_their_unix_password_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without being asked for anything else, does the hub authenticate with PAM, even on localhost?"""
    assert hub_config(monkeypatch).JupyterHub.authenticator_class == "pam"
    public = hub_config(monkeypatch, COURSE_HUB_URL="http://0.0.0.0:8000")
    assert public.JupyterHub.authenticator_class == "pam"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"])
def test_the_dummy_authenticator_is_used_on_loopback_when_asked(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Is the dummy authenticator used when asked for on a loopback address?"""
    assert hub_config(monkeypatch, COURSE_HUB_AUTHENTICATOR="dummy", COURSE_HUB_URL=url).JupyterHub.authenticator_class \
        == "dummy"


@pytest.mark.parametrize("url", ["http://0.0.0.0:8000", "http://192.0.2.10:8000"])
def test_the_dummy_authenticator_is_refused_elsewhere(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Does the configuration refuse the dummy authenticator on every address, or a named one, but loopback?"""
    with pytest.raises(SystemExit, match="refusing the dummy authenticator"):
        hub_config(monkeypatch, COURSE_HUB_AUTHENTICATOR="dummy", COURSE_HUB_URL=url)


def test_jupyterhub_refuses_to_start_exposed_with_the_dummy_authenticator(tmp_path: Path) -> None:
    """Does jupyterhub itself exit at once, saying why, when started on 0.0.0.0 with the dummy authenticator?"""
    env = dict(os.environ, COURSE_HUB_AUTHENTICATOR="dummy", COURSE_HUB_URL="http://0.0.0.0:18000",
               COURSE_HUB_STATE=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "refusing the dummy authenticator" in result.stdout + result.stderr
