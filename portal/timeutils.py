"""Local time of a municipality, DST-correct. Stored times are UTC; shown times are local."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def zone(tz_name: str) -> ZoneInfo:
    return ZoneInfo(tz_name)


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """The aware datetime of wall-clock ``at`` on ``day`` in ``tz_name``.

    A wall-clock time that does not exist (skipped by the spring DST change) is moved forward
    by the gap; an ambiguous one (repeated in autumn) takes its first occurrence.
    """
    tz = zone(tz_name)
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz, fold=0)
    # A non-existent time does not survive a round trip through UTC.
    roundtrip = aware.astimezone(timezone.UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:
        aware = naive.replace(tzinfo=tz, fold=1).astimezone(timezone.UTC).astimezone(tz)
    return aware


def to_local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(zone(tz_name))


def local_date(moment: datetime, tz_name: str) -> date:
    return to_local(moment, tz_name).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
