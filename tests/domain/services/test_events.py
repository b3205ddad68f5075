"""Match events: create, update, publish, cancel, complete, and the event selectors."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, CompanySignup, MatchEvent, OutboxMessage, YouthSignup
from domain.selectors.events import (
    company_signups_for_event,
    event_get_for_user,
    event_get_for_youth,
    events_visible_to_user,
    events_visible_to_youth,
    youth_signups_for_event,
    youth_signups_for_youth,
)
from domain.services.events import (
    event_cancel,
    event_complete,
    event_create,
    event_publish,
    event_update,
)
from domain.services.signups import signup_check_in, youth_signup, youth_signup_cancel
from tests import factories as f
from tests import helpers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
Kind = OutboxMessage.Kind
Status = MatchEvent.Status


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


MODELS = (
    MatchEvent,
    YouthSignup,
    CompanySignup,
    (OutboxMessage, "pk", "status", "due_at", "dedupe_key"),
    (AuditEntry, "pk"),
)
snapshot = partial(helpers.snapshot, *MODELS)


def create_kwargs(municipality, **overrides) -> dict:
    starts = NOW + timedelta(days=10)
    values = {
        "municipality": municipality,
        "title": "Matchdag i Roskilde",
        "description": "Mød fem lokale virksomheder.",
        "place": "Rådhuset",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "signup_deadline": starts - timedelta(days=1),
        "youth_capacity": 20,
        "company_capacity": 5,
    }
    values.update(overrides)
    return values


def sign_up(event, n: int) -> list[YouthSignup]:
    return [
        youth_signup(
            event=event, youth=(y := f.YouthFactory(municipality=event.municipality)), actor=y
        )
        for _ in range(n)
    ]


# --- create -------------------------------------------------------------------------------------


def test_event_create_makes_a_draft_audits_and_publishes(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_create(actor=consultant.user, **create_kwargs(municipality))
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert event.created_by == consultant.user
    assert (event.youth_capacity, event.company_capacity) == (20, 5)
    entry = AuditEntry.objects.get(action="event.create")
    assert (entry.target_id, entry.municipality_id) == (event.pk, municipality.pk)
    assert [(e.type, e.data) for e in published] == [
        ("event.created", {"id": event.pk, "municipality_id": municipality.pk})
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
def test_event_create_permissions(request, municipality, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert event_create(actor=actor, **create_kwargs(municipality)).pk
    else:
        with pytest.raises(DomainError) as err:
            event_create(actor=actor, **create_kwargs(municipality))
        assert err.value.code == "forbidden"
        assert not MatchEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"starts_at": datetime(2026, 12, 2, 10, 0)}, "invalid_datetime", "starts_at"),
        ({"ends_at": NOW + timedelta(days=10)}, "ends_before_start", "ends_at"),
        ({"ends_at": NOW + timedelta(days=9)}, "ends_before_start", "ends_at"),
        (
            {"signup_deadline": NOW + timedelta(days=10, hours=1)},
            "deadline_after_start",
            "signup_deadline",
        ),
        ({"youth_capacity": 0}, "capacity_out_of_range", "youth_capacity"),
        ({"youth_capacity": 501}, "capacity_out_of_range", "youth_capacity"),
        ({"company_capacity": 0}, "capacity_out_of_range", "company_capacity"),
        ({"company_capacity": 501}, "capacity_out_of_range", "company_capacity"),
        (
            {
                "starts_at": NOW - timedelta(hours=1),
                "ends_at": NOW + timedelta(hours=2),
                "signup_deadline": NOW - timedelta(days=1),
            },
            "starts_in_past",
            "starts_at",
        ),
        ({"title": "  "}, "required", "title"),
        ({"place": ""}, "required", "place"),
    ],
)
def test_event_create_refuses_bad_input(municipality, consultant, overrides, code, field):
    with pytest.raises(DomainError) as err:
        event_create(actor=consultant.user, **create_kwargs(municipality, **overrides))
    assert (err.value.code, err.value.field) == (code, field)
    assert not MatchEvent.objects.exists()


def test_event_create_accepts_the_capacity_bounds_and_a_deadline_at_the_start(
    municipality, consultant
):
    starts = NOW + timedelta(days=3)
    event = event_create(
        actor=consultant.user,
        **create_kwargs(
            municipality,
            youth_capacity=1,
            company_capacity=500,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            signup_deadline=starts,
        ),
    )
    assert (event.youth_capacity, event.company_capacity) == (1, 500)


# --- transitions --------------------------------------------------------------------------------

AFTER_START = timedelta(hours=1)


def _publish(event, actor):
    return event_publish(event=event, actor=actor)


def _cancel(event, actor):
    return event_cancel(event=event, actor=actor, reason="Rådhuset er lukket")


def _complete(event, actor):
    return event_complete(event=event, actor=actor, now=event.starts_at + AFTER_START)


def _update(event, actor):
    return event_update(event=event, actor=actor, title="Ny titel")


TRANSITIONS = {"publish": _publish, "cancel": _cancel, "complete": _complete, "update": _update}
ALLOWED = {
    ("publish", Status.DRAFT): Status.PUBLISHED,
    ("cancel", Status.DRAFT): Status.CANCELLED,
    ("cancel", Status.PUBLISHED): Status.CANCELLED,
    ("complete", Status.PUBLISHED): Status.COMPLETED,
    ("update", Status.DRAFT): Status.DRAFT,
    ("update", Status.PUBLISHED): Status.PUBLISHED,
}


@pytest.mark.parametrize(("action", "start"), [(a, s) for a in TRANSITIONS for s in Status.values])
def test_event_transitions(municipality, consultant, action, start):
    event = f.EventFactory(municipality=municipality, status=start)
    expected = ALLOWED.get((action, start))
    if expected is not None:
        TRANSITIONS[action](event, consultant.user)
        event.refresh_from_db()
        assert event.status == expected
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            TRANSITIONS[action](event, consultant.user)
        assert err.value.code == "invalid_state"
        assert snapshot() == before


@pytest.mark.parametrize("action", list(TRANSITIONS))
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
def test_event_management_permissions(request, municipality, action, who, allowed):
    start = Status.DRAFT if action == "publish" else Status.PUBLISHED
    event = f.EventFactory(municipality=municipality, status=start)
    actor = helpers.actor(request, who)
    if allowed:
        TRANSITIONS[action](event, actor)
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            TRANSITIONS[action](event, actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- publish ------------------------------------------------------------------------------------


def test_event_publish_audits_and_publishes(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    event = f.EventFactory(municipality=municipality, status=Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(event=event, actor=consultant.user)
    assert AuditEntry.objects.filter(action="event.publish", target_id=event.pk).exists()
    assert [e.type for e in published] == ["event.published"]


def test_event_publish_refuses_an_event_that_has_started(municipality, consultant):
    event = f.EventFactory(municipality=municipality, status=Status.DRAFT)
    with pytest.raises(DomainError) as err:
        event_publish(event=event, actor=consultant.user, now=event.starts_at)
    assert err.value.code == "event_started"
    event.refresh_from_db()
    assert event.status == Status.DRAFT


# --- update -------------------------------------------------------------------------------------


def test_event_update_changes_fields_and_audits_them(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    event = f.EventFactory(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, actor=consultant.user, title="Matchdag 2", place="Biblioteket")
    event.refresh_from_db()
    assert (event.title, event.place) == ("Matchdag 2", "Biblioteket")
    entry = AuditEntry.objects.get(action="event.update")
    assert sorted(entry.data["fields"]) == ["place", "title"]
    assert [e.type for e in published] == ["event.updated"]


def test_event_update_without_changes_writes_nothing(municipality, consultant):
    event = f.EventFactory(municipality=municipality)
    before = snapshot()
    event_update(event=event, actor=consultant.user, title=event.title)
    assert snapshot() == before


def test_event_update_refuses_youth_capacity_below_seated_youth(municipality, consultant):
    event = f.EventFactory(municipality=municipality, youth_capacity=5)
    sign_up(event, 3)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        event_update(event=event, actor=consultant.user, youth_capacity=2)
    assert (err.value.code, err.value.field) == ("capacity_below_signups", "youth_capacity")
    assert snapshot() == before
    event_update(event=event, actor=consultant.user, youth_capacity=3)
    event.refresh_from_db()
    assert event.youth_capacity == 3


def test_event_update_refuses_company_capacity_below_signed_up_companies(municipality, consultant):
    event = f.EventFactory(municipality=municipality, company_capacity=3)
    for _ in range(2):
        CompanySignup.objects.create(event=event, company=f.CompanyFactory(), created_at=NOW)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        event_update(event=event, actor=consultant.user, company_capacity=1)
    assert (err.value.code, err.value.field) == ("capacity_below_signups", "company_capacity")
    assert snapshot() == before


def test_event_update_raising_capacity_promotes_the_waitlist_in_order(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    event = f.EventFactory(municipality=municipality, youth_capacity=2)
    signups = sign_up(event, 5)
    assert [s.status for s in signups] == ["confirmed"] * 2 + ["waitlisted"] * 3
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, actor=consultant.user, youth_capacity=4)
    statuses = list(youth_signups_for_event(event=event).values_list("sequence", "status"))
    assert statuses == [
        (1, "confirmed"),
        (2, "confirmed"),
        (3, "confirmed"),
        (4, "confirmed"),
        (5, "waitlisted"),
    ]
    promoted = OutboxMessage.objects.filter(kind=Kind.WAITLIST_PROMOTED)
    assert sorted(promoted.values_list("recipient_id", flat=True)) == sorted(
        [signups[2].youth_id, signups[3].youth_id]
    )
    assert [e.data["id"] for e in published if e.type == "signup.promoted"] == [
        signups[2].pk,
        signups[3].pk,
    ]
    # Promoted youth now get the event's reminders.
    assert (
        OutboxMessage.objects.filter(
            kind=Kind.EVENT_REMINDER, recipient=signups[2].youth, status="pending"
        ).count()
        == 2
    )


def test_event_update_moving_the_event_re_times_signup_reminders(municipality, consultant):
    event = f.EventFactory(municipality=municipality)
    signup = sign_up(event, 1)[0]
    reminders = OutboxMessage.objects.filter(kind=Kind.EVENT_REMINDER, recipient=signup.youth)
    before = sorted(reminders.values_list("due_at", flat=True))
    assert len(before) == 2
    later = event.starts_at + timedelta(days=2)
    event_update(
        event=event, actor=consultant.user, starts_at=later, ends_at=later + timedelta(hours=3)
    )
    after = sorted(reminders.filter(status="pending").values_list("due_at", flat=True))
    assert len(after) == 2
    assert after == [d + timedelta(days=2) for d in before]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"starts_at": NOW - timedelta(hours=1), "signup_deadline": NOW - timedelta(days=1)},
            "starts_in_past",
            "starts_at",
        ),
        ({"ends_at": NOW + timedelta(days=1)}, "ends_before_start", "ends_at"),
        ({"youth_capacity": 0}, "capacity_out_of_range", "youth_capacity"),
        ({"title": ""}, "required", "title"),
        ({"signup_deadline": NOW + timedelta(days=30)}, "deadline_after_start", "signup_deadline"),
    ],
)
def test_event_update_refuses_bad_input(municipality, consultant, overrides, code, field):
    event = f.EventFactory(municipality=municipality)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        event_update(event=event, actor=consultant.user, **overrides)
    assert (err.value.code, err.value.field) == (code, field)
    assert snapshot() == before


# --- cancel -------------------------------------------------------------------------------------


def test_event_cancel_tells_confirmed_and_waitlisted_youth_and_cancels_reminders(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    event = f.EventFactory(municipality=municipality, youth_capacity=2)
    confirmed_a, confirmed_b, waitlisted, gone = sign_up(event, 4)
    youth_signup_cancel(signup=gone, actor=gone.youth)
    assert OutboxMessage.objects.filter(kind=Kind.EVENT_REMINDER, status="pending").count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=consultant.user, reason="Rådhuset er lukket")

    event.refresh_from_db()
    assert event.status == Status.CANCELLED
    assert not OutboxMessage.objects.filter(kind=Kind.EVENT_REMINDER, status="pending").exists()
    told = OutboxMessage.objects.filter(kind=Kind.EVENT_CANCELLED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [confirmed_a.youth_id, confirmed_b.youth_id, waitlisted.youth_id]
    )
    assert all(m.payload["reason"] == "Rådhuset er lukket" for m in told)
    assert {m.dedupe_key for m in told} == {
        f"event_cancelled:{event.pk}:y{s.youth_id}" for s in (confirmed_a, confirmed_b, waitlisted)
    }
    entry = AuditEntry.objects.get(action="event.cancel")
    assert entry.data["has_reason"] is True
    assert "Rådhuset" not in str(entry.data)  # free text never goes into the audit trail
    assert "event.cancelled" in [e.type for e in published]


# --- complete -----------------------------------------------------------------------------------


def test_event_complete_marks_checked_in_attended_and_the_rest_no_show(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    event = f.EventFactory(municipality=municipality, youth_capacity=3)
    came, stayed_home, also_came, waiting = sign_up(event, 4)
    at_door = event.starts_at + timedelta(minutes=5)
    signup_check_in(signup=came, actor=consultant.user, now=at_door)
    signup_check_in(signup=also_came, actor=consultant.user, now=at_door)

    with django_capture_on_commit_callbacks(execute=True):
        event_complete(event=event, actor=consultant.user, now=event.ends_at)

    status = dict(YouthSignup.objects.values_list("pk", "status"))
    assert status == {
        came.pk: "attended",
        stayed_home.pk: "no_show",
        also_came.pk: "attended",
        waiting.pk: "waitlisted",
    }
    event.refresh_from_db()
    assert event.status == Status.COMPLETED
    assert AuditEntry.objects.get(action="event.complete").data["no_show_signup_ids"] == [
        stayed_home.pk
    ]
    assert "event.completed" in [e.type for e in published]


def test_event_complete_refuses_before_the_event_starts(municipality, consultant):
    event = f.EventFactory(municipality=municipality)
    sign_up(event, 2)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        event_complete(
            event=event, actor=consultant.user, now=event.starts_at - timedelta(minutes=1)
        )
    assert err.value.code == "event_not_started"
    assert snapshot() == before


# --- selectors ----------------------------------------------------------------------------------


@pytest.fixture
def event_world(municipality, other_municipality, company, other_company):
    """Events in two municipalities, one of each status in ours."""
    ours = {
        s: f.EventFactory(municipality=municipality, status=s, title=f"ours-{s}")
        for s in Status.values
    }
    theirs = f.EventFactory(municipality=other_municipality, title="theirs")
    return ours, theirs


def test_events_visible_to_consultant_are_their_municipalitys_of_any_status(
    consultant, event_world
):
    ours, _theirs = event_world
    visible = set(events_visible_to_user(user=consultant.user))
    assert visible == set(ours.values())


def test_events_visible_to_admin_are_all(admin_user, event_world):
    assert events_visible_to_user(user=admin_user).count() == 5


def test_events_visible_to_company_member_are_published_events_of_their_networks(
    company_member, other_company_member, event_world
):
    ours, theirs = event_world
    assert list(events_visible_to_user(user=company_member.user)) == [ours[Status.PUBLISHED]]
    assert list(events_visible_to_user(user=other_company_member.user)) == [theirs]


def test_events_visible_to_company_member_ignore_pending_memberships(municipality, event_world):
    company = f.CompanyFactory()
    f.MembershipFactory(company=company, municipality=municipality, status="pending")
    member = f.CompanyMemberFactory(company=company)
    assert not events_visible_to_user(user=member.user).exists()


def test_events_visible_to_a_youth_actor_is_nothing(youth, event_world):
    assert not events_visible_to_user(user=youth).exists()


def test_event_get_for_user_hides_what_the_user_may_not_see(
    consultant, other_consultant, company_member, event_world
):
    ours, _theirs = event_world
    assert event_get_for_user(user=consultant.user, event_id=ours[Status.DRAFT].pk)
    for user, event in [
        (other_consultant.user, ours[Status.PUBLISHED]),
        (company_member.user, ours[Status.DRAFT]),
    ]:
        with pytest.raises(DomainError) as err:
            event_get_for_user(user=user, event_id=event.pk)
        assert err.value.code == "not_found"


def test_event_get_for_user_prefetches_attending_companies(
    consultant, company, event_world, django_assert_num_queries
):
    event = event_world[0][Status.PUBLISHED]
    for c in [company, *f.CompanyFactory.create_batch(2)]:
        signup = CompanySignup.objects.create(event=event, company=c, created_at=NOW)
        signup.slots.set(f.SlotFactory.create_batch(2, company=c))
    with django_assert_num_queries(3):  # event, sign-ups with companies, slots
        found = event_get_for_user(user=consultant.user, event_id=event.pk)
        names = [(s.company.name, len(s.slots.all())) for s in found.confirmed_company_signups]
    assert len(names) == 3
    assert all(n == 2 for _, n in names)


def test_events_visible_to_youth_are_upcoming_published_of_their_municipality(youth, event_world):
    ours, _theirs = event_world
    past = f.EventFactory(
        municipality=youth.municipality,
        starts_at=NOW - timedelta(days=1),
        signup_deadline=NOW - timedelta(days=2),
    )
    visible = list(events_visible_to_youth(youth=youth))
    assert visible == [ours[Status.PUBLISHED]]
    assert past not in visible
    with pytest.raises(DomainError):
        event_get_for_youth(youth=youth, event_id=ours[Status.DRAFT].pk)
    assert event_get_for_youth(youth=youth, event_id=ours[Status.PUBLISHED].pk)


def test_youth_signups_for_event_is_in_arrival_order_in_one_query(
    municipality, django_assert_num_queries
):
    event = f.EventFactory(municipality=municipality, youth_capacity=1)
    signups = sign_up(event, 4)
    with django_assert_num_queries(1):
        rows = [(s.sequence, s.youth.first_name) for s in youth_signups_for_event(event=event)]
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1] for r in rows] == [s.youth.first_name for s in signups]


def test_company_signups_for_event_lists_confirmed_companies_with_slots(
    municipality, company, django_assert_num_queries
):
    event = f.EventFactory(municipality=municipality)
    signup = CompanySignup.objects.create(event=event, company=company, created_at=NOW)
    signup.slots.set(f.SlotFactory.create_batch(2, company=company))
    CompanySignup.objects.create(
        event=event, company=f.CompanyFactory(), created_at=NOW, status="cancelled"
    )
    with django_assert_num_queries(2):
        rows = [
            (s.company.name, len(s.slots.all())) for s in company_signups_for_event(event=event)
        ]
    assert rows == [(company.name, 2)]


def test_youth_signups_for_youth_are_their_live_upcoming_sign_ups(municipality, youth):
    upcoming = f.EventFactory(municipality=municipality, youth_capacity=1)
    full = f.EventFactory(municipality=municipality, youth_capacity=1)
    sign_up(full, 1)
    cancelled = f.EventFactory(municipality=municipality)
    mine = [youth_signup(event=e, youth=youth, actor=youth) for e in (upcoming, full, cancelled)]
    youth_signup_cancel(signup=mine[2], actor=youth)
    rows = [(s.event_id, s.status) for s in youth_signups_for_youth(youth=youth)]
    assert sorted(rows) == sorted([(upcoming.pk, "confirmed"), (full.pk, "waitlisted")])
    assert (
        youth_signups_for_youth(youth=youth, now=upcoming.starts_at + timedelta(days=30)).count()
        == 0
    )


def test_an_event_cannot_be_changed_once_it_has_started(municipality, consultant):
    from domain.services.events import event_update

    event = f.EventFactory(municipality=municipality, starts_at=NOW - timedelta(hours=1))
    with pytest.raises(DomainError) as err:
        event_update(event=event, actor=consultant.user, youth_capacity=50, now=NOW)
    assert err.value.code == "event_started"
    event.refresh_from_db()
    assert event.youth_capacity == 10


def test_nobody_is_promoted_from_the_waitlist_after_the_event_has_started(municipality):
    from domain.models import YouthSignup
    from domain.services.signups import signups_promote_waitlisted

    event = f.EventFactory(municipality=municipality, starts_at=NOW - timedelta(hours=1))
    waiting = YouthSignup.objects.create(
        event=event,
        youth=f.YouthFactory(municipality=municipality),
        status="waitlisted",
        sequence=1,
        created_at=NOW - timedelta(days=2),
    )
    assert signups_promote_waitlisted(event=event, now=NOW) == []
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_an_event_that_has_started_cannot_be_cancelled(municipality, consultant):
    event = f.EventFactory(municipality=municipality, starts_at=NOW - timedelta(hours=1))
    with pytest.raises(DomainError) as err:
        event_cancel(event=event, actor=consultant.user, now=NOW)
    assert err.value.code == "event_started"
    event.refresh_from_db()
    assert event.status == "published"


def test_a_seat_message_still_waiting_is_withdrawn_when_the_event_is_cancelled(
    municipality, consultant
):
    from domain.models import OutboxMessage, YouthSignup
    from domain.services.outbox import outbox_push

    event = f.EventFactory(municipality=municipality)
    youth = f.YouthFactory(municipality=municipality)
    signup = YouthSignup.objects.create(
        event=event, youth=youth, status="confirmed", sequence=1, created_at=NOW
    )
    late_evening = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 23:30: waits for 08:00
    promoted = outbox_push(
        recipient=youth,
        kind=OutboxMessage.Kind.WAITLIST_PROMOTED,
        subject=signup,
        now=late_evening,
    )
    event_cancel(event=event, actor=consultant.user, now=late_evening)
    promoted.refresh_from_db()
    assert promoted.status == OutboxMessage.Status.CANCELLED
