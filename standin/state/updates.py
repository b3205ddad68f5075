"""Updates: what the simulated users do (write, press a button, anything forged), queued for the
bot, and getUpdates' long poll over that queue; callback queries and their answers."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from ..models import StandInUser
from ..wire import ApiError, Params, bad_request, command_entities
from .records import ChatMessage, Pending

UPDATE_TYPES_BY_DEFAULT = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member"}
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
GETUPDATES_WITH_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
GETUPDATES_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


class UpdatesMixin:
    """Part of ``StandInState``: its ``_pending`` queue (under ``_updates_changed``),
    ``_history``, ``_update_ids``, ``_allowed_updates``, ``_poll_generation`` and ``_queries``."""

    # --- The simulation API ------------------------------------------------------------------

    def send_text(self, user: StandInUser, text: str) -> int:
        """The user writes ``text`` to the bot; returns the update's id."""
        with self._lock:
            chat = self._chat(user.id)
            message = ChatMessage(
                message_id=next(chat.message_ids),
                chat_id=chat.user.id,
                sender=chat.user.to_api(),
                from_bot=False,
                date=int(time.time()),
                text=text,
                entities=command_entities(text),
            )
            chat.messages[message.message_id] = message
            chat.touch()
            return self._queue({"message": self._message_api(message)})

    def press(self, user: StandInUser, callback_data: str, message_id: int | None = None) -> int:
        """The user presses the button carrying ``callback_data``; returns the update's id."""
        return self._press(
            user,
            lambda button: button.get("callback_data") == callback_data,
            f"callback_data {callback_data!r}",
            message_id,
        )

    def press_text(self, user: StandInUser, button_text: str, message_id: int | None = None) -> int:
        """The user presses the button labelled ``button_text``; returns the update's id."""
        return self._press(
            user,
            lambda button: button.get("text") == button_text,
            f"text {button_text!r}",
            message_id,
        )

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue any raw update (forged or unusual data); assigns an update_id when missing."""
        update = dict(update)
        with self._lock:
            query = update.get("callback_query")
            if isinstance(query, dict) and query.get("id"):
                chat = (query.get("message") or {}).get("chat") or query.get("from") or {}
                self._queries[str(query["id"])] = {"chat_id": chat.get("id"), "answered": False}
            update_id = update.pop("update_id", None)
            return self._queue(update, update_id)

    def callback_answers(self, user: StandInUser) -> list[str]:
        with self._lock:
            return [answer["text"] for answer in self._chat(user.id).answers]

    def pending_update_count(self) -> int:
        with self._lock:
            return len(self._pending)

    # --- The Bot API -------------------------------------------------------------------------

    def _api_getupdates(self, p: Params) -> list[dict[str, Any]]:
        offset = p.int("offset")
        limit = min(max(p.int("limit", 100) or 100, 1), 100)
        timeout = max(p.int("timeout", 0) or 0, 0)
        allowed = p.json("allowed_updates", "can't parse allowed updates")
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._webhook is not None:
                raise ApiError(409, GETUPDATES_WITH_WEBHOOK)
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or UPDATE_TYPES_BY_DEFAULT
            self._poll_generation += 1
            generation = self._poll_generation
            self._updates_changed.notify_all()  # an older long poll ends with 409
            self._confirm(offset)
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, GETUPDATES_TERMINATED)
                ready = self._ready(limit)
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self._stopping or self._webhook is not None:
                    return ready
                self._updates_changed.wait(remaining)

    def _api_answercallbackquery(self, p: Params) -> bool:
        query_id = p.str("callback_query_id", "") or ""
        text = p.str("text", "") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        with self._lock:
            query = self._queries.get(query_id)
            if query is None or query["answered"]:
                raise bad_request(QUERY_TOO_OLD)
            query["answered"] = True
            chat = self._chats.get(query["chat_id"])
            if chat is not None:
                chat.answers.append({"text": text, "show_alert": p.bool("show_alert")})
                chat.touch()
            return True

    # --- Helpers (called with the lock held where they touch state) --------------------------

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [item for item in self._pending if item.update_id >= offset]

    def _ready(self, limit: int) -> list[dict[str, Any]]:
        # Updates of types the bot did not ask for are dropped, as Telegram does not create them.
        self._pending = [item for item in self._pending if item.kind in self._allowed_updates]
        return [item.update for item in self._pending[:limit]]

    def _press(
        self,
        user: StandInUser,
        matches: Callable[[dict[str, Any]], bool],
        what: str,
        message_id: int | None,
    ) -> int:
        with self._lock:
            chat = self._chat(user.id)
            candidates = [
                m
                for m in reversed(chat.messages.values())
                if m.from_bot and (message_id is None or m.message_id == message_id)
            ]
            for message in candidates:
                rows = (message.reply_markup or {}).get("inline_keyboard") or []
                button = next((b for row in rows for b in row if matches(b)), None)
                if button is None:
                    continue
                if button.get("callback_data") is None:
                    raise LookupError(f"the button with {what} has no callback_data")
                query_id = str(secrets.randbits(63))
                self._queries[query_id] = {"chat_id": chat.user.id, "answered": False}
                return self._queue(
                    {
                        "callback_query": {
                            "id": query_id,
                            "from": chat.user.to_api(),
                            "message": self._message_api(message),
                            "chat_instance": str(chat.user.id * 7 + 1),
                            "data": button["callback_data"],
                        }
                    }
                )
            where = f"message {message_id}" if message_id is not None else "any bot message"
            raise LookupError(f"no button with {what} in {where} of chat {user.id}")

    def _queue(self, update: dict[str, Any], update_id: int | None = None) -> int:
        if update_id is None:
            update_id = next(self._update_ids)
        else:
            following = next(self._update_ids)
            self._update_ids = itertools.count(max(following, update_id + 1))
        full = {"update_id": update_id, **update}
        self._history[update_id] = full
        self._pending.append(Pending(full))
        self._updates_changed.notify_all()
        return update_id
