"""The local mailbox of the embedded default: the worker's e-mails land in files, and the dev
server's /postkasse/ pages show them; off (404) unless it is the e-mail backend."""

import pytest
from django.test import Client

from domain.models import OutboxMessage
from domain.services.mail import email_notify
from tests import factories as f
from tests.helpers import deliver_emails


@pytest.fixture
def mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "standin.mailbox.MailboxBackend"
    settings.NEXTWORK_MAILBOX_DIR = str(tmp_path)
    settings.NEXTWORK_LOCAL_MAILBOX = True
    settings.NEXTWORK_PORTAL_URL = "http://127.0.0.1:8000"
    return tmp_path


def _send(member) -> None:
    email_notify(
        user=member.user,
        kind=OutboxMessage.Kind.INTEREST_RECEIVED,
        payload={"slot": "Bagerlærling", "interest_id": 3},
        dedupe_key="k",
    )
    assert deliver_emails() == 1


def test_an_email_lands_in_the_mailbox_and_its_page_shows_it(mailbox, db):
    member = f.CompanyMemberFactory(user__username="bente", user__email="bente@example.dk")
    _send(member)
    assert len(list(mailbox.glob("*.eml"))) == 1
    client = Client()
    inbox = client.get("/postkasse/")
    assert inbox.status_code == 200
    assert "En ung er interesseret i “Bagerlærling”" in inbox.text
    assert "bente@example.dk" in inbox.text
    (name,) = [p.stem for p in mailbox.glob("*.eml")]
    page = client.get(f"/postkasse/{name}/")
    assert 'href="http://127.0.0.1:8000/virksomhed/interesser/3/"' in page.text
    html = client.get(f"/postkasse/{name}/html/")
    assert "sandbox" in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert "virksomhed/interesser/3/" in html.text


def test_an_unknown_or_odd_name_is_not_found(mailbox, db):
    client = Client()
    assert client.get("/postkasse/123-abc/").status_code == 404
    assert client.get("/postkasse/..%2Fsecret/").status_code == 404


def test_the_mailbox_is_off_unless_it_is_the_backend(settings, db):
    settings.NEXTWORK_LOCAL_MAILBOX = False
    assert Client().get("/postkasse/").status_code == 404
