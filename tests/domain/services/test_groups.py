"""Network groups: creation, members (with the 6–12 warning), schedules, and group selectors."""

from datetime import UTC, date, datetime, time, timedelta
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.exceptions import DomainError
from domain.models import AuditEntry, GroupSchedule, Meeting, NetworkGroup, OutboxMessage, Youth
from domain.selectors.groups import (
    group_get_for_user,
    groups_visible_to_user,
    meeting_get_for_user,
    meeting_get_for_youth,
    meetings_for_youth,
)
from domain.services.groups import (
    group_create,
    group_member_add,
    group_member_remove,
    group_update,
    schedule_add,
    schedule_generate_meetings,
    schedules_extend_all,
)
from domain.services.meetings import attendance_excuse, meeting_cancel, meeting_move
from tests import factories as f
from tests import helpers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # a Sunday, 10:00 in Copenhagen
TODAY = date(2026, 11, 22)
Kind = OutboxMessage.Kind


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(municipality):
    return f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")


MODELS = (
    NetworkGroup,
    (NetworkGroup.facilitators.through, "pk"),
    (Youth, "pk", "group_id"),
    GroupSchedule,
    Meeting,
    (OutboxMessage, "pk", "status", "due_at"),
    (AuditEntry, "pk"),
)
snapshot = partial(helpers.snapshot, *MODELS)


def meeting_at(group, days: int = 3) -> Meeting:
    """A meeting at 17:00 Copenhagen time ``days`` from now."""
    starts = datetime(2026, 11, 22, 16, 0, tzinfo=UTC) + timedelta(days=days)
    return f.MeetingFactory(group=group, starts_at=starts)


def pending_meeting_reminders(youth) -> set[int]:
    return set(
        OutboxMessage.objects.filter(
            recipient=youth, kind=Kind.MEETING_REMINDER, status="pending"
        ).values_list("object_id", flat=True)
    )


# --- create / update ----------------------------------------------------------------------------


