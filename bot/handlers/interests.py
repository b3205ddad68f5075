"""My interests & placements: their states, and withdrawing an interest."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.dates import format_date, format_datetime
from bot.handlers.common import on_button
from domain.models import Interest
from domain.selectors.placements import (
    interest_get_for_youth,
    interests_of_youth,
    placement_get_for_youth,
    placements_of_youth,
)
from domain.services.interests import interest_withdraw
from domain.services.waiting import interest_keep_waiting as keep_waiting

SHOWN = 8


def _list(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    interests = list(interests_of_youth(youth=youth)[:SHOWN])
    placements = list(placements_of_youth(youth=youth)[:SHOWN])
    if not interests and not placements:
        return Screen(str(texts.MINE_EMPTY), keyboards.main_menu())
    lines, rows = [str(texts.MINE_TITLE)], []
    for placement in placements:
        label = str(texts.MINE_PLACEMENT_LINE).format(
            title=placement.slot.title,
            company=placement.slot.company.name,
            state=texts.PLACEMENT_STATES[placement.status],
        )
        lines.append(label)
        rows.append([(label, cb.encode(cb.PLACEMENT, "open", placement.pk))])
    for interest in interests:
        label = str(texts.MINE_INTEREST_LINE).format(
            title=interest.slot.title,
            company=interest.slot.company.name,
            state=texts.INTEREST_STATES[interest.status],
        )
        lines.append(label)
        rows.append([(label, cb.encode(cb.INTEREST, "open", interest.pk))])
    return Screen("\n".join(lines), keyboards.with_menu(rows))


def _interest(ctx: Context, interest_id: int) -> Screen:
    youth = ctx.require_youth()
    interest = interest_get_for_youth(youth=youth, interest_id=interest_id)
    lines = [
        str(texts.INTEREST_DETAIL).format(
            title=interest.slot.title,
            company=interest.slot.company.name,
            state=texts.INTEREST_STATES[interest.status],
        )
    ]
    if interest.status == Interest.Status.ACCEPTED and interest.intro_meeting_at:
        when = format_datetime(interest.intro_meeting_at, youth.municipality.timezone)
        lines.append(
            str(texts.INTEREST_INTRO).format(when=when, place=interest.intro_meeting_place)
        )
    if interest.message:
        lines.append(f"“{interest.message}”")
    rows = []
    if interest.status in Interest.LIVE:
        rows.append([(texts.INTEREST_WITHDRAW, cb.encode(cb.INTEREST, "withdraw", interest.pk))])
    return Screen("\n".join(lines), keyboards.with_menu(rows, back=cb.encode(cb.INTEREST, "list")))


def _withdraw(ctx: Context, interest_id: int) -> Screen:
    youth = ctx.require_youth()
    interest = interest_get_for_youth(youth=youth, interest_id=interest_id)
    question = str(texts.INTEREST_WITHDRAW_CONFIRM).format(title=interest.slot.title)
    rows = [[(texts.INTEREST_WITHDRAW_YES, cb.encode(cb.INTEREST, "withdrawyes", interest.pk))]]
    return Screen(
        question, keyboards.with_menu(rows, back=cb.encode(cb.INTEREST, "open", interest.pk))
    )


def _withdraw_yes(ctx: Context, interest_id: int) -> Screen:
    youth = ctx.require_youth()
    interest = interest_get_for_youth(youth=youth, interest_id=interest_id)
    interest_withdraw(interest=interest, actor=youth)
    return Screen(
        str(texts.INTEREST_WITHDRAWN), keyboards.with_menu([], back=cb.encode(cb.INTEREST, "list"))
    )


def _keep_waiting(ctx: Context, interest_id: int) -> Screen:
    youth = ctx.require_youth()
    interest = interest_get_for_youth(youth=youth, interest_id=interest_id)
    keep_waiting(interest=interest, actor=youth)
    text = str(texts.INTEREST_KEPT_WAITING).format(company=interest.slot.company.name)
    return Screen(text, keyboards.with_menu([], back=cb.encode(cb.INTEREST, "list")))


def _placement(ctx: Context, placement_id: int) -> Screen:
    youth = ctx.require_youth()
    placement = placement_get_for_youth(youth=youth, placement_id=placement_id)
    text = str(texts.PLACEMENT_DETAIL).format(
        title=placement.slot.title,
        company=placement.slot.company.name,
        state=texts.PLACEMENT_STATES[placement.status],
        hours=placement.hours_per_week,
        start=format_date(placement.start_date),
    )
    return Screen(text, keyboards.with_menu([], back=cb.encode(cb.INTEREST, "list")))


async def mine_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the youth's placements and interests with their states."""
    await on_button(update, context, _list)


async def interest_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one interest (and its intro meeting)."""
    await on_button(update, context, _interest)


async def interest_withdraw_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before withdrawing an interest."""
    await on_button(update, context, _withdraw)


async def interest_withdraw_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Withdraw the interest."""
    await on_button(update, context, _withdraw_yes)


async def interest_keep_waiting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep waiting for the company's answer (from the "your consultant knows" message)."""
    await on_button(update, context, _keep_waiting)


async def placement_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one placement."""
    await on_button(update, context, _placement)
