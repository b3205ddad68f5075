"""Weekly meetings keep their local wall-clock time across daylight-saving changes.

Europe/Copenhagen leaves summer time on Sunday 25 October 2026 and enters it on Sunday
28 March 2027 (02:00 → 03:00, so 02:30 does not exist that night).
"""

from datetime import UTC, date, datetime, time

import pytest

from domain.models import Meeting, OutboxMessage
from domain.services.groups import schedule_add, schedule_generate_meetings
from domain.timeutils import to_local
from tests import factories as f

pytestmark = pytest.mark.django_db

TZ = "Europe/Copenhagen"


@pytest.fixture
def group(municipality):
    assert municipality.timezone == TZ
    return f.GroupFactory(municipality=municipality)


def weekly(group, consultant, *, weekday, at, starts_on, until, now, ends_on=None):
    schedule = schedule_add(
        group=group,
        actor=consultant.user,
        weekday=weekday,
        start_time=at,
        duration_minutes=90,
        place="Ungehuset",
        starts_on=starts_on,
        ends_on=ends_on,
        now=now,
    )
    schedule_generate_meetings(schedule=schedule, until=until, now=now)
    return list(schedule.meetings.order_by("starts_at"))


def utc(m: Meeting) -> tuple[int, int]:
    moment = m.starts_at.astimezone(UTC)
    return moment.hour, moment.minute


def local(m: Meeting) -> time:
    return to_local(m.starts_at, TZ).time()


def test_tuesday_17_00_stays_17_00_local_through_winter_and_summer_time(group, consultant):
    youth = f.YouthFactory(municipality=group.municipality, group=group)
    meetings = weekly(
        group,
        consultant,
        weekday=1,
        at=time(17, 0),
        starts_on=date(2026, 10, 13),
        until=date(2027, 4, 13),
        now=datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
    )
    assert len(meetings) == 27
    assert meetings[0].occurrence == date(2026, 10, 13)
    assert meetings[-1].occurrence == date(2027, 4, 13)
    for m in meetings:
        assert local(m) == time(17, 0), m.occurrence
        assert to_local(m.ends_at, TZ).time() == time(18, 30)
        winter = date(2026, 10, 25) <= m.occurrence < date(2027, 3, 28)
        assert utc(m) == ((16, 0) if winter else (15, 0)), m.occurrence

    by_day = {m.occurrence: m for m in meetings}
    assert by_day[date(2026, 10, 20)].starts_at == datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
    assert by_day[date(2026, 10, 27)].starts_at == datetime(2026, 10, 27, 16, 0, tzinfo=UTC)
    assert by_day[date(2027, 3, 23)].starts_at == datetime(2027, 3, 23, 16, 0, tzinfo=UTC)
    assert by_day[date(2027, 3, 30)].starts_at == datetime(2027, 3, 30, 15, 0, tzinfo=UTC)

    # The "day before at 17:00" reminder follows local time too.
    def day_before(day: date) -> datetime:
        return OutboxMessage.objects.get(
            object_id=by_day[day].pk,
            kind=OutboxMessage.Kind.MEETING_REMINDER,
            recipient=youth,
            dedupe_key__endswith=":d1@17:00",
        ).due_at

    assert day_before(date(2026, 10, 20)) == datetime(2026, 10, 19, 15, 0, tzinfo=UTC)
    assert day_before(date(2026, 10, 27)) == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)
    assert day_before(date(2027, 3, 30)) == datetime(2027, 3, 29, 15, 0, tzinfo=UTC)


def test_sunday_02_30_in_the_spring_gap_moves_forward_by_the_gap(group, consultant):
    meetings = weekly(
        group,
        consultant,
        weekday=6,
        at=time(2, 30),
        starts_on=date(2027, 3, 14),
        until=date(2027, 4, 4),
        ends_on=date(2027, 4, 4),
        now=datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
    )
    assert [(m.occurrence, utc(m), local(m)) for m in meetings] == [
        (date(2027, 3, 14), (1, 30), time(2, 30)),
        (date(2027, 3, 21), (1, 30), time(2, 30)),
        # 02:30 does not exist on 28 March 2027: one hour later, 03:30 summer time.
        (date(2027, 3, 28), (1, 30), time(3, 30)),
        (date(2027, 4, 4), (0, 30), time(2, 30)),
    ]


def test_sunday_02_30_in_the_autumn_overlap_takes_the_first_occurrence(group, consultant):
    meetings = weekly(
        group,
        consultant,
        weekday=6,
        at=time(2, 30),
        starts_on=date(2026, 10, 18),
        until=date(2026, 11, 1),
        ends_on=date(2026, 11, 1),
        now=datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
    )
    assert [(m.occurrence, utc(m), local(m)) for m in meetings] == [
        (date(2026, 10, 18), (0, 30), time(2, 30)),
        # 02:30 happens twice on 25 October 2026; the first one is still summer time.
        (date(2026, 10, 25), (0, 30), time(2, 30)),
        (date(2026, 11, 1), (1, 30), time(2, 30)),
    ]


def test_generation_across_the_change_is_idempotent(group, consultant):
    now = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
    meetings = weekly(
        group,
        consultant,
        weekday=1,
        at=time(17, 0),
        starts_on=date(2026, 10, 13),
        until=date(2027, 4, 13),
        now=now,
    )
    schedule = meetings[0].schedule
    assert schedule_generate_meetings(schedule=schedule, until=date(2027, 4, 13), now=now) == []
    assert Meeting.objects.count() == len(meetings) == 27
