"""The composition root: the PTB application with its defaults, error handler and every handler,
in order. Polling (``manage.py runbot``) and the webhook both build the bot here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any

from django.conf import settings
from django.utils import translation
from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot import callbacks as cb
from bot import texts
from bot.handlers import (
    browse,
    checkins,
    events,
    followups,
    interests,
    meetings,
    menu,
    privacy,
    slots,
    start,
    talk,
    text,
)
from bot.handlers import settings as settings_handlers
from bot.handlers.common import answer_button

logger = logging.getLogger(__name__)

# How many updates are handled at once (different chats only; see PerChatUpdateProcessor).
MAX_CONCURRENT_UPDATES = 32
# HTTP connections to the Bot API. httpcore checks every pooled connection on every request,
# so PTB's default of 256 (which grows to the peak concurrency) cost a third of the bot's CPU in
# the benchmark; a request waits up to POOL_TIMEOUT seconds for a free one.
CONNECTION_POOL_SIZE = 8
POOL_TIMEOUT = 10.0

# Every button action and the handler that answers it; the patterns come from the same
# constants as the data, so a button and its handler cannot drift apart.
BUTTONS = {
    (cb.MENU, "show"): menu.menu,
    (cb.CONSENT, "yes"): start.consent_accept,
    (cb.CONSENT, "no"): start.consent_decline,
    (cb.BROWSE, "list"): browse.browse_list,
    (cb.BROWSE, "pick"): browse.browse_pick,
    (cb.SLOT, "open"): slots.slot_open,
    (cb.SLOT, "want"): slots.slot_want,
    (cb.SLOT, "send"): slots.slot_send,
    (cb.INTEREST, "list"): interests.mine_list,
    (cb.INTEREST, "open"): interests.interest_open,
    (cb.INTEREST, "withdraw"): interests.interest_withdraw_ask,
    (cb.INTEREST, "withdrawyes"): interests.interest_withdraw_confirm,
    (cb.INTEREST, "wait"): interests.interest_keep_waiting,
    (cb.PLACEMENT, "open"): interests.placement_open,
    (cb.EVENT, "list"): events.events_list,
    (cb.EVENT, "open"): events.event_open,
    (cb.EVENT, "signup"): events.event_signup,
    (cb.EVENT, "cancel"): events.event_cancel_ask,
    (cb.EVENT, "cancelyes"): events.event_cancel_confirm,
    (cb.MEETING, "list"): meetings.meetings_list,
    (cb.MEETING, "excuse"): meetings.meeting_excuse,
    (cb.MEETING, "intro"): meetings.meeting_intro_cant_come,
    (cb.SETTINGS, "show"): settings_handlers.settings_show,
    (cb.SETTINGS, "lang"): settings_handlers.settings_language,
    (cb.SETTINGS, "sectors"): settings_handlers.settings_sectors,
    (cb.SETTINGS, "sector"): settings_handlers.settings_sector,
    (cb.SETTINGS, "first"): settings_handlers.settings_first_sector,
    (cb.SETTINGS, "hours"): settings_handlers.settings_hours,
    (cb.SETTINGS, "hour"): settings_handlers.settings_hour,
    (cb.SETTINGS, "reminders"): settings_handlers.settings_reminders,
    (cb.SETTINGS, "alerts"): settings_handlers.settings_alerts,
    (cb.SETTINGS, "share"): settings_handlers.settings_share,
    (cb.HELP, "show"): menu.help_screen,
    (cb.PRIVACY, "show"): privacy.privacy_show,
    (cb.PRIVACY, "export"): privacy.privacy_export,
    (cb.PRIVACY, "erase"): privacy.privacy_erase_ask,
    (cb.PRIVACY, "eraseyes"): privacy.privacy_erase_confirm,
    (cb.CHECKIN, "score"): checkins.checkin_score,
    (cb.CHECKIN, "skip"): checkins.checkin_skip,
    (cb.CHECKIN, "share"): checkins.checkin_share,
    (cb.FOLLOWUP, "yes"): followups.followup_yes,
    (cb.FOLLOWUP, "no"): followups.followup_no,
    (cb.FOLLOWUP, "answer"): followups.followup_reply,
    (cb.TALK, "send"): talk.talk_send,
    (cb.TALK, "drop"): talk.talk_drop,
}


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; one chat's updates run in arrival order.

    PTB's ``concurrent_updates(True)`` would let a youth's quick second tap overtake the first;
    the bot keeps its UI state in the database, so per-chat order is all it needs.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id]
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the youth something went wrong (never silence)."""
    logger.error("update %r failed", getattr(update, "update_id", None), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    if update.callback_query is not None:
        # Usually answered already (handlers answer first); Telegram then refuses a second one.
        with contextlib.suppress(TelegramError):
            await answer_button(update.callback_query)
    try:
        await context.bot.send_message(chat_id, str(texts.SOMETHING_WENT_WRONG))
    except TelegramError:
        logger.warning("could not tell chat %s about the failure", chat_id)


def add_handlers(application: Application) -> None:
    """Every handler, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", start.start, filters=private))
    application.add_handler(CommandHandler("menu", menu.menu_command, filters=private))
    application.add_handler(CommandHandler("help", menu.help_command, filters=private))
    for (feature, action), handler in BUTTONS.items():
        application.add_handler(
            CallbackQueryHandler(handler, pattern=cb.action_pattern(feature, action))
        )
    # Last: data no handler took (old versions, forged, garbage), then any other message.
    application.add_handler(CallbackQueryHandler(menu.stale_button))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, text.text_message)
    )
    application.add_handler(
        MessageHandler(private & ~filters.UpdateType.EDITED, menu.unexpected_message)
    )
    application.add_error_handler(on_error)


async def set_commands(bot: Bot) -> None:
    """The commands Telegram lists under "/" (in Danish, and in English for English clients).

    Buttons lead everywhere; the list only helps someone who types "/" out of habit.
    """
    for language in ("da", "en"):
        with translation.override(language):
            commands = [
                BotCommand("start", str(texts.COMMAND_START)),
                BotCommand("menu", str(texts.COMMAND_MENU)),
                BotCommand("help", str(texts.COMMAND_HELP)),
            ]
        await bot.set_my_commands(commands, language_code=None if language == "da" else language)


def build_application(
    *,
    token: str | None = None,
    base_url: str | None = None,
    base_file_url: str | None = None,
    updater: bool = True,
) -> Application:
    """The bot, talking to ``base_url`` (Telegram, or the loopback stand-in)."""
    builder = (
        ApplicationBuilder()
        .token(token or settings.TELEGRAM_BOT_TOKEN)
        .base_url(base_url or settings.TELEGRAM_API_URL)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatUpdateProcessor())
        .connection_pool_size(CONNECTION_POOL_SIZE)
        .pool_timeout(POOL_TIMEOUT)
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    add_handlers(application)
    return application
