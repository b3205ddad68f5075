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


def tell_held_pushes(request: HttpRequest, *, subject: object, now: datetime | None = None) -> int:
    """After a change that pushes news to youth (an interest answered, a placement decided):
    one page message per youth whose message quiet hours hold. Returns how many."""
    told = 0
    for row in held_pushes_about(subject=subject, now=now):
        told += tell_when_held(request, youth=row.recipient, due_at=row.due_at, now=now)
    return told
