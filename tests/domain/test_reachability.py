"""Unreachable youth: a 403 from Telegram marks them (once), cancels what waits for them, is
audited and announced to their own municipality only; writing to the bot again undoes it."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import connection

from bot import bridge
from bot.bridge import Screen, screen_for
from domain.models import AuditEntry, OutboxMessage, Youth
from domain.services.outbox import outbox_push, youth_can_receive
from domain.services.reachability import youth_mark_reachable, youth_mark_unreachable
from domain.services.reminders import reminders_sync_meeting
from portal import realtime
from tests import factories as f
from tests.bot.test_screens import who_is

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
REASON = "forbidden: Forbidden: bot was blocked by the user"


def row(youth, **values) -> OutboxMessage:
    values = {"kind": Kind.INTEREST_ACCEPTED, "due_at": NOW - timedelta(minutes=1), **values}
    return OutboxMessage.objects.create(recipient=youth, dedupe_key=uuid4().hex, **values)


def mark(youth, now=NOW) -> bool:
    return youth_mark_unreachable(youth_id=youth.pk, reason=REASON, now=now)


# --- marking unreachable ------------------------------------------------------------------------


def test_a_403_marks_the_youth_unreachable_once(youth):
    assert mark(youth) is True
    assert mark(youth, now=NOW + timedelta(hours=1)) is False
    youth.refresh_from_db()
    assert youth.unreachable_at == NOW  # the first time stays
    assert AuditEntry.objects.filter(action="youth.unreachable").count() == 1


def test_the_mark_is_audited_as_the_system_in_the_youths_municipality(youth):
    due = row(youth)
    mark(youth)
    entry = AuditEntry.objects.get(action="youth.unreachable")
    assert (entry.actor, entry.actor_label) == (None, "system")
    assert (entry.target_type, entry.target_id) == ("portal.youth", youth.pk)
    assert entry.municipality_id == youth.municipality_id
    assert entry.data == {"reason": "blocked", "cancelled": 1}
    assert entry.created_at == NOW
    due.refresh_from_db()
    assert due.status == Status.CANCELLED


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("forbidden: Forbidden: bot was blocked by the user", "blocked"),
        ("forbidden: Forbidden: user is deactivated", "deactivated"),
        ("forbidden: Forbidden: bot can't initiate conversation with a user", "forbidden"),
        ("x" * 1000, "forbidden"),
    ],
)
def test_the_audit_trail_keeps_the_kind_of_refusal_not_its_text(youth, reason, code):
    youth_mark_unreachable(youth_id=youth.pk, reason=reason, now=NOW)
    assert AuditEntry.objects.get(action="youth.unreachable").data["reason"] == code


def test_waiting_messages_are_cancelled_but_finished_and_in_flight_ones_are_left(youth):
    due = row(youth)
    later = row(youth, due_at=NOW + timedelta(days=2))
    retrying = row(youth, attempts=2, claimed_until=NOW + timedelta(minutes=5))
    lapsed = row(youth, claimed_by="host:1", claimed_until=NOW - timedelta(minutes=1))
    in_flight = row(youth, claimed_by="host:2", claimed_until=NOW + timedelta(seconds=50))
    sent = row(youth, status=Status.SENT, sent_at=NOW - timedelta(hours=1))
    failed = row(youth, status=Status.FAILED, last_error="bad request: chat not found")
    skipped = row(youth, status=Status.SKIPPED, last_error="quiet hours")
    someone_else = row(f.YouthFactory(municipality=youth.municipality))

    assert mark(youth) is True

    def state(message):
        message.refresh_from_db()
        return message.status, message.last_error

    cancelled = (Status.CANCELLED, "youth unreachable")
    for message in (due, later, retrying, lapsed):
        assert state(message) == cancelled
    assert state(in_flight) == (Status.PENDING, "")  # its own attempt settles it (403 too)
    assert state(sent) == (Status.SENT, "")
    assert state(failed) == (Status.FAILED, "bad request: chat not found")
    assert state(skipped) == (Status.SKIPPED, "quiet hours")
    assert state(someone_else) == (Status.PENDING, "")
    assert AuditEntry.objects.get(action="youth.unreachable").data["cancelled"] == 4


@pytest.mark.parametrize(
    "change",
    [
        {"telegram_user_id": None, "telegram_chat_id": None},  # unlinked meanwhile
        {"erased_at": NOW},
    ],
)
def test_a_youth_without_a_telegram_account_is_not_marked(youth, change):
    Youth.objects.filter(pk=youth.pk).update(**change)
    assert mark(youth) is False
    youth.refresh_from_db()
    assert youth.unreachable_at is None
    assert not AuditEntry.objects.filter(action="youth.unreachable").exists()


def test_an_unknown_youth_is_not_marked(db):
    assert youth_mark_unreachable(youth_id=987654, reason=REASON, now=NOW) is False


def test_the_mark_is_announced_to_the_youths_municipality_and_admins_only(
    youth, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mark(youth)
    with django_capture_on_commit_callbacks(execute=True):
        mark(youth)  # nothing new: nothing announced
    (event,) = [e for e in published if e.type.startswith("youth.")]
    assert event.type == "youth.unreachable"
    assert event.data == {
        "id": youth.pk,
        "municipality_id": youth.municipality_id,
        "youth_id": youth.pk,
    }
    assert realtime.groups_for(event) == [
        realtime.ADMINS,
        realtime.municipality_group(youth.municipality_id),
    ]


# --- the outbox stops for them ------------------------------------------------------------------


def test_an_unreachable_youth_can_receive_nothing(youth):
    assert youth_can_receive(youth) is True
    mark(youth)
    youth.refresh_from_db()
    assert youth_can_receive(youth) is False
    assert outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, now=NOW) is None
    assert not OutboxMessage.objects.filter(recipient=youth).exists()


def test_meeting_reminders_skip_an_unreachable_member_and_keep_the_others(municipality):
    group = f.GroupFactory(municipality=municipality)
    blocked = f.YouthFactory(municipality=municipality, group=group)
    reachable = f.YouthFactory(municipality=municipality, group=group)
    meeting = f.MeetingFactory(group=group, starts_at=NOW + timedelta(days=3))
    reminders_sync_meeting(meeting, now=NOW)
    assert OutboxMessage.objects.filter(recipient=blocked, status=Status.PENDING).count() == 2

    mark(blocked)
    reminders_sync_meeting(meeting, now=NOW)

    assert not OutboxMessage.objects.filter(recipient=blocked, status=Status.PENDING).exists()
    assert OutboxMessage.objects.filter(recipient=reachable, status=Status.PENDING).count() == 2


# --- reachable again ----------------------------------------------------------------------------


def test_writing_again_clears_the_mark_and_brings_the_reminders_back(
    municipality, published, django_capture_on_commit_callbacks
):
    group = f.GroupFactory(municipality=municipality)
    youth = f.YouthFactory(municipality=municipality, group=group)
    meeting = f.MeetingFactory(group=group, starts_at=NOW + timedelta(days=3))
    reminders_sync_meeting(meeting, now=NOW)
    mark(youth)
    assert not OutboxMessage.objects.filter(recipient=youth, status=Status.PENDING).exists()

    later = NOW + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        returned = youth_mark_reachable(youth=youth, now=later)

    assert returned is youth and returned.unreachable_at is None
    youth.refresh_from_db()
    assert youth.unreachable_at is None
    pending = OutboxMessage.objects.filter(recipient=youth, status=Status.PENDING)
    assert pending.count() == 2
    assert set(pending.values_list("last_error", flat=True)) == {""}
    entry = AuditEntry.objects.get(action="youth.reachable")
    assert (entry.actor_label, entry.target_id, entry.created_at) == (
        f"youth:{youth.pk}",
        youth.pk,
        later,
    )
    assert entry.data == {"unreachable_since": NOW.isoformat()}
    assert [e.type for e in published if e.type.startswith("youth.")] == ["youth.reachable"]


def test_marking_a_reachable_youth_reachable_changes_nothing(youth, published):
    assert youth_mark_reachable(youth=youth, now=NOW).unreachable_at is None
    assert not AuditEntry.objects.filter(action="youth.reachable").exists()


def test_the_bot_marks_an_unreachable_youth_reachable_when_they_write(youth):
    mark(youth)
    seen = []

    def screen(context) -> Screen:
        seen.append(context.youth.unreachable_at)
        return Screen("hej")

    assert screen_for(screen, who_is(youth)).text == "hej"
    assert seen == [None]
    youth.refresh_from_db()
    assert youth.unreachable_at is None
    assert AuditEntry.objects.filter(action="youth.reachable", target_id=youth.pk).count() == 1


def test_the_bot_answers_even_when_the_youth_row_is_busy(youth, monkeypatch):
    from domain.exceptions import DomainError

    mark(youth)

    def busy(**kwargs):
        raise DomainError("busy", code="busy")

    monkeypatch.setattr(bridge, "youth_mark_reachable", busy)
    assert screen_for(lambda context: Screen("hej"), who_is(youth)).text == "hej"


def test_the_usual_update_costs_no_extra_query(youth, django_assert_num_queries):
    def screen(context) -> Screen:
        return Screen(context.youth.first_name)

    with django_assert_num_queries(1):  # the youth behind the account, nothing else
        assert screen_for(screen, who_is(youth)).text == youth.first_name


# --- real concurrency ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_403s_mark_the_youth_exactly_once(municipality):
    youth = f.YouthFactory(municipality=municipality)
    for _ in range(5):
        row(youth)
    barrier = threading.Barrier(8)

    def run(_: int) -> bool:
        try:
            barrier.wait(timeout=30)
            return mark(youth)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))

    assert results.count(True) == 1
    assert AuditEntry.objects.filter(action="youth.unreachable").count() == 1
    assert AuditEntry.objects.get(action="youth.unreachable").data["cancelled"] == 5
    assert not OutboxMessage.objects.filter(recipient=youth, status=Status.PENDING).exists()
