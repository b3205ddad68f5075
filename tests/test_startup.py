"""Production refuses to start broken: with DJANGO_DEBUG=0 a missing secret, allowed host or
static files manifest stops the web server at start with one clear line; a complete
configuration starts and serves the login page and the API docs (no "Missing staticfiles
manifest entry" 500)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config.startup import REFUSAL, production_problems

ROOT = Path(__file__).resolve().parent.parent
UVICORN = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--lifespan", "off"]


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "API_", "NEXTWORK_", "TELEGRAM_", "PYTEST"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-secret-for-this-test-only-" + "x" * 30,
        DJANGO_ALLOWED_HOSTS="nextwork.example.dk",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TELEGRAM_BOT_TOKEN="123456789:test-placeholder",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_refused(env: dict[str, str]) -> str:
    """Start uvicorn; it must exit on its own. Returns its stderr."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [*UVICORN, "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    return result.stderr


def refusal_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(REFUSAL)]


def test_without_collected_static_files_the_server_refuses_with_one_line(tmp_path):
    stderr = start_refused(production_env(tmp_path))

    assert refusal_lines(stderr) == [
        f"{REFUSAL}: no static files manifest in {tmp_path / 'static'} "
        "(run `manage.py collectstatic` at deployment)."
    ]
    assert "Traceback" not in stderr


def test_without_a_secret_key_the_server_refuses_with_one_line(tmp_path):
    stderr = start_refused(production_env(tmp_path, DJANGO_SECRET_KEY=None))

    assert refusal_lines(stderr) == [
        f"{REFUSAL}: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0."
    ]
    assert "Traceback" not in stderr


def test_without_allowed_hosts_the_server_refuses_with_one_line(tmp_path):
    stderr = start_refused(production_env(tmp_path, DJANGO_ALLOWED_HOSTS=None))

    (line,) = refusal_lines(stderr)
    assert "DJANGO_ALLOWED_HOSTS is empty" in line


def test_development_has_no_production_problems(settings):
    settings.ALLOWED_HOSTS = []
    assert production_problems(debug=True) == []
    assert production_problems(debug=False)[0].startswith("DJANGO_ALLOWED_HOSTS is empty")


def get(url: str, host: str = "nextwork.example.dk") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.url
    except urllib.error.HTTPError as error:
        return error.code, error.url


def test_a_complete_production_configuration_serves_login_and_docs(tmp_path):
    env = production_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(  # noqa: S603
            [*manage, *command, "--verbosity", "0"], cwd=ROOT, env=env, check=True, timeout=300
        )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*UVICORN, "--port", str(port), "--proxy-headers"],
        cwd=ROOT,
        env={**env, "FORWARDED_ALLOW_IPS": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get(f"{base}/health/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert status == 200
        assert get(f"{base}/login/")[0] == 200
        # The docs are for logged-in users: the anonymous visitor is sent to the login page.
        status, url = get(f"{base}/api/docs/")
        assert (status, "/login/?next=/api/docs/" in url) == (200, True)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_api_docs_need_a_login_unless_public(client, settings, consultant, path):
    from django.test import Client

    user_client = Client()
    user_client.force_login(consultant.user)
    settings.API_DOCS_PUBLIC = False
    anonymous = client.get(path)
    assert anonymous.status_code in (302, 401)
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith("/login/?next=")
    assert user_client.get(path).status_code == 200

    settings.API_DOCS_PUBLIC = True
    assert client.get(path).status_code == 200


def test_warm_up_imports_the_url_configuration_before_the_first_request():
    from django.urls import clear_url_caches, get_resolver

    from config.startup import warm_up

    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    warm_up()
    # cached_property keeps what it read in the instance: the views are imported.
    assert "url_patterns" in get_resolver().__dict__
