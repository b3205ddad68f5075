"""Calendar items as an iCalendar document (RFC 5545) that every calendar app reads alike.

Times are written in each item's own time zone, described by a ``VTIMEZONE`` in the usual
repeating-rule form (one ``STANDARD`` and one ``DAYLIGHT`` block with a yearly ``RRULE``), the
form Google, Outlook, Apple Calendar and Thunderbird all read. icalendar's own
``add_missing_timezones()`` lists every changeover as an ``RDATE``; Mozilla's ical.js (the engine
of Thunderbird) and vobject read only the first of those and put summer events an hour late. A
zone whose changes follow no yearly weekday rule over the feed's years gets its times in UTC
instead: every app shows a UTC time right, in the reader's own zone.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from domain.selectors.calendar import CalendarItem


def calendar_ics(
    items: Iterable[CalendarItem], *, name: str, now: datetime, language: str = "da"
) -> bytes:
    items = list(items)
    calendar = Calendar()
    # The product identifier's last part is the language of the feed's texts (RFC 5545 3.7.3).
    calendar.add("prodid", f"-//NExTWORK//Portal//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    zones = _zones_for(items, now=now)
    for zone in zones.values():
        if zone is not None:
            calendar.add_component(zone)
    for item in items:
        calendar.add_component(_event(item, now=now, described=zones[item.tz] is not None))
    return calendar.to_ical()


def _event(item: CalendarItem, *, now: datetime, described: bool) -> Event:
    # A described zone keeps the local time (and the zone) visible; otherwise UTC.
    zone = ZoneInfo(item.tz) if described else UTC
    event = Event()
    # Stable per object, so a moved meeting updates the entry instead of adding one.
    event.add("uid", f"{item.uid}@nextwork")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", item.summary)
    event.add("dtstart", _as_written(item.starts_at, zone))
    event.add("dtend", _as_written(item.ends_at, zone))
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    return event


def _as_written(moment: datetime, zone) -> datetime:
    """``moment`` on the zone's clock, or in UTC in the hour the clock repeats in autumn: a
    local time there means its first occurrence (RFC 5545 3.3.5), so the second needs UTC."""
    local = moment.astimezone(zone)
    return moment.astimezone(UTC) if local.fold else local


def _zones_for(items: Sequence[CalendarItem], *, now: datetime) -> dict[str, Timezone | None]:
    """Each zone the items use, as a ``VTIMEZONE`` valid over the years they span (None: use
    UTC for that zone's items)."""
    zones: dict[str, Timezone | None] = {}
    for name in sorted({item.tz for item in items}):
        instants = [now] + [
            moment for item in items if item.tz == name for moment in (item.starts_at, item.ends_at)
        ]
        # From the year before the first entry, so January lies after a standard-time onset.
        years = range(min(m.year for m in instants) - 1, max(m.year for m in instants) + 1)
        zones[name] = vtimezone(name, years=years)
    return zones


# --- The zone as yearly rules ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One changeover of a zone's UTC offset."""

    at: datetime  # the instant, in UTC
    offset_from: timedelta
    offset_to: timedelta


@dataclass(frozen=True)
class YearlyRule:
    """A changeover on the n-th (or, for -1, the last) weekday of a month at a local time."""

    month: int
    weekday: int  # Monday is 0
    ordinal: int
    local_time: timedelta  # since local midnight, on the clock before the change
    offset_from: timedelta
    offset_to: timedelta

    def local_date(self, year: int) -> datetime | None:
        weeks = gregorian.Calendar().monthdayscalendar(year, self.month)
        days = [week[self.weekday] for week in weeks if week[self.weekday]]
        if self.ordinal > len(days):
            return None  # no fifth Sunday this year
        day = days[self.ordinal - 1 if self.ordinal > 0 else -1]
        return datetime(year, self.month, day)  # noqa: DTZ001 - a wall-clock date

    def change_in(self, year: int) -> Change | None:
        day = self.local_date(year)
        if day is None:
            return None
        local = day + self.local_time
        at = (local - self.offset_from).replace(tzinfo=UTC)
        return Change(at=at, offset_from=self.offset_from, offset_to=self.offset_to)


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def zone_changes(zone: ZoneInfo, year: int) -> list[Change]:
    """The zone's offset changes within ``year`` (UTC), to the minute."""
    changes = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        following = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            changes.append(_pin_change(zone, day, following))
        day = following
    return changes


def _pin_change(zone: ZoneInfo, before: datetime, after: datetime) -> Change:
    """The minute between ``before`` and ``after`` at which the offset changes (bisection)."""
    offset_from = before.astimezone(zone).utcoffset()
    while after - before > timedelta(minutes=1):
        middle = before + (after - before) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_from:
            before = middle
        else:
            after = middle
    return Change(at=after, offset_from=offset_from, offset_to=after.astimezone(zone).utcoffset())


def _rule_candidates(change: Change) -> list[YearlyRule]:
    local = (change.at + change.offset_from).replace(tzinfo=None)
    last_day = gregorian.monthrange(local.year, local.month)[1]
    ordinals = [(local.day - 1) // 7 + 1] + ([-1] if local.day + 7 > last_day else [])
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        YearlyRule(
            month=local.month,
            weekday=local.weekday(),
            ordinal=ordinal,
            local_time=local - midnight,
            offset_from=change.offset_from,
            offset_to=change.offset_to,
        )
        for ordinal in ordinals
    ]


def zone_rules(zone: ZoneInfo, years: range) -> list[YearlyRule] | None:
    """Yearly rules that give exactly the zone's changes in every one of ``years`` ([] for a
    zone without changes), or None when there are none such."""
    per_year = {year: zone_changes(zone, year) for year in years}
    first = per_year[years[0]]
    rules = []
    for index, change in enumerate(first):
        fitting = [
            rule
            for rule in _rule_candidates(change)
            if all(
                len(changes) == len(first) and changes[index] == rule.change_in(year)
                for year, changes in per_year.items()
            )
        ]
        if not fitting:
            return None
        rules.append(fitting[0])
    return rules


def vtimezone(name: str, *, years: range) -> Timezone | None:
    """The zone ``name`` as a ``VTIMEZONE`` with yearly rules valid over ``years``, or None."""
    zone = ZoneInfo(name)
    rules = zone_rules(zone, years)
    if rules is None or len(rules) not in (0, 2):
        return None
    component = Timezone()
    component.add("tzid", name)
    if not rules:
        start = datetime(years[0], 1, 1)  # noqa: DTZ001 - a wall-clock time
        offset = start.replace(tzinfo=zone).utcoffset()
        component.add_component(
            _onset(TimezoneStandard(), start, offset, offset, start.replace(tzinfo=zone))
        )
        return component
    for rule in rules:
        start = rule.local_date(years[0]) + rule.local_time
        after = rule.change_in(years[0]).at.astimezone(zone)
        kind = TimezoneDaylight() if after.dst() else TimezoneStandard()
        onset = _onset(kind, start, rule.offset_from, rule.offset_to, after)
        onset.add(
            "rrule",
            {
                "freq": "yearly",
                "bymonth": rule.month,
                "byday": f"{rule.ordinal}{WEEKDAY_CODES[rule.weekday]}",
            },
        )
        component.add_component(onset)
    return component


def _onset(kind, start: datetime, offset_from, offset_to, sample: datetime):
    kind.add("dtstart", start)
    kind.add("tzoffsetfrom", offset_from)
    kind.add("tzoffsetto", offset_to)
    if sample.tzname():
        kind.add("tzname", sample.tzname())
    return kind