def test_group_create_with_facilitators_audits_and_publishes(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    colleague = f.ConsultantFactory(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        group = group_create(
            municipality=municipality,
            actor=consultant.user,
            name="  Onsdagsholdet ",
            facilitator_ids=[consultant.pk, colleague.pk],
        )
    assert group.name == "Onsdagsholdet"
    assert set(group.facilitators.all()) == {consultant, colleague}
    entry = AuditEntry.objects.get(action="group.create")
    assert entry.data == {"facilitator_ids": sorted([consultant.pk, colleague.pk])}
    assert [(e.type, e.data) for e in published] == [
        ("group.created", {"id": group.pk, "municipality_id": municipality.pk})
    ]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("system", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_group_create_permissions(request, municipality, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert group_create(municipality=municipality, actor=actor, name="Gruppe A").pk
    else:
        with pytest.raises(DomainError) as err:
            group_create(municipality=municipality, actor=actor, name="Gruppe A")
        assert err.value.code == "forbidden"
        assert not NetworkGroup.objects.exists()


def test_group_create_refuses_bad_input(municipality, consultant, other_consultant, group):
    cases = [
        ({"name": " "}, "required", "name"),
        ({"name": "x" * 101}, "too_long", "name"),
        ({"name": "tirsdagsgruppen"}, "conflict", "name"),
        (
            {"name": "Ny", "facilitator_ids": [other_consultant.pk]},
            "invalid_facilitators",
            "facilitator_ids",
        ),
    ]
    for kwargs, code, field in cases:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_create(municipality=municipality, actor=consultant.user, **kwargs)
        assert (err.value.code, err.value.field) == (code, field)
        assert snapshot() == before


def test_group_update_renames_and_replaces_facilitators(municipality, consultant, group):
    colleague = f.ConsultantFactory(municipality=municipality)
    group.facilitators.set([consultant])
    group_update(
        group=group, actor=consultant.user, name="Torsdagsgruppen", facilitator_ids=[colleague.pk]
    )
    group.refresh_from_db()
    assert group.name == "Torsdagsgruppen"
    assert list(group.facilitators.all()) == [colleague]
    assert AuditEntry.objects.get(action="group.update").data["fields"] == [
        "name",
        "facilitators",
    ]


def test_group_update_refuses_a_taken_name_and_foreign_facilitators(
    municipality, consultant, other_consultant, group
):
    f.GroupFactory(municipality=municipality, name="Andre")
    for kwargs, code in [
        ({"name": "Andre"}, "conflict"),
        ({"facilitator_ids": [other_consultant.pk]}, "invalid_facilitators"),
    ]:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_update(group=group, actor=consultant.user, **kwargs)
        assert err.value.code == code
        assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_group_update_permissions(request, group, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert group_update(group=group, actor=actor, name="Nyt navn").name == "Nyt navn"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_update(group=group, actor=actor, name="Nyt navn")
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- members ------------------------------------------------------------------------------------


def test_group_member_add_warns_below_six_members_but_adds(
    group, youth, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = group_member_add(group=group, youth=youth, actor=consultant.user)
    youth.refresh_from_db()
    assert youth.group == group
    assert result.size == 1
    assert result.warning is not None
    assert "1" in result.warning
    assert "6" in result.warning
    assert [e.type for e in published] == ["group.member_added"]
    assert AuditEntry.objects.get(action="group.member_add").data == {
        "youth_id": youth.pk,
        "from_group_id": None,
    }


def test_group_member_add_has_no_warning_from_six_to_twelve(group, consultant):
    f.YouthFactory.create_batch(5, municipality=group.municipality, group=group)
    sixth = f.YouthFactory(municipality=group.municipality)
    assert group_member_add(group=group, youth=sixth, actor=consultant.user).warning is None
    f.YouthFactory.create_batch(5, municipality=group.municipality, group=group)
    twelfth = f.YouthFactory(municipality=group.municipality)
    result = group_member_add(group=group, youth=twelfth, actor=consultant.user)
    assert (result.size, result.warning) == (12, None)


def test_group_member_add_warns_above_twelve_members_but_adds(group, consultant):
    f.YouthFactory.create_batch(12, municipality=group.municipality, group=group)
    thirteenth = f.YouthFactory(municipality=group.municipality)
    result = group_member_add(group=group, youth=thirteenth, actor=consultant.user)
    assert result.size == 13
    assert result.warning is not None
    assert "13" in result.warning
    assert group.members.count() == 13


def test_group_member_add_moves_a_youth_and_their_reminders(
    municipality, group, youth, consultant, published, django_capture_on_commit_callbacks
):
    old_meeting = meeting_at(group)
    group_member_add(group=group, youth=youth, actor=consultant.user)
    assert pending_meeting_reminders(youth) == {old_meeting.pk}

    new_group = f.GroupFactory(municipality=municipality)
    new_meeting = meeting_at(new_group, days=4)
    with django_capture_on_commit_callbacks(execute=True):
        group_member_add(group=new_group, youth=youth, actor=consultant.user)

    youth.refresh_from_db()
    assert youth.group == new_group
    assert not group.members.exists()
    assert pending_meeting_reminders(youth) == {new_meeting.pk}
    assert AuditEntry.objects.filter(action="group.member_add").order_by("pk").last().data == {
        "youth_id": youth.pk,
        "from_group_id": group.pk,
    }
    assert [(e.type, e.data["id"]) for e in published if e.type.startswith("group.")] == [
        ("group.member_removed", group.pk),
        ("group.member_added", new_group.pk),
    ]


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_group_member_add_schedules_only_the_new_members_reminders(municipality, group, consultant):
    """Adding one youth re-derives that youth's reminders, not every member's: the others'
    rows are left as they are, and the work does not grow with the group."""
    meetings = [meeting_at(group, days=d) for d in (3, 10)]
    members = f.YouthFactory.create_batch(3, municipality=municipality)
    for member in members:
        group_member_add(group=group, youth=member, actor=consultant.user)
    others = OutboxMessage.objects.filter(recipient__in=members).order_by("pk")
    before = list(others.values_list("pk", "status", "due_at", "updated_at"))
    assert len(before) == 3 * len(meetings) * 2  # each member: the day before, 2 hours before

    newcomer = f.YouthFactory(municipality=municipality)
    small = count_queries(
        lambda: group_member_add(group=group, youth=newcomer, actor=consultant.user)
    )
    assert pending_meeting_reminders(newcomer) == {m.pk for m in meetings}
    assert list(others.values_list("pk", "status", "due_at", "updated_at")) == before

    f.YouthFactory.create_batch(6, municipality=municipality, group=group)
    late = f.YouthFactory(municipality=municipality)
    large = count_queries(lambda: group_member_add(group=group, youth=late, actor=consultant.user))
    assert large == small


def test_group_member_add_refuses_other_municipalitys_youth_members_and_leavers(
    group, youth, other_youth, consultant
):
    group_member_add(group=group, youth=youth, actor=consultant.user)
    leaver = f.YouthFactory(municipality=group.municipality, status="left")
    for who, code in [(other_youth, "not_found"), (youth, "conflict"), (leaver, "invalid_state")]:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_member_add(group=group, youth=who, actor=consultant.user)
        assert err.value.code == code
        assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_group_member_add_permissions(request, group, youth, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert group_member_add(group=group, youth=youth, actor=actor).size == 1
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_member_add(group=group, youth=youth, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


def test_a_youth_leaving_the_group_stops_getting_its_reminders(
    group, youth, consultant, published, django_capture_on_commit_callbacks
):
    meetings = [meeting_at(group, days=d) for d in (3, 10)]
    stays = f.YouthFactory(municipality=group.municipality)
    group_member_add(group=group, youth=youth, actor=consultant.user)
    group_member_add(group=group, youth=stays, actor=consultant.user)
    assert pending_meeting_reminders(youth) == {m.pk for m in meetings}

    with django_capture_on_commit_callbacks(execute=True):
        group_member_remove(group=group, youth=youth, actor=consultant.user)

    youth.refresh_from_db()
    assert youth.group is None
    assert pending_meeting_reminders(youth) == set()
    assert (
        OutboxMessage.objects.filter(
            recipient=youth, kind=Kind.MEETING_REMINDER, status="cancelled"
        ).count()
        == 4
    )
    assert pending_meeting_reminders(stays) == {m.pk for m in meetings}
    assert [e.type for e in published] == ["group.member_removed"]


def test_group_member_remove_refuses_a_non_member(group, youth, other_youth, consultant):
    for who, code in [(youth, "not_member"), (other_youth, "not_found")]:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_member_remove(group=group, youth=who, actor=consultant.user)
        assert err.value.code == code
        assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_group_member_remove_permissions(request, group, youth, who, allowed):
    Youth.objects.filter(pk=youth.pk).update(group=group)
    youth.refresh_from_db()
    actor = helpers.actor(request, who)
    if allowed:
        assert group_member_remove(group=group, youth=youth, actor=actor).group_id is None
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            group_member_remove(group=group, youth=youth, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- schedules ----------------------------------------------------------------------------------


def add_tuesdays(group, actor, **overrides) -> GroupSchedule:
    values = {
        "weekday": 1,
        "start_time": time(17, 0),
        "duration_minutes": 90,
        "place": "Ungehuset",
        "starts_on": TODAY,
    }
    values.update(overrides)
    return schedule_add(group=group, actor=actor, **values)


def test_schedule_add_generates_the_horizon_of_weekly_meetings_with_reminders(
    group, youth, consultant
):
    group_member_add(group=group, youth=youth, actor=consultant.user)
    schedule = add_tuesdays(group, consultant.user)
    meetings = list(schedule.meetings.order_by("starts_at"))
    assert len(meetings) == 12  # NEXTWORK_MEETING_HORIZON_WEEKS
    assert meetings[0].occurrence == date(2026, 11, 24)
    assert meetings[-1].occurrence == date(2027, 2, 9)
    assert all(m.occurrence.weekday() == 1 for m in meetings)
    assert all(m.ends_at - m.starts_at == timedelta(minutes=90) for m in meetings)
    assert all(m.place == "Ungehuset" and m.group == group for m in meetings)
    assert pending_meeting_reminders(youth) == {m.pk for m in meetings}
    assert AuditEntry.objects.filter(action="schedule.add", target_id=schedule.pk).exists()


def test_schedule_horizon_comes_from_settings(group, consultant, settings):
    settings.NEXTWORK_MEETING_HORIZON_WEEKS = 2
    schedule = add_tuesdays(group, consultant.user)
    assert list(schedule.meetings.values_list("occurrence", flat=True)) == [
        date(2026, 11, 24),
        date(2026, 12, 1),
    ]


def test_schedule_respects_its_first_and_last_week(group, consultant):
    schedule = add_tuesdays(
        group, consultant.user, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 29)
    )
    assert list(schedule.meetings.values_list("occurrence", flat=True)) == [
        date(2026, 12, 8),
        date(2026, 12, 15),
        date(2026, 12, 22),
        date(2026, 12, 29),
    ]


def test_schedule_skips_todays_occurrence_once_it_has_begun(group, consultant):
    # Sunday 09:30 local has passed at 10:00 local; the first meeting is next week.
    schedule = add_tuesdays(group, consultant.user, weekday=6, start_time=time(9, 30))
    assert schedule.meetings.order_by("starts_at").first().occurrence == date(2026, 11, 29)


def test_schedule_generation_is_idempotent(group, consultant):
    schedule = add_tuesdays(group, consultant.user)
    before = snapshot()
    assert schedule_generate_meetings(schedule=schedule) == []
    assert schedule_generate_meetings(schedule=schedule) == []
    assert snapshot() == before
    assert Meeting.objects.count() == 12


def test_schedule_generation_does_not_recreate_a_moved_or_cancelled_meeting(group, consultant):
    schedule = add_tuesdays(group, consultant.user)
    first, second = schedule.meetings.order_by("starts_at")[:2]
    moved_to = first.starts_at + timedelta(days=2)
    meeting_move(meeting=first, actor=consultant.user, starts_at=moved_to)
    meeting_cancel(meeting=second, actor=consultant.user, reason="Juleferie")

    assert schedule_generate_meetings(schedule=schedule) == []
    assert Meeting.objects.count() == 12
    first.refresh_from_db()
    assert (first.starts_at, first.occurrence) == (moved_to, date(2026, 11, 24))
    assert not Meeting.objects.filter(starts_at=first.moved_from).exists()
    assert Meeting.objects.filter(occurrence=date(2026, 12, 1)).get().status == "cancelled"


def test_schedules_extend_all_keeps_the_horizon_rolling(municipality, group, consultant):
    add_tuesdays(group, consultant.user)
    inactive = f.GroupFactory(municipality=municipality, is_active=False)
    GroupSchedule.objects.create(
        group=inactive, weekday=2, start_time=time(10), place="X", starts_on=TODAY
    )
    ended = f.GroupFactory(municipality=municipality)
    GroupSchedule.objects.create(
        group=ended,
        weekday=3,
        start_time=time(10),
        place="X",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 1),
    )
    later = NOW + timedelta(weeks=7)
    assert schedules_extend_all(now=later) == 7
    assert group.meetings.count() == 19
    assert group.meetings.order_by("starts_at").last().occurrence == date(2027, 3, 30)
    assert not Meeting.objects.exclude(group=group).exists()
    assert schedules_extend_all(now=later) == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"weekday": 7}, "invalid_weekday", "weekday"),
        ({"weekday": -1}, "invalid_weekday", "weekday"),
        ({"duration_minutes": 10}, "duration_out_of_range", "duration_minutes"),
        ({"duration_minutes": 481}, "duration_out_of_range", "duration_minutes"),
        ({"place": " "}, "required", "place"),
        ({"ends_on": date(2026, 11, 1)}, "ends_before_start", "ends_on"),
        ({"start_time": "17:00"}, "invalid_time", "start_time"),
    ],
)
def test_schedule_add_refuses_bad_input(group, consultant, overrides, code, field):
    with pytest.raises(DomainError) as err:
        add_tuesdays(group, consultant.user, **overrides)
    assert (err.value.code, err.value.field) == (code, field)
    assert not GroupSchedule.objects.exists()
    assert not Meeting.objects.exists()


def test_schedule_add_refuses_an_inactive_group(municipality, consultant):
    group = f.GroupFactory(municipality=municipality, is_active=False)
    with pytest.raises(DomainError) as err:
        add_tuesdays(group, consultant.user)
    assert err.value.code == "invalid_state"
    assert not GroupSchedule.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_schedule_add_permissions(request, group, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert add_tuesdays(group, actor).meetings.count() == 12
    else:
        with pytest.raises(DomainError) as err:
            add_tuesdays(group, actor)
        assert err.value.code == "forbidden"
        assert not GroupSchedule.objects.exists()


# --- selectors ----------------------------------------------------------------------------------


@pytest.fixture
def two_groups(municipality, other_municipality, consultant):
    ours = f.GroupFactory(municipality=municipality, name="Vores")
    ours.facilitators.set([consultant])
    f.YouthFactory.create_batch(3, municipality=municipality, group=ours)
    theirs = f.GroupFactory(municipality=other_municipality, name="Deres")
    return ours, theirs


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin_user", {"Vores", "Deres"}),
        ("consultant", {"Vores"}),
        ("other_consultant", {"Deres"}),
        ("company_member", set()),
        ("youth", set()),
    ],
)
def test_groups_visible_to_user_by_role(request, two_groups, who, sees):
    groups = groups_visible_to_user(user=helpers.actor(request, who))
    assert {g.name for g in groups} == sees


def test_groups_visible_to_user_counts_members_in_one_query(
    consultant, two_groups, django_assert_num_queries
):
    with django_assert_num_queries(2):  # groups with counts; facilitators with user + place
        rows = [
            (g.name, g.member_count, [(c.user.username, str(c)) for c in g.facilitators.all()])
            for g in groups_visible_to_user(user=consultant.user)
        ]
    assert rows == [("Vores", 3, [("consultant", str(consultant))])]


def test_group_get_for_user_hides_other_municipalities_groups(
    consultant, other_consultant, company_member, two_groups
):
    ours, theirs = two_groups
    found = group_get_for_user(user=consultant.user, group_id=ours.pk)
    assert len(found.members.all()) == 3
    for user, group in [
        (consultant.user, theirs),
        (other_consultant.user, ours),
        (company_member.user, ours),
    ]:
        with pytest.raises(DomainError) as err:
            group_get_for_user(user=user, group_id=group.pk)
        assert err.value.code == "not_found"


def test_meeting_get_for_user_hides_other_municipalities_meetings(
    consultant, other_consultant, two_groups
):
    ours, _ = two_groups
    meeting = meeting_at(ours)
    assert meeting_get_for_user(user=consultant.user, meeting_id=meeting.pk) == meeting
    with pytest.raises(DomainError) as err:
        meeting_get_for_user(user=other_consultant.user, meeting_id=meeting.pk)
    assert err.value.code == "not_found"


def test_meetings_for_youth_are_their_groups_upcoming_scheduled_meetings(
    group, youth, consultant, django_assert_num_queries
):
    youth = group_member_add(group=group, youth=youth, actor=consultant.user).youth
    soon, later, cancelled = (meeting_at(group, days=d) for d in (1, 8, 15))
    Meeting.objects.filter(pk=cancelled.pk).update(status="cancelled")
    f.MeetingFactory(group=group, starts_at=NOW - timedelta(days=1))
    meeting_at(f.GroupFactory(municipality=group.municipality))
    attendance_excuse(meeting=later, youth=youth, actor=youth)

    with django_assert_num_queries(1):
        rows = [
            (m.pk, m.my_attendance, m.group.municipality.timezone)
            for m in meetings_for_youth(youth=youth)
        ]
    assert rows == [
        (soon.pk, None, "Europe/Copenhagen"),
        (later.pk, "excused", "Europe/Copenhagen"),
    ]
    assert meeting_get_for_youth(youth=youth, meeting_id=soon.pk) == soon
    with pytest.raises(DomainError) as err:
        meeting_get_for_youth(youth=youth, meeting_id=cancelled.pk)
    assert err.value.code == "not_found"


def test_meetings_for_a_youth_without_a_group_is_empty(youth):
    assert list(meetings_for_youth(youth=youth)) == []


def test_ending_a_group_cancels_its_coming_meetings_and_tells_members_once(
    group, consultant, youth
):
    from domain.services.groups import group_deactivate

    group_member_add(group=group, youth=youth, actor=consultant.user)
    add_tuesdays(group, consultant.user)
    coming = group.meetings.filter(status=Meeting.Status.SCHEDULED).count()
    assert coming > 1

    group_deactivate(group=group, actor=consultant.user)

    group.refresh_from_db()
    assert not group.is_active
    assert not group.meetings.filter(status=Meeting.Status.SCHEDULED).exists()
    assert not OutboxMessage.objects.filter(
        recipient=youth, kind=OutboxMessage.Kind.MEETING_REMINDER, status="pending"
    ).exists()
    told = OutboxMessage.objects.filter(recipient=youth, kind=OutboxMessage.Kind.MEETING_CANCELLED)
    assert told.count() == 1
    assert AuditEntry.objects.filter(action="group.deactivate", target_id=group.pk).exists()
    assert schedules_extend_all() == 0
    with pytest.raises(DomainError) as err:
        group_deactivate(group=group, actor=consultant.user)
    assert err.value.code == "invalid_state"


@pytest.mark.parametrize("who", ["other_consultant", "company_member", "youth"])
def test_only_staff_of_the_municipality_end_a_group(request, group, who):
    from domain.services.groups import group_deactivate

    with pytest.raises(DomainError) as err:
        group_deactivate(group=group, actor=helpers.actor(request, who))
    assert err.value.code == "forbidden"
    group.refresh_from_db()
    assert group.is_active
