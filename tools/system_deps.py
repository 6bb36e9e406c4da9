"""Install the system packages the browser test needs: Debian's chromium and chromedriver.

Runs with the system Python before any virtual environment exists. Where
apt-get is missing (macOS, other distributions) it says so and returns; the
browser test then skips with that reason, except in CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "chromium-driver"]


def main() -> int:
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return 0
    if not shutil.which("apt-get"):
        print("system-deps: no apt-get here; install chromium and chromedriver yourself to run the browser test")
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        print("system-deps: not root and no sudo; the browser test will be skipped")
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"system-deps: installing {' '.join(PACKAGES)} with apt-get")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES], env=env)
    if done.returncode:
        print("system-deps: apt-get could not install chromium; the browser test will be skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
