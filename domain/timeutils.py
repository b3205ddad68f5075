"""Local time of a municipality, DST-correct. Stored times are UTC; shown times are local."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


def zone(tz_name: str) -> ZoneInfo:
    return ZoneInfo(tz_name)


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """The aware datetime of wall-clock ``at`` on ``day`` in ``tz_name``.

    A wall-clock time that does not exist (skipped by the spring DST change) is moved forward
    by the gap; an ambiguous one (repeated in autumn) takes its first occurrence.
    """
    tz = zone(tz_name)
    # fold=0 picks the first of two repeated times; for a skipped time it applies the offset
    # from before the change, which a round trip through UTC turns into "one gap later".
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def to_local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(zone(tz_name))


def local_date(moment: datetime, tz_name: str) -> date:
    return to_local(moment, tz_name).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- working days -------------------------------------------------------------------------------
# Weekends and Danish public holidays (the ``holidays`` library keeps the calendar, Easter's
# moving days included) are not working days: the waiting times of "nobody left waiting"
# count only the others.


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_later(moment: datetime, count: int, tz_name: str) -> datetime:
    """The same local wall-clock time ``count`` working days after ``moment``."""
    local = to_local(moment, tz_name)
    day = add_working_days(local.date(), count)
    return local_datetime(day, local.time().replace(tzinfo=None), tz_name).astimezone(UTC)


@cache
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Denmark(years=year))
