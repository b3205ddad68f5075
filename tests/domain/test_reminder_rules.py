"""The reminder rules of docs/domain.md, rule by rule, in local time.

For each rule (group meeting, match event, intro meeting, placement start, weekly check-in):
the due time for the defaults and for a municipality's own lead times, across the spring-forward
(Sunday 28 March 2027, 02:00 → 03:00) and fall-back (Sunday 31 October 2027, 03:00 → 02:00)
changes in Europe/Copenhagen, never inside quiet hours (moved to their end when still useful,
skipped with ``last_error`` "quiet hours" when not), reminders off and on, moving, cancelling,
leaving a group, cancelling a sign-up, and idempotency. Every expected time is written out both
in UTC and in local time with its zone's abbreviation (CET/CEST), so a wrong offset shows.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import (
    Meeting,
    Municipality,
    OutboxMessage,
    Placement,
    Youth,
    YouthSignup,
)
from domain.services.outbox import quiet_hours_adjust
from domain.services.reminders import (
    DEFAULT_RULES,
    reminders_sync_interest,
    reminders_sync_meeting,
    reminders_sync_municipality,
    reminders_sync_placement,
    reminders_sync_signup,
    reminders_sync_youth,
)
from domain.timeutils import local_datetime, to_local
from tests import factories as f

pytestmark = pytest.mark.django_db

CPH = "Europe/Copenhagen"
Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
KIND = {
    "meeting": Kind.MEETING_REMINDER,
    "event": Kind.EVENT_REMINDER,
    "intro": Kind.INTRO_REMINDER,
    "placement_start": Kind.PLACEMENT_START_REMINDER,
    "checkin": Kind.CHECKIN_PROMPT,
}
TIMED = ("meeting", "event", "intro")  # objects that begin at a moment, not on a date


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local_str(moment: datetime) -> str:
    return to_local(moment, CPH).strftime("%Y-%m-%d %H:%M %Z")


# --- building one object of each rule and syncing it ----------------------------------------------


@dataclass
class Scene:
    """One object whose reminders a rule derives, with what it takes to sync it again."""

    rule: str
    subject: object
    youth: Youth

    def sync(self, now: datetime) -> None:
        SYNC[self.rule](self.subject, now=now)

    def rows(self, *statuses: str) -> list[OutboxMessage]:
        rows = OutboxMessage.objects.filter(recipient=self.youth, kind=KIND[self.rule])
        if statuses:
            rows = rows.filter(status__in=statuses)
        return list(rows.order_by("due_at", "pk"))

    def due(self, *statuses: str) -> list[tuple[datetime, str, str, str]]:
        """(UTC, local, status, last_error) of each row, in due order."""
        return [
            (r.due_at, local_str(r.due_at), r.status, r.last_error) for r in self.rows(*statuses)
        ]


SYNC = {
    "meeting": reminders_sync_meeting,
    "event": reminders_sync_signup,
    "intro": reminders_sync_interest,
    "placement_start": reminders_sync_placement,
    "checkin": reminders_sync_placement,
}


def build(rule: str, youth: Youth, when, *, now: datetime, until: date | None = None) -> Scene:
    """``when`` is the object's start: a UTC moment (meeting, event, intro) or a local date
    (placement start, and a check-in placement's first day, ending on ``until``)."""
    municipality = youth.municipality
    if rule == "meeting":
        group = youth.group or f.GroupFactory(municipality=municipality)
        if youth.group_id != group.pk:
            youth.group = group
            youth.save(update_fields=["group"])
        subject = f.MeetingFactory(group=group, starts_at=when)
    elif rule == "event":
        event = f.EventFactory(
            municipality=municipality, starts_at=when, signup_deadline=when - timedelta(days=1)
        )
        subject = YouthSignup.objects.create(
            event=event,
            youth=youth,
            status=YouthSignup.Status.CONFIRMED,
            sequence=1,
            created_at=now,
        )
    elif rule == "intro":
        subject = f.AcceptedInterestFactory(
            youth=youth, slot__company__name="Bageriet", intro_meeting_at=when
        )
    elif rule == "placement_start":
        subject = f.PlacementFactory(youth=youth, status=Placement.Status.APPROVED, start_date=when)
    else:
        subject = f.PlacementFactory(
            youth=youth, status=Placement.Status.ACTIVE, start_date=when, end_date=until
        )
    scene = Scene(rule, subject, youth)
    scene.sync(now)
    return scene


def set_rules(municipality: Municipality, **rules) -> None:
    municipality.reminder_settings = rules
    municipality.full_clean()
    municipality.save(update_fields=["reminder_settings"])


def set_quiet_hours(municipality: Municipality, start: time, end: time) -> None:
    municipality.quiet_hours_start, municipality.quiet_hours_end = start, end
    municipality.save(update_fields=["quiet_hours_start", "quiet_hours_end"])


P, Q, A = Status.PENDING, Status.SKIPPED, ""  # pending, skipped, no error


# --- 1. the defaults, an ordinary winter week -----------------------------------------------------

# Wednesday 13 January 2027, 10:00 CET = 09:00 UTC.
WINTER_NOW = utc(2027, 1, 4, 9, 0)
WINTER_AT = utc(2027, 1, 13, 9, 0)
DAY_BEFORE_AND_TWO_HOURS = [
    (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
    (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A),
]


@pytest.mark.parametrize(
    ("rule", "when", "until", "now", "expected"),
    [
        ("meeting", WINTER_AT, None, WINTER_NOW, DAY_BEFORE_AND_TWO_HOURS),
        ("event", WINTER_AT, None, WINTER_NOW, DAY_BEFORE_AND_TWO_HOURS),
        ("intro", WINTER_AT, None, WINTER_NOW, DAY_BEFORE_AND_TWO_HOURS),
        # A placement starts on a date (08:00 local): the day before at 17:00.
        (
            "placement_start",
            date(2027, 1, 13),
            None,
            WINTER_NOW,
            [(utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A)],
        ),
        # Active from Monday 11 January to Friday 29 January: every Friday at 14:00.
        (
            "checkin",
            date(2027, 1, 11),
            date(2027, 1, 29),
            utc(2027, 1, 11, 7, 0),
            [
                (utc(2027, 1, 15, 13, 0), "2027-01-15 14:00 CET", P, A),
                (utc(2027, 1, 22, 13, 0), "2027-01-22 14:00 CET", P, A),
                (utc(2027, 1, 29, 13, 0), "2027-01-29 14:00 CET", P, A),
            ],
        ),
    ],
)
def test_each_rule_falls_at_the_default_local_times(youth, rule, when, until, now, expected):
    assert build(rule, youth, when, now=now, until=until).due() == expected


# --- 2. a municipality's own lead times -----------------------------------------------------------

OWN_RULES = {
    "meeting": [{"days_before": 2, "at": "18:30"}, {"hours_before": 3}],
    "event": [{"days_before": 3, "at": "12:00"}],
    "intro": [{"hours_before": 24}, {"hours_before": 1.5}],
    "placement_start": [{"days_before": 2, "at": "10:00"}, {"days_before": 0, "at": "07:45"}],
    "checkin": {"weekday": 3, "at": "15:30", "weeks_ahead": 2},
}


@pytest.mark.parametrize(
    ("rule", "when", "until", "now", "expected"),
    [
        (
            "meeting",
            WINTER_AT,
            None,
            WINTER_NOW,
            # 3 hours before 10:00 is 07:00: it waits for 08:00, still before the meeting.
            [
                (utc(2027, 1, 11, 17, 30), "2027-01-11 18:30 CET", P, A),
                (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A),
            ],
        ),
        (
            "event",
            WINTER_AT,
            None,
            WINTER_NOW,
            [(utc(2027, 1, 10, 11, 0), "2027-01-10 12:00 CET", P, A)],
        ),
        (
            "intro",
            WINTER_AT,
            None,
            WINTER_NOW,
            [
                (utc(2027, 1, 12, 9, 0), "2027-01-12 10:00 CET", P, A),
                (utc(2027, 1, 13, 7, 30), "2027-01-13 08:30 CET", P, A),
            ],
        ),
        # 07:45 on the first day falls in quiet hours; 08:00 is the start itself: useless.
        (
            "placement_start",
            date(2027, 1, 13),
            None,
            WINTER_NOW,
            [
                (utc(2027, 1, 11, 9, 0), "2027-01-11 10:00 CET", P, A),
                (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", Q, "quiet hours"),
            ],
        ),
        # Thursdays at 15:30, two weeks at a time.
        (
            "checkin",
            date(2027, 1, 11),
            date(2027, 1, 29),
            utc(2027, 1, 11, 7, 0),
            [
                (utc(2027, 1, 14, 14, 30), "2027-01-14 15:30 CET", P, A),
                (utc(2027, 1, 21, 14, 30), "2027-01-21 15:30 CET", P, A),
            ],
        ),
    ],
)
def test_each_rule_follows_the_municipalitys_own_lead_times(
    youth, municipality, rule, when, until, now, expected
):
    set_rules(municipality, **{rule: OWN_RULES[rule]})
    assert build(rule, youth, when, now=now, until=until).due() == expected


def test_the_municipalitys_rules_for_one_kind_leave_the_others_at_the_defaults(youth, municipality):
    set_rules(municipality, meeting=[{"hours_before": 3}])
    event = build("event", youth, WINTER_AT, now=WINTER_NOW)
    assert event.due() == DAY_BEFORE_AND_TWO_HOURS


# --- 3. across the DST changes --------------------------------------------------------------------

# The day after each change, 10:00 local: Monday 29 March 2027 (CEST, UTC+2) and Monday
# 1 November 2027 (CET, UTC+1). "The day before at 17:00" is on the change day itself.
SPRING_MONDAY_10 = utc(2027, 3, 29, 8, 0)
AUTUMN_MONDAY_10 = utc(2027, 11, 1, 9, 0)
# The change day itself, 10:00 local: 23 hours after Saturday 11:00, or 25.
SPRING_SUNDAY_10 = utc(2027, 3, 28, 8, 0)
AUTUMN_SUNDAY_10 = utc(2027, 10, 31, 9, 0)


@pytest.mark.parametrize("rule", TIMED)
@pytest.mark.parametrize(
    ("when", "now", "expected"),
    [
        (
            SPRING_MONDAY_10,
            utc(2027, 3, 20, 9, 0),
            [
                (utc(2027, 3, 28, 15, 0), "2027-03-28 17:00 CEST", P, A),
                (utc(2027, 3, 29, 6, 0), "2027-03-29 08:00 CEST", P, A),
            ],
        ),
        (
            AUTUMN_MONDAY_10,
            utc(2027, 10, 20, 9, 0),
            [
                (utc(2027, 10, 31, 16, 0), "2027-10-31 17:00 CET", P, A),
                (utc(2027, 11, 1, 7, 0), "2027-11-01 08:00 CET", P, A),
            ],
        ),
        (
            SPRING_SUNDAY_10,
            utc(2027, 3, 20, 9, 0),
            [
                (utc(2027, 3, 27, 16, 0), "2027-03-27 17:00 CET", P, A),
                (utc(2027, 3, 28, 6, 0), "2027-03-28 08:00 CEST", P, A),
            ],
        ),
        (
            AUTUMN_SUNDAY_10,
            utc(2027, 10, 20, 9, 0),
            [
                (utc(2027, 10, 30, 15, 0), "2027-10-30 17:00 CEST", P, A),
                (utc(2027, 10, 31, 7, 0), "2027-10-31 08:00 CET", P, A),
            ],
        ),
    ],
    ids=["spring-monday", "autumn-monday", "spring-sunday", "autumn-sunday"],
)
def test_day_before_and_two_hours_before_are_right_in_local_time_across_dst(
    youth, rule, when, now, expected
):
    assert build(rule, youth, when, now=now).due() == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2027, 3, 29), [(utc(2027, 3, 28, 15, 0), "2027-03-28 17:00 CEST", P, A)]),
        (date(2027, 3, 28), [(utc(2027, 3, 27, 16, 0), "2027-03-27 17:00 CET", P, A)]),
        (date(2027, 11, 1), [(utc(2027, 10, 31, 16, 0), "2027-10-31 17:00 CET", P, A)]),
        (date(2027, 10, 31), [(utc(2027, 10, 30, 15, 0), "2027-10-30 17:00 CEST", P, A)]),
    ],
)
def test_placement_start_reminder_is_the_local_day_before_across_dst(youth, start, expected):
    assert build("placement_start", youth, start, now=utc(2027, 3, 1, 9, 0)).due() == expected


