"""The weekly check-in: a score from 1 to 5, an optional sentence, and whether to share it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.chat_state import state_clear, state_set
from bot.handlers.common import on_button
from domain.selectors.placements import checkin_get_for_youth, placement_get_for_youth
from domain.services.checkins import TEXT_MAX_LENGTH, checkin_set_shared, checkin_submit
from domain.services.youth import youth_set_share_experiences

AWAITING = "checkin_text"


def _skip_keyboard(placement_id: int, score: int):
    rows = [[(texts.CHECKIN_SKIP, cb.encode(cb.CHECKIN, "skip", placement_id, score))]]
    return keyboards.keyboard(rows)


def _score(ctx: Context, placement_id: int, score: int) -> Screen:
    youth = ctx.require_youth()
    placement = placement_get_for_youth(youth=youth, placement_id=placement_id)
    state_set(ctx.who.chat_id, awaiting=AWAITING, placement_id=placement.pk, score=score)
    return Screen(str(texts.CHECKIN_ASK_TEXT), _skip_keyboard(placement.pk, score))


def _submit(ctx: Context, placement_id: int, score: int, text: str = "") -> Screen:
    youth = ctx.require_youth()
    state_clear(ctx.who.chat_id)
    placement = placement_get_for_youth(youth=youth, placement_id=placement_id)
    checkin = checkin_submit(placement=placement, actor=youth, score=score, text=text)
    if not checkin.text:
        return Screen(str(texts.CHECKIN_THANKS), keyboards.main_menu())
    rows = [
        [(texts.CHECKIN_SHARE_YES, cb.encode(cb.CHECKIN, "share", checkin.pk, True))],
        [(texts.CHECKIN_SHARE_NO, cb.encode(cb.CHECKIN, "share", checkin.pk, False))],
    ]
    return Screen(str(texts.CHECKIN_ASK_SHARE), keyboards.keyboard(rows))


def checkin_text(ctx: Context, state: dict, text: str) -> Screen:
    """The sentence the youth typed after choosing a score."""
    placement_id, score = int(state["placement_id"]), int(state["score"])
    if len(text) > TEXT_MAX_LENGTH:
        too_long = str(texts.CHECKIN_TEXT_TOO_LONG).format(length=len(text))
        return Screen(too_long, _skip_keyboard(placement_id, score))
    return _submit(ctx, placement_id, score, text)


def _share(ctx: Context, checkin_id: int, share: bool) -> Screen:
    youth = ctx.require_youth()
    checkin = checkin_get_for_youth(youth=youth, checkin_id=checkin_id)
    if not share:
        checkin_set_shared(checkin=checkin, actor=youth, shared=False)
        return Screen(str(texts.CHECKIN_THANKS), keyboards.main_menu())
    # Sharing this sentence is also the youth's standing yes to sharing (off in Settings).
    youth = youth_set_share_experiences(youth=youth, actor=youth, share=True)
    checkin_set_shared(checkin=checkin, actor=youth, shared=True)
    return Screen(str(texts.CHECKIN_SHARED), keyboards.main_menu())


async def checkin_score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the week's score and ask for an optional sentence."""
    await on_button(update, context, _score)


async def checkin_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Save the check-in without a sentence."""
    await on_button(update, context, _submit)


async def checkin_share(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Share the sentence anonymously, or keep it private."""
    await on_button(update, context, _share)
