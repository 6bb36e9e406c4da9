"""Install the system packages the tests need: Debian's chromium and chromedriver, and bubblewrap.

chromium and chromedriver run the browser test; bubblewrap (``bwrap``) is the
sandbox that sealed grading runs student code in.

Runs with the system Python before any virtual environment exists. Where
apt-get is missing (macOS, other distributions) it says so and returns; the
browser test then skips with that reason, except in CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "chromium-driver", "bubblewrap"]
COMMANDS = ["chromium", "chromedriver", "bwrap"]  # what each package installs, in order


def main() -> int:
    if all(shutil.which(command) for command in COMMANDS):
        return 0
    if not shutil.which("apt-get"):
        print("system-deps: no apt-get here; install chromium, chromedriver and bubblewrap yourself to run the browser "
              "test and sealed grading's isolation tests")
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        print("system-deps: not root and no sudo; the browser test and the sandbox's isolation tests will be skipped")
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"system-deps: installing {' '.join(PACKAGES)} with apt-get")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES], env=env)
    if done.returncode:
        print("system-deps: apt-get could not install them; the browser test and the sandbox's isolation tests will be "
              "skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
