"""Several e-mail workers at once (PostgreSQL, SKIP LOCKED): every e-mail arrives exactly once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from domain.models import OutboxMessage
from domain.services.mail import email_notify
from tests import factories as f
from tests.smtp import SmtpServer
from worker.email import EmailSettings, EmailWorker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_three_workers_send_sixty_emails_each_exactly_once(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    company = f.CompanyFactory()
    members = f.CompanyMemberFactory.create_batch(60, company=company)
    for i, member in enumerate(members):
        email_notify(
            user=member.user,
            kind=OutboxMessage.Kind.INTEREST_RECEIVED,
            payload={"slot": "Bager", "interest_id": i},
            dedupe_key=f"n{i}",
        )
    barrier = threading.Barrier(3)

    def work(name: str):
        try:
            barrier.wait(timeout=30)
            worker = EmailWorker(EmailSettings(name=name, batch_size=7, poll=0.05))
            return worker.run(threading.Event(), until_idle=True)
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            stats = list(pool.map(work, ["a", "b", "c"]))
    finally:
        server.stop()
    ids = Counter(message["Message-ID"] for message in server.arrived)
    assert len(ids) == 60 and set(ids.values()) == {1}
    assert sum(s.sent for s in stats) == 60
    assert sum(1 for s in stats if s.sent) >= 2  # the work was shared
    rows = OutboxMessage.objects.filter(channel="email")
    assert set(rows.values_list("status", "attempts", "possible_duplicates")) == {("sent", 1, 0)}
    assert not rows.filter(sent_at__gt=timezone.now() + timedelta(seconds=1)).exists()
