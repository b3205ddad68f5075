"""Live pages across processes without Redis: a channel-layer relay through the database.

The in-memory channel layer of the embedded default lives inside one process, yet the bot, the
worker and management commands change things in processes of their own. So, when the relay is
on (``NEXTWORK_LIVE_RELAY``; by default whenever REDIS_URL is unset), every group message a
process sends is also written to ``LiveRelayMessage``, and each process that serves websockets
reads the rows of the other processes a few times a second and hands them to its own layer.

Why the database: it is the one thing every process of the product already shares (SQLite in
WAL mode or PostgreSQL), so the embedded default needs no other service; a reader costs one
indexed query per poll, and live pages are a view, never the source of truth (a missed row is
caught up by the next event or the page's reconnect). With Redis configured, channels-redis
crosses processes itself and the relay stays off.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from datetime import timedelta

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from portal.models import LiveRelayMessage

logger = logging.getLogger(__name__)

# This process, as the rows name it: a process skips its own rows (it has sent them already).
ORIGIN = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
# Half the settle time of live.js: an event from the bot reaches an open page well within 1 s.
POLL_SECONDS = 0.2
# Rows older than this are no use to anybody: a reader that was away reloads on reconnect.
KEEP = timedelta(seconds=60)
# Each process sweeps old rows at most this often.
SWEEP_EVERY = timedelta(seconds=30)

_last_sweep = None
_listeners: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def relay_enabled() -> bool:
    return bool(getattr(settings, "NEXTWORK_LIVE_RELAY", False))


# --- writing (any process) ---------------------------------------------------------------------


def relay_write(messages: list[tuple[str, dict]]) -> None:
    """Store group messages for the other processes (synchronous: fan-outs run after commit,
    in the thread that committed)."""
    global _last_sweep
    if not messages or not relay_enabled():
        return
    now = timezone.now()
    LiveRelayMessage.objects.bulk_create(
        [
            LiveRelayMessage(origin=ORIGIN, group=group, message=message, created_at=now)
            for group, message in messages
        ]
    )
    if _last_sweep is None or now - _last_sweep > SWEEP_EVERY:
        _last_sweep = now
        LiveRelayMessage.objects.filter(created_at__lt=now - KEEP).delete()


# --- reading (the web process) -----------------------------------------------------------------


def relay_position() -> int:
    """The newest row now: a reader starts after it (older news is for pages loaded before)."""
    last = LiveRelayMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def relay_read(*, after: int, limit: int = 500) -> list[tuple[int, str, str, dict]]:
    """Rows after ``after``, oldest first: (id, origin, group, message)."""
    rows = LiveRelayMessage.objects.filter(pk__gt=after).order_by("pk")[:limit]
    return list(rows.values_list("pk", "origin", "group", "message"))


async def _listen(layer) -> None:
    position = await database_sync_to_async(relay_position)()
    while True:
        try:
            rows = await database_sync_to_async(relay_read)(after=position)
        except Exception:  # the database away for a moment: live pages wait, nothing is lost
            logger.warning("live relay: reading failed; retrying", exc_info=True)
            rows = []
        for pk, origin, group, message in rows:
            position = pk
            if origin != ORIGIN:
                await layer.group_send(group, message)
        await asyncio.sleep(POLL_SECONDS)


def relay_listen() -> None:
    """Start reading the other processes' rows on this event loop, once (a websocket consumer
    calls it on connect: only processes that serve websockets read)."""
    if not relay_enabled():
        return
    loop = asyncio.get_running_loop()
    task = _listeners.get(loop)
    if task is not None and not task.done():
        return
    for old in [old for old in _listeners if old.is_closed()]:
        del _listeners[old]
    _listeners[loop] = loop.create_task(_listen(get_channel_layer()), name="live-relay")


async def relay_stop() -> None:
    """Stop this loop's reader (tests)."""
    task = _listeners.pop(asyncio.get_running_loop(), None)
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
