"""``manage.py telegram_standin``: one log line with the chat URL, serves, exits cleanly."""

import json
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.standin.conftest import TOKEN, fetch

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_the_command_serves_until_a_signal_and_exits_cleanly(stop_with):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "telegram_standin", "--port", "0"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        match = re.search(r"chat with @\w+ at (http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        chat_url = match.group(1)
        status, body = fetch(f"{chat_url}bot{TOKEN}/getMe")
        assert status == 200
        assert json.loads(body)["result"]["username"] == "nextwork_demo_bot"
        process.send_signal(stop_with)
        assert process.wait(timeout=15) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "telegram_standin", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "set TELEGRAM_STANDIN_PORT" in result.stderr


def test_known_users_have_chats_from_the_start(tmp_path):
    """The demo's youth linked Telegram ids the stand-in never handed out; sending to them works
    instead of answering "chat not found"."""
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps([{"id": 7000000001, "first_name": "Malik", "language_code": "da"}, {"id": "x"}])
    )
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "telegram_standin", "--port", "0", "--users", str(users)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        chat_url = re.search(r"at (http://127\.0\.0\.1:\d+/)", line).group(1)
        status, body = fetch(f"{chat_url}bot{TOKEN}/sendMessage?chat_id=7000000001&text=Hej")
        assert status == 200, body
        assert json.loads(body)["result"]["chat"]["first_name"] == "Malik"
        status, body = fetch(f"{chat_url}bot{TOKEN}/sendMessage?chat_id=7000000002&text=Hej")
        assert status == 400
        assert b"chat not found" in body
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
        process.stderr.close()