@pytest.mark.parametrize(
    ("start", "until", "now", "expected"),
    [
        (
            date(2027, 3, 22),
            date(2027, 4, 9),
            utc(2027, 3, 22, 7, 0),
            [
                (utc(2027, 3, 26, 13, 0), "2027-03-26 14:00 CET", P, A),
                (utc(2027, 4, 2, 12, 0), "2027-04-02 14:00 CEST", P, A),
                (utc(2027, 4, 9, 12, 0), "2027-04-09 14:00 CEST", P, A),
            ],
        ),
        (
            date(2027, 10, 25),
            date(2027, 11, 12),
            utc(2027, 10, 25, 7, 0),
            [
                (utc(2027, 10, 29, 12, 0), "2027-10-29 14:00 CEST", P, A),
                (utc(2027, 11, 5, 13, 0), "2027-11-05 14:00 CET", P, A),
                (utc(2027, 11, 12, 13, 0), "2027-11-12 14:00 CET", P, A),
            ],
        ),
    ],
    ids=["spring", "autumn"],
)
def test_checkin_stays_friday_14_local_across_dst(youth, start, until, now, expected):
    assert build("checkin", youth, start, now=now, until=until).due() == expected


# A meeting in the small hours around the change: "2 hours before" is two real hours, whatever
# the clock on the wall did. First without quiet hours (a municipality whose start equals its
# end has none), to see the arithmetic; then with the defaults, where every one of them falls in
# the night and the meeting begins before 08:00, so it is skipped.
SMALL_HOURS = [
    # 02:30 does not exist on 28 March: a meeting planned then is at 03:30 CEST (01:30Z).
    (
        local_datetime(date(2027, 3, 28), time(2, 30), CPH),
        utc(2027, 3, 27, 23, 30),
        "2027-03-28 00:30 CET",
    ),
    (utc(2027, 3, 28, 1, 30), utc(2027, 3, 27, 23, 30), "2027-03-28 00:30 CET"),
    # 03:30 CEST, the first half hour of summer time after the gap's end.
    (utc(2027, 3, 28, 2, 0), utc(2027, 3, 28, 0, 0), "2027-03-28 01:00 CET"),
    # 02:30 happens twice on 31 October: the first (CEST) and the second (CET).
    (utc(2027, 10, 31, 0, 30), utc(2027, 10, 30, 22, 30), "2027-10-31 00:30 CEST"),
    (utc(2027, 10, 31, 1, 30), utc(2027, 10, 30, 23, 30), "2027-10-31 01:30 CEST"),
    # 03:30 CET: two real hours before is 02:30 CEST, the first run of the repeated hour.
    (utc(2027, 10, 31, 2, 30), utc(2027, 10, 31, 0, 30), "2027-10-31 02:30 CEST"),
]


