"""What the bot itself keeps about people, and for how long: the webhook's stored updates (the
raw Telegram updates: names, Telegram id, username, typed text) and each chat's UI state.

Both are erased with the youth (``youth_chat_erase``, registered with the domain's erasure) and
pruned by the worker's housekeeping (``bot_data_prune``), not only when a new update arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

from bot.models import ChatState, WebhookUpdate

# A stored update is only needed to ignore Telegram's redeliveries (which stop within hours)
# and to finish one a crash interrupted: a day is plenty.
UPDATE_RETENTION = timedelta(hours=24)
# A chat's "what comes next" (e.g. "the next text is the message for slot 12"): after a month
# nobody expects the bot to remember it, and it may hold half-typed words.
CHAT_STATE_RETENTION = timedelta(days=30)


def _ids_in(value: object) -> Iterator[int]:
    """Every ``id`` anywhere in an update: the sender's, the chat's, a forwarded user's, …"""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, int):
                yield item
            else:
                yield from _ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids_in(item)


def youth_chat_erase(youth: object) -> None:
    """Delete the chat state and every stored update that names the youth's Telegram account.

    The updates are read whole rather than by a few JSON paths: an update kind nobody thought of
    (an edited message, a chat member change) must not keep a name behind.
    """
    ids = {youth.telegram_user_id, youth.telegram_chat_id} - {None}
    if not ids:
        return
    ChatState.objects.filter(chat_id__in=ids).delete()
    rows = WebhookUpdate.objects.values_list("pk", "payload").iterator(chunk_size=500)
    doomed = [pk for pk, payload in rows if ids.intersection(_ids_in(payload))]
    WebhookUpdate.objects.filter(pk__in=doomed).delete()


def updates_prune(*, now: datetime | None = None) -> int:
    """Delete stored updates older than ``UPDATE_RETENTION``; returns how many."""
    now = now or timezone.now()
    deleted, _ = WebhookUpdate.objects.filter(received_at__lt=now - UPDATE_RETENTION).delete()
    return deleted


def chat_states_prune(*, now: datetime | None = None) -> int:
    """Delete chat states untouched for ``CHAT_STATE_RETENTION``; returns how many."""
    now = now or timezone.now()
    stale = ChatState.objects.filter(updated_at__lt=now - CHAT_STATE_RETENTION)
    deleted, _ = stale.delete()
    return deleted
