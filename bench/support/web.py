"""The web tier as ``docker-compose.yml`` runs it, for the benchmarks: uvicorn serving
``config.asgi:application`` with some worker processes on a free port, production settings on
the loopback, stopped (then killed if it lingers) at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.support import cpu
from bench.support.processes import stop

ROOT = Path(__file__).resolve().parent.parent.parent

# DEBUG off over plain HTTP on the loopback.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    # Production refuses to start without its collected static files (their manifest).
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


@dataclass(frozen=True)
class WebTier:
    port: int
    pid: int  # uvicorn's supervisor; its workers are its children

    def cpu_seconds(self) -> float:
        """The CPU time the supervisor and its workers have used so far."""
        return cpu.total(cpu.with_descendants(self.pid))


def settle(tier: WebTier, processes: int, *, timeout: float = 120.0) -> None:
    """Wait until every worker has started and finished importing the application.

    The port accepts connections as soon as the supervisor has bound it, while the workers may
    still be importing for seconds on a busy machine: a run started then would time the imports.
    Settled means ``processes`` workers exist and the tier spent under a tenth of a core in the
    last half second."""
    deadline = time.monotonic() + timeout
    before = tier.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = tier.cpu_seconds()
        # One process is uvicorn itself; more are its supervisor's children.
        family = len(cpu.with_descendants(tier.pid))
        if family >= (processes + 1 if processes > 1 else 1) and now - before < 0.05:
            return
        before = now
    raise RuntimeError(f"the web tier did not settle within {timeout:g} s")


@contextmanager
def web_processes(processes: int, env: dict[str, str]) -> Iterator[WebTier]:
    """Start uvicorn with ``processes`` workers; yields it once every worker is up."""
    environment = {**os.environ, **env}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            *("-m", "uvicorn", "config.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(processes)),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
            # A websocket consumer waiting in Redis would hold a graceful shutdown open.
            *("--timeout-graceful-shutdown", "5"),
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        tier = WebTier(port, server.pid)
        settle(tier, processes)
        yield tier
    finally:
        stop(server, grace=30)
