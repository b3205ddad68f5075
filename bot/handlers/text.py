"""Typed text: the answer the bot is waiting for (a message, a sentence), or else words for the
youth's consultant (sent once the youth confirms)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.chat_state import state_get
from bot.handlers import checkins, slots, talk
from bot.handlers.common import on_message

WAITING_FOR = {
    slots.AWAITING: slots.interest_message,
    checkins.AWAITING: checkins.checkin_text,
}


def _text(ctx: Context, text: str) -> Screen:
    if ctx.youth is None:
        return Screen(str(texts.STRANGER_TEXT))
    state = state_get(ctx.who.chat_id)
    answer = WAITING_FOR.get(state.get("awaiting"))
    if answer is not None:
        return answer(ctx, state, text.strip())
    if not text.strip():
        return Screen(str(texts.FREE_TEXT), keyboards.main_menu())
    # Anything else is for the consultant, once the youth says yes.
    return talk.offer(ctx, text.strip())


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route typed text to the step that waits for it, or answer kindly."""
    message = update.effective_message
    await on_message(update, context, _text, (message.text if message else "") or "")
