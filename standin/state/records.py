"""What the stand-in keeps: chats and their messages, stored files, queued updates, the webhook,
armed faults. Plain records; the behaviour lives in the area modules beside this one."""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..models import SentMessage, StandInUser, buttons_of


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    filename: str
    data: bytes
    mime_type: str

    @property
    def file_path(self) -> str:
        # Like Telegram's "documents/file_3.pdf": no user-chosen name in the URL.
        suffix = re.sub(r"[^A-Za-z0-9]", "", self.filename.rpartition(".")[2])[:8]
        return f"documents/{self.file_unique_id}.{suffix or 'bin'}"


@dataclass
class ChatMessage:
    """A message in a chat as Telegram keeps it (the bot's or the user's)."""

    message_id: int
    chat_id: int
    sender: dict[str, Any]
    from_bot: bool
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    edit_date: int | None = None

    def snapshot(self) -> SentMessage:
        return SentMessage(
            message_id=self.message_id,
            chat_id=self.chat_id,
            text=self.text,
            buttons=buttons_of(self.reply_markup),
            document=(self.document.filename, self.document.data) if self.document else None,
            caption=self.caption,
            edited=self.edit_date is not None,
            date=self.date,
        )


@dataclass
class Chat:
    user: StandInUser
    changed: threading.Condition
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    events: list[SentMessage] = field(default_factory=list)  # bot messages, new or edited
    cursor: int = 0  # how many events wait_for has handed out
    answers: list[dict[str, Any]] = field(default_factory=list)
    blocked: bool = False
    version: int = 0  # bumped on every change, for the web chat's polling
    sent_at: deque = field(default_factory=deque)  # for the per-chat rate limit

    def touch(self) -> None:
        self.version += 1
        self.changed.notify_all()


@dataclass
class Pending:
    """An update not yet confirmed (getUpdates) or not yet accepted (webhook)."""

    update: dict[str, Any]
    next_at: float = 0.0
    attempts: int = 0
    in_flight: bool = False

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    @property
    def kind(self) -> str:
        return next((key for key in self.update if key != "update_id"), "")

    @property
    def chat_id(self) -> int | None:
        body = self.update.get(self.kind)
        if not isinstance(body, dict):
            return None
        chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from")
        return chat.get("id") if isinstance(chat, dict) else None


@dataclass
class Fault:
    kind: str
    remaining: int
    description: str | None
    hold: float | None


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None
