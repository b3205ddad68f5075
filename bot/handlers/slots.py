"""The slot card, and showing interest in a slot (with an optional message)."""

from __future__ import annotations

from django.utils import timezone
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.callbacks import Filter
from bot.chat_state import state_clear, state_set
from bot.dates import format_month
from bot.handlers.browse import kind_label
from bot.handlers.common import on_button
from domain import display
from domain.models import Interest
from domain.selectors.placements import interests_of_youth, shared_experiences_for_company
from domain.selectors.slots import slot_get_for_youth
from domain.services.interests import MESSAGE_MAX_LENGTH, interest_show

AWAITING = "interest_message"


def _experiences(slot) -> list[str]:
    # A sentence with its week could point at one youth: the card shows the month only. The
    # selector shows none until enough different youth share about the company.
    rows = shared_experiences_for_company(company=slot.company)
    return [
        str(texts.SLOT_EXPERIENCE_LINE).format(text=row["text"], month=format_month(row["week"]))
        for row in rows
    ]


def _card(ctx: Context, slot_id: int, flt: Filter) -> Screen:
    youth = ctx.require_youth()
    slot = slot_get_for_youth(youth=youth, slot_id=slot_id)
    text = (
        str(texts.SLOT_CARD)
        .format(
            title=slot.title,
            company=slot.company.name,
            place=display.place(slot.address, slot.postcode),
            hours_min=slot.hours_min,
            hours_max=slot.hours_max,
            kind=kind_label(slot.kind),
            start=display.start(slot.earliest_start, today=timezone.localdate()),
            description=slot.description.strip(),
        )
        .strip()
    )
    experiences = _experiences(slot)
    if experiences:
        text += "\n\n" + "\n".join([str(texts.SLOT_EXPERIENCES), *experiences])
    rows = []
    live = interests_of_youth(youth=youth).filter(slot=slot, status__in=Interest.LIVE).exists()
    if live:
        text += "\n\n" + str(texts.SLOT_ALREADY)
    else:
        rows.append([(texts.SLOT_INTERESTED, cb.encode(cb.SLOT, "want", slot.pk, flt))])
    return Screen(text, keyboards.with_menu(rows, back=cb.encode(cb.BROWSE, "list", flt)))


def _want(ctx: Context, slot_id: int, flt: Filter) -> Screen:
    youth = ctx.require_youth()
    slot = slot_get_for_youth(youth=youth, slot_id=slot_id)
    state_set(ctx.who.chat_id, awaiting=AWAITING, slot_id=slot.pk)
    return Screen(str(texts.INTEREST_ASK_MESSAGE), _ask_keyboard(slot.pk, flt))


def _ask_keyboard(slot_id: int, flt: Filter):
    rows = [[(texts.INTEREST_SEND_WITHOUT, cb.encode(cb.SLOT, "send", slot_id))]]
    return keyboards.with_menu(rows, back=cb.encode(cb.SLOT, "open", slot_id, flt))


def _show_interest(ctx: Context, slot_id: int, message: str = "") -> Screen:
    youth = ctx.require_youth()
    state_clear(ctx.who.chat_id)
    slot = slot_get_for_youth(youth=youth, slot_id=slot_id)
    interest_show(youth=youth, slot=slot, actor=youth, message=message)
    done = str(texts.INTEREST_SENT).format(company=slot.company.name)
    return Screen(done, keyboards.main_menu())


def interest_message(ctx: Context, state: dict, text: str) -> Screen:
    """The text the youth typed while the bot waits for an interest message."""
    if len(text) > MESSAGE_MAX_LENGTH:
        too_long = str(texts.INTEREST_MESSAGE_TOO_LONG).format(length=len(text))
        return Screen(too_long, _ask_keyboard(int(state["slot_id"]), Filter()))
    return _show_interest(ctx, int(state["slot_id"]), text)


async def slot_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a slot's card."""
    await on_button(update, context, _card)


async def slot_want(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for an optional message to the company."""
    await on_button(update, context, _want)


async def slot_send(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show interest without a message."""
    await on_button(update, context, _show_interest)