@pytest.mark.parametrize("rule", TIMED)
@pytest.mark.parametrize(("starts_at", "due_utc", "due_local"), SMALL_HOURS)
def test_two_hours_before_a_small_hours_meeting_around_the_change(
    youth, municipality, rule, starts_at, due_utc, due_local
):
    assert starts_at - due_utc == timedelta(hours=2)
    set_rules(municipality, **{rule: [{"hours_before": 2}]})
    set_quiet_hours(municipality, time(0, 0), time(0, 0))
    scene = build(rule, youth, starts_at, now=utc(2027, 3, 1, 9, 0))
    assert scene.due() == [(due_utc, due_local, P, A)]

    # With the default quiet hours the reminder would wait for 08:00, after the meeting.
    set_quiet_hours(municipality, time(21, 0), time(8, 0))
    scene.sync(utc(2027, 3, 1, 9, 0))
    [row] = scene.rows()
    assert (row.status, row.last_error) == (Q, "quiet hours")
    assert row.due_at > starts_at
    assert to_local(row.due_at, CPH).time() == time(8, 0)


@pytest.mark.parametrize(
    ("meeting_at", "planned", "expected_spring_local"),
    [
        (time(2, 30), utc(2027, 3, 28, 1, 30), "2027-03-28 03:30 CEST"),
        (time(3, 30), utc(2027, 3, 28, 1, 30), "2027-03-28 03:30 CEST"),
    ],
)
def test_a_weekly_small_hours_meeting_on_the_spring_night_is_planned_after_the_gap(
    meeting_at, planned, expected_spring_local
):
    # 02:30 and 03:30 both land on 03:30 CEST that night: the schedule's meeting, and so its
    # reminders, are timed from that one real moment.
    moment = local_datetime(date(2027, 3, 28), meeting_at, CPH).astimezone(UTC)
    assert (moment, local_str(moment)) == (planned, expected_spring_local)


