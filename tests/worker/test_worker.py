"""The delivery worker against the loopback stand-in: every message once, with its buttons, at
Telegram's limits; 429, 5xx, timeouts, 403 and 400 each leave the row in a state that says so."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from bot import callbacks as cb
from domain.models import GroupSchedule, Municipality, OutboxMessage
from domain.services.delivery import (
    outbox_begin_send,
    outbox_claim_batch,
    outbox_mark_retry,
    outbox_renew_claims,
)
from domain.services.reminders import reminders_sync_meeting
from standin import StandIn
from tests import factories as f
from tests.bot.conftest import TOKEN
from worker.loop import Stats, Worker, WorkerSettings
from worker.management.commands.deliver import build_bot

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch):
    # PTB 22 warns (an error here) when it builds a RetryAfter from an int, unless the timedelta
    # behaviour of its next major version is on.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def deliver(
    standin: StandIn,
    *,
    timeout: float = 60,
    read_timeout: float = 5.0,
    stop_when=None,
    clock=None,
    **overrides,
) -> Stats:
    """Run one worker in this thread until nothing is due (or ``stop_when()`` is true)."""
    options = {
        "name": "w1",
        "rate": 1000,
        "poll": 0.05,
        "housekeeping_every": 0,
        "backoff_base": 0.1,
        "lease": 30,
        "read_timeout": read_timeout,
    } | overrides

    async def main() -> Stats:
        bot = build_bot(token=TOKEN, base_url=standin.base_url, read_timeout=read_timeout)
        stop = asyncio.Event()
        worker = Worker(bot, WorkerSettings(**options), clock=clock or timezone.now)

        async def watch() -> None:
            while not stop.is_set():
                if await sync_to_async(stop_when)():
                    stop.set()
                await asyncio.sleep(0.01)

        async with bot:
            watcher = asyncio.create_task(watch()) if stop_when else None
            try:
                return await asyncio.wait_for(
                    worker.run(stop, until_idle=stop_when is None), timeout
                )
            finally:
                stop.set()
                if watcher is not None:
                    await watcher

    return asyncio.run(main())


@pytest.fixture
def chats(standin, municipality):
    """``chats(n)``: n linked youth of the municipality, each with a chat at the stand-in."""

    def make(n: int = 1, **fields):
        youth = [f.YouthFactory(municipality=municipality, **fields) for _ in range(n)]
        for y in youth:
            standin.new_user(first_name=y.first_name, id=y.telegram_chat_id)
        return youth

    return make


@pytest.fixture
def meeting(municipality):
    group = f.GroupFactory(municipality=municipality)
    return f.MeetingFactory(group=group, place="Ungehuset")


def due(youth, subject, *, kind=Kind.MEETING_REMINDER, key="", **fields) -> OutboxMessage:
    """A reminder due now, as the scheduler writes it."""
    at = (subject.starts_at if hasattr(subject, "starts_at") else timezone.now()).isoformat()
    return OutboxMessage.objects.create(
        recipient=youth,
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        payload={"starts_at": at, "place": "Ungehuset"},
        dedupe_key=key or f"test:{kind}:{subject.pk}:{youth.pk}",
        due_at=fields.pop("due_at", timezone.now() - timedelta(seconds=1)),
        **fields,
    )


def inbox(standin: StandIn, youth) -> list:
    """The bot's messages in the youth's chat at the stand-in."""
    return standin.messages(standin.user(youth.telegram_chat_id))


def row(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


# --- the happy path -------------------------------------------------------------------------------


def test_every_due_message_is_sent_once_with_its_buttons(standin, chats, meeting):
    youth = chats(12)
    rows = [due(y, meeting) for y in youth]
    stats = deliver(standin, batch_size=5)
    assert (stats.claimed, stats.sent, stats.failed) == (12, 12, 0)
    for y, message in zip(youth, rows, strict=True):
        (sent,) = inbox(standin, y)
        saved = row(message)
        assert (saved.status, saved.telegram_message_id) == (Status.SENT, sent.message_id)
        assert (saved.attempts, saved.possible_duplicates, saved.last_error) == (1, 0, "")
        assert "Ungehuset" in sent.text
        assert cb.parse(sent.buttons[0][0].callback_data) == cb.Callback(
            cb.MEETING, "excuse", (meeting.pk,)
        ), "a meeting reminder carries I can't come"


def test_messages_not_yet_due_wait(standin, chats, meeting):
    (y,) = chats()
    later = due(y, meeting, due_at=timezone.now() + timedelta(hours=1))
    assert deliver(standin).claimed == 0
    assert row(later).status == Status.PENDING
    assert inbox(standin, y) == []


def test_the_worker_logs_one_line_per_batch(standin, chats, meeting, caplog):
    for y in chats(6):
        due(y, meeting)
    with caplog.at_level(logging.INFO, logger="worker.loop"):
        deliver(standin, batch_size=3)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("deliver batch")]
    assert len(lines) >= 2
    assert all("worker=w1 claimed=3" in line for line in lines[:2])
    assert sum(int(line.split(" sent=")[1].split()[0]) for line in lines) == 6


# --- each reminder at its local time ------------------------------------------------------------

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        pytest.param(
            datetime(2027, 3, 29, 10, 0, tzinfo=CPH),  # the day after clocks go forward
            [datetime(2027, 3, 28, 17, 0, tzinfo=CPH), datetime(2027, 3, 29, 8, 0, tzinfo=CPH)],
            id="spring-forward",
        ),
        pytest.param(
            datetime(2027, 11, 1, 10, 0, tzinfo=CPH),  # the day after clocks go back
            [datetime(2027, 10, 31, 17, 0, tzinfo=CPH), datetime(2027, 11, 1, 8, 0, tzinfo=CPH)],
            id="fall-back",
        ),
        pytest.param(
            # Two hours before is 07:30, inside quiet hours: it goes at 08:00 instead.
            datetime(2027, 5, 10, 9, 30, tzinfo=CPH),
            [datetime(2027, 5, 9, 17, 0, tzinfo=CPH), datetime(2027, 5, 10, 8, 0, tzinfo=CPH)],
            id="quiet-hours",
        ),
    ],
)
def test_a_meeting_reminder_reaches_the_chat_at_its_local_time(
    standin, chats, municipality, starts, expected
):
    Municipality.objects.filter(pk=municipality.pk).update(
        quiet_hours_start=clock_time(21, 0), quiet_hours_end=clock_time(8, 0)
    )
    group = f.GroupFactory(municipality=municipality)
    (y,) = chats(group=group)
    meeting = f.MeetingFactory(group=group, starts_at=starts, place="Ungehuset")
    with transaction.atomic():  # as the services call it
        reminders_sync_meeting(meeting, now=starts - timedelta(days=7))
    for moment in expected:
        assert deliver(standin, clock=lambda m=moment: m - timedelta(minutes=1)).sent == 0
        assert deliver(standin, clock=lambda m=moment: m).sent == 1
    texts = [message.text for message in inbox(standin, y)]
    assert len(texts) == 2
    # Danish writes the time "kl. 10.00".
    assert all(f"kl. {starts:%H.%M}" in text for text in texts), "shown in local time"


# --- Telegram's limits ----------------------------------------------------------------------------


def test_the_overall_rate_is_kept(standin, chats, meeting):
    standin.global_rate = 10
    for y in chats(25):
        due(y, meeting)
    started = time.monotonic()
    stats = deliver(standin, rate=9)  # just under the limit, as the default 29 is under 30
    elapsed = time.monotonic() - started
    assert (stats.sent, stats.limited, standin.counters.get("429", 0)) == (25, 0, 0)
    assert elapsed >= 2.5, "25 messages at 9/s take over 2.6 seconds"


@pytest.mark.chat_pacing
def test_one_chat_gets_at_most_one_message_a_second(standin, chats, meeting, municipality):
    standin.per_chat_rate = 1
    (y,) = chats()
    event = f.EventFactory(municipality=municipality)
    first = due(y, meeting)
    second = due(y, event, kind=Kind.EVENT_CANCELLED)
    stats = deliver(standin)
    assert (stats.sent, stats.limited, standin.counters.get("429", 0)) == (2, 0, 0)
    times = sorted(row(m).sent_at for m in (first, second))
    assert times[1] - times[0] >= timedelta(seconds=1)


def test_a_429_pauses_for_retry_after_and_then_sends(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    standin.set_fault("sendMessage", "429", description="Too Many Requests: retry after 1")
    started = time.monotonic()
    stats = deliver(standin)
    assert time.monotonic() - started >= 1.0, "waited retry_after"
    assert (stats.limited, stats.sent) == (1, 1)
    saved = row(message)
    assert (saved.status, saved.attempts, saved.possible_duplicates) == (Status.SENT, 1, 0)
    assert len(inbox(standin, y)) == 1


def test_a_flood_of_429s_from_a_stricter_limit_loses_nothing(standin, chats, meeting):
    standin.global_rate = 5
    youth = chats(12)
    for y in youth:
        due(y, meeting)
    stats = deliver(standin, rate=100)
    assert stats.limited > 0, "the stand-in's 5/s was exceeded at first"
    assert stats.sent == 12
    assert [len(inbox(standin, y)) for y in youth] == [1] * 12
    assert not OutboxMessage.objects.exclude(status=Status.SENT).exists()


# --- failures -------------------------------------------------------------------------------------


def test_a_5xx_is_retried_with_backoff_and_then_sent(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    standin.set_fault("sendMessage", "500", count=2)
    started = time.monotonic()
    stats = deliver(standin, backoff_base=0.2)
    assert time.monotonic() - started >= 0.6, "waited 0.2 s, then 0.4 s"
    assert (stats.retry, stats.sent) == (2, 1)
    saved = row(message)
    assert (saved.status, saved.attempts, saved.possible_duplicates) == (Status.SENT, 3, 0)
    assert len(inbox(standin, y)) == 1


def test_a_lasting_5xx_gives_up_after_the_cap(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    standin.set_fault("sendMessage", "502", count=50)
    stats = deliver(standin, max_attempts=3, backoff_base=0.05)
    assert (stats.retry, stats.failed, stats.sent) == (2, 1, 0)
    saved = row(message)
    assert (saved.status, saved.attempts) == (Status.FAILED, 3)
    assert saved.last_error == "gave up after 3 attempts: server error: Bad Gateway"


def test_the_backoff_doubles_up_to_its_cap():
    settings = WorkerSettings(backoff_base=2, backoff_cap=300)
    assert [settings.backoff(n) for n in (1, 2, 3, 4, 8, 9, 20)] == [2, 4, 8, 16, 256, 300, 300]


def test_a_timeout_is_sent_again_once_and_counted(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    # Telegram delivers it, but answers after the worker stopped waiting.
    standin.set_fault("sendMessage", "timeout", hold=0.6)
    stats = deliver(standin, read_timeout=0.3)
    assert (stats.unknown, stats.sent) == (1, 1)
    saved = row(message)
    assert (saved.status, saved.attempts, saved.possible_duplicates) == (Status.SENT, 2, 1)
    # The held first send lands when its hold ends, which may be after the second.
    standin.wait_for(standin.user(y.telegram_chat_id), 2)
    assert len(inbox(standin, y)) == 2, "the one duplicate, counted above"


def test_two_timeouts_end_delivery_unknown_never_failed(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    standin.set_fault("sendMessage", "timeout", count=2, hold=0.6)
    stats = deliver(standin, read_timeout=0.3)
    assert (stats.unknown, stats.in_doubt, stats.failed) == (2, 1, 0)
    saved = row(message)
    # Telegram received it (twice): reporting it as not received would be wrong.
    assert (saved.status, saved.possible_duplicates) == (Status.UNKNOWN, 1)
    assert saved.last_error == "no answer after 2 attempts: timed out"
    standin.wait_for(standin.user(y.telegram_chat_id), 2)
    assert standin.counters["sendMessage"] == 2, "never a third time"


def test_server_errors_after_a_timeout_end_delivery_unknown(chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    now = timezone.now()

    def attempt(**outcome) -> str:
        assert outbox_claim_batch(worker="w1", now=now + timedelta(minutes=5))[0] == 1
        assert outbox_begin_send(message_id=message.pk, worker="w1", now=now)
        return outbox_mark_retry(
            message_id=message.pk, retry_at=now, max_attempts=3, now=now, **outcome
        )

    assert attempt(error="timed out", outcome_unknown=True) == Status.PENDING
    assert attempt(error="server error: Bad Gateway") == Status.PENDING
    assert attempt(error="server error: Bad Gateway") == Status.UNKNOWN
    saved = row(message)
    assert saved.status == Status.UNKNOWN, "its first attempt may have reached the youth"
    assert saved.last_error == "no answer after 3 attempts: server error: Bad Gateway"


def test_a_400_is_recorded_and_never_retried(standin, chats, meeting):
    (y,) = chats()
    message = due(y, meeting)
    standin.set_fault("sendMessage", "400", description="Bad Request: message is too long")
    stats = deliver(standin)
    assert (stats.failed, stats.retry, standin.counters["sendMessage"]) == (1, 0, 1)
    saved = row(message)
    assert (saved.status, saved.attempts) == (Status.FAILED, 1)
    assert saved.last_error == "bad request: Message is too long"


def test_a_403_fails_the_row_and_marks_the_youth_unreachable(standin, chats, meeting):
    blocked, fine = chats(2)
    standin.block(standin.user(blocked.telegram_chat_id))
    lost, kept = due(blocked, meeting), due(fine, meeting)
    later = due(blocked, meeting, key="later", due_at=timezone.now() + timedelta(days=1))
    stats = deliver(standin)
    assert (stats.failed, stats.sent, stats.retry) == (1, 1, 0)
    saved = row(lost)
    assert saved.status == Status.FAILED and saved.last_error.startswith("forbidden: ")
    assert "blocked" in saved.last_error
    assert row(kept).status == Status.SENT
    assert row(later).status == Status.CANCELLED, "nothing more is queued for them"
    blocked.refresh_from_db()
    fine.refresh_from_db()
    assert blocked.unreachable_at is not None and fine.unreachable_at is None


# --- the state at send time -----------------------------------------------------------------------


def test_quiet_hours_at_send_time_hold_a_late_message_until_morning(standin, chats, meeting):
    (y,) = chats()
    municipality = y.municipality
    # Quiet all day but the last minute before midnight: it is quiet now.
    Municipality.objects.filter(pk=municipality.pk).update(
        quiet_hours_start=clock_time(0, 0), quiet_hours_end=clock_time(23, 59)
    )
    held = due(y, meeting)
    useless = due(y, meeting, key="useless", expires_at=timezone.now() + timedelta(minutes=1))
    stats = deliver(standin)
    assert stats.sent == 0 and inbox(standin, y) == []
    saved = row(held)
    assert (saved.status, saved.claimed_by) == (Status.PENDING, "")
    assert saved.claimed_until > timezone.now() and saved.last_error.startswith("quiet hours")
    assert (row(useless).status, row(useless).last_error) == (Status.SKIPPED, "quiet hours")


def test_stopping_finishes_the_message_in_flight_and_gives_back_the_rest(standin, chats, meeting):
    youth = chats(6)
    rows = [due(y, meeting) for y in youth]
    standin.set_fault("sendMessage", "timeout", hold=0.8)  # the first send is slow, not lost
    stats = deliver(
        standin,
        concurrency=1,
        rate=2,
        stop_when=lambda: standin.counters.get("sendMessage", 0) >= 1,
    )
    assert stats.sent == 1, "the message on the wire was finished and recorded"
    states = [row(m) for m in rows]
    sent = [m for m in states if m.status == Status.SENT]
    waiting = [m for m in states if m.status == Status.PENDING]
    assert len(sent) == 1 and len(waiting) == 5
    assert sent[0].telegram_message_id == inbox(standin, sent[0].recipient)[0].message_id
    assert all(
        (m.claimed_by, m.claimed_until, m.send_started_at) == ("", None, None) for m in waiting
    )


def test_the_worker_runs_the_housekeeping_jobs(standin, municipality, caplog):
    group = f.GroupFactory(municipality=municipality)
    GroupSchedule.objects.create(
        group=group,
        weekday=1,
        start_time=clock_time(10),
        place="Ungehuset",
        starts_on=timezone.localdate(),
    )
    assert not group.meetings.exists()

    def housekept() -> bool:
        return any(r.getMessage().startswith("housekeeping worker=w1") for r in caplog.records)

    with caplog.at_level(logging.INFO, logger="worker.loop"):
        deliver(standin, housekeeping_every=3600, stop_when=housekept)
    assert group.meetings.exists(), "the schedule's meetings were generated"


@pytest.mark.postgres
def test_housekeeping_runs_in_one_worker_at_a_time(municipality):
    from django.db import connections

    from worker.loop import HOUSEKEEPING_LOCK, housekeeping_once

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [HOUSEKEEPING_LOCK])
        assert housekeeping_once(now=timezone.now()) is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [HOUSEKEEPING_LOCK])
        assert housekeeping_once(now=timezone.now()) is not None
    finally:
        other.close()


# --- the heartbeat -------------------------------------------------------------------------------


def test_the_heartbeat_renews_only_this_workers_rows_and_keeps_a_longer_hold(chats, meeting):
    first, second, third = chats(3)
    now = timezone.now()
    mine = due(first, meeting, claimed_by="w1", claimed_until=now + timedelta(seconds=1))
    paused = due(second, meeting, claimed_by="w1", claimed_until=now + timedelta(minutes=2))
    theirs = due(third, meeting, claimed_by="w2", claimed_until=now + timedelta(seconds=1))
    held = [mine.pk, paused.pk, theirs.pk]
    renewed = outbox_renew_claims(
        worker="w1", message_ids=held, now=now, lease=timedelta(seconds=5)
    )
    assert renewed == 2
    assert row(mine).claimed_until == now + timedelta(seconds=5)
    assert row(paused).claimed_until == now + timedelta(minutes=2), "a 429's hold is kept"
    assert row(theirs).claimed_until == now + timedelta(seconds=1)


def test_a_dead_workers_rows_are_free_once_its_last_heartbeat_is_a_lease_old(chats, meeting):
    (y,) = chats()
    now = timezone.now()
    message = due(y, meeting)
    lease = timedelta(seconds=5)
    assert outbox_claim_batch(worker="dead", now=now, lease=lease)[0] == 1
    outbox_renew_claims(
        worker="dead", message_ids=[message.pk], now=now + timedelta(seconds=3), lease=lease
    )
    # Alive, it would have renewed again; it died, so the row is free 5 s after the last beat.
    assert outbox_claim_batch(worker="heir", now=now + timedelta(seconds=7), lease=lease)[0] == 0
    assert outbox_claim_batch(worker="heir", now=now + timedelta(seconds=8.1), lease=lease)[0] == 1
    assert row(message).claimed_by == "heir"


def test_a_worker_stalled_past_its_lease_does_not_send_what_it_may_no_longer_hold():
    worker = Worker(bot=None, settings=WorkerSettings(lease=5.0))
    now = time.monotonic()
    assert worker._still_ours(stamped=now - 1)
    assert not worker._still_ours(stamped=now - 10), "stamped 10 s ago, no heartbeat since"
    worker._renewed_at = now - 2
    assert worker._still_ours(stamped=now - 10), "a heartbeat 2 s ago holds it"
    worker._aside.shutdown()
