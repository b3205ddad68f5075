"""The npm tools some tests open our outputs with (ical.js, openapi-typescript, tsc, the Nu
HTML checker), installed on first use into ``var/npm-tools/`` (gitignored) at pinned
versions, so a fresh CI machine with the npm registry reachable needs no setup step."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

NPM_DIR = Path(settings.BASE_DIR) / "var" / "npm-tools"
PINNED = {
    "ical.js": "2.2.1",
    "openapi-typescript": "7.13.0",
    "typescript": "5.9.3",
    "vnu-jar": "26.9.27",
}


def _installed_version(name: str) -> str | None:
    manifest = NPM_DIR / "node_modules" / name / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text())["version"]


def npm_package(name: str) -> Path:
    """The folder of the npm package ``name`` (one of ``PINNED``), installing every pinned
    tool when one is missing; a lock keeps parallel test workers from installing twice."""
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    with open(NPM_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if any(_installed_version(tool) != version for tool, version in PINNED.items()):
            npm = shutil.which("npm")
            assert npm, "npm is needed to install the interoperability test tools"
            specs = [f"{tool}@{version}" for tool, version in PINNED.items()]
            subprocess.run(  # noqa: S603 - our own pinned names
                [
                    npm,
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--prefix",
                    str(NPM_DIR),
                    *specs,
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
    return NPM_DIR / "node_modules" / name


def node() -> str:
    path = shutil.which("node")
    assert path, "node is needed to run the interoperability test tools"
    return path
