"""The Telegram webhook, in the portal's ASGI application: store first, answer 200, then process.

Telegram redelivers an update it got no quick answer for, and PTB's own webhook server keeps
updates only in memory. So the update is written to ``WebhookUpdate`` (unique ``update_id``)
before the answer; a redelivery finds it there and is ignored, and an update stored but never
processed (a crash) is picked up when the next process starts handling webhooks.
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from telegram import Update
from telegram.ext import Application

from bot import bridge
from bot.app import build_application
from bot.handlers.common import ANSWERED_IN_REPLY
from bot.models import WebhookUpdate
from bot.privacy import UPDATE_RETENTION, updates_prune
from bot.runner import quiet_http_logs, remember_missing_sniffio
from domain.connections import is_database_busy

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
SECRET_HEADER_ASGI = SECRET_HEADER.lower().encode()  # ASGI names headers in lower case
KEEP = UPDATE_RETENTION
LEASE = timedelta(seconds=60)
MAX_BODY = 1_000_000
OK = b'{"ok": true}'
# Old updates are pruned on arrival at most this often per process (a DELETE per update was a
# query per update for nothing); the worker's housekeeping prunes too, hourly.
PRUNE_EVERY = timedelta(minutes=1)
# Processed updates are marked in one UPDATE per this many seconds per process, not one each (a
# query and a thread hop per update). A crash in between leaves those few claimed but unmarked:
# processed again once their lease lapses and a process starts, as one cut short mid-way is.
DONE_EVERY = 0.1

# --- the inbox (sync) -----------------------------------------------------------------------------

_pruned_at: datetime | None = None


def _prune_now_and_then(now: datetime) -> None:
    global _pruned_at
    if _pruned_at is None or not _pruned_at <= now < _pruned_at + PRUNE_EVERY:
        updates_prune(now=now)
        _pruned_at = now


def inbox_store(
    *, update_id: int, payload: dict, now: datetime | None = None, claim: bool = False
) -> bool:
    """Store an update, taken for processing at once with ``claim``; False when it is already
    there (a redelivery)."""
    now = now or timezone.now()
    _prune_now_and_then(now)
    row = WebhookUpdate(update_id=update_id, payload=payload, received_at=now)
    if claim:
        row.claimed_at, row.attempts = now, 1
    try:
        if connection.in_atomic_block:
            # A savepoint keeps the caller's transaction usable after the duplicate.
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            # One INSERT commits or fails on its own: no BEGIN and COMMIT around it.
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _claimable(now: datetime) -> Q:
    return Q(processed_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    )


def inbox_claim(*, update_id: int, now: datetime | None = None) -> dict | None:
    """Take the update for processing (its payload), or None if done or being done."""
    now = now or timezone.now()
    rows = WebhookUpdate.objects.filter(_claimable(now), update_id=update_id)
    if not rows.update(claimed_at=now, attempts=F("attempts") + 1):
        return None
    return WebhookUpdate.objects.values_list("payload", flat=True).get(update_id=update_id)


def inbox_done(*, update_ids: Collection[int], now: datetime | None = None) -> None:
    """Mark updates processed (several at once: the web process gathers them, see DONE_EVERY)."""
    rows = WebhookUpdate.objects.filter(update_id__in=list(update_ids))
    rows.update(processed_at=now or timezone.now())


def inbox_unprocessed(*, now: datetime | None = None) -> list[int]:
    """Stored updates nobody finished (after a crash), oldest first."""
    now = now or timezone.now()
    rows = WebhookUpdate.objects.filter(_claimable(now)).order_by("update_id")
    return list(rows.values_list("update_id", flat=True))


# --- processing (async) ---------------------------------------------------------------------------


class WebhookBot:
    """The PTB application for webhook updates, built lazily on the running event loop."""

    def __init__(self) -> None:
        self._application: Application | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task] = set()
        self._done: list[int] = []
        self._recorder: asyncio.Task | None = None

    async def application(self) -> Application:
        loop = asyncio.get_running_loop()
        if self._application is not None and self._loop is loop:
            return self._application
        if self._loop is not loop:
            # A new event loop (a test, a reloaded server): the old client belongs to the old one.
            self._application, self._loop, self._lock = None, loop, asyncio.Lock()
            self._done, self._recorder = [], None
        assert self._lock is not None
        async with self._lock:
            if self._application is None:
                # As runbot does: the Bot API calls neither search sys.path for sniffio nor
                # log at INFO, each of them.
                remember_missing_sniffio()
                quiet_http_logs()
                application = build_application(updater=False)
                await application.initialize()
                for update_id in await bridge.call(inbox_unprocessed):
                    self.spawn(update_id)
                # Only now: an update arriving meanwhile waits for the lock, behind the one
                # that started the build, so one chat's updates keep their order.
                self._application = application
        return self._application

    def spawn(self, update_id: int, payload: dict | None = None) -> None:
        """Process the update in the background: ``payload`` when the caller stored and claimed
        it, else it is claimed (and read) from the inbox first."""
        # A fresh context: the request's one holds Django's per-request executor for sync
        # calls, which is gone once the answer has been sent.
        self._track(
            asyncio.get_running_loop().create_task(
                self.process(update_id, payload), context=contextvars.Context()
            )
        )

    def _track(self, task: asyncio.Task) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The row stays unprocessed; its lease lapses and the next start picks it up.
            logger.error("webhook update failed", exc_info=task.exception())

    async def process(self, update_id: int, payload: dict | None = None) -> None:
        application = await self.application()
        if payload is None:
            # Taken from the inbox (after a crash): whether the reply to Telegram's post got
            # through is unknown, so the handler answers the button itself.
            payload = await bridge.call(inbox_claim, update_id=update_id)
            if payload is None:
                return
        else:
            ANSWERED_IN_REPLY.set(_callback_query_id(payload))
        update = Update.de_json(payload, application.bot)
        # Through the application's update processor, as in polling: one chat's updates in
        # order, different chats at once. Handler errors go to the error handler.
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        self._done.append(update_id)
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.get_running_loop().create_task(
                self._record_done(), context=contextvars.Context()
            )
            self._track(self._recorder)

    async def _record_done(self) -> None:
        """Mark what finished in the last DONE_EVERY seconds, in one UPDATE, until none is."""
        while self._done:
            await asyncio.sleep(DONE_EVERY)
            done, self._done = self._done, []
            await bridge.call(inbox_done, update_ids=done)

    async def drain(self) -> None:
        """Wait until every spawned update is processed and marked so (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def shutdown_from_thread(self, timeout: float = 10.0) -> None:
        """``shutdown`` on the loop the application lives on, from another thread."""
        if self._loop is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self.shutdown(), self._loop).result(timeout)

    async def shutdown(self) -> None:
        await self.drain()
        if self._application is not None:
            await self._application.shutdown()
            self._application = None


