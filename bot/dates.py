"""Dates and times as the bot writes them: in the active language (``bot.texts``' weekday and
month names) and, for moments, the municipality's time zone."""

from __future__ import annotations

from datetime import date, datetime

from bot import texts
from domain.timeutils import to_local


def format_datetime(moment: datetime, tz_name: str) -> str:
    local = to_local(moment, tz_name)
    return str(texts.DATETIME).format(
        weekday=texts.WEEKDAYS[local.weekday()],
        day=local.day,
        month=texts.MONTHS[local.month - 1],
        time=f"{local:%H:%M}",
    )


def format_date(day: date) -> str:
    return str(texts.DATE).format(day=day.day, month=texts.MONTHS[day.month - 1], year=day.year)


def format_month(day: date) -> str:
    return str(texts.MONTH_YEAR).format(month=texts.MONTHS[day.month - 1], year=day.year)