# --- 4. quiet hours -------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", TIMED)
@pytest.mark.parametrize(
    ("starts_local", "expected"),
    [
        # 2 h before 09:00 is 07:00: moved to 08:00, still before the meeting.
        (
            (9, 0),
            [
                (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
                (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A),
            ],
        ),
        # 2 h before 07:30 is 05:30: 08:00 would be after the start, so it is skipped.
        (
            (7, 30),
            [
                (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
                (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", Q, "quiet hours"),
            ],
        ),
        # Exactly 08:00: a reminder at the start is no reminder.
        (
            (8, 0),
            [
                (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
                (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", Q, "quiet hours"),
            ],
        ),
        # 2 h before 22:30 is 20:30, just before the quiet hours begin.
        (
            (22, 30),
            [
                (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
                (utc(2027, 1, 13, 19, 30), "2027-01-13 20:30 CET", P, A),
            ],
        ),
        # 2 h before 23:00 is 21:00, the first minute of the quiet hours: 08:00 is too late.
        (
            (23, 0),
            [
                (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
                (utc(2027, 1, 14, 7, 0), "2027-01-14 08:00 CET", Q, "quiet hours"),
            ],
        ),
    ],
)
def test_a_reminder_in_quiet_hours_waits_for_08_or_is_skipped(youth, rule, starts_local, expected):
    starts_at = local_datetime(date(2027, 1, 13), time(*starts_local), CPH).astimezone(UTC)
    assert build(rule, youth, starts_at, now=WINTER_NOW).due() == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # The evening before at 22:00 waits for 08:00 on the first day: that is the start.
        (
            [{"days_before": 1, "at": "22:00"}],
            [(utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", Q, "quiet hours")],
        ),
        # Two evenings before at 22:00 waits for 08:00 the day before: still useful.
        (
            [{"days_before": 2, "at": "22:00"}],
            [(utc(2027, 1, 12, 7, 0), "2027-01-12 08:00 CET", P, A)],
        ),
        # One hour before the 08:00 start is 07:00: skipped.
        (
            [{"hours_before": 1}],
            [(utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", Q, "quiet hours")],
        ),
    ],
)
def test_placement_start_reminder_in_quiet_hours(youth, municipality, rules, expected):
    set_rules(municipality, placement_start=rules)
    assert build("placement_start", youth, date(2027, 1, 13), now=WINTER_NOW).due() == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # Friday 22:00 → Saturday 08:00, still in the week the prompt asks about.
        (
            {"weekday": 4, "at": "22:00", "weeks_ahead": 1},
            [(utc(2027, 1, 16, 7, 0), "2027-01-16 08:00 CET", P, A)],
        ),
        # Sunday 22:00 → Monday 08:00: an answer then counts for the new week, so it is skipped.
        (
            {"weekday": 6, "at": "22:00", "weeks_ahead": 1},
            [(utc(2027, 1, 18, 7, 0), "2027-01-18 08:00 CET", Q, "quiet hours")],
        ),
    ],
)
def test_checkin_prompt_in_quiet_hours(youth, municipality, rule, expected):
    set_rules(municipality, checkin=rule)
    scene = build("checkin", youth, date(2027, 1, 11), now=utc(2027, 1, 11, 7, 0))
    assert scene.due() == expected


@pytest.mark.parametrize(
    ("starts_at", "expected"),
    [
        # Spring: the night is an hour shorter; 2 h before 09:00 CEST is 06:00 CEST → 08:00 CEST.
        (utc(2027, 3, 28, 7, 0), (utc(2027, 3, 28, 6, 0), "2027-03-28 08:00 CEST", P, A)),
        # Autumn: an hour longer; 2 h before 09:00 CET is 07:00 CET → 08:00 CET.
        (utc(2027, 10, 31, 8, 0), (utc(2027, 10, 31, 7, 0), "2027-10-31 08:00 CET", P, A)),
    ],
)
def test_quiet_hours_end_at_08_local_on_the_change_days(youth, municipality, starts_at, expected):
    set_rules(municipality, meeting=[{"hours_before": 2}])
    assert build("meeting", youth, starts_at, now=utc(2027, 3, 1, 9, 0)).due() == [expected]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # 22:30 the evening before a change → 08:00 on the change day, in that day's offset.
        (utc(2027, 3, 27, 21, 30), utc(2027, 3, 28, 6, 0)),
        (utc(2027, 10, 30, 20, 30), utc(2027, 10, 31, 7, 0)),
        # Inside the night itself, on either side of the change.
        (utc(2027, 3, 28, 0, 59), utc(2027, 3, 28, 6, 0)),  # 01:59 CET
        (utc(2027, 3, 28, 1, 0), utc(2027, 3, 28, 6, 0)),  # 03:00 CEST
        (utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 7, 0)),  # 02:30 CEST
        (utc(2027, 10, 31, 1, 30), utc(2027, 10, 31, 7, 0)),  # 02:30 CET
    ],
)
def test_quiet_hours_adjust_across_the_change_night(municipality, due, expected):
    assert quiet_hours_adjust(due_at=due, municipality=municipality) == expected
    assert to_local(expected, CPH).time() == time(8, 0)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # Quiet hours ending at 02:30, inside the repeated hour of 31 October 2027.
        (utc(2027, 10, 31, 0, 10), utc(2027, 10, 31, 0, 30)),  # 02:10 CEST → 02:30 CEST
        (utc(2027, 10, 31, 1, 10), utc(2027, 10, 31, 1, 30)),  # 02:10 CET → 02:30 CET
        (utc(2027, 10, 30, 21, 0), utc(2027, 10, 31, 0, 30)),  # 23:00 CEST → the first 02:30
    ],
)
def test_quiet_hours_ending_in_the_repeated_hour_never_move_a_message_earlier(
    municipality, due, expected
):
    set_quiet_hours(municipality, time(21, 0), time(2, 30))
    moved = quiet_hours_adjust(due_at=due, municipality=municipality)
    assert moved == expected
    assert moved >= due


@pytest.mark.parametrize(
    ("starts_local", "expected"),
    [
        # The municipality's own quiet hours, 22:00–07:00.
        ((9, 0), (utc(2027, 1, 13, 6, 0), "2027-01-13 07:00 CET", P, A)),  # 07:00: just outside
        ((8, 30), (utc(2027, 1, 13, 6, 0), "2027-01-13 07:00 CET", P, A)),  # 06:30 → 07:00
        ((23, 30), (utc(2027, 1, 13, 20, 30), "2027-01-13 21:30 CET", P, A)),  # before 22:00
        ((7, 0), (utc(2027, 1, 13, 6, 0), "2027-01-13 07:00 CET", Q, "quiet hours")),
    ],
)
def test_a_municipalitys_own_quiet_hours(youth, municipality, starts_local, expected):
    set_quiet_hours(municipality, time(22, 0), time(7, 0))
    set_rules(municipality, meeting=[{"hours_before": 2}])
    starts_at = local_datetime(date(2027, 1, 13), time(*starts_local), CPH).astimezone(UTC)
    assert build("meeting", youth, starts_at, now=WINTER_NOW).due() == [expected]


def test_two_rules_pushed_to_the_same_morning_send_one_reminder(youth, municipality):
    # Quiet from 16:00: the day-before 17:00 and the 2-hours-before 07:30 both wait for 08:00.
    set_quiet_hours(municipality, time(16, 0), time(8, 0))
    starts_at = utc(2027, 1, 13, 8, 30)  # 09:30 CET
    scene = build("meeting", youth, starts_at, now=WINTER_NOW)
    assert scene.due() == [(utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A)]
    assert scene.rows()[0].dedupe_key.endswith(":d1@17:00")


DEMANDING = {
    # Late evenings and small hours, so that many reminders meet the quiet hours.
    "timed": [{"days_before": 1, "at": "21:30"}, {"hours_before": 2}, {"hours_before": 9}],
    "placement_start": [
        {"days_before": 2, "at": "21:30"},
        {"days_before": 1, "at": "22:00"},
        {"hours_before": 9},
    ],
    "checkin": {"weekday": 5, "at": "23:30", "weeks_ahead": 3},
}


@pytest.mark.parametrize("rule", [*TIMED, "placement_start", "checkin"])
def test_no_pending_reminder_of_any_rule_is_ever_inside_quiet_hours(municipality, rule):
    """Every half hour of both change days and an ordinary day, with demanding lead times."""
    set_rules(municipality, **{rule: DEMANDING.get(rule, DEMANDING["timed"])})
    now = utc(2027, 1, 1, 9, 0)
    youth = f.YouthFactory(municipality=municipality)
    for day in (date(2027, 1, 13), date(2027, 3, 28), date(2027, 10, 31)):
        if rule in TIMED:
            starts = [
                local_datetime(day, time(h, m), CPH).astimezone(UTC)
                for h in range(24)
                for m in (0, 30)
            ]
        else:
            starts = [day]
        for when in starts:
            if rule == "checkin":  # one active placement per youth
                youth = f.YouthFactory(municipality=municipality)
            build(rule, youth, when, now=now, until=day + timedelta(weeks=3))
    rows = OutboxMessage.objects.filter(kind=KIND[rule])
    assert rows.filter(status=P).exists()
    for row in rows.filter(status=P):
        clock = to_local(row.due_at, CPH).time()
        assert time(8, 0) <= clock < time(21, 0), (row.dedupe_key, local_str(row.due_at))
        assert row.expires_at is None or row.due_at < row.expires_at
    for row in rows.filter(status=Q):
        assert row.last_error == "quiet hours"
        assert row.due_at >= row.expires_at


# --- 5. reminders off, then on --------------------------------------------------------------------


@pytest.mark.parametrize("rule", [*TIMED, "placement_start", "checkin"])
def test_turning_reminders_off_cancels_each_rule_and_on_brings_back_the_same_rows(youth, rule):
    from domain.services.youth import youth_set_preferences

    when = date(2027, 1, 13) if rule in ("placement_start", "checkin") else WINTER_AT
    with time_machine.travel(utc(2027, 1, 11, 7, 0), tick=False):
        scene = build(rule, youth, when, now=utc(2027, 1, 11, 7, 0), until=date(2027, 1, 29))
        before = [(r.pk, r.dedupe_key, r.due_at) for r in scene.rows(P)]
        assert before

        youth_set_preferences(youth=youth, actor=youth, reminders_enabled=False)
        assert scene.rows(P) == []
        assert len(scene.rows(Status.CANCELLED)) == len(before)

        youth_set_preferences(youth=youth, actor=youth, reminders_enabled=True)
        assert [(r.pk, r.dedupe_key, r.due_at) for r in scene.rows(P)] == before
    assert OutboxMessage.objects.filter(recipient=youth, kind=KIND[rule]).count() == len(before)


def test_reminders_turned_back_on_after_a_moment_passed_skip_it_as_past(youth):
    from domain.services.youth import youth_set_preferences

    scene = build("meeting", youth, WINTER_AT, now=WINTER_NOW)
    youth_set_preferences(youth=youth, actor=youth, reminders_enabled=False, now=WINTER_NOW)
    # On again on the evening before at 19:00: the 17:00 reminder is past, 08:00 is not.
    youth_set_preferences(
        youth=youth, actor=youth, reminders_enabled=True, now=utc(2027, 1, 12, 18, 0)
    )
    assert scene.due() == [
        (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", Q, "already past"),
        (utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A),
    ]


# --- 6. moving ------------------------------------------------------------------------------------


@pytest.fixture
def members(municipality, youth, consultant):
    group = f.GroupFactory(municipality=municipality)
    group.facilitators.set([consultant])
    youth.group = group
    youth.save(update_fields=["group"])
    return [youth, f.YouthFactory(municipality=municipality, group=group)]


@pytest.fixture
def meeting(members):
    meeting = f.MeetingFactory(group=members[0].group, starts_at=WINTER_AT, place="Ungehuset")
    reminders_sync_meeting(meeting, now=WINTER_NOW)
    return meeting


def meeting_rows(meeting, kind=Kind.MEETING_REMINDER, *statuses):
    rows = OutboxMessage.objects.filter(OutboxMessage.subject_filter(meeting), kind=kind)
    if statuses:
        rows = rows.filter(status__in=statuses)
    return rows.order_by("recipient_id", "due_at")


def test_moving_a_meeting_re_times_its_reminders_in_local_time(meeting, members, consultant):
    from domain.services.meetings import meeting_move

    # Wednesday 10:00 → Monday 29 March 10:00, after the spring change.
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=SPRING_MONDAY_10, now=WINTER_NOW)
    pending = [
        (r.recipient_id, r.due_at, local_str(r.due_at))
        for r in meeting_rows(meeting, Kind.MEETING_REMINDER, P)
    ]
    assert pending == [
        (y.pk, due, shown)
        for y in members
        for due, shown in [
            (utc(2027, 3, 28, 15, 0), "2027-03-28 17:00 CEST"),
            (utc(2027, 3, 29, 6, 0), "2027-03-29 08:00 CEST"),
        ]
    ]
    assert meeting_rows(meeting, Kind.MEETING_REMINDER, Status.CANCELLED).count() == 4
    moved = meeting_rows(meeting, Kind.MEETING_MOVED)
    assert [(m.recipient_id, m.status) for m in moved] == [(y.pk, P) for y in members]
    assert {(m.payload["old_starts_at"], m.payload["starts_at"]) for m in moved} == {
        (WINTER_AT.isoformat(), SPRING_MONDAY_10.isoformat())
    }


def test_a_meeting_moved_to_a_time_typed_in_local_time_keeps_real_hours_across_the_change(
    meeting, members, consultant
):
    """The portal passes the consultant's local time as it was typed (in the municipality's
    zone): two hours before 03:30 CEST on the spring night is 00:30 CET, and a two-hour
    meeting from 01:30 CET ends at 04:30 CEST."""
    from domain.services.meetings import meeting_move

    set_rules(members[0].municipality, meeting=[{"hours_before": 2}])
    set_quiet_hours(members[0].municipality, time(0, 0), time(0, 0))
    typed = datetime(2027, 3, 28, 3, 30, tzinfo=ZoneInfo(CPH))
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=typed, now=WINTER_NOW)
    [due] = {r.due_at for r in meeting_rows(meeting, Kind.MEETING_REMINDER, P)}
    assert (due, local_str(due)) == (utc(2027, 3, 27, 23, 30), "2027-03-28 00:30 CET")

    early = datetime(2027, 3, 28, 1, 30, tzinfo=ZoneInfo(CPH))
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=early, now=WINTER_NOW)
    meeting.refresh_from_db()
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)
    assert local_str(meeting.ends_at) == "2027-03-28 04:30 CEST"


