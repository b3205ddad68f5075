"""``manage.py deliver`` as real processes on one PostgreSQL queue: two workers share the rows and
the rate; a worker killed mid-batch loses nothing; SIGTERM finishes the message in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from domain.models import OutboxMessage, Youth
from standin import StandIn
from tests import factories as f
from tests.bot.conftest import TOKEN

ROOT = Path(settings.BASE_DIR)
Status = OutboxMessage.Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(standin, municipality):
    """``queue(n)``: n youth with a chat each, and one due meeting reminder for each."""

    def make(n: int) -> list[OutboxMessage]:
        meeting = f.MeetingFactory(group=f.GroupFactory(municipality=municipality))
        now = timezone.now()
        youth = Youth.objects.bulk_create(
            Youth(
                municipality=municipality,
                first_name=f"Ung{i}",
                birth_date=now.date().replace(year=2005),
                status=Youth.Status.ACTIVE,
                telegram_user_id=7_000_000 + i,
                telegram_chat_id=7_000_000 + i,
                consent_version="2026-1",
                consent_at=now,
            )
            for i in range(n)
        )
        for y in youth:
            standin.new_user(first_name=y.first_name, id=y.telegram_chat_id)
        meeting_type = ContentType.objects.get_for_model(meeting)
        return OutboxMessage.objects.bulk_create(
            OutboxMessage(
                recipient=y,
                kind=OutboxMessage.Kind.MEETING_REMINDER,
                content_type=meeting_type,
                object_id=meeting.pk,
                payload={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place},
                dedupe_key=f"bulk:{y.pk}",
                due_at=now - timedelta(seconds=1),
            )
            for y in youth
        )

    return make


def worker(standin: StandIn, name: str, *args: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{connection.settings_dict['NAME']}"
        ),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.base_url,
        "PTB_TIMEDELTA": "1",
        "DJANGO_LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "deliver",
            "--name",
            name,
            "--housekeeping-every",
            "0",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    return output


def per_chat(standin: StandIn, rows: list[OutboxMessage]) -> Counter:
    return Counter(
        {
            m.recipient.telegram_chat_id: len(
                standin.messages(standin.user(m.recipient.telegram_chat_id))
            )
            for m in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).select_related(
                "recipient"
            )
        }
    )


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@pytest.mark.skipif(not settings.REDIS_URL, reason="the shared rate limit needs REDIS_URL")
def test_two_workers_send_every_message_exactly_once_within_one_shared_rate(standin, queue):
    rows = queue(500)
    # Each worker alone stays under 100/s; without the shared budget the two would make
    # ~200/s and the stand-in's 110/s would answer 429.
    standin.global_rate = 110
    args = ("--until-idle", "--rate", "100", "--batch-size", "20", "--poll", "0.1")
    first, second = worker(standin, "w-a", *args), worker(standin, "w-b", *args)
    outputs = [finish(first), finish(second)]
    assert per_chat(standin, rows) == Counter({c: 1 for c in per_chat(standin, rows)})
    assert sum(per_chat(standin, rows).values()) == 500
    sent = OutboxMessage.objects.filter(status=Status.SENT)
    assert sent.count() == 500
    by_worker = Counter(sent.values_list("claimed_by", flat=True))
    assert set(by_worker) == {"w-a", "w-b"}, by_worker
    assert sent.aggregate(d=Sum("possible_duplicates"))["d"] == 0
    assert standin.counters.get("429", 0) == 0, outputs


def test_a_worker_killed_mid_batch_loses_nothing_and_counts_its_duplicates(standin, queue):
    rows = queue(300)
    args = ("--rate", "60", "--batch-size", "40", "--lease", "3", "--poll", "0.1")
    doomed = worker(standin, "w-doomed", *args)
    try:
        wait_until(lambda: standin.counters.get("sendMessage", 0) >= 100)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)
    left = OutboxMessage.objects.exclude(status=Status.SENT)
    assert left.filter(claimed_by="w-doomed").exists(), "it died holding claimed rows"

    finish(worker(standin, "w-heir", "--until-idle", *args))

    assert not OutboxMessage.objects.exclude(status=Status.SENT).exists(), "none lost"
    counts = per_chat(standin, rows)
    assert len(counts) == 300 and min(counts.values()) == 1
    duplicates = sum(n - 1 for n in counts.values())
    counted = OutboxMessage.objects.aggregate(d=Sum("possible_duplicates"))["d"]
    # Only the messages on the wire when it died (at most --concurrency, 8) may have gone
    # twice, and each such resend is counted on its row.
    assert duplicates <= counted <= 8
    assert max(counts.values()) <= 2


def test_sigterm_finishes_the_message_in_flight_and_gives_back_the_rest(standin, queue):
    rows = queue(60)
    process = worker(standin, "w-term", "--rate", "20", "--batch-size", "30", "--poll", "0.1")
    wait_until(lambda: standin.counters.get("sendMessage", 0) >= 10)
    process.send_signal(signal.SIGTERM)
    output = finish(process, timeout=20)
    assert "Worker w-term: stopped" in output
    sent = OutboxMessage.objects.filter(status=Status.SENT)
    assert sent.count() == sum(per_chat(standin, rows).values()), "every send was recorded"
    waiting = OutboxMessage.objects.filter(status=Status.PENDING)
    assert sent.count() + waiting.count() == 60 and waiting.exists()
    assert not waiting.exclude(claimed_by="").exists(), "given back for another worker"
    assert not waiting.filter(send_started_at__isnull=False).exists(), "nothing left in doubt"
