"""The stand-in's state and the Bot API methods the bot uses, as Telegram answers them.

One lock guards everything; conditions on it wake exactly who waits: long-polling getUpdates and
the webhook senders on new updates, a chat's waiters (``wait_for``, the web chat) on that chat.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import SentMessage, StandInUser, buttons_of
from .wire import ApiError, Params, bad_request, command_entities, parse_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
FAULT_KINDS = ("429", "500", "502", "403", "400", "timeout")
SENDING_METHODS = frozenset({"sendmessage", "senddocument"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
UPDATE_TYPES_BY_DEFAULT = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member"}
)
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")

BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
GETUPDATES_WITH_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
GETUPDATES_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
FAULT_ANSWERS = {
    "500": (500, "Internal Server Error"),
    "502": (502, "Bad Gateway"),
    "403": (403, BLOCKED),
    "400": (400, "Bad Request: injected fault"),
}


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


class StandInState:
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
        self._updates_changed = threading.Condition(self._lock)
        self._stopping = False
        self._chats: dict[int, Chat] = {}
        # Ids keep growing across restarts, so a bot that remembers processed update_ids (the
        # webhook's de-duplication) never mistakes a new update for an old one.
        start = first_update_id or (int(time.time()) % 100_000_000) * 10
        self._update_ids = itertools.count(start)
        self._pending: list[Pending] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._allowed_updates: frozenset[str] = UPDATE_TYPES_BY_DEFAULT
        self._poll_generation = 0
        self._queries: dict[str, dict[str, Any]] = {}  # callback_query id -> {chat_id, answered}
        self._files: dict[str, StoredFile] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: dict[str, Fault] = {}
        self._sent_at: deque[float] = deque()
        self._counters: dict[str, int] = {}
        self._webhook: Webhook | None = None
        self._webhook_threads: list[threading.Thread] = []
        self._bot: dict[str, Any] = self._bot_user(123456789)

    # --- The simulation API (for tests and the web chat) ------------------------------------

    def new_user(
        self,
        first_name: str = "Youth",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "da",
        *,
        id: int | None = None,
    ) -> StandInUser:
        with self._lock:
            if id is not None and id in self._chats:
                return self._chats[id].user
            user_id = id
            while user_id is None or user_id in self._chats:
                # Random, so identities kept in browsers never collide after a restart.
                user_id = 1_000_000_000 + secrets.randbelow(8_999_999_999)
            user = StandInUser(user_id, first_name, last_name, username, language_code)
            self._chats[user_id] = Chat(user, threading.Condition(self._lock))
            return user

    def user(self, user_id: int) -> StandInUser:
        with self._lock:
            return self._chat(user_id).user

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

    def wait_for(
        self, user: StandInUser, count: int = 1, timeout: float = 10.0
    ) -> list[SentMessage]:
        """The next ``count`` bot messages (new or edited) in the chat since the last wait_for."""
        deadline = time.monotonic() + timeout
        with self._lock:
            chat = self._chat(user.id)
            while len(chat.events) - chat.cursor < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    arrived = chat.events[chat.cursor :]
                    chat.cursor = len(chat.events)
                    error = TimeoutError(
                        f"waited {timeout} s for {count} message(s) in chat {user.id}, "
                        f"got {len(arrived)}: {[m.text or m.caption for m in arrived]!r}"
                    )
                    error.received = arrived  # type: ignore[attr-defined]
                    raise error
                chat.changed.wait(remaining)
            arrived = chat.events[chat.cursor : chat.cursor + count]
            chat.cursor += count
            return arrived

    def messages(self, user: StandInUser) -> list[SentMessage]:
        """The bot's messages in the chat as they are now (deleted ones are gone)."""
        with self._lock:
            chat = self._chat(user.id)
            return [m.snapshot() for m in chat.messages.values() if m.from_bot]

    def callback_answers(self, user: StandInUser) -> list[str]:
        with self._lock:
            return [answer["text"] for answer in self._chat(user.id).answers]

    @property
    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counters)

    def block(self, user: StandInUser) -> None:
        """From now on every send to this user answers 403 (the user blocked the bot)."""
        with self._lock:
            self._chat(user.id).blocked = True

    def unblock(self, user: StandInUser) -> None:
        with self._lock:
            self._chat(user.id).blocked = False

    def set_fault(
        self,
        method: str,
        kind: str,
        count: int = 1,
        *,
        description: str | None = None,
        hold: float | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` fail as ``kind`` ("429", "500", "502", "403",
        "400", or "timeout": held ``hold`` seconds (default ``timeout_hold``), then answered)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        with self._lock:
            self._faults[method.lower()] = Fault(kind, count, description, hold)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def redeliver(self, update_id: int) -> None:
        """Post an already delivered update to the webhook again (Telegram does, after errors)."""
        with self._lock:
            if self._webhook is None:
                raise RuntimeError("redeliver needs a webhook (setWebhook)")
            if update_id not in self._history:
                raise LookupError(f"no update {update_id}")
            self._pending.append(Pending(self._history[update_id]))
            self._updates_changed.notify_all()

    def pending_update_count(self) -> int:
        with self._lock:
            return len(self._pending)

    def chat_view(self, user_id: int, version: int | None, wait: float) -> dict[str, Any]:
        """The web chat's view of a chat; waits up to ``wait`` s for a change from ``version``."""
        deadline = time.monotonic() + wait
        with self._lock:
            chat = self._chat(user_id)
            while version == chat.version and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                chat.changed.wait(remaining)
            messages = [self._message_api(m) for m in chat.messages.values()]
            return {
                "version": chat.version,
                "user": chat.user.to_api(),
                "messages": messages,
                "answers": list(chat.answers),
            }

    def file(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self._files.get(file_id)

    def file_by_path(self, path: str) -> StoredFile | None:
        with self._lock:
            return next((f for f in self._files.values() if f.file_path == path), None)

    def shutdown(self) -> None:
        with self._lock:
            self._stopping = True
            self._updates_changed.notify_all()
            for chat in self._chats.values():
                chat.changed.notify_all()

    # --- The Bot API -------------------------------------------------------------------------

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

    def _take_fault(self, name: str) -> Fault | None:
        fault = self._faults.get(name)
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining <= 0:
            del self._faults[name]
        return fault

    def _fault_error(self, fault: Fault) -> ApiError:
        if fault.kind == "429":
            self._counters["429"] = self._counters.get("429", 0) + 1
            return ApiError(429, fault.description or "Too Many Requests: retry after 1", 1)
        code, description = FAULT_ANSWERS[fault.kind]
        return ApiError(code, fault.description or description)

    def _bot_user(self, bot_id: int) -> dict[str, Any]:
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": "NExTWORK",
            "username": self.bot_username,
        }

    def _api_getme(self, p: Params) -> dict[str, Any]:
        with self._lock:
            return {
                **self._bot,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }

    def _api_logout(self, p: Params) -> bool:
        return True

    def _api_close(self, p: Params) -> bool:
        return True

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

    def _api_setwebhook(self, p: Params) -> tuple[bool, str]:
        url = p.str("url", "") or ""
        if not url:
            return self._api_deletewebhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = p.json("allowed_updates", "can't parse allowed updates")
        max_connections = min(max(p.int("max_connections", 40) or 40, 1), 100)
        with self._lock:
            if p.bool("drop_pending_updates"):
                self._pending.clear()
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or UPDATE_TYPES_BY_DEFAULT
            self._webhook = Webhook(url, secret, max_connections, allowed)
            for item in self._pending:
                item.next_at, item.attempts, item.in_flight = 0.0, 0, False
            self._start_webhook_senders(min(max_connections, 4))
            self._updates_changed.notify_all()
        return True, "Webhook was set"

    def _api_deletewebhook(self, p: Params) -> tuple[bool, str]:
        with self._lock:
            had = self._webhook is not None
            self._webhook = None
            if p.bool("drop_pending_updates"):
                self._pending.clear()
            self._updates_changed.notify_all()
        return True, "Webhook was deleted" if had else "Webhook is already deleted"

    def _api_getwebhookinfo(self, p: Params) -> dict[str, Any]:
        with self._lock:
            hook = self._webhook
            info: dict[str, Any] = {
                "url": hook.url if hook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }
            if hook:
                info["max_connections"] = hook.max_connections
                info["ip_address"] = "127.0.0.1"
                if hook.allowed_updates is not None:
                    info["allowed_updates"] = hook.allowed_updates
                if hook.last_error_date:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
            return info

    def _api_sendmessage(self, p: Params) -> dict[str, Any]:
        raw = p.str("text", "") or ""
        text, entities = parse_text(
            raw, p.str("parse_mode"), p.json("entities", "can't parse entities JSON object")
        )
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = self._markup(p)
        with self._lock:
            chat = self._chat_of(p)
            self._admit(chat)
            message = ChatMessage(
                message_id=next(chat.message_ids),
                chat_id=chat.user.id,
                sender=self._bot,
                from_bot=True,
                date=int(time.time()),
                text=text,
                entities=entities,
                reply_markup=markup,
            )
            return self._add_bot_message(chat, message)

    def _api_senddocument(self, p: Params) -> dict[str, Any]:
        caption, caption_entities = None, []
        if p.str("caption"):
            caption, caption_entities = parse_text(
                p.str("caption") or "",
                p.str("parse_mode"),
                p.json("caption_entities", "can't parse entities JSON object"),
            )
            if len(caption) > MAX_CAPTION:
                raise bad_request("message caption is too long")
        markup = self._markup(p)
        upload = p.files.get("document")
        reference = p.str("document")
        if upload is None and reference and reference.startswith("attach://"):
            upload = p.files.get(reference.removeprefix("attach://"))
        with self._lock:
            chat = self._chat_of(p)
            if upload is not None:
                stored = StoredFile(
                    file_id="BQAC" + secrets.token_urlsafe(24),
                    file_unique_id="AgAD" + secrets.token_urlsafe(8),
                    filename=upload.filename or "document",
                    data=upload.data,
                    mime_type=upload.content_type or "application/octet-stream",
                )
            elif reference in self._files:
                stored = self._files[reference]
            elif reference:
                raise bad_request("wrong file identifier/HTTP URL specified")
            else:
                raise bad_request("there is no document in the request")
            self._admit(chat)
            self._files[stored.file_id] = stored
            message = ChatMessage(
                message_id=next(chat.message_ids),
                chat_id=chat.user.id,
                sender=self._bot,
                from_bot=True,
                date=int(time.time()),
                caption=caption,
                caption_entities=caption_entities,
                reply_markup=markup,
                document=stored,
            )
            return self._add_bot_message(chat, message)

    def _api_getfile(self, p: Params) -> dict[str, Any]:
        with self._lock:
            stored = self._files.get(p.str("file_id", "") or "")
            if stored is None:
                raise bad_request("invalid file_id")
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "file_path": stored.file_path,
            }

    def _api_editmessagetext(self, p: Params) -> dict[str, Any]:
        raw = p.str("text", "") or ""
        text, entities = parse_text(
            raw, p.str("parse_mode"), p.json("entities", "can't parse entities JSON object")
        )
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        markup = self._markup(p)
        with self._lock:
            chat, message = self._bot_message_of(p, "message to edit not found")
            if message.text is None:
                raise bad_request("there is no text in the message to edit")
            if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
                raise bad_request(NOT_MODIFIED)
            message.text, message.entities, message.reply_markup = text, entities, markup
            return self._edited(chat, message)

    def _api_editmessagereplymarkup(self, p: Params) -> dict[str, Any]:
        markup = self._markup(p)
        with self._lock:
            chat, message = self._bot_message_of(p, "message to edit not found")
            if markup == message.reply_markup:
                raise bad_request(NOT_MODIFIED)
            message.reply_markup = markup
            return self._edited(chat, message)

    def _api_deletemessage(self, p: Params) -> bool:
        with self._lock:
            chat = self._chat_of(p)
            message_id = p.int("message_id")
            if message_id is None:
                raise bad_request("message identifier is not specified")
            if chat.messages.pop(message_id, None) is None:
                raise bad_request("message to delete not found")
            chat.touch()
            return True

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

    def _api_sendchataction(self, p: Params) -> bool:
        with self._lock:
            self._chat_of(p)
        if (p.str("action") or "") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_setmycommands(self, p: Params) -> bool:
        commands = p.json("commands", "can't parse commands JSON object")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict) or not BOT_COMMAND.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command["command"], "description": description})
        with self._lock:
            self._commands[self._commands_key(p)] = cleaned
        return True

    def _api_getmycommands(self, p: Params) -> list[dict[str, str]]:
        with self._lock:
            return list(self._commands.get(self._commands_key(p), []))

    def _api_deletemycommands(self, p: Params) -> bool:
        with self._lock:
            self._commands.pop(self._commands_key(p), None)
        return True

    # --- Helpers (called with the lock held where they touch state) --------------------------

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.str("language_code", "") or ""

    def _chat(self, user_id: int) -> Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            raise LookupError(f"no stand-in user {user_id}; create one with new_user()")
        return chat

    def _chat_of(self, p: Params) -> Chat:
        """The chat a call addresses; the user's block answers 403 to every call for it."""
        raw = p.str("chat_id", "") or ""
        if not raw.strip():
            raise bad_request("chat_id is empty")
        chat = None
        if raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.user.username == raw[1:]), None)
        else:
            try:
                chat = self._chats.get(int(raw))
            except ValueError:
                chat = None
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _bot_message_of(self, p: Params, missing: str) -> tuple[Chat, ChatMessage]:
        if p.has("inline_message_id") and not p.has("chat_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat_of(p)
        message_id = p.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request(missing)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _markup(self, p: Params) -> dict[str, Any] | None:
        error = "can't parse reply keyboard markup JSON object"
        markup = p.json("reply_markup", error)
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request(error)
        if "inline_keyboard" not in markup:
            return markup  # reply keyboards and removals: kept, shown by no one
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                self._check_button(button)
        return markup if any(rows) else None

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not button["text"]:
            raise bad_request("BUTTON_TEXT_INVALID")
        data = button.get("callback_data")
        if data is not None:
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            return
        url = button.get("url")
        if url is not None:
            if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
            return
        actions = (
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
            "web_app",
        )
        if not any(key in button for key in actions):
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )

    def _admit(self, chat: Chat) -> None:
        """The flood limits: over ``global_rate`` sends a second (or the chat's limit) → 429."""
        now = time.monotonic()
        self._check_rate(self._sent_at, self.global_rate, now)
        self._check_rate(chat.sent_at, self.per_chat_rate, now)
        self._sent_at.append(now)
        chat.sent_at.append(now)

    def _check_rate(self, sent_at: deque[float], rate: float | None, now: float) -> None:
        if not rate:
            sent_at.clear()
            return
        # `rate` messages per second as a sliding window: capacity sends per window seconds.
        capacity = max(1, math.floor(rate))
        window = capacity / rate
        while sent_at and sent_at[0] <= now - window:
            sent_at.popleft()
        if len(sent_at) >= capacity:
            self._counters["429"] = self._counters.get("429", 0) + 1
            retry_after = max(1, math.ceil(sent_at[0] + window - now))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _add_bot_message(self, chat: Chat, message: ChatMessage) -> dict[str, Any]:
        chat.messages[message.message_id] = message
        chat.events.append(message.snapshot())
        chat.touch()
        return self._message_api(message)

    def _edited(self, chat: Chat, message: ChatMessage) -> dict[str, Any]:
        message.edit_date = int(time.time())
        chat.events.append(message.snapshot())
        chat.touch()
        return self._message_api(message)

    def _message_api(self, message: ChatMessage) -> dict[str, Any]:
        chat = self._chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": message.sender,
            "chat": chat.user.chat(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.document is not None:
            document = message.document
            data["document"] = {
                "file_id": document.file_id,
                "file_unique_id": document.file_unique_id,
                "file_name": document.filename,
                "mime_type": document.mime_type,
                "file_size": len(document.data),
            }
        if message.caption is not None:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = message.caption_entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = {"inline_keyboard": message.reply_markup["inline_keyboard"]}
        return data

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

    # --- Webhook delivery --------------------------------------------------------------------

    def _start_webhook_senders(self, wanted: int) -> None:
        self._webhook_threads = [t for t in self._webhook_threads if t.is_alive()]
        while len(self._webhook_threads) < wanted:
            thread = threading.Thread(
                target=self._webhook_sender, name="standin-webhook", daemon=True
            )
            thread.start()
            self._webhook_threads.append(thread)

    def _next_delivery(self) -> tuple[Pending, Webhook] | None:
        """The oldest update ready to post; one at a time per chat, in order."""
        while not self._stopping:
            hook = self._webhook
            now = time.monotonic()
            if hook is not None:
                busy: set[Any] = set()
                soonest = 1.0
                for item in self._pending:
                    key = item.chat_id if item.chat_id is not None else ("update", item.update_id)
                    if key in busy:
                        continue
                    if item.in_flight or item.next_at > now:
                        busy.add(key)
                        if not item.in_flight:
                            soonest = min(soonest, item.next_at - now)
                        continue
                    item.in_flight = True
                    return item, hook
                self._updates_changed.wait(max(soonest, 0.01))
            else:
                self._updates_changed.wait(1.0)
        return None

    def _webhook_sender(self) -> None:
        while True:
            with self._lock:
                job = self._next_delivery()
            if job is None:
                return
            item, hook = job
            error = self._post(hook, item.update)
            with self._lock:
                item.in_flight = False
                if error is None:
                    if item in self._pending:
                        self._pending.remove(item)
                else:
                    item.attempts += 1
                    delay = self.webhook_retry_delay * 2 ** (item.attempts - 1)
                    item.next_at = time.monotonic() + min(delay, self.webhook_retry_max)
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error
                self._updates_changed.notify_all()

    def _post(self, hook: Webhook, update: dict[str, Any]) -> str | None:
        """POST one update; None when the bot answered 2xx, else Telegram's kind of error text."""
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        request = urllib.request.Request(  # noqa: S310 - setWebhook accepts only http(s) URLs
            hook.url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.webhook_timeout) as response:  # noqa: S310
                response.read()
                return None
        except urllib.error.HTTPError as exc:
            exc.close()
            return f"Wrong response from the webhook: {exc.code} {exc.reason}"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"Connection failed: {reason}"


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