def test_a_meeting_moved_twice_before_the_news_went_out_sends_one_moved_message(
    meeting, members, consultant
):
    from domain.services.meetings import meeting_move

    first, second = WINTER_AT + timedelta(days=1), WINTER_AT + timedelta(days=2)
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=first, now=WINTER_NOW)
    meeting_move(
        meeting=meeting,
        actor=consultant.user,
        starts_at=second,
        place="Biblioteket",
        now=WINTER_NOW + timedelta(minutes=1),
    )
    pending = meeting_rows(meeting, Kind.MEETING_MOVED, P)
    assert [m.recipient_id for m in pending] == [y.pk for y in members]
    assert {
        (
            m.payload["old_starts_at"],
            m.payload["old_place"],
            m.payload["starts_at"],
            m.payload["place"],
        )
        for m in pending
    } == {(WINTER_AT.isoformat(), "Ungehuset", second.isoformat(), "Biblioteket")}
    superseded = meeting_rows(meeting, Kind.MEETING_MOVED, Status.CANCELLED)
    assert [(m.recipient_id, m.last_error) for m in superseded] == [
        (y.pk, "superseded") for y in members
    ]
    # Reminders only for the last time.
    assert {r.due_at for r in meeting_rows(meeting, Kind.MEETING_REMINDER, P)} == {
        utc(2027, 1, 14, 16, 0),
        second - timedelta(hours=2),
    }


def test_a_second_move_after_the_first_was_sent_is_news_again(meeting, members, consultant):
    from domain.services.meetings import meeting_move

    first, second = WINTER_AT + timedelta(days=1), WINTER_AT + timedelta(days=2)
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=first, now=WINTER_NOW)
    meeting_rows(meeting, Kind.MEETING_MOVED).update(status=Status.SENT)
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=second, now=WINTER_NOW)
    news = meeting_rows(meeting, Kind.MEETING_MOVED).filter(recipient=members[0]).order_by("pk")
    assert [(m.status, m.payload["old_starts_at"], m.payload["starts_at"]) for m in news] == [
        (Status.SENT, WINTER_AT.isoformat(), first.isoformat()),
        (P, first.isoformat(), second.isoformat()),
    ]


