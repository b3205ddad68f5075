"""Writing to the consultant: typed text outside any prompt is offered to the youth's contact
consultant ("Send this to Mette?"), and sent only when the youth says yes."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.chat_state import state_clear, state_get, state_set
from bot.handlers.common import on_button
from domain.selectors.conversation import message_addressee
from domain.services.conversation import TEXT_MAX_LENGTH, message_from_youth

# The chat state's key for the words waiting for the youth's yes.
DRAFT = "talk_draft"


def _confirm_keyboard():
    return keyboards.keyboard(
        [
            [(texts.TALK_SEND, cb.encode(cb.TALK, "send"))],
            [(texts.TALK_DROP, cb.encode(cb.TALK, "drop"))],
        ]
    )


def offer(ctx: Context, text: str) -> Screen:
    """Keep the typed words as a draft and ask whether to send them to the consultant."""
    youth = ctx.require_youth()
    if len(text) > TEXT_MAX_LENGTH:
        return Screen(str(texts.TALK_TOO_LONG).format(length=len(text)), keyboards.main_menu())
    # The youth's id beside the words: erasure finds the draft by it (bot.subscribers).
    state_set(ctx.who.chat_id, **{DRAFT: text, "youth_id": youth.pk})
    name = message_addressee(youth=youth)
    if name is None:
        question = str(texts.TALK_CONFIRM_CONSULTANTS).format(text=text)
    else:
        question = str(texts.TALK_CONFIRM).format(name=name, text=text)
    return Screen(question, _confirm_keyboard())


def _send(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    draft = state_get(ctx.who.chat_id).get(DRAFT)
    if not draft:
        return Screen(str(texts.TALK_NOTHING_TO_SEND), keyboards.main_menu())
    message_from_youth(youth=youth, text=draft)
    state_clear(ctx.who.chat_id)
    name = message_addressee(youth=youth)
    if name is None:
        return Screen(str(texts.TALK_SENT_CONSULTANTS), keyboards.main_menu())
    return Screen(str(texts.TALK_SENT).format(name=name), keyboards.main_menu())


def _drop(ctx: Context) -> Screen:
    ctx.require_youth()
    state_clear(ctx.who.chat_id)
    return Screen(str(texts.TALK_DROPPED), keyboards.main_menu())


async def talk_send(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the draft to the consultant."""
    await on_button(update, context, _send)


async def talk_drop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget the draft."""
    await on_button(update, context, _drop)
