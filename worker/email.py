"""The e-mail worker: the outbox's ``email`` rows to the SMTP server of ``EMAIL_URL`` (Django's
e-mail backend), once each, with the same retry, backoff and failure rules as Telegram.

SMTP is a blocking protocol and e-mail is slow news, so this is a plain loop on a thread of its
own (``manage.py deliver`` starts it beside the Telegram loop; ``--no-email`` leaves it out).

Each claimed envelope (one row, or one user's digest) is stamped ``send_started_at`` just
before it goes to the server, then settled:

* accepted → ``sent``;
* the server could not be reached (refused, timed out before the greeting) or answered 4xx →
  retried later with exponential backoff, up to ``max_attempts``, then ``failed``;
* the server answered 5xx (a refused address or message) → ``failed`` at once;
* the connection broke or timed out *during* the transaction → the outcome is unknown (the
  server may have kept it): one resend only, counted as a possible duplicate, with the same
  Message-ID so the receiving side can tell.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import close_old_connections, connection
from django.utils import timezone

from domain.services.delivery import MAX_ATTEMPTS, outbox_mark_failed, outbox_mark_retry
from domain.services.mail import (
    Envelope,
    email_begin_send,
    email_claim_batch,
    email_give_back,
    email_mark_sent,
    email_work_left,
)
from portal.emails import render

logger = logging.getLogger(__name__)

# Accepted e-mails are marked sent this many at a time (and at the end of each batch).
RECORD_EVERY = 10


@dataclass(frozen=True)
class EmailSettings:
    name: str = "email"
    batch_size: int = 50
    lease: float = 120.0
    poll: float = 2.0  # seconds between looks at an empty queue
    timeout: float = 10.0  # seconds to wait for the SMTP server at each step
    max_attempts: int = MAX_ATTEMPTS
    backoff_base: float = 30.0  # first retry after this many seconds, doubling each time
    backoff_cap: float = 3600.0

    def backoff(self, attempts: int) -> float:
        return min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempts - 1))


@dataclass
class EmailStats:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unknown: int = 0
    dropped: int = 0
    rows_sent: int = 0


class NotConnected(Exception):
    """The SMTP server could not be reached: nothing was sent."""


def _permanent(error: smtplib.SMTPException) -> bool:
    """A 5xx answer refuses the address or the message for good; 4xx means "try later"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # our configuration, not the message: fixing it should deliver the rows
    code = getattr(error, "smtp_code", 0)
    return isinstance(code, int) and code >= 500


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class EmailWorker:
    def __init__(
        self,
        settings: EmailSettings | None = None,
        *,
        clock: Callable[[], datetime] = timezone.now,
        backend: str | None = None,
    ) -> None:
        self.settings = settings or EmailSettings()
        self.clock = clock
        self.backend = backend
        self.stats = EmailStats()
        self._connection = None
        self._accepted: list[tuple[int, datetime]] = []
        self._unreachable: str | None = None  # why this batch's server could not be reached

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.lease)

    def run(self, stop: threading.Event, *, until_idle: bool = False) -> EmailStats:
        """Send until ``stop`` is set (or, with ``until_idle``, until nothing is due)."""
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    handled = self.run_once(stop)
                except Exception:
                    # A database hiccup must not stop the worker; leases bring rows back.
                    logger.exception("email worker=%s: round failed", self.settings.name)
                    handled = 0
                if handled:
                    continue
                if until_idle and not email_work_left(now=self.clock()):
                    break
                stop.wait(self.settings.poll)
        finally:
            self._disconnect()
            connection.close()
        return self.stats

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim one batch and send it; returns how many e-mails were handled."""
        envelopes = email_claim_batch(
            worker=self.settings.name,
            now=self.clock(),
            limit=self.settings.batch_size,
            lease=self._lease,
        )
        self.stats.claimed += len(envelopes)
        self._unreachable = None
        try:
            for index, envelope in enumerate(envelopes):
                if stop is not None and stop.is_set():
                    rest = [i for e in envelopes[index:] for i in e.ids]
                    email_give_back(message_ids=rest, worker=self.settings.name, now=self.clock())
                    break
                self._send(envelope)
        finally:
            self._record_sent()
            self._disconnect()
        return len(envelopes)

    # --- one e-mail -----------------------------------------------------------------------------

    def _send(self, envelope: Envelope) -> None:
        name = self.settings.name
        try:
            message = render(envelope)
        except Exception as error:
            # A bug in the words (a kind without a text): record it, never retry.
            logger.exception("email outbox=%s could not be written", envelope.ids)
            self._fail(envelope, f"bad message: {_describe(error)}")
            return
        if not email_begin_send(
            message_ids=envelope.ids, worker=name, now=self.clock(), lease=self._lease
        ):
            email_give_back(message_ids=envelope.ids, worker=name, now=self.clock())
            self.stats.dropped += 1
            return
        try:
            if self._unreachable is not None:
                # One refused or silent server per batch is enough: the rest of the batch
                # waits with it instead of each waiting for its own timeout.
                raise NotConnected(self._unreachable)
            self._connect()
            self._connection.send_messages([message])
        except NotConnected as error:
            self._unreachable = str(error)
            self._retry(envelope, f"not connected: {error}", outcome_unknown=False)
        except smtplib.SMTPException as error:
            self._disconnect()
            if isinstance(error, smtplib.SMTPServerDisconnected):
                self.stats.unknown += 1
                self._retry(envelope, f"disconnected: {_describe(error)}", outcome_unknown=True)
            elif _permanent(error):
                self._fail(envelope, f"refused: {_describe(error)}")
            else:
                self._retry(envelope, f"deferred: {_describe(error)}", outcome_unknown=False)
        except OSError as error:  # a timeout or a reset in the middle of the transaction
            self._disconnect()
            self.stats.unknown += 1
            self._retry(envelope, f"timed out: {_describe(error)}", outcome_unknown=True)
        else:
            accepted = self.clock()
            self._accepted.extend((row_id, accepted) for row_id in envelope.ids)
            if len(self._accepted) >= RECORD_EVERY:
                self._record_sent()
            self.stats.sent += 1
            self.stats.rows_sent += len(envelope.ids)

    def _record_sent(self) -> None:
        """Mark the accepted rows sent, several in one query. Until then they are stamped
        ``send_started_at`` and leased: a crash in between makes their resend a counted
        possible duplicate, never a silent one."""
        accepted, self._accepted = self._accepted, []
        email_mark_sent(sent=accepted)

    def _connect(self) -> None:
        """One SMTP session per batch; a failure to open it means nothing was sent."""
        if self._connection is not None:
            return
        backend = get_connection(self.backend, fail_silently=False, timeout=self.settings.timeout)
        try:
            backend.open()
        except (OSError, smtplib.SMTPException) as error:
            raise NotConnected(_describe(error)) from error
        self._connection = backend

    def _disconnect(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(OSError, smtplib.SMTPException):  # it is gone either way
            self._connection.close()
        self._connection = None

    def _retry(self, envelope: Envelope, error: str, *, outcome_unknown: bool) -> None:
        failed = False
        for row in envelope.rows:
            attempts = row.attempts + 1  # the one email_begin_send counted
            status = outbox_mark_retry(
                message_id=row.pk,
                error=error,
                retry_at=self.clock() + timedelta(seconds=self.settings.backoff(attempts)),
                outcome_unknown=outcome_unknown,
                max_attempts=self.settings.max_attempts,
                now=self.clock(),
            )
            failed = failed or status == "failed"
        if failed:
            self.stats.failed += 1
        else:
            self.stats.retry += 1
        logger.warning("email outbox=%s: %s", envelope.ids, error)

    def _fail(self, envelope: Envelope, error: str) -> None:
        for row_id in envelope.ids:
            outbox_mark_failed(message_id=row_id, error=error, now=self.clock())
        self.stats.failed += 1
        logger.error("email outbox=%s failed: %s", envelope.ids, error)


@dataclass
class EmailThread:
    """The e-mail worker on a thread of its own, for ``manage.py deliver``."""

    worker: EmailWorker
    until_idle: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> EmailThread:
        self.thread = threading.Thread(
            target=self.worker.run,
            args=(self.stop,),
            kwargs={"until_idle": self.until_idle},
            name="email-worker",
            daemon=True,
        )
        self.thread.start()
        return self

    def finish(self) -> EmailStats:
        """Let an ``until_idle`` run drain, or stop a long-running one; wait for it."""
        if not self.until_idle:
            self.stop.set()
        if self.thread is not None:
            self.thread.join()
        return self.worker.stats
