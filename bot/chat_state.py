"""What the bot expects next from a chat (e.g. "the next text is the message for slot 12"), kept
in ``ChatState`` rows so a restart of the bot process loses nothing.

Synchronous: screen functions call these inside the bridge (``bot.bridge.run``).
"""

from __future__ import annotations

from bot.models import ChatState


def state_get(chat_id: int) -> dict:
    row = ChatState.objects.filter(chat_id=chat_id).first()
    return dict(row.data) if row else {}


def state_set(chat_id: int, **data: object) -> None:
    ChatState.objects.update_or_create(chat_id=chat_id, defaults={"data": data})


def state_clear(chat_id: int) -> None:
    ChatState.objects.filter(chat_id=chat_id).exclude(data={}).update(data={})


def state_forget(chat_id: int) -> None:
    ChatState.objects.filter(chat_id=chat_id).delete()
