"""Ending the processes a benchmark started."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM, ``grace`` seconds to finish, then SIGKILL; returns once it is gone."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
