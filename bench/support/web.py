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
        time.sleep(1)  # every worker process up, not only the first
        yield WebTier(port, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
