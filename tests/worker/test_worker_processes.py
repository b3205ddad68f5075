"""``manage.py deliver`` as real processes on one PostgreSQL queue and one Redis: two and three
workers share the rows, the schedule and the chats' turns, and what arrives at the stand-in (30 a
second, one message per chat every 2 s, as the README promises) meets no 429, also with injected
server errors, timeouts, a 429 and blocked chats; a worker killed mid-batch loses nothing and its
rows are taken over seconds later; SIGTERM finishes the message in flight.

The assertions are on what arrives at the stand-in (its 429s, the arrival times it records per
chat), so that a loaded machine makes the workers slower, never the tests flaky."""

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
from worker.ratelimit import PER_CHAT_SECONDS, TELEGRAM_RATE

ROOT = Path(settings.BASE_DIR)
Status = OutboxMessage.Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="several workers share their schedule through REDIS_URL"
)


class RecordingStandIn(StandIn):
    """The stand-in with Telegram's limits as the README promises to keep them, noting when each
    message arrived in which chat."""

    def __init__(self) -> None:
        super().__init__(global_rate=TELEGRAM_RATE, per_chat_rate=1 / PER_CHAT_SECONDS)
        self.arrivals: list[tuple[float, int]] = []  # (monotonic, chat id)

    def _add_bot_message(self, chat, message):
        # Called with the lock held, once a send has passed the flood limits.
        self.arrivals.append((time.monotonic(), chat.user.id))
        return super()._add_bot_message(chat, message)

    def shortest_chat_gap(self) -> float:
        last: dict[int, float] = {}
        shortest = float("inf")
        for moment, chat_id in self.arrivals:
            if chat_id in last:
                shortest = min(shortest, moment - last[chat_id])
            last[chat_id] = moment
        return shortest

    def busiest_second(self) -> int:
        times = [moment for moment, _ in self.arrivals]
        most, first = 0, 0
        for last, moment in enumerate(times):
            while moment - times[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most


@pytest.fixture
def recording():
    with RecordingStandIn() as server:
        yield server


@pytest.fixture
def queue(request, municipality):
    """``queue(n, per_chat=1)``: n youth with a chat each at the test's stand-in, and
    ``per_chat`` due meeting reminders for each. A youth's reminders are 30 rows apart in the
    queue, so that they often fall to different workers."""
    standin = request.getfixturevalue(
        "recording" if "recording" in request.fixturenames else "standin"
    )

    def make(n: int, per_chat: int = 1) -> list[OutboxMessage]:
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
                dedupe_key=f"bulk:{y.pk}:{k}",
                due_at=now - timedelta(seconds=1),
            )
            for block in range(0, n, 30)
            for k in range(per_chat)
            for y in youth[block : block + 30]
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


def arrivals_per_chat(standin: RecordingStandIn) -> Counter:
    return Counter(chat_id for _, chat_id in standin.arrivals)


def run_together(standin: StandIn, names: list[str], *args: str) -> list[str]:
    processes = [worker(standin, name, "--until-idle", "--poll", "0.2", *args) for name in names]
    return [finish(process, timeout=240) for process in processes]


@needs_redis
@pytest.mark.parametrize("count", [2, 3])
def test_several_workers_meet_no_429_and_keep_each_chats_interval_at_arrival(
    recording, queue, count
):
    rows = queue(150, per_chat=2)
    names = [f"w-{n}" for n in range(count)]
    # The worker's own rate (29/s) against the stand-in's 30/s: Telegram's numbers.
    outputs = run_together(recording, names, "--batch-size", "20")

    assert recording.counters.get("429", 0) == 0, outputs
    assert recording.busiest_second() <= TELEGRAM_RATE
    assert recording.shortest_chat_gap() >= PER_CHAT_SECONDS, "one chat: every 2 s at most"
    assert arrivals_per_chat(recording) == Counter({c: 2 for c in arrivals_per_chat(recording)})
    assert len(arrivals_per_chat(recording)) == 150
    sent = OutboxMessage.objects.filter(status=Status.SENT)
    assert sent.count() == len(rows) == 300
    assert sent.aggregate(d=Sum("possible_duplicates"))["d"] == 0
    assert set(sent.values_list("claimed_by", flat=True)) == set(names), "all of them worked"


