"""Running the bot: ``runbot`` waits for the Bot API, stops cleanly on SIGTERM, and registers the
webhook; the webhook works over real HTTP in the ASGI app, and ignores Telegram's redeliveries."""

import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from httpcore._synchronization import current_async_library

from bot.app import CONNECTION_POOL_SIZE, POOL_TIMEOUT, build_application
from bot.models import WebhookUpdate
from bot.runner import quiet_http_logs, remember_missing_sniffio
from bot.webhook import webhook_bot
from tests.bot.conftest import TOKEN, BotThread

ROOT = Path(django_settings.BASE_DIR)
SECRET = "webhook-secret-for-tests"


@pytest.mark.django_db(transaction=True)
def test_the_bot_waits_until_the_bot_api_answers(standin, new_chat):
    standin.set_fault("getMe", "502", count=3)
    thread = BotThread(standin)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while standin.counters.get("getUpdates", 0) < 1:
            assert time.monotonic() < deadline, standin.counters
            time.sleep(0.05)
        assert standin.counters["getMe"] >= 4
        assert standin.counters["setMyCommands"] == 2  # Danish, and English for English apps
        (reply,) = new_chat().say("/start")
        assert "NExTWORK" in reply.text
    finally:
        thread.stop()


def test_runbot_stops_cleanly_on_sigterm(standin, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.base_url,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runbot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while standin.counters.get("getUpdates", 0) < 1:
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, standin.counters
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Bot: stopped" in output
    assert "Traceback" not in output


def test_runbot_webhook_needs_a_secret(settings, standin):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    settings.TELEGRAM_API_URL = standin.base_url
    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("runbot", webhook="https://example.org/telegram/webhook/")


class Server(threading.Thread):
    """The product's ASGI application under uvicorn, on a free port."""

    def __init__(self) -> None:
        super().__init__(name="uvicorn-under-test", daemon=True)
        from config.asgi import application

        config = uvicorn.Config(
            application, host="127.0.0.1", port=0, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(config)

    def run(self) -> None:
        self.server.run()

    @property
    def port(self) -> int:
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self.server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_webhook_over_real_http_processes_a_redelivered_update_once(settings, new_chat):
    from standin import StandIn

    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    with StandIn(global_rate=None) as standin:
        settings.TELEGRAM_API_URL = standin.base_url
        server = Server()
        server.start()
        try:
            url = f"http://127.0.0.1:{server.port}/telegram/webhook/"
            call_command("runbot", webhook=url)
            user = standin.new_user(first_name="Hook")
            update_id = standin.send_text(user, "/start")
            (reply,) = standin.wait_for(user)
            assert "NExTWORK" in reply.text
            standin.redeliver(update_id)
            with pytest.raises(TimeoutError):
                standin.wait_for(user, timeout=1.5)
            assert WebhookUpdate.objects.filter(update_id=update_id).count() == 1
            assert WebhookUpdate.objects.get(update_id=update_id).processed_at is not None
        finally:
            webhook_bot.shutdown_from_thread()  # its HTTP client lives on the server's loop
            server.stop()


def test_the_bot_process_logs_only_warnings_of_its_http_client():
    http = logging.getLogger("httpx")
    level = http.level
    try:
        quiet_http_logs()
        assert not http.isEnabledFor(logging.INFO)
        assert http.isEnabledFor(logging.WARNING)
    finally:
        http.setLevel(level)


def test_a_missing_sniffio_is_looked_for_once_and_httpcore_still_runs_on_asyncio(monkeypatch):
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    missing = importlib.util.find_spec("sniffio") is None
    remember_missing_sniffio()
    if missing:
        assert sys.modules["sniffio"] is None
        assert current_async_library() == "asyncio"
    else:
        assert sys.modules.get("sniffio", "not imported") is not None


def test_the_bot_api_connection_pool_is_small_and_waits_for_a_free_connection():
    request = build_application(token=TOKEN, base_url="http://127.0.0.1:9/bot").bot.request
    assert request._client_kwargs["limits"].max_connections == CONNECTION_POOL_SIZE
    assert request._client_kwargs["timeout"].pool == POOL_TIMEOUT
