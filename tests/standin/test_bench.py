"""The bot benchmark keeps working: a tiny run against the echo bot (the real measurements, by
long polling and by webhook, are on demand)."""

import re
import subprocess
import sys
from pathlib import Path

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
