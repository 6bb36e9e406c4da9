"""JupyterHub for the course on one machine: one instructor, the students, nbgrader's exchange.

Run as root (the local-process spawner starts each user's server as that Unix user):

    jupyterhub -f tools/hub/jupyterhub_config.py

Every user is a Unix account of this machine; their servers run the course's virtual
environment (``.venv``: JupyterLab with nbgrader's extensions, cnnlib, torch). The
settings below read these environment variables, so that a test can start a private
hub; their defaults are a course hub's:

    COURSE_HUB_URL            where the hub answers            http://127.0.0.1:8000
    COURSE_HUB_STATE          database, cookie secret, logs   /srv/jupyterhub
    COURSE_HUB_INSTRUCTORS    comma-separated Unix users      instructor
    COURSE_HUB_STUDENTS       comma-separated Unix users      (none: add them here or in the admin page)
    COURSE_HUB_PYTHON         the users' interpreter           .venv/bin/python (see user_python.py)
    COURSE_HUB_AUTHENTICATOR  pam, or dummy (see below)       pam
    NBGRADER_EXCHANGE         the shared exchange folder       /srv/nbgrader/exchange
    JUPYTER_CONFIG_PATH       folder of the global nbgrader_config.py (the users' Python's etc/jupyter, where
                              user_python.py puts it, else tools/hub/)

Users log in with their Unix password (PAM): they are Unix accounts already. The dummy
authenticator, which lets any listed user in with any password, is only for the tests and
for trying the course on this machine: it is used only when asked for
(``COURSE_HUB_AUTHENTICATOR=dummy``), and refused when the hub is bound to any address
but loopback (:func:`authenticator`), where anyone could log in as the instructor and read
``solutions/`` or change grades. A university's OAuth (the ``oauthenticator`` package) is
the other choice for a real course.
"""

import importlib.util
import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urlparse

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file
_spec = importlib.util.spec_from_file_location("user_python", Path(__file__).resolve().parent / "user_python.py")
_user_python = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_user_python)


def authenticator(asked: str, bind_url: str) -> str:
    """The authenticator class to use: ``asked`` ("pam" or "dummy"), the dummy only on a loopback address."""
    if asked not in ("pam", "dummy"):
        raise SystemExit(f"COURSE_HUB_AUTHENTICATOR must be pam or dummy, not {asked!r}")
    host = urlparse(bind_url).hostname or ""
    try:
        loopback = all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        loopback = False
    if asked == "dummy" and not loopback:
        raise SystemExit(f"refusing the dummy authenticator (any password lets a listed user in) on {bind_url}: "
                         "it is for localhost only (COURSE_HUB_URL=http://127.0.0.1:8000); use PAM, the default, "
                         "for a hub others can reach")
    return asked


here = Path(__file__).resolve().parent
repo = here.parents[1]
venv = repo / ".venv"
state = Path(os.environ.get("COURSE_HUB_STATE", "/srv/jupyterhub"))
instructors = {u for u in os.environ.get("COURSE_HUB_INSTRUCTORS", "instructor").split(",") if u}
students = {u for u in os.environ.get("COURSE_HUB_STUDENTS", "").split(",") if u}

c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://127.0.0.1:8000")
# The hub's own API and the proxy's API stay on localhost, on ports next to the public one.
port = int(c.JupyterHub.bind_url.rsplit(":", 1)[1].split("/")[0])
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
# configurable-http-proxy from npm, installed beside the venv by `make hub-deps`.
c.ConfigurableHTTPProxy.command = [str(venv / "node" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")

c.JupyterHub.authenticator_class = authenticator(os.environ.get("COURSE_HUB_AUTHENTICATOR", "pam"),
                                                 c.JupyterHub.bind_url)
c.Authenticator.allowed_users = instructors | students
c.Authenticator.admin_users = instructors

# Each user's server is the course's JupyterLab, started in their home as their own Unix user:
# the exchange's folder permissions are what keeps one student's work from another.
c.JupyterHub.spawner_class = "localprocess"
python = Path(os.environ.get("COURSE_HUB_PYTHON", venv / "bin" / "python"))
c.Spawner.cmd = [str(python), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    # nbgrader calls alembic from the venv; kernels import cnnlib from it.
    "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
    # The global nbgrader_config.py (course id, exchange) for students and instructor alike: where user_python.py
    # put it beside the users' Python, else this folder.
    "JUPYTER_CONFIG_PATH": os.environ.get("JUPYTER_CONFIG_PATH", str(_user_python.config_folder(python))),
    "NBGRADER_EXCHANGE": os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange"),
}
