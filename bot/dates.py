"""Dates and times as the bot writes them: ``domain.display`` (Django's locale formats in the
active language) and, for moments, the municipality's time zone."""

from __future__ import annotations

from datetime import date, datetime

from domain import display


def format_datetime(moment: datetime, tz_name: str) -> str:
    """ "fredag 4. december kl. 10.00" / "Friday 4 December at 10:00"."""
    return display.when_with_weekday(moment, tz_name)


def format_date(day: date) -> str:
    return display.day(day)


def format_month(day: date) -> str:
    return display.month(day)