webhook_bot = WebhookBot()


def _secret_ok(given: str) -> bool:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    # Without a configured secret anyone could post updates in a youth's name: refuse all.
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


async def take_update(*, method: str, secret: str, body: bytes) -> tuple[int, bytes]:
    """One POST from Telegram: store, answer, process after. Returns (status, JSON body)."""
    if method != "POST":
        return 405, b""
    if not _secret_ok(secret):
        return 403, b""
    if len(body) > MAX_BODY:
        return 413, b""
    try:
        payload = json.loads(body)
        update_id = int(payload["update_id"])
    except (ValueError, TypeError, KeyError):
        return 400, b""
    # Stored and claimed in one INSERT: the update is processed from the payload in hand, not
    # read back. A crash leaves the row unprocessed; its lease lapses and a starting process
    # takes it (``inbox_unprocessed``).
    if await bridge.call(inbox_store, update_id=update_id, payload=payload, claim=True):
        webhook_bot.spawn(update_id, payload)
    query_id = _callback_query_id(payload)
    if query_id is None:
        return 200, OK
    # A pressed button is answered in the reply, as Telegram allows: one Bot API call less per
    # button (a tenth of the web process's CPU per update), and the spinner stops before the
    # update is processed. Telegram reports nothing back; the handlers only ever answer
    # without text, so nothing is lost. A redelivery answers again, which Telegram ignores.
    answer = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    return 200, json.dumps(answer).encode()


def _callback_query_id(payload: dict) -> str | None:
    query = payload.get("callback_query")
    query_id = query.get("id") if isinstance(query, dict) else None
    return query_id if isinstance(query_id, str) and query_id else None


@csrf_exempt
async def webhook(request: HttpRequest) -> HttpResponse:
    """Telegram posts one update (through Django: the development server, the test client)."""
    status, body = await take_update(
        method=request.method or "",
        secret=request.headers.get(SECRET_HEADER, ""),
        body=request.body,
    )
    response = HttpResponse(body, status=status, content_type="application/json")
    if status == 405:
        response["Allow"] = "POST"
    return response


async def _read_body(receive: Callable[[], Awaitable[dict]]) -> bytes | None:
    """The request's body, or None once it is longer than MAX_BODY."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def webhook_endpoint(scope: dict, receive: Callable, send: Callable) -> None:
    """The same webhook as a bare ASGI endpoint, which ``config.asgi`` puts in front of Django.

    Django's middleware stack (sessions, CSRF, authentication, two factors, …) does nothing for
    a POST that carries its own secret, yet its sync middleware moved every update through a
    thread of its own and back: a tenth of the web process's CPU per update in the profile.
    """
    secret = ""
    for name, value in scope["headers"]:
        if name == SECRET_HEADER_ASGI:
            secret = value.decode("latin-1")
    body = await _read_body(receive)
    headers = [(b"content-type", b"application/json")]
    try:
        if body is None:
            status, content = 413, b""
        else:
            status, content = await take_update(method=scope["method"], secret=secret, body=body)
    except Exception as error:
        if not is_database_busy(error):
            raise
        # As the rest of the site does (config.capacity): busy is a 503; Telegram retries.
        status, content = 503, b""
        headers.append((b"retry-after", str(settings.WEB_RETRY_AFTER_SECONDS).encode()))
    if status == 405:
        headers.append((b"allow", b"POST"))
    headers.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