def test_a_move_a_worker_is_already_sending_is_not_withdrawn(meeting, members, consultant):
    from domain.services.meetings import meeting_move

    first, second = WINTER_AT + timedelta(days=1), WINTER_AT + timedelta(days=2)
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=first, now=WINTER_NOW)
    meeting_rows(meeting, Kind.MEETING_MOVED).update(
        claimed_until=WINTER_NOW + timedelta(minutes=2), claimed_by="worker-1"
    )
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=second, now=WINTER_NOW)
    news = meeting_rows(meeting, Kind.MEETING_MOVED).filter(recipient=members[0]).order_by("pk")
    assert [(m.status, m.payload["old_starts_at"]) for m in news] == [
        (P, WINTER_AT.isoformat()),
        (P, first.isoformat()),
    ]


def test_a_meeting_moved_back_before_the_news_went_out_tells_nothing(meeting, members, consultant):
    from domain.services.meetings import meeting_move

    before = {r.dedupe_key for r in meeting_rows(meeting, Kind.MEETING_REMINDER, P)}
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=WINTER_AT + timedelta(hours=1))
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=WINTER_AT)
    assert not meeting_rows(meeting, Kind.MEETING_MOVED, P).exists()
    # Back at the original time, the original reminder rows are pending again.
    assert {r.dedupe_key for r in meeting_rows(meeting, Kind.MEETING_REMINDER, P)} == before


def test_moving_an_event_re_times_the_signups_reminders(youth, municipality, consultant):
    from domain.services.events import event_update

    scene = build("event", youth, WINTER_AT, now=WINTER_NOW)
    event_update(
        event=scene.subject.event,
        actor=consultant.user,
        starts_at=AUTUMN_MONDAY_10,
        ends_at=AUTUMN_MONDAY_10 + timedelta(hours=3),
        now=WINTER_NOW,
    )
    assert scene.due(P) == [
        (utc(2027, 10, 31, 16, 0), "2027-10-31 17:00 CET", P, A),
        (utc(2027, 11, 1, 7, 0), "2027-11-01 08:00 CET", P, A),
    ]
    assert len(scene.rows(Status.CANCELLED)) == 2


def test_moving_the_intro_meeting_twice_before_the_news_went_out_tells_once(youth, company_member):
    from domain.services.interests import interest_accept, interest_move_intro

    interest = f.InterestFactory(youth=youth, slot__company=company_member.company)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=WINTER_AT,
        intro_meeting_place="Algade 1",
        now=WINTER_NOW,
    )
    OutboxMessage.objects.filter(kind=Kind.INTEREST_ACCEPTED).update(status=Status.SENT)
    scene = Scene("intro", interest, youth)
    for minutes, at in enumerate([SPRING_MONDAY_10, SPRING_SUNDAY_10]):
        interest_move_intro(
            interest=interest,
            actor=company_member.user,
            intro_meeting_at=at,
            now=WINTER_NOW + timedelta(minutes=minutes),
        )
    assert scene.due(P) == [
        (utc(2027, 3, 27, 16, 0), "2027-03-27 17:00 CET", P, A),
        (utc(2027, 3, 28, 6, 0), "2027-03-28 08:00 CEST", P, A),
    ]
    moved = OutboxMessage.objects.filter(kind=Kind.INTEREST_ACCEPTED, status=P)
    assert [
        (m.payload["previous_intro_meeting_at"], m.payload["intro_meeting_at"]) for m in moved
    ] == [(WINTER_AT.isoformat(), SPRING_SUNDAY_10.isoformat())]
    # Moving it to where it already is says nothing.
    count = OutboxMessage.objects.count()
    interest_move_intro(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=SPRING_SUNDAY_10,
        now=WINTER_NOW,
    )
    assert OutboxMessage.objects.count() == count


# --- 7. cancelling --------------------------------------------------------------------------------


def test_cancelling_a_meeting_cancels_its_reminders_and_sends_one_cancelled_message(
    meeting, members, consultant
):
    from domain.services.meetings import meeting_cancel

    meeting_cancel(meeting=meeting, actor=consultant.user, reason="Sygdom", now=WINTER_NOW)
    assert not meeting_rows(meeting, Kind.MEETING_REMINDER, P).exists()
    assert meeting_rows(meeting, Kind.MEETING_REMINDER, Status.CANCELLED).count() == 4
    told = meeting_rows(meeting, Kind.MEETING_CANCELLED)
    assert [(m.recipient_id, m.status, m.due_at) for m in told] == [
        (y.pk, P, WINTER_NOW) for y in members
    ]
    assert {m.payload["starts_at"] for m in told} == {WINTER_AT.isoformat()}

    # A second call is refused and tells nobody again; a re-sync brings nothing back.
    with pytest.raises(DomainError) as err:
        meeting_cancel(meeting=meeting, actor=consultant.user, now=WINTER_NOW)
    assert err.value.code == "invalid_state"
    meeting.refresh_from_db()
    reminders_sync_meeting(meeting, now=WINTER_NOW)
    for youth in members:
        reminders_sync_youth(youth, now=WINTER_NOW)
    assert meeting_rows(meeting, Kind.MEETING_CANCELLED).count() == len(members)
    assert not meeting_rows(meeting, Kind.MEETING_REMINDER, P).exists()


def test_cancelling_after_an_untold_move_withdraws_it_and_names_the_time_the_youth_knows(
    meeting, members, consultant
):
    from domain.services.meetings import meeting_cancel, meeting_move

    meeting_move(meeting=meeting, actor=consultant.user, starts_at=WINTER_AT + timedelta(days=1))
    meeting_cancel(meeting=meeting, actor=consultant.user)
    assert not meeting_rows(meeting, Kind.MEETING_MOVED, P).exists()
    told = meeting_rows(meeting, Kind.MEETING_CANCELLED, P)
    assert [m.recipient_id for m in told] == [y.pk for y in members]
    assert {(m.payload["starts_at"], m.expires_at) for m in told} == {
        (WINTER_AT.isoformat(), WINTER_AT)
    }


def test_a_cancellation_in_the_night_for_an_early_meeting_is_skipped_not_sent_after_it(
    members, consultant
):
    from domain.services.meetings import meeting_cancel

    starts_at = utc(2027, 1, 13, 6, 30)  # 07:30 CET
    meeting = f.MeetingFactory(group=members[0].group, starts_at=starts_at)
    meeting_cancel(meeting=meeting, actor=consultant.user, now=utc(2027, 1, 12, 22, 0))
    told = meeting_rows(meeting, Kind.MEETING_CANCELLED)
    assert {(m.status, m.last_error, local_str(m.due_at)) for m in told} == {
        (Q, "quiet hours", "2027-01-13 08:00 CET")
    }


def test_ending_a_group_withdraws_untold_moves_and_tells_each_member_once(members, consultant):
    from domain.services.groups import group_deactivate
    from domain.services.meetings import meeting_move

    group = members[0].group
    coming = [
        f.MeetingFactory(group=group, starts_at=WINTER_AT + timedelta(weeks=w)) for w in range(3)
    ]
    meeting_move(
        meeting=coming[2],
        actor=consultant.user,
        starts_at=coming[2].starts_at + timedelta(hours=1),
        now=WINTER_NOW,
    )
    group_deactivate(group=group, actor=consultant.user, now=WINTER_NOW)
    pending = OutboxMessage.objects.filter(status=P).order_by("recipient_id")
    assert [(m.recipient_id, m.kind, m.object_id) for m in pending] == [
        (y.pk, Kind.MEETING_CANCELLED, coming[0].pk) for y in members
    ]


