"""Calendar items as an iCalendar document (RFC 5545), times in each item's own time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from domain.selectors.calendar import CalendarItem


def calendar_ics(items: Iterable[CalendarItem], *, name: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//NExTWORK//Portal//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in items:
        zone = ZoneInfo(item.tz)
        event = Event()
        # Stable per object, so a moved meeting updates the entry instead of adding one.
        event.add("uid", f"{item.uid}@nextwork")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("summary", item.summary)
        event.add("dtstart", item.starts_at.astimezone(zone))
        event.add("dtend", item.ends_at.astimezone(zone))
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        calendar.add_component(event)
    # VTIMEZONE blocks for every TZID used: calendars without the zone database need them.
    calendar.add_missing_timezones()
    return calendar.to_ical()
