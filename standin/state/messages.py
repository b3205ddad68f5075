"""Messages: what the bot sends, edits and deletes (text, documents, inline keyboards, chat
actions), as Telegram checks and stores them, and the ways to watch them (``wait_for``,
``messages``, the web chat's view, the stored files)."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from ..models import SentMessage, StandInUser
from ..wire import Params, bad_request, parse_text
from .records import Chat, ChatMessage, StoredFile

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
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
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class MessagesMixin:
    """Part of ``StandInState``: the messages of its ``_chats`` and its ``_files`` by file_id.

    ``_add_bot_message`` is where every new bot message lands once past the flood limits: the
    delivery benchmark's recording stand-in overrides it to note arrivals."""

    # --- The simulation API ------------------------------------------------------------------

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

    # --- The Bot API -------------------------------------------------------------------------

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

    def _api_sendchataction(self, p: Params) -> bool:
        with self._lock:
            self._chat_of(p)
        if (p.str("action") or "") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # --- Helpers (called with the lock held where they touch state) --------------------------

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