def test_cancelling_an_event_cancels_reminders_and_tells_once(youth, consultant):
    from domain.services.events import event_cancel

    scene = build("event", youth, WINTER_AT, now=WINTER_NOW)
    event = scene.subject.event
    event_cancel(event=event, actor=consultant.user, now=WINTER_NOW)
    assert scene.rows(P) == []
    assert len(scene.rows(Status.CANCELLED)) == 2
    with pytest.raises(DomainError):
        event_cancel(event=event, actor=consultant.user, now=WINTER_NOW)
    reminders_sync_youth(youth, now=WINTER_NOW)
    assert scene.rows(P) == []
    assert OutboxMessage.objects.filter(kind=Kind.EVENT_CANCELLED, recipient=youth).count() == 1


# --- 8. leaving the group, pausing, leaving the programme -----------------------------------------


def test_leaving_the_group_stops_its_reminders_and_its_untold_news(meeting, members, consultant):
    from domain.services.groups import group_member_remove
    from domain.services.meetings import meeting_move

    leaver, stays = members
    meeting_move(
        meeting=meeting,
        actor=consultant.user,
        starts_at=WINTER_AT + timedelta(hours=1),
        now=WINTER_NOW,
    )
    group_member_remove(group=meeting.group, youth=leaver, actor=consultant.user, now=WINTER_NOW)
    assert not OutboxMessage.objects.filter(recipient=leaver, status=P).exists()
    assert {
        (m.kind, m.status) for m in OutboxMessage.objects.filter(recipient=stays, status=P)
    } == {
        (Kind.MEETING_REMINDER, P),
        (Kind.MEETING_MOVED, P),
    }
    # Syncing the meeting again does not bring the leaver back.
    reminders_sync_meeting(meeting, now=WINTER_NOW)
    assert not OutboxMessage.objects.filter(recipient=leaver, status=P).exists()


def test_a_paused_youth_gets_no_meeting_reminders_until_resumed(meeting, members, consultant):
    from domain.services.youth import youth_pause, youth_resume

    youth = members[0]
    keys = sorted(r.dedupe_key for r in meeting_rows(meeting).filter(recipient=youth, status=P))
    youth_pause(youth=youth, actor=consultant.user, now=WINTER_NOW)
    assert not meeting_rows(meeting).filter(recipient=youth, status=P).exists()
    youth_resume(youth=youth, actor=consultant.user, now=WINTER_NOW)
    assert (
        sorted(r.dedupe_key for r in meeting_rows(meeting).filter(recipient=youth, status=P))
        == keys
    )


def test_a_youth_who_leaves_the_programme_gets_no_reminder_of_any_rule(youth, consultant):
    from domain.services.youth import youth_leave

    with time_machine.travel(utc(2027, 1, 11, 7, 0), tick=False):
        now = utc(2027, 1, 11, 7, 0)
        for rule in TIMED:
            build(rule, youth, WINTER_AT, now=now)
        build("checkin", youth, date(2027, 1, 11), now=now, until=date(2027, 1, 29))
        assert OutboxMessage.objects.filter(recipient=youth, status=P).count() == 9
        youth_leave(youth=youth, actor=consultant.user, destination="unknown")
        reminders_sync_youth(Youth.objects.get(pk=youth.pk), now=now)
    # Only the offer to ask again later waits (tests/domain/services/test_followups.py).
    waiting = OutboxMessage.objects.filter(recipient=youth, status=P)
    assert list(waiting.values_list("kind", flat=True)) == [OutboxMessage.Kind.FOLLOWUP_INVITE]


# --- 9. sign-ups: waitlist, promotion, cancelling -------------------------------------------------


@pytest.fixture
def full_event(municipality):
    return f.EventFactory(
        municipality=municipality,
        starts_at=WINTER_AT,
        signup_deadline=WINTER_AT - timedelta(days=1),
        youth_capacity=1,
    )


def test_a_waitlisted_youth_has_no_reminders_until_promoted_then_exact_ones(
    full_event, youth, municipality
):
    from domain.services.signups import youth_signup, youth_signup_cancel

    first = f.YouthFactory(municipality=municipality)
    seated = youth_signup(event=full_event, youth=first, actor=first, now=WINTER_NOW)
    waiting = youth_signup(event=full_event, youth=youth, actor=youth, now=WINTER_NOW)
    assert waiting.status == YouthSignup.Status.WAITLISTED
    scene = Scene("event", waiting, youth)
    assert scene.rows() == []

    youth_signup_cancel(signup=seated, actor=first, now=WINTER_NOW)
    assert scene.due() == DAY_BEFORE_AND_TWO_HOURS
    assert not OutboxMessage.objects.filter(
        recipient=first, kind=Kind.EVENT_REMINDER, status=P
    ).exists()
    assert OutboxMessage.objects.filter(recipient=youth, kind=Kind.WAITLIST_PROMOTED).count() == 1


def test_cancelling_the_signup_cancels_its_reminders(full_event, youth):
    from domain.services.signups import youth_signup, youth_signup_cancel

    signup = youth_signup(event=full_event, youth=youth, actor=youth, now=WINTER_NOW)
    scene = Scene("event", signup, youth)
    assert len(scene.rows(P)) == 2
    youth_signup_cancel(signup=signup, actor=youth, now=WINTER_NOW)
    assert scene.rows(P) == []
    reminders_sync_youth(youth, now=WINTER_NOW)
    assert scene.rows(P) == []


# --- 10. placements: the start reminder and the check-in prompt stop with the placement -----------


@pytest.mark.parametrize("ending", ["complete", "end_early", "switch"])
def test_checkin_prompts_stop_when_the_placement_ends_or_is_switched(youth, company_member, ending):
    from domain.services.placements import (
        placement_complete,
        placement_end_early,
        placement_switch,
    )

    now = utc(2027, 1, 11, 7, 0)
    with time_machine.travel(now, tick=False):
        scene = build("checkin", youth, date(2027, 1, 11), now=now, until=date(2027, 1, 29))
        assert len(scene.rows(P)) == 3
        placement = scene.subject
        if ending == "complete":
            placement_complete(placement=placement, actor=None, now=now)
        elif ending == "end_early":
            placement_end_early(placement=placement, actor=youth, reason="Flytter", now=now)
        else:
            other = f.AcceptedInterestFactory(youth=youth, slot__earliest_start=date(2027, 1, 1))
            placement_switch(
                placement=placement,
                to_interest=other,
                actor=youth,
                hours_per_week=15,
                start_date=date(2027, 1, 18),
                now=now,
            )
    assert scene.rows(P) == []
    assert len(scene.rows(Status.CANCELLED)) == 3


