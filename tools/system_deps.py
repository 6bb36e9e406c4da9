"""Install the system packages the tests need: Debian's chromium and chromedriver, bubblewrap, and npm.

chromium and chromedriver run the browser tests; bubblewrap (``bwrap``) is the
sandbox that sealed grading runs student code in; npm (with node) installs
JupyterHub's configurable-http-proxy for the hub test (``make hub-deps``).

Runs with the system Python before any virtual environment exists. Where
apt-get is missing (macOS, other distributions) it says so and returns; the
browser test then skips with that reason, except in CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "chromium-driver", "bubblewrap", "npm"]
COMMANDS = ["chromium", "chromedriver", "bwrap", "npm"]  # what each package installs, in order


def main() -> int:
    if all(shutil.which(command) for command in COMMANDS):
        return 0
    if not shutil.which("apt-get"):
        print("system-deps: no apt-get here; install chromium, chromedriver, bubblewrap and npm yourself to run the "
              "browser tests, sealed grading's isolation tests and the hub test")
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        print("system-deps: not root and no sudo; the browser tests, the sandbox's isolation tests and the hub test "
              "will be skipped")
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wanted = [package for package, command in zip(PACKAGES, COMMANDS, strict=True) if not shutil.which(command)]
    print(f"system-deps: installing {' '.join(wanted)} with apt-get")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted], env=env)
    if done.returncode:
        print("system-deps: apt-get could not install them; the tests that need them will be skipped",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
