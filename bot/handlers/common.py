"""What every handler does the same way: answer the button, parse its data, show a screen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

from telegram import CallbackQuery, InputFile, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import bridge, callbacks, keyboards, texts
from bot.bridge import Context, Screen, Who

logger = logging.getLogger(__name__)

# The callback query the webhook already answered, in its reply to Telegram's post (see
# ``bot.webhook``); set for the task that processes that update only.
ANSWERED_IN_REPLY: ContextVar[str | None] = ContextVar("answered_in_reply", default=None)


async def answer_button(query: CallbackQuery) -> None:
    """Stop the pressed button's spinner, unless the webhook's reply to Telegram did."""
    if query.id != ANSWERED_IN_REPLY.get():
        await query.answer()


def stale_screen(ctx: Context, *_args: object) -> Screen:
    """A button that is no longer (or never was) one of ours."""
    if ctx.youth is None:
        return Screen(str(texts.NOT_LINKED))
    return Screen(str(texts.STALE_BUTTON), keyboards.main_menu())


def menu_screen(ctx: Context, intro: object = texts.MENU_TITLE) -> Screen:
    ctx.require_youth()
    return Screen(str(intro), keyboards.main_menu())


def _cut(text: str) -> str:
    limit = MessageLimit.MAX_TEXT_LENGTH
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, screen: Screen) -> None:
    """Edit the pressed message into ``screen``, or send it as a new message."""
    chat = update.effective_chat
    if chat is None:
        return
    bot = context.bot
    new_message = screen.new_message or screen.document is not None
    if screen.document is not None:
        filename, data = screen.document
        await bot.send_document(
            chat.id, document=InputFile(data, filename=filename), caption=screen.caption or None
        )
    query = update.callback_query
    text = _cut(screen.text)
    if query is not None and query.message is not None and not new_message:
        try:
            await query.edit_message_text(text, reply_markup=screen.keyboard)
        except BadRequest as error:
            # Pressing the same button twice asks for the same text: Telegram refuses the edit.
            if "not modified" in str(error).lower():
                return
            # The message is too old or has no text (e.g. a document): say it anew.
            await bot.send_message(chat.id, text, reply_markup=screen.keyboard)
    else:
        await bot.send_message(chat.id, text, reply_markup=screen.keyboard)
    for more in screen.extra:
        await bot.send_message(chat.id, _cut(more.text), reply_markup=more.keyboard)


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., Screen]
) -> None:
    """Answer the callback query first, then show ``fn(ctx, *args)`` for its parsed data."""
    query = update.callback_query
    who = Who.of(update)
    if query is None or who is None:
        return
    await answer_button(query)
    data = callbacks.parse(query.data)
    if data is None:
        screen = await bridge.run(stale_screen, who)
    else:
        screen = await bridge.run(fn, who, *data.args)
    await show(update, context, screen)


async def on_message(
    update: Update, context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., Screen], *args: object
) -> None:
    """Show ``fn(ctx, *args)`` in answer to a message."""
    who = Who.of(update)
    if who is None:
        return
    await show(update, context, await bridge.run(fn, who, *args))
