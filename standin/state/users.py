"""Who is in the chats: the simulated users (one private chat each, blockable) and the bot itself
(getMe, logOut, close, its command lists)."""

from __future__ import annotations

import json
import re
import secrets
import threading
from typing import Any

from ..models import StandInUser
from ..wire import ApiError, Params, bad_request
from .records import Chat

BLOCKED = "Forbidden: bot was blocked by the user"
BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class UsersMixin:
    """Part of ``StandInState``: its ``_chats`` by user id, ``_bot`` and ``_commands``."""

    # --- The simulation API ------------------------------------------------------------------

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

    def block(self, user: StandInUser) -> None:
        """From now on every send to this user answers 403 (the user blocked the bot)."""
        with self._lock:
            self._chat(user.id).blocked = True

    def unblock(self, user: StandInUser) -> None:
        with self._lock:
            self._chat(user.id).blocked = False

    # --- The Bot API -------------------------------------------------------------------------

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

    # --- Helpers (called with the lock held) -------------------------------------------------

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
