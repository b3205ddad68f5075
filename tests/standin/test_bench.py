"""The bot benchmark keeps working: a tiny run against the echo bot, and one by webhook under a web
process (the real measurements are on demand)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_bot_benchmark_runs_and_reports_its_figures():
    result = subprocess.run(
        # No flood limit (--global-rate 0): the echo bot answers in milliseconds and does not
        # retry a 429, so on a quiet machine three youth would exceed 30 new messages a second.
        [
            sys.executable,
            "bench/bot_bench.py",
            "--bot",
            "echo",
            "--youth",
            "3",
            "--seconds",
            "1",
            "--global-rate",
            "0",
            # A second with three youth shows the script works, not the bot's speed: any rate.
            "--goal",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answered = re.search(
        r"updates answered\s+(\d+) in [\d.]+ s = ([\d.]+) updates/s", result.stdout
    )
    assert answered, result.stdout
    assert int(answered.group(1)) > 0
    assert re.search(r"update → reply\s+p50 \d+ ms, p95 \d+ ms", result.stdout)
    assert "unanswered         0" in result.stdout
    assert re.search(r"goal\s+met \(≥ 0 updates/s, none unanswered", result.stdout)


@pytest.mark.postgres
def test_the_bot_benchmark_runs_by_webhook_under_web_processes():
    db = settings.DATABASES["default"]
    # A database of the benchmark's own on the test server: the script drops and recreates it.
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        "nw_test_bot_bench_webhook"
    )
    result = subprocess.run(  # noqa: S603 - our own script, on the test database's server
        [
            sys.executable,
            "bench/bot_bench.py",
            *("--webhook", "--processes", "1", "--youth", "2", "--seconds", "1", "--slots", "2"),
            *("--database-url", url, "--goal", "0", "--goal-p95", "100000"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "webhook, 1 uvicorn processes on one port" in result.stdout
    assert re.search(r"CPU per update\s+bot [\d.]+ ms, PostgreSQL [\d.]+ ms", result.stdout)
    assert "unanswered         0" in result.stdout
    assert re.search(r"goal\s+met \(≥ 0 updates/s, p95 < 100000 ms", result.stdout)
