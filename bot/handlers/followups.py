"""Asking afterwards: the offer a youth gets when they leave, and the one question months later.

The youth has left, so no youth record is linked to their Telegram account any more: the
buttons are checked against the chat kept for the follow-up instead.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.bridge import Context, Screen
from bot.handlers.common import on_button
from domain.exceptions import DomainError, Kind
from domain.selectors.followups import followup_offer_for_chat, followup_question_for_chat
from domain.services.followups import (
    followup_answer,
    followup_consent_decline,
    followup_consent_give,
)


def _accept(ctx: Context, youth_id: int) -> Screen:
    youth = followup_offer_for_chat(youth_id=youth_id, chat_id=ctx.who.chat_id)
    followup_consent_give(youth=youth, chat_id=ctx.who.chat_id)
    return Screen(str(texts.FOLLOWUP_INVITE_THANKS))


def _decline(ctx: Context, youth_id: int) -> Screen:
    youth = followup_offer_for_chat(youth_id=youth_id, chat_id=ctx.who.chat_id)
    try:
        followup_consent_decline(youth=youth, chat_id=ctx.who.chat_id)
    except DomainError as error:
        if error.kind != Kind.CONFLICT:
            raise
        # Accepted earlier, then "no" on the same message: keep the first choice, say so.
        return Screen(str(texts.FOLLOWUP_INVITE_THANKS))
    return Screen(str(texts.FOLLOWUP_INVITE_DECLINED))


def _answer(ctx: Context, question_id: int, answer: str) -> Screen:
    question = followup_question_for_chat(question_id=question_id, chat_id=ctx.who.chat_id)
    try:
        followup_answer(question=question, chat_id=ctx.who.chat_id, answer=answer)
    except DomainError as error:
        if error.kind != Kind.CONFLICT:
            raise
        return Screen(str(texts.FOLLOWUP_CLOSED))
    return Screen(str(texts.FOLLOWUP_THANKS))


async def followup_yes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The youth accepts being asked later."""
    await on_button(update, context, _accept)


async def followup_no(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The youth declines being asked later."""
    await on_button(update, context, _decline)


async def followup_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The youth answers the follow-up question."""
    await on_button(update, context, _answer)
