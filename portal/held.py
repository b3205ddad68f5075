"""Saying on the page when a message held by quiet hours will reach the youth: the page that
caused a push tells the consultant or company "Asta gets the message at 8.00"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from domain.models import Youth
from domain.selectors.outbox import HELD_AFTER, held_pushes_about
from domain.timeutils import to_local


def clock(moment: datetime, tz_name: str) -> str:
    """Danish wall-clock style: 8.00, 21.30."""
    local = to_local(moment, tz_name)
    return f"{local.hour}.{local.minute:02d}"


def arrival_text(*, youth: Youth, due_at: datetime, now: datetime | None = None) -> str | None:
    """ "Asta gets the message at 8.00" for a message quiet hours hold, else None."""
    now = now or timezone.now()
    if due_at <= now + HELD_AFTER:
        return None
    tz = youth.municipality.timezone
    day, today = to_local(due_at, tz).date(), to_local(now, tz).date()
    values = {"name": youth.first_name, "time": clock(due_at, tz)}
    if day == today:
        return _("%(name)s gets the message at %(time)s (quiet hours).") % values
    if day == today + timedelta(days=1):
        return _("%(name)s gets the message tomorrow at %(time)s (quiet hours).") % values
    values["day"] = f"{day.day}/{day.month}"
    return _("%(name)s gets the message on %(day)s at %(time)s (quiet hours).") % values


def tell_when_held(
    request: HttpRequest, *, youth: Youth, due_at: datetime | None, now: datetime | None = None
) -> bool:
    """Add the page message for a held push; True when there was one."""
    if due_at is None:
        return False
    text = arrival_text(youth=youth, due_at=due_at, now=now)
    if text is None:
        return False
    messages.info(request, text)
    return True


def _several_text(*, count: int, youth: Youth, due_at: datetime, now: datetime) -> str:
    tz = youth.municipality.timezone
    day, today = to_local(due_at, tz).date(), to_local(now, tz).date()
    values = {"count": count, "time": clock(due_at, tz)}
    if day == today:
        return _("%(count)s young people get the message at %(time)s (quiet hours).") % values
    if day == today + timedelta(days=1):
        return (
            _("%(count)s young people get the message tomorrow at %(time)s (quiet hours).") % values
        )
    values["day"] = f"{day.day}/{day.month}"
    return (
        _("%(count)s young people get the message on %(day)s at %(time)s (quiet hours).") % values
    )


def tell_held_pushes(request: HttpRequest, *, subject: object, now: datetime | None = None) -> int:
    """After a change that pushes news to youth (an interest answered, a placement decided, a
    meeting moved): one page message naming the youth whose message quiet hours hold, or their
    number when there are several (a group's meeting). Returns how many youth are held."""
    now = now or timezone.now()
    held = held_pushes_about(subject=subject, now=now)
    youth = {row.recipient_id: row for row in held}
    if len(youth) == 1:
        (row,) = youth.values()
        tell_when_held(request, youth=row.recipient, due_at=row.due_at, now=now)
    elif youth:
        first = held[0]  # the earliest: quiet hours end at the same moment for all of them
        messages.info(
            request,
            _several_text(count=len(youth), youth=first.recipient, due_at=first.due_at, now=now),
        )
    return len(youth)
