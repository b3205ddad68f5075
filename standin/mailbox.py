"""A local mailbox for the embedded default: an e-mail backend that keeps each message as an
``.eml`` file under ``NEXTWORK_MAILBOX_DIR`` (``var/mailbox/``), and the pages that show them
(``/postkasse/``), so a newcomer can open the e-mails the worker sends without a mail server.

Like the Telegram stand-in it knows nothing of the product: it stores and shows RFC 5322
messages. It is on only while DEBUG is on and no SMTP server is configured
(``config/settings/email.py``); anyone who can reach the dev server can read it, which is why
it is never on in production.
"""

from __future__ import annotations

import email
import email.policy
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_sameorigin

SHOWN = 200


def mailbox_dir() -> Path:
    return Path(settings.NEXTWORK_MAILBOX_DIR)


class MailboxBackend(BaseEmailBackend):
    """Django's e-mail backend interface: each message becomes one file, written whole before
    it appears (a temporary name, then a rename), so the page never shows half a message."""

    def send_messages(self, email_messages) -> int:
        directory = mailbox_dir()
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
            partial = directory / f".{name}.part"
            partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
            os.replace(partial, directory / name)
            sent += 1
        return sent


@dataclass(frozen=True)
class Letter:
    name: str
    received: datetime
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", "")).strip()

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        return body.get_content() if body is not None else ""

    @property
    def html(self) -> str:
        body = self.message.get_body(("html",))
        return body.get_content() if body is not None else ""

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in self.message.items()]


def _read(path: Path) -> Letter:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    received = datetime.fromtimestamp(int(path.name.split("-", 1)[0]) / 1e9, tz=UTC)
    return Letter(name=path.stem, received=received, message=message)


def letters() -> list[Letter]:
    """The newest messages first."""
    directory = mailbox_dir()
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("[0-9]*.eml"), reverse=True)[:SHOWN]
    return [_read(path) for path in files]


def letter(name: str) -> Letter:
    if not name.replace("-", "").isalnum():
        raise Http404
    path = mailbox_dir() / f"{name}.eml"
    if not path.is_file():
        raise Http404
    return _read(path)


def _require_on() -> None:
    if not settings.NEXTWORK_LOCAL_MAILBOX:
        raise Http404


def inbox(request: HttpRequest) -> HttpResponse:
    _require_on()
    return render(request, "standin/mailbox.html", {"letters": letters()})


def show(request: HttpRequest, name: str) -> HttpResponse:
    _require_on()
    return render(request, "standin/mailbox_letter.html", {"letter": letter(name)})


@xframe_options_sameorigin
def show_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part alone, for the sandboxed frame of the message page: no scripts, no
    forms, no access to the page around it."""
    _require_on()
    response = HttpResponse(letter(name).html)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return response


urlpatterns = [
    path("", inbox, name="mailbox"),
    path("<str:name>/", show, name="mailbox_letter"),
    path("<str:name>/html/", show_html, name="mailbox_letter_html"),
]
