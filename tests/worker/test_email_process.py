"""``manage.py deliver`` as a real process sends the outbox's e-mails over EMAIL_URL beside the
Telegram messages; ``--no-email`` leaves them to another worker."""

from __future__ import annotations

import pytest

from domain.models import OutboxMessage
from domain.services.mail import email_notify
from tests import factories as f
from tests.smtp import SmtpServer
from tests.worker.test_worker_processes import finish, worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _queued() -> OutboxMessage:
    member = f.CompanyMemberFactory(user__email="bente@example.dk")
    return email_notify(
        user=member.user,
        kind=OutboxMessage.Kind.INTEREST_RECEIVED,
        payload={"slot": "Bagerlærling", "interest_id": 1},
        dedupe_key="process",
    )


def test_deliver_sends_the_emails_over_email_url(standin, smtp, monkeypatch):
    row = _queued()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp.port}")
    output = finish(worker(standin, "w1", "--until-idle"))
    assert "e-mail stopped (sent 1, failed 0, retried 0)" in output
    (message,) = smtp.arrived
    assert message["To"] == "bente@example.dk"
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT


def test_deliver_no_email_leaves_them(standin, smtp, monkeypatch):
    row = _queued()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp.port}")
    output = finish(worker(standin, "w1", "--until-idle", "--no-email"))
    assert "e-mail stopped" not in output
    assert smtp.arrived == []
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING
