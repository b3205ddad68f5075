"""What a test sees of the stand-in's chats: its users, the bot's messages and their buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StandInUser:
    """A simulated Telegram user; their private chat with the bot has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        return data

    def chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class Button:
    """An inline keyboard button: callback_data or url (or neither, for other kinds)."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """A bot message as it was at one moment (new, or after an edit)."""

    message_id: int
    chat_id: int
    text: str | None
    buttons: list[list[Button]]
    document: tuple[str, bytes] | None
    caption: str | None
    edited: bool
    date: int


def buttons_of(reply_markup: dict[str, Any] | None) -> list[list[Button]]:
    rows = (reply_markup or {}).get("inline_keyboard") or []
    return [
        [
            Button(
                text=str(button.get("text", "")),
                callback_data=button.get("callback_data"),
                url=button.get("url"),
            )
            for button in row
        ]
        for row in rows
    ]
