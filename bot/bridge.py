"""The bot's one door into the synchronous services, and the one place a DomainError becomes words.

Handlers are ``async``; services and selectors are synchronous Django code. A handler hands a
plain function to ``run``: it is called in Django's sync thread with the youth behind the
Telegram account looked up and their language active, and whatever ``DomainError`` it raises
turns into a short friendly screen with the menu. No handler touches the ORM itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection
from django.utils import translation
from telegram import InlineKeyboardMarkup, Update

from bot import texts
from domain.exceptions import DomainError, Kind
from domain.models import Youth
from domain.selectors.youth import youth_get_for_telegram
from domain.services.reachability import youth_mark_reachable

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "da"


@dataclass(frozen=True)
class Who:
    """The Telegram side of whoever sent an update (private chats only: chat id == user id)."""

    user_id: int
    chat_id: int
    username: str = ""
    language_code: str | None = None

    @classmethod
    def of(cls, update: Update) -> Who | None:
        user, chat = update.effective_user, update.effective_chat
        # The bot talks to youth one to one; a group's chat id must never become a youth's.
        if user is None or chat is None or chat.type != chat.PRIVATE:
            return None
        return cls(
            user_id=user.id,
            chat_id=chat.id,
            username=user.username or "",
            language_code=user.language_code,
        )


@dataclass
class Screen:
    """What the bot answers: a text with buttons, optionally a document sent before it."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    document: tuple[str, bytes] | None = None
    caption: str = ""
    # A new message instead of editing the pressed one (e.g. after a document).
    new_message: bool = False
    extra: list[Screen] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What a screen function gets: who pressed, and their youth record (None if unknown)."""

    who: Who
    youth: Youth | None
    language: str

    def require_youth(self) -> Youth:
        if self.youth is None:
            raise NotLinked
        return self.youth


class NotLinked(Exception):
    """The Telegram account belongs to no current youth (never linked, left or erased)."""


def language_for(youth: Youth | None, who: Who) -> str:
    """The youth's own choice; before linking Danish, or English if Telegram says so."""
    if youth is not None:
        return youth.language or DEFAULT_LANGUAGE
    if (who.language_code or "").lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def _menu_keyboard() -> InlineKeyboardMarkup:
    from bot.keyboards import main_menu

    return main_menu()


def error_screen(error: DomainError, *, linked: bool) -> Screen:
    """The friendly answer for a refused action: the domain's message, then the menu."""
    if error.kind == Kind.NOT_FOUND:
        text = str(texts.NOT_FOUND)
    elif error.kind == Kind.BUSY:
        text = str(texts.BUSY)
    else:
        text = str(error.message)
    return Screen(text, _menu_keyboard() if linked else None)


def _fresh_connection() -> None:
    # Like a request's start and end: drop a connection that is broken or past CONN_MAX_AGE,
    # and have the next query health-check a kept one (CONN_HEALTH_CHECKS). The web process
    # (CONN_MAX_AGE = 0) closes its connection here after every call; the bot process keeps it
    # (``bot.runner.keep_database_connections``). Never inside a transaction (a caller's, or a
    # test's).
    if not connection.in_atomic_block:
        close_old_connections()


def screen_for(fn: Callable[..., Screen], who: Who, *args: object, **kwargs: object) -> Screen:
    """``fn``'s screen for ``who`` (synchronous; ``run`` is the async door to it)."""
    _fresh_connection()
    try:
        youth = youth_get_for_telegram(telegram_user_id=who.user_id)
        if youth is not None and youth.unreachable_at is not None:
            # They blocked the bot (Telegram answered 403) and now write to it again: unblocked.
            # Only then a write; the usual update costs no extra query.
            try:
                youth = youth_mark_reachable(youth=youth)
            except DomainError as error:
                # Busy (a lock wait timed out): answer anyway; the next update tries again.
                logger.warning("youth %s not marked reachable: %r", youth.pk, error)
        language = language_for(youth, who)
        with translation.override(language):
            try:
                return fn(Context(who=who, youth=youth, language=language), *args, **kwargs)
            except NotLinked:
                return Screen(str(texts.NOT_LINKED))
            except DomainError as error:
                logger.info("refused for chat %s: %r", who.chat_id, error)
                return error_screen(error, linked=youth is not None)
    finally:
        _fresh_connection()


async def run(fn: Callable[..., Screen], who: Who, *args: object, **kwargs: object) -> Screen:
    """Call ``fn(context, *args, **kwargs)`` in the sync world and return its screen."""
    return await sync_to_async(screen_for)(fn, who, *args, **kwargs)


async def call(fn: Callable[..., object], /, **kwargs: object) -> object:
    """A plain synchronous call (delivery, webhook inbox) from async code."""
    return await sync_to_async(_plain)(fn, kwargs)


def _plain(fn: Callable[..., object], kwargs: dict) -> object:
    _fresh_connection()
    try:
        return fn(**kwargs)
    finally:
        _fresh_connection()