@needs_redis
def test_three_workers_through_faults_meet_no_429_beyond_the_injected_one(recording, queue):
    rows = queue(120, per_chat=2)
    blocked = list(Youth.objects.order_by("-pk")[:3])  # their rows come last
    for youth in blocked:
        recording.block(recording.user(youth.telegram_chat_id))
    names = ["w-a", "w-b", "w-c"]
    recording.set_fault("sendMessage", "500", count=6)
    processes = [
        worker(
            recording,
            name,
            "--until-idle",
            "--poll",
            "0.2",
            "--batch-size",
            "20",
            "--read-timeout",
            "3",
        )
        for name in names
    ]
    # Then answers held past the read timeout (delivered, but the worker cannot know), then one
    # 429, each armed once the previous fault is used up.
    wait_until(lambda: recording.counters.get("sendMessage", 0) >= 60)
    recording.set_fault("sendMessage", "timeout", count=4, hold=4)
    wait_until(lambda: recording.counters.get("sendMessage", 0) >= 120)
    recording.set_fault("sendMessage", "429", description="Too Many Requests: retry after 1")
    outputs = [finish(process, timeout=240) for process in processes]

    assert recording.counters.get("429", 0) == 1, outputs  # only the injected one
    assert recording.shortest_chat_gap() >= PER_CHAT_SECONDS
    assert recording.busiest_second() <= TELEGRAM_RATE
    blocked_ids = {y.pk for y in blocked}
    theirs = OutboxMessage.objects.filter(recipient_id__in=blocked_ids)
    others = OutboxMessage.objects.exclude(recipient_id__in=blocked_ids)
    assert not theirs.filter(status=Status.SENT).exists()
    assert theirs.filter(status=Status.FAILED, last_error__startswith="forbidden").exists()
    # Nothing lost. (A loaded machine may time out more answers than the four held ones; a row
    # whose two tries both went unanswered ends "delivery unknown", never failed.)
    assert set(others.values_list("status", flat=True)) <= {Status.SENT, Status.UNKNOWN}
    assert others.filter(status=Status.SENT).count() >= others.count() - 2
    # Each held answer was delivered and sent once more: every duplicate is counted.
    counted = others.aggregate(d=Sum("possible_duplicates"))["d"]
    arrived = arrivals_per_chat(recording)
    assert sum(arrived.values()) == len(rows) - theirs.count() + counted
    assert counted >= 4
    assert max(arrived.values()) <= 4


@needs_redis
def test_a_dead_workers_rows_are_taken_over_within_seconds_and_none_sent_twice(recording, queue):
    rows = queue(400)
    # The default lease (5 s, renewed by the heartbeat every second), not the old 60 s.
    heir = worker(recording, "w-heir", "--poll", "0.2", "--batch-size", "30")
    doomed = worker(recording, "w-doomed", "--poll", "0.2", "--batch-size", "30")
    try:
        wait_until(
            lambda: (
                OutboxMessage.objects.filter(claimed_by="w-doomed", status=Status.SENT).count()
                >= 40
            )
        )
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)
        died = time.monotonic()
        held = OutboxMessage.objects.filter(claimed_by="w-doomed", status=Status.PENDING)
        on_the_wire = set(held.filter(send_started_at__isnull=False).values_list("pk", flat=True))
        not_sent = set(held.filter(send_started_at__isnull=True).values_list("pk", flat=True))
        assert not_sent, "it died holding claimed rows it had not sent"
        wait_until(lambda: not held.exists(), timeout=60)
        taken_over = time.monotonic() - died
        wait_until(lambda: not OutboxMessage.objects.exclude(status=Status.SENT).exists())
    finally:
        heir.send_signal(signal.SIGTERM)
        finish(heir, timeout=30)
    # Noticed by its missing heartbeat: seconds, where the lease used to be a minute.
    assert taken_over < 15, taken_over
    arrived = arrivals_per_chat(recording)
    chat_of = dict(
        OutboxMessage.objects.values_list("pk", "recipient__telegram_chat_id").filter(
            pk__in=[r.pk for r in rows]
        )
    )
    assert all(arrived[chat_of[pk]] == 1 for pk in not_sent), "not on the wire: sent once"
    assert not OutboxMessage.objects.filter(pk__in=not_sent, possible_duplicates__gt=0).exists()
    duplicates = sum(n - 1 for n in arrived.values())
    counted = OutboxMessage.objects.aggregate(d=Sum("possible_duplicates"))["d"]
    assert len(arrived) == 400 and duplicates <= counted <= len(on_the_wire)
    assert recording.counters.get("429", 0) == 0
    assert recording.shortest_chat_gap() >= PER_CHAT_SECONDS


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
