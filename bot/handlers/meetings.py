"""My meetings: coming group meetings and intro meetings in date order, each with "I can't
come"."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.dates import format_datetime
from bot.handlers.common import on_button
from domain.selectors.agenda import GROUP, AgendaItem, youth_agenda
from domain.selectors.groups import meeting_get_for_youth
from domain.selectors.placements import interest_get_for_youth
from domain.services.interests import interest_intro_cant_come
from domain.services.meetings import attendance_excuse

SHOWN = 8


def _line(item: AgendaItem, when: str) -> str:
    if item.kind == GROUP:
        line = texts.MEETING_EXCUSED_LINE if item.cant_come else texts.MEETING_LINE
        return str(line).format(when=when, place=item.place)
    line = texts.INTRO_CANT_COME_LINE if item.cant_come else texts.INTRO_LINE
    return str(line).format(company=item.company, when=when, place=item.place)


def _list(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    tz = youth.municipality.timezone
    agenda = youth_agenda(youth=youth, limit=SHOWN)
    if not agenda:
        return Screen(str(texts.MEETINGS_EMPTY), keyboards.main_menu())
    lines, rows = [str(texts.MEETINGS_TITLE)], []
    for item in agenda:
        when = format_datetime(item.starts_at, tz)
        lines.append(_line(item, when))
        if not item.cant_come:
            label = str(texts.MEETING_CANT_COME).format(when=when)
            if item.kind == GROUP:
                data = cb.encode(cb.MEETING, "excuse", item.id)
            else:
                data = cb.encode(cb.MEETING, "intro", item.id)
            rows.append([(label, data)])
    return Screen("\n".join(lines), keyboards.with_menu(rows))


def _excuse(ctx: Context, meeting_id: int) -> Screen:
    youth = ctx.require_youth()
    meeting = meeting_get_for_youth(youth=youth, meeting_id=meeting_id)
    attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    return Screen(
        str(texts.MEETING_EXCUSED), keyboards.with_menu([], back=cb.encode(cb.MEETING, "list"))
    )


def _intro_cant_come(ctx: Context, interest_id: int) -> Screen:
    youth = ctx.require_youth()
    interest = interest_get_for_youth(youth=youth, interest_id=interest_id)
    interest_intro_cant_come(interest=interest, actor=youth)
    return Screen(
        str(texts.INTRO_EXCUSED).format(company=interest.slot.company.name),
        keyboards.with_menu([], back=cb.encode(cb.MEETING, "list")),
    )


async def meetings_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the youth's coming group and intro meetings in date order."""
    await on_button(update, context, _list)


async def meeting_excuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark the youth excused from a group meeting ("I can't come")."""
    await on_button(update, context, _excuse)


async def meeting_intro_cant_come(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the company and the consultant the youth can't come to an intro meeting."""
    await on_button(update, context, _intro_cant_come)
