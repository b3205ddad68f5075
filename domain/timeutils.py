"""Local time of a municipality, DST-correct. Stored times are UTC; shown times are local."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


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
