"""My meetings: coming group meetings and intro meetings, and "I can't come"."""

from __future__ import annotations

from django.utils import timezone
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.dates import format_datetime
from bot.handlers.common import on_button
from domain.models import Attendance, Interest
from domain.selectors.groups import meeting_get_for_youth, meetings_for_youth
from domain.selectors.placements import interests_of_youth
from domain.services.meetings import attendance_excuse

SHOWN = 5


def _list(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    tz = youth.municipality.timezone
    now = timezone.now()
    meetings = list(meetings_for_youth(youth=youth, now=now)[:SHOWN])
    intros = list(
        interests_of_youth(youth=youth)
        .filter(status=Interest.Status.ACCEPTED, intro_meeting_at__gt=now)
        .order_by("intro_meeting_at")[:SHOWN]
    )
    if not meetings and not intros:
        return Screen(str(texts.MEETINGS_EMPTY), keyboards.main_menu())
    lines, rows = [str(texts.MEETINGS_TITLE)], []
    for meeting in meetings:
        when = format_datetime(meeting.starts_at, tz)
        excused = meeting.my_attendance == Attendance.Status.EXCUSED
        line = texts.MEETING_EXCUSED_LINE if excused else texts.MEETING_LINE
        lines.append(str(line).format(when=when, place=meeting.place))
        if not excused:
            label = str(texts.MEETING_CANT_COME).format(when=when)
            rows.append([(label, cb.encode(cb.MEETING, "excuse", meeting.pk))])
    for interest in intros:
        lines.append(
            str(texts.INTRO_LINE).format(
                company=interest.slot.company.name,
                when=format_datetime(interest.intro_meeting_at, tz),
                place=interest.intro_meeting_place,
            )
        )
    return Screen("\n".join(lines), keyboards.with_menu(rows))


def _excuse(ctx: Context, meeting_id: int) -> Screen:
    youth = ctx.require_youth()
    meeting = meeting_get_for_youth(youth=youth, meeting_id=meeting_id)
    attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    return Screen(
        str(texts.MEETING_EXCUSED), keyboards.with_menu([], back=cb.encode(cb.MEETING, "list"))
    )


async def meetings_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the youth's coming meetings."""
    await on_button(update, context, _list)


async def meeting_excuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark the youth excused from a meeting ("I can't come")."""
    await on_button(update, context, _excuse)
