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
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from telegram import Update
from telegram.ext import Application

from bot import bridge
from bot.app import build_application
from bot.models import WebhookUpdate
from bot.privacy import UPDATE_RETENTION, updates_prune

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
KEEP = UPDATE_RETENTION
LEASE = timedelta(seconds=60)
MAX_BODY = 1_000_000

# --- the inbox (sync) -----------------------------------------------------------------------------


def inbox_store(*, update_id: int, payload: dict, now: datetime | None = None) -> bool:
    """Store an update; False when it is already there (a redelivery)."""
    now = now or timezone.now()
    updates_prune(now=now)  # the worker's housekeeping prunes too, hourly
    try:
        with transaction.atomic():
            WebhookUpdate.objects.create(update_id=update_id, payload=payload, received_at=now)
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
    if not rows.update(claimed_at=now):
        return None
    row = WebhookUpdate.objects.get(update_id=update_id)
    WebhookUpdate.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    return row.payload


def inbox_done(*, update_id: int, now: datetime | None = None) -> None:
    WebhookUpdate.objects.filter(update_id=update_id).update(processed_at=now or timezone.now())


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

    async def application(self) -> Application:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (a test, a reloaded server): the old client belongs to the old one.
            self._application, self._loop, self._lock = None, loop, asyncio.Lock()
        assert self._lock is not None
        async with self._lock:
            if self._application is None:
                application = build_application(updater=False)
                await application.initialize()
                self._application = application
                for update_id in await bridge.call(inbox_unprocessed):
                    self.spawn(update_id)
        return self._application

    def spawn(self, update_id: int) -> None:
        # A fresh context: the request's one holds Django's per-request executor for sync
        # calls, which is gone once the answer has been sent.
        task = asyncio.get_running_loop().create_task(
            self.process(update_id), context=contextvars.Context()
        )
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The row stays unprocessed; its lease lapses and the next start picks it up.
            logger.error("webhook update failed", exc_info=task.exception())

    async def process(self, update_id: int) -> None:
        application = await self.application()
        payload = await bridge.call(inbox_claim, update_id=update_id)
        if payload is None:
            return
        update = Update.de_json(payload, application.bot)
        # Through the application's update processor, as in polling: one chat's updates in
        # order, different chats at once. Handler errors go to the error handler.
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        await bridge.call(inbox_done, update_id=update_id)

    async def drain(self) -> None:
        """Wait until every spawned update is processed (tests, shutdown)."""
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


def _secret_ok(request: HttpRequest) -> bool:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get(SECRET_HEADER, "")
    # Without a configured secret anyone could post updates in a youth's name: refuse all.
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


@csrf_exempt
async def webhook(request: HttpRequest) -> HttpResponse:
    """Telegram posts one update; answer quickly, process after."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if not _secret_ok(request):
        return HttpResponse(status=403)
    if len(request.body) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body)
        update_id = int(payload["update_id"])
    except (ValueError, TypeError, KeyError):
        return HttpResponse(status=400)
    if await bridge.call(inbox_store, update_id=update_id, payload=payload):
        webhook_bot.spawn(update_id)
    return JsonResponse({"ok": True})
