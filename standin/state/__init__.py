"""The stand-in's state and the Bot API methods the bot uses, as Telegram answers them.

``StandInState`` is one class mixed from one module per area of the API: ``users`` (the
simulated users and the bot itself), ``updates`` (what users do, getUpdates, callback queries),
``messages`` (what the bot sends and edits), ``webhooks`` (setWebhook and the senders), and
``faults`` (armed faults and the flood limits). One class, not one object per area, so a
subclass can wrap any step (the delivery benchmark wraps ``_admit`` and ``_add_bot_message``).

One lock guards everything; conditions on it wake exactly who waits: long-polling getUpdates and
the webhook senders on new updates, a chat's waiters (``wait_for``, the web chat) on that chat.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..wire import ApiError, Params
from .faults import FaultsMixin
from .messages import MessagesMixin
from .records import Chat, Fault, Pending, StoredFile, Webhook
from .updates import UPDATE_TYPES_BY_DEFAULT, UpdatesMixin
from .users import UsersMixin
from .webhooks import WebhooksMixin

METHOD_NAMES = {
    name.lower(): name
    for name in (
        "getMe",
        "logOut",
        "close",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendDocument",
        "getFile",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "sendChatAction",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
    )
}


class StandInState(UsersMixin, UpdatesMixin, MessagesMixin, WebhooksMixin, FaultsMixin):
    """Everything but the HTTP server: the chats, the update queue, the Bot API methods."""

    def __init__(
        self,
        *,
        global_rate: float | None = 30,
        per_chat_rate: float | None = None,
        bot_username: str = "nextwork_demo_bot",
        timeout_hold: float = 6.0,
        webhook_retry_delay: float = 0.5,
        webhook_retry_max: float = 10.0,
        webhook_timeout: float = 10.0,
        first_update_id: int | None = None,
    ) -> None:
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.bot_username = bot_username
        self.timeout_hold = timeout_hold
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_retry_max = webhook_retry_max
        self.webhook_timeout = webhook_timeout
        self._lock = threading.Lock()
        self._stopping = False
        self._counters: dict[str, int] = {}
        # Users: a private chat per user id, the bot's identity and its command lists.
        self._chats: dict[int, Chat] = {}
        self._bot: dict[str, Any] = self._bot_user(123456789)
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # Updates: the queue and who waits on it.
        self._updates_changed = threading.Condition(self._lock)
        # Ids keep growing across restarts, so a bot that remembers processed update_ids (the
        # webhook's de-duplication) never mistakes a new update for an old one.
        start = first_update_id or (int(time.time()) % 100_000_000) * 10
        self._update_ids = itertools.count(start)
        self._pending: list[Pending] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._allowed_updates: frozenset[str] = UPDATE_TYPES_BY_DEFAULT
        self._poll_generation = 0
        self._queries: dict[str, dict[str, Any]] = {}  # callback_query id -> {chat_id, answered}
        # Messages: the documents the bot sent, by file_id.
        self._files: dict[str, StoredFile] = {}
        # Webhooks.
        self._webhook: Webhook | None = None
        self._webhook_threads: list[threading.Thread] = []
        # Faults and the global flood limit.
        self._faults: dict[str, Fault] = {}
        self._sent_at: deque[float] = deque()

    @property
    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counters)

    def shutdown(self) -> None:
        with self._lock:
            self._stopping = True
            self._updates_changed.notify_all()
            for chat in self._chats.values():
                chat.changed.notify_all()

    def call(self, token: str, method: str, params: Params) -> tuple[Any, str | None]:
        """Run one Bot API call: (result, description) or raises ApiError."""
        name = method.lower()
        handler: Callable[[Params], Any] | None = getattr(self, f"_api_{name}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        with self._lock:
            canonical = METHOD_NAMES.get(name, method)
            self._counters[canonical] = self._counters.get(canonical, 0) + 1
            self._bot = self._bot_user(int(token.split(":", 1)[0]))
            fault = self._take_fault(name)
            error = self._fault_error(fault) if fault and fault.kind != "timeout" else None
        if error is not None:
            raise error
        if fault is not None:  # "timeout": answer, but only after the client stopped waiting
            time.sleep(self.timeout_hold if fault.hold is None else fault.hold)
        result = handler(params)
        if isinstance(result, tuple):
            return result
        return result, None


__all__ = ["METHOD_NAMES", "StandInState"]