def test_withdrawing_an_approved_placement_cancels_its_start_reminder(youth):
    from domain.services.placements import placement_withdraw

    scene = build("placement_start", youth, date(2027, 1, 13), now=WINTER_NOW)
    assert len(scene.rows(P)) == 1
    placement_withdraw(placement=scene.subject, actor=youth, now=WINTER_NOW)
    assert scene.rows(P) == []


def test_starting_the_placement_swaps_the_start_reminder_for_checkin_prompts(youth):
    from domain.services.placements import placement_start

    start = build("placement_start", youth, date(2027, 1, 11), now=WINTER_NOW)
    placement_start(placement=start.subject, actor=None, now=utc(2027, 1, 11, 6, 0))
    assert start.rows(P) == []
    checkin = Scene("checkin", start.subject, youth)
    assert [shown for _, shown, *_ in checkin.due(P)] == [
        "2027-01-15 14:00 CET",
        "2027-01-22 14:00 CET",
        "2027-01-29 14:00 CET",
        "2027-02-05 14:00 CET",
    ]


# --- 11. idempotency ------------------------------------------------------------------------------


def outbox_state() -> list[tuple]:
    return list(
        OutboxMessage.objects.order_by("pk").values_list(
            "pk", "dedupe_key", "status", "due_at", "expires_at", "last_error"
        )
    )


def test_syncing_twice_and_housekeeping_twice_change_nothing(
    youth, municipality, consultant, settings
):
    from domain.services.groups import schedule_add
    from domain.services.housekeeping import housekeeping_run

    settings.NEXTWORK_MEETING_HORIZON_WEEKS = 3
    now = utc(2027, 3, 22, 7, 0)  # Monday before the spring change
    with time_machine.travel(now, tick=False):
        group = f.GroupFactory(municipality=municipality)
        youth.group = group
        youth.save(update_fields=["group"])
        schedule_add(
            group=group,
            actor=consultant.user,
            weekday=0,
            start_time=time(10, 0),
            place="Ungehuset",
            starts_on=date(2027, 3, 22),
            now=now,
        )
        scenes = [
            build("event", youth, SPRING_MONDAY_10, now=now),
            build("intro", youth, SPRING_SUNDAY_10, now=now),
            build("placement_start", youth, date(2027, 3, 29), now=now),
            build("checkin", youth, date(2027, 3, 22), now=now, until=date(2027, 4, 30)),
        ]
        first = outbox_state()
        assert set(OutboxMessage.objects.values_list("kind", flat=True)) == set(KIND.values())

        for _ in range(2):
            for scene in scenes:
                scene.sync(now)
            for meeting in Meeting.objects.all():
                reminders_sync_meeting(meeting, now=now)
            reminders_sync_youth(youth, now=now)
            reminders_sync_municipality(municipality, now=now)
        assert outbox_state() == first

        done = housekeeping_run(now=now)
        assert None not in done.values()
        after_one = outbox_state()
        housekeeping_run(now=now)
        assert outbox_state() == after_one
        assert OutboxMessage.objects.count() == len(after_one)
        # Housekeeping adds no reminder rows the services had not made already.
        assert {row[1] for row in after_one} == {row[1] for row in first}


def test_housekeeping_does_not_cancel_this_weeks_prompt_still_waiting(youth, municipality):
    """Friday 14:00 has passed but the worker has not sent the prompt yet (a minute late, or
    waiting for the end of quiet hours): the periodic re-sync keeps it."""
    from domain.services.reminders import reminders_sync_active_placements

    scene = build(
        "checkin", youth, date(2027, 1, 11), now=utc(2027, 1, 11, 7, 0), until=date(2027, 1, 29)
    )
    reminders_sync_active_placements(now=utc(2027, 1, 15, 13, 2))  # 14:02 CET
    assert scene.due(P)[0] == (utc(2027, 1, 15, 13, 2), "2027-01-15 14:02 CET", P, A)

    set_rules(municipality, checkin={"weekday": 4, "at": "22:00", "weeks_ahead": 2})
    other = f.YouthFactory(municipality=municipality)
    later = build(
        "checkin", other, date(2027, 2, 1), now=utc(2027, 2, 1, 7, 0), until=date(2027, 2, 26)
    )
    reminders_sync_active_placements(now=utc(2027, 2, 5, 22, 0))  # Friday 23:00 CET
    [this_week, *_] = later.due(P)
    assert this_week == (utc(2027, 2, 6, 7, 0), "2027-02-06 08:00 CET", P, A)


def test_a_municipality_that_changes_its_lead_times_gets_its_pending_reminders_re_timed(
    youth, municipality
):
    scene = build("meeting", youth, WINTER_AT, now=WINTER_NOW)
    set_rules(municipality, meeting=[{"hours_before": 5}])
    assert reminders_sync_municipality(municipality, now=WINTER_NOW) == 1
    assert scene.due(P) == [(utc(2027, 1, 13, 7, 0), "2027-01-13 08:00 CET", P, A)]
    [row] = scene.rows(P)
    assert row.dedupe_key.endswith(":h5")
    assert len(scene.rows(Status.CANCELLED)) == 2


def test_a_municipality_that_changes_its_quiet_hours_gets_its_pending_reminders_re_timed(
    youth, municipality
):
    scene = build("meeting", youth, WINTER_AT, now=WINTER_NOW)
    set_quiet_hours(municipality, time(22, 0), time(9, 0))
    reminders_sync_municipality(municipality, now=WINTER_NOW)
    assert scene.due() == [
        (utc(2027, 1, 12, 16, 0), "2027-01-12 17:00 CET", P, A),
        (utc(2027, 1, 13, 8, 0), "2027-01-13 09:00 CET", P, A),
    ]


def test_the_admin_re_syncs_a_municipalitys_reminders_when_its_lead_times_change(
    admin_client, youth, municipality
):
    from django.urls import reverse

    now = datetime.now(UTC)
    starts_at = local_datetime(to_local(now, CPH).date() + timedelta(days=10), time(10), CPH)
    scene = build("meeting", youth, starts_at, now=now)
    assert len(scene.rows(P)) == 2
    url = reverse("admin:portal_municipality_change", args=[municipality.pk])
    response = admin_client.post(
        url,
        {
            "name": municipality.name,
            "slug": municipality.slug,
            "timezone": CPH,
            "reminder_settings": '{"meeting": [{"hours_before": 4}]}',
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
            "answer_reminder_days": 3,
            "answer_alert_days": 5,
            "answer_close_days": 15,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [row] = scene.rows(P)
    assert row.dedupe_key.endswith(":h4")


def test_the_defaults_are_the_ones_domain_md_names():
    assert DEFAULT_RULES == {
        "meeting": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
        "event": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
        "intro": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
        "placement_start": [{"days_before": 1, "at": "17:00"}],
        "checkin": {"weekday": 4, "at": "14:00", "weeks_ahead": 4},
    }
