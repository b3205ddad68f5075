"""The production shape on one machine: two web processes (uvicorn, as docker-compose.yml runs
them) behind HAProxy, on one PostgreSQL and one Redis, the stand-in as Telegram.

* a dashboard held by one web process hears a change made through the other;
* the same webhook update delivered to both web processes is handled once;
* a web process killed mid-rush loses nothing: the load balancer sends the rest to the other,
  and every sign-up that was answered 201 is in the database, the seats exact;
* Redis restarted under them loses nothing: every sign-up is answered and kept, and an open
  dashboard hears the news again once Redis is back (on a Redis of the test's own).

(A worker killed mid-batch is tests/worker/test_worker_processes.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from websockets.sync.client import connect

from bot.models import WebhookUpdate
from domain.models import YouthSignup
from tests import factories as f
from tests.bot.conftest import TOKEN
from tests.portal.live_support import session_cookie

ROOT = Path(settings.BASE_DIR)
SECRET = "shape-test-secret_0123456789"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_redis_and_haproxy():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL) between the web processes; CI sets it")
    if not Path(HAPROXY).exists():
        pytest.skip("needs HAProxy (apt-get install haproxy); .ci/run installs it")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{connection.settings_dict['NAME']}"
    )


class Web:
    """One web process: ``uvicorn config.asgi:application`` on a port of its own."""

    def __init__(self, standin, *, redis_url: str | None = None) -> None:
        self.port = free_port()
        # A file, not a pipe: a pipe nobody reads fills up and stalls a chatty process.
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in stop())
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url or settings.REDIS_URL,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": standin.base_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "API_THROTTLE_USER": "1000000/second",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                *("-m", "uvicorn", "config.asgi:application"),
                *("--host", "127.0.0.1", "--port", str(self.port)),
                *("--lifespan", "off", "--log-level", "warning"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


HAPROXY_CONFIG = """\
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 120s
    # Generous: a loaded test machine answers a health check slowly; a dead process refuses
    # the connection at once, which is what the test needs noticed.
    timeout check 10s
    retries 3
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend processes
backend processes
    balance roundrobin
    option httpchk
    http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host 127.0.0.1
    default-server inter 500ms fall 1 rise 1
{servers}
"""


@contextmanager
def load_balancer(webs: list[Web]) -> Iterator[str]:
    port = free_port()
    servers = "\n".join(
        f"    server web{n} 127.0.0.1:{web.port} check" for n, web in enumerate(webs)
    )
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as config:
        config.write(HAPROXY_CONFIG.format(port=port, servers=servers))
    process = subprocess.Popen(  # noqa: S603 (HAProxy from Debian, our own config)
        [HAPROXY, "-db", "-f", config.name],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.unlink(config.name)


@pytest.fixture
def webs(standin) -> Iterator[list[Web]]:
    running = [Web(standin), Web(standin)]
    try:
        for web in running:
            wait_for(web.port, web.process)
        yield running
    finally:
        for web in running:
            web.stop()


def test_a_dashboard_on_one_web_process_hears_a_change_made_through_another(
    webs, municipality, consultant
):
    first, second = webs
    event = f.EventFactory(municipality=municipality, youth_capacity=5)
    youth = f.YouthFactory(municipality=municipality)
    token = Token.objects.create(user=consultant.user).key

    with connect(
        first.url.replace("http", "ws") + "/ws/dashboard/",
        origin=first.url,
        additional_headers={"Cookie": session_cookie(consultant.user)},
        proxy=None,
        open_timeout=10,
    ) as dashboard:
        created = httpx.post(
            f"{second.url}/api/v1/events/{event.pk}/youth-signups/",
            json={"youth": youth.pk},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        heard = json.loads(dashboard.recv(timeout=10))

    assert heard["type"] == "signup.created"
    assert heard["id"] == created.json()["id"]


def _update(user, update_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": user.chat(),
            "from": user.to_api(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def test_the_same_webhook_update_at_two_web_processes_is_handled_once(webs, standin):
    user = standin.new_user(first_name="Twice")
    update = _update(user, 91_001)
    answers: list[int] = []

    def deliver(web: Web) -> None:
        response = httpx.post(
            f"{web.url}/telegram/webhook/",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=30,
        )
        answers.append(response.status_code)

    both = [threading.Thread(target=deliver, args=(web,)) for web in webs]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(timeout=30)

    assert answers == [200, 200]
    deadline = time.monotonic() + 20
    while not standin.messages(user) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # a second reply, had there been one, would have arrived by now
    assert len(standin.messages(user)) == 1
    [row] = WebhookUpdate.objects.filter(update_id=91_001)
    assert row.processed_at is not None


def test_a_web_process_killed_mid_rush_loses_nothing_and_the_other_carries_on(
    webs, municipality, consultant
):
    """Eight clients sign 40 youth up through the load balancer; after ten answers one web
    process is killed. A request it was holding fails (502) and its client tries again, as the
    API's clients should: the retry is a 201, or a 409 if the lost answer's sign-up had
    committed. In the end every youth is signed up exactly once and the seats are exact."""
    seats, rush = 10, 40
    event = f.EventFactory(municipality=municipality, youth_capacity=seats)
    youth = f.YouthFactory.create_batch(rush, municipality=municipality)
    token = Token.objects.create(user=consultant.user).key
    path = f"/api/v1/events/{event.pk}/youth-signups/"
    answered = threading.Semaphore(0)
    finals: list[int] = []

    with load_balancer(webs) as url, httpx.Client(base_url=url, timeout=60) as client:

        def sign_up(y) -> None:
            for _ in range(5):
                try:
                    status = client.post(
                        path, json={"youth": y.pk}, headers={"Authorization": f"Token {token}"}
                    ).status_code
                except httpx.TransportError:
                    status = 502
                if status not in (502, 503, 504):
                    break
                time.sleep(0.5)
            finals.append(status)
            answered.release()

        with ThreadPoolExecutor(max_workers=8) as clients:
            futures = [clients.submit(sign_up, y) for y in youth]
            for _ in range(10):
                answered.acquire(timeout=60)
            webs[0].process.send_signal(signal.SIGKILL)
            for future in futures:
                future.result(timeout=120)

    assert webs[0].process.wait(timeout=10) == -signal.SIGKILL
    assert set(finals) <= {201, 409}, sorted(finals)
    signups = YouthSignup.objects.filter(event=event)
    assert sorted(signups.values_list("youth_id", flat=True)) == sorted(y.pk for y in youth)
    assert signups.filter(status=YouthSignup.Status.CONFIRMED).count() == seats
    assert webs[1].process.poll() is None


class PrivateRedis:
    """A Redis server of the test's own (restarting the shared one would disturb other tests)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, our arguments)
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_redis_restart_loses_nothing_and_dashboards_hear_news_again(
    standin, redis_server, municipality, consultant
):
    """Redis is stopped and started again (empty: it keeps nothing on disk) under two web
    processes with a dashboard open. Sign-ups go on through the other process meanwhile: each
    is answered 201 and kept (the live news of a change made while Redis was away is lost, which
    the live pages allow), and the same open socket hears the news again once Redis is back."""
    event = f.EventFactory(municipality=municipality, youth_capacity=50)
    youth = f.YouthFactory.create_batch(40, municipality=municipality)
    token = Token.objects.create(user=consultant.user).key
    webs = [Web(standin, redis_url=redis_server.url), Web(standin, redis_url=redis_server.url)]
    statuses: list[int] = []
    try:
        for web in webs:
            wait_for(web.port, web.process)
        first, second = webs

        def sign_up(y) -> int:
            status = httpx.post(
                f"{second.url}/api/v1/events/{event.pk}/youth-signups/",
                json={"youth": y.pk},
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            ).status_code
            statuses.append(status)
            return status

        with connect(
            first.url.replace("http", "ws") + "/ws/dashboard/",
            origin=first.url,
            additional_headers={"Cookie": session_cookie(consultant.user)},
            proxy=None,
            open_timeout=10,
        ) as dashboard:
            sign_up(youth[0])
            assert json.loads(dashboard.recv(timeout=10))["type"] == "signup.created"

            redis_server.stop()
            sign_up(youth[1])  # while Redis is away
            redis_server.start()

            heard = None
            for y in youth[2:]:
                sign_up(y)
                try:
                    heard = json.loads(dashboard.recv(timeout=1))
                    break
                except TimeoutError:
                    continue
            assert heard is not None, "the dashboard never heard news again after the restart"
            assert heard["type"] == "signup.created"
    finally:
        for web in webs:
            web.stop()

    assert set(statuses) == {201}, statuses
    assert YouthSignup.objects.filter(event=event).count() == len(statuses)
