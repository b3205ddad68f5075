"""axe-core (from the npm registry) for the browser tests: installed on first use into the
gitignored var/npm-axe/ and handed to the page from this machine, never from a CDN."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / "var" / "npm-axe"
SCRIPT = PREFIX / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA: what the Danish web accessibility act asks of public bodies.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


def axe_source() -> str:
    """axe.min.js, installed with npm if it is not there yet (one installer at a time)."""
    if not SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility tests")
        PREFIX.mkdir(parents=True, exist_ok=True)
        with (PREFIX / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not SCRIPT.exists():
                subprocess.run(  # noqa: S603 (a fixed command: npm from PATH, a pinned package)
                    [
                        npm,
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        str(PREFIX),
                        f"axe-core@{AXE_VERSION}",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
    return SCRIPT.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """Run axe on the page as it is; one line per serious or critical violation and node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a Content-Security-Policy without inline
        # scripts does not stop it, and nothing is fetched from outside.
        page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} – {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]
