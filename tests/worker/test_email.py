"""The e-mail worker against a real SMTP server on loopback: sent once, retried when the server
refuses for now or cannot be reached, failed when it refuses for good, never lost."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from domain.models import EmailPreferences, OutboxMessage
from domain.selectors.outbox import outbox_queue_summary
from domain.services.delivery import outbox_claim_batch
from domain.services.mail import email_notify
from tests import factories as f
from tests.smtp import Faults, SmtpServer, free_port, silent_listener
from worker.email import EmailSettings, EmailWorker

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Copenhagen
Kind = OutboxMessage.Kind
Status = OutboxMessage.Status


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    _use(settings, server.port)
    yield server
    server.stop()


def _use(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.NEXTWORK_PORTAL_URL = "https://portal.example"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _worker(clock: Clock, **overrides) -> EmailWorker:
    options = {"timeout": 2.0, "backoff_base": 30.0, **overrides}
    return EmailWorker(EmailSettings(name="test:email", **options), clock=clock)


def _member(language: str = "da"):
    member = f.CompanyMemberFactory(user__first_name="Bente", user__last_name="Bager")
    EmailPreferences.objects.create(user=member.user, language=language)
    return member


def _queue(member, key: str = "interest_received:1") -> OutboxMessage:
    row = email_notify(
        user=member.user,
        kind=Kind.INTEREST_RECEIVED,
        payload={"slot": "Bagerlærling", "interest_id": 7},
        dedupe_key=key,
        now=NOW,
    )
    assert row is not None
    return row


def test_an_email_row_is_sent_once_in_the_users_language_with_text_html_and_links(smtp):
    member = _member("da")
    row = _queue(member)
    clock = Clock(NOW)

    assert _worker(clock).run_once() == 1
    assert _worker(clock).run_once() == 0

    (message,) = smtp.arrived
    assert message["To"] == member.user.email
    assert message["Subject"].strip() == "En ung er interesseret i “Bagerlærling”"
    assert message["List-Unsubscribe"] == "<https://portal.example/indstillinger/e-mail/>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://portal.example/virksomhed/interesser/7/" in text
    assert 'href="https://portal.example/virksomhed/interesser/7/"' in html
    assert "Hej Bente Bager" in text
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (Status.SENT, 1, NOW)


def test_an_english_speaking_user_gets_english(smtp):
    _queue(_member("en"))
    _worker(Clock(NOW)).run_once()
    (message,) = smtp.arrived
    assert message["Subject"].strip() == "A young person is interested in “Bagerlærling”"


def test_the_telegram_worker_never_claims_an_email_row(smtp):
    _queue(_member())
    assert outbox_claim_batch(worker="telegram", now=NOW) == (0, [])


def test_a_row_has_exactly_one_recipient():
    youth = f.YouthFactory()
    user = f.UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            channel="email", user=user, recipient=youth, kind=Kind.INTEREST_RECEIVED,
            dedupe_key="both", due_at=NOW,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            channel="telegram", user=user, kind=Kind.INTEREST_ACCEPTED, dedupe_key="tg", due_at=NOW
        )


def test_a_server_that_refuses_for_now_gets_it_again_later_and_only_once(smtp):
    smtp.faults = Faults(rcpt_answer="451 4.3.0 try again later", refuse_times=1)
    row = _queue(_member())
    clock = Clock(NOW)
    worker = _worker(clock)

    worker.run_once()
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.claimed_until == NOW + timedelta(seconds=30)  # the first backoff
    assert row.last_error.startswith("deferred: 451 4.3.0 try again later")
    assert smtp.arrived == []
    assert worker.run_once() == 0  # not before its time

    clock.now = NOW + timedelta(seconds=31)
    assert worker.run_once() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.possible_duplicates) == (Status.SENT, 2, 0)
    assert len(smtp.arrived) == 1


def test_a_server_that_refuses_the_address_for_good_fails_the_row_at_once(smtp):
    smtp.faults = Faults(rcpt_answer="550 5.1.1 no such user")
    row = _queue(_member())
    _worker(Clock(NOW)).run_once()
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error == "refused: 550 5.1.1 no such user"
    assert smtp.arrived == []
    summary = outbox_queue_summary(now=NOW)
    assert summary["overall"]["failed"]["refused"] == 1
    assert summary["email"]["failed"]["refused"] == 1


def _drain(worker: EmailWorker, clock: Clock, rounds: int) -> None:
    for _ in range(rounds):
        worker.run_once()
        clock.now += timedelta(hours=2)  # past any backoff


def test_a_server_that_cannot_be_reached_is_retried_with_backoff_then_the_row_fails(settings):
    _use(settings, free_port())  # connection refused
    row = _queue(_member())
    clock = Clock(NOW)
    worker = _worker(clock, max_attempts=3)

    worker.run_once()
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.last_error.startswith("not connected: ConnectionRefusedError")
    assert row.send_started_at is None  # known not to be sent: no duplicate on the next try
    clock.now += timedelta(seconds=31)
    worker.run_once()
    row.refresh_from_db()
    assert row.claimed_until == clock.now + timedelta(seconds=60)  # doubled
    _drain(worker, clock, 3)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.possible_duplicates) == (Status.FAILED, 3, 0)
    assert row.last_error.startswith("gave up after 3 attempts: not connected")
    summary = outbox_queue_summary(now=clock.now)["overall"]
    assert summary["failed"]["gave_up"] == 1


def test_a_server_that_stalls_before_its_greeting_is_a_retry_not_a_duplicate(settings, smtp):
    row = _queue(_member())
    other = _queue(_member(), key="other")
    clock = Clock(NOW)
    with silent_listener() as port:
        _use(settings, port)
        started = time.monotonic()
        _worker(clock, timeout=0.3).run_once()
        assert time.monotonic() - started < 2  # one timeout for the batch, not one each
    row.refresh_from_db()
    assert (row.status, row.send_started_at) == (Status.PENDING, None)
    assert row.last_error.startswith("not connected: ")
    assert "timed out" in row.last_error
    other.refresh_from_db()
    assert (other.status, other.attempts, other.last_error) == (
        Status.PENDING,
        1,
        row.last_error,
    )

    _use(settings, smtp.port)  # the server is back
    clock.now += timedelta(minutes=1)
    _worker(clock).run_once()
    row.refresh_from_db()
    assert (row.status, row.possible_duplicates) == (Status.SENT, 0)
    assert len(smtp.arrived) == 2


def test_a_server_that_times_out_after_the_message_is_resent_once_as_a_possible_duplicate(smtp):
    smtp.faults = Faults(stall_after_data=True)
    row = _queue(_member())
    clock = Clock(NOW)
    worker = _worker(clock, timeout=0.3)

    worker.run_once()
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.send_started_at is not None  # the outcome is unknown
    assert "timed out" in row.last_error
    _drain(worker, clock, 2)
    row.refresh_from_db()
    # One resend only, counted, and then the row is given up rather than sent a third time:
    # as "delivery unknown", never "failed", since the server had the message both times.
    assert (row.status, row.attempts, row.possible_duplicates) == (Status.UNKNOWN, 2, 1)
    first, second = smtp.arrived
    assert first["Message-ID"] == second["Message-ID"]  # the receiver can tell


def test_an_inactive_user_gets_nothing_and_the_row_is_cancelled(smtp):
    member = _member()
    row = _queue(member)
    member.user.is_active = False
    member.user.save()
    _worker(Clock(NOW)).run_once()
    row.refresh_from_db()
    assert row.status == Status.CANCELLED
    assert smtp.arrived == []


def test_the_admin_lists_email_rows_beside_telegram_rows(admin_client, smtp):
    _queue(_member())
    response = admin_client.get("/admin/portal/outboxmessage/", {"channel__exact": "email"})
    assert response.status_code == 200
    assert b"interest_received" in response.content or b"ny interesse" in response.content
    queue = admin_client.get("/admin/portal/outboxmessage/queue/")
    assert queue.status_code == 200


def test_a_digest_gathers_the_days_news_in_one_email_and_never_repeats_an_item(smtp):
    member = _member("da")
    member.user.email_preferences.modes = {Kind.INTEREST_RECEIVED: "digest"}
    member.user.email_preferences.digest_hour = 16
    member.user.email_preferences.save()
    first, second = _queue(member, "a"), _queue(member, "b")
    assert first.due_at == second.due_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    clock = Clock(NOW)
    worker = _worker(clock)
    assert worker.run_once() == 0  # not before the hour

    clock.now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert worker.run_once() == 1
    (digest,) = smtp.arrived
    assert digest["Subject"].strip() == "NExTWORK: din daglige oversigt (2)"
    assert digest.get_body(("plain",)).get_content().count("/virksomhed/interesser/7/") == 2
    third = email_notify(
        user=member.user,
        kind=Kind.INTEREST_RECEIVED,
        payload={"slot": "Konditor", "interest_id": 8},
        dedupe_key="c",
        now=clock.now + timedelta(minutes=5),
    )
    assert third.due_at == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # tomorrow's digest
    clock.now = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    tomorrow = smtp.arrived[1].get_body(("plain",)).get_content()
    assert "/virksomhed/interesser/8/" in tomorrow
    assert "/virksomhed/interesser/7/" not in tomorrow  # yesterday's items are not repeated
    statuses = set(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT}


def test_a_digest_refused_for_now_is_retried_whole_and_sent_once(smtp):
    member = _member("en")
    EmailPreferences.objects.filter(user=member.user).update(
        modes={Kind.INTEREST_RECEIVED: "digest"}, digest_hour=16
    )
    member.user.refresh_from_db()
    _queue(member, "a")
    _queue(member, "b")
    smtp.faults = Faults(rcpt_answer="452 4.2.2 mailbox full", refuse_times=1)
    clock = Clock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    worker = _worker(clock)
    worker.run_once()
    assert smtp.arrived == []
    clock.now += timedelta(minutes=1)
    worker.run_once()
    (digest,) = smtp.arrived
    assert digest["Subject"].strip() == "NExTWORK: your daily summary (2)"
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {2}
