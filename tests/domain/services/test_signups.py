"""Sign-ups for match events: companies, youth, the waitlist, and check-in at the door."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, CompanySignup, MatchEvent, OutboxMessage, Slot, YouthSignup
from domain.services.signups import (
    company_signup,
    company_signup_cancel,
    signup_check_in,
    waitlist_position,
    youth_signup,
    youth_signup_cancel,
)
from tests import factories as f
from tests import helpers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
Kind = OutboxMessage.Kind
S = YouthSignup.Status


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality, youth_capacity=2, company_capacity=2)


MODELS = (
    MatchEvent,
    YouthSignup,
    CompanySignup,
    (CompanySignup.slots.through, "pk"),
    (OutboxMessage, "pk", "status", "due_at", "dedupe_key"),
    (AuditEntry, "pk"),
)
snapshot = partial(helpers.snapshot, *MODELS)


def new_youth(event, **kwargs):
    return f.YouthFactory(municipality=event.municipality, **kwargs)


def sign_up(event, n: int) -> list[YouthSignup]:
    signups = []
    for _ in range(n):
        y = new_youth(event)
        signups.append(youth_signup(event=event, youth=y, actor=y))
    return signups


def promoted_messages():
    return OutboxMessage.objects.filter(kind=Kind.WAITLIST_PROMOTED).order_by("pk")


# === companies ==================================================================================


def test_company_signup_by_member_brings_open_slots(
    event, company, company_member, published, django_capture_on_commit_callbacks
):
    slots = f.SlotFactory.create_batch(2, company=company)
    with django_capture_on_commit_callbacks(execute=True):
        signup = company_signup(
            event=event,
            company=company,
            actor=company_member.user,
            attendees=3,
            slot_ids=[s.pk for s in slots],
        )
    signup.refresh_from_db()
    assert (signup.status, signup.attendees) == ("confirmed", 3)
    assert set(signup.slots.all()) == set(slots)
    assert [(e.type, e.data["company_id"], e.data["event_id"]) for e in published] == [
        ("company_signup.created", company.pk, event.pk)
    ]
    assert AuditEntry.objects.get(action="company_signup.create").target_id == signup.pk


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),
        ("admin_user", True),
        ("system", True),
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
def test_company_signup_permissions(request, event, company, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert company_signup(event=event, company=company, actor=actor).status == "confirmed"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            company_signup(event=event, company=company, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


def test_company_signup_by_consultant_of_another_network_is_forbidden(event, other_consultant):
    """A consultant whose network the company is also in still may not sign it up for an event
    of another municipality."""
    company = f.CompanyFactory()
    f.MembershipFactory(company=company, municipality=event.municipality)
    f.MembershipFactory(company=company, municipality=other_consultant.municipality)
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=other_consultant.user)
    assert err.value.code == "forbidden"


@pytest.mark.parametrize(
    "status",
    [MatchEvent.Status.DRAFT, MatchEvent.Status.CANCELLED, MatchEvent.Status.COMPLETED],
)
def test_company_signup_refuses_an_event_that_is_not_published(
    municipality, company, company_member, status
):
    event = f.EventFactory(municipality=municipality, status=status)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=company_member.user)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_company_signup_refuses_after_the_deadline(event, company, company_member):
    company_signup(
        event=event, company=company, actor=company_member.user, now=event.signup_deadline
    )
    other = f.CompanyFactory()
    f.MembershipFactory(company=other, municipality=event.municipality)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(
            event=event,
            company=other,
            actor=None,
            now=event.signup_deadline + timedelta(seconds=1),
        )
    assert err.value.code == "deadline_passed"
    assert snapshot() == before


@pytest.mark.parametrize("membership", [None, "pending", "rejected", "elsewhere"])
def test_company_signup_refuses_a_company_outside_the_network(
    event, other_municipality, membership
):
    company = f.CompanyFactory()
    if membership == "elsewhere":
        f.MembershipFactory(company=company, municipality=other_municipality)
    elif membership:
        f.MembershipFactory(company=company, municipality=event.municipality, status=membership)
    member = f.CompanyMemberFactory(company=company)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=member.user)
    assert err.value.code == "not_in_network"
    assert snapshot() == before


@pytest.mark.parametrize("problem", ["other_company", "closed", "draft", "missing"])
def test_company_signup_refuses_slots_that_are_not_its_own_open_slots(
    event, company, company_member, other_company, problem
):
    good = f.SlotFactory(company=company)
    if problem == "other_company":
        bad_id = f.SlotFactory(company=other_company).pk
    elif problem == "missing":
        bad_id = 999_999
    else:
        bad_id = f.SlotFactory(company=company, status=problem).pk
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(
            event=event, company=company, actor=company_member.user, slot_ids=[good.pk, bad_id]
        )
    assert (err.value.code, err.value.field) == ("invalid_slots", "slot_ids")
    assert snapshot() == before
    assert Slot.objects.filter(pk=good.pk, status="open").exists()


@pytest.mark.parametrize("attendees", [0, 21])
def test_company_signup_refuses_attendees_out_of_range(event, company, company_member, attendees):
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=company_member.user, attendees=attendees)
    assert (err.value.code, err.value.field) == ("attendees_out_of_range", "attendees")
    assert not CompanySignup.objects.exists()


def test_company_signup_refuses_when_full(event, consultant):
    for _ in range(2):
        c = f.CompanyFactory()
        f.MembershipFactory(company=c, municipality=event.municipality)
        company_signup(event=event, company=c, actor=consultant.user)
    late = f.CompanyFactory()
    f.MembershipFactory(company=late, municipality=event.municipality)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=late, actor=consultant.user)
    assert err.value.code == "full"
    assert snapshot() == before


def test_company_signup_twice_is_a_conflict(event, company, company_member):
    company_signup(event=event, company=company, actor=company_member.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=company_member.user)
    assert err.value.code == "conflict"
    assert snapshot() == before


def test_company_signup_after_cancelling_reactivates_the_same_row(event, company, company_member):
    first = company_signup(event=event, company=company, actor=company_member.user)
    company_signup_cancel(signup=first, actor=company_member.user)
    slot = f.SlotFactory(company=company)
    again = company_signup(
        event=event, company=company, actor=company_member.user, attendees=2, slot_ids=[slot.pk]
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.status, again.attendees, again.cancelled_at) == ("confirmed", 2, None)
    assert list(again.slots.all()) == [slot]


def test_company_signup_reactivation_respects_capacity(event, company, company_member, consultant):
    first = company_signup(event=event, company=company, actor=company_member.user)
    company_signup_cancel(signup=first, actor=company_member.user)
    for _ in range(2):
        c = f.CompanyFactory()
        f.MembershipFactory(company=c, municipality=event.municipality)
        company_signup(event=event, company=c, actor=consultant.user)
    with pytest.raises(DomainError) as err:
        company_signup(event=event, company=company, actor=company_member.user)
    assert err.value.code == "full"
    first.refresh_from_db()
    assert first.status == "cancelled"


def test_company_signup_cancel_frees_the_seat(
    event, company, company_member, consultant, published, django_capture_on_commit_callbacks
):
    signup = company_signup(event=event, company=company, actor=company_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        company_signup_cancel(signup=signup, actor=company_member.user)
    signup.refresh_from_db()
    assert (signup.status, signup.cancelled_at) == ("cancelled", NOW)
    assert [e.type for e in published] == ["company_signup.cancelled"]
    for _ in range(2):
        c = f.CompanyFactory()
        f.MembershipFactory(company=c, municipality=event.municipality)
        company_signup(event=event, company=c, actor=consultant.user)
    assert event.company_signups.filter(status="confirmed").count() == 2


def test_company_signup_cancel_twice_is_invalid_state(event, company, company_member):
    signup = company_signup(event=event, company=company, actor=company_member.user)
    company_signup_cancel(signup=signup, actor=company_member.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup_cancel(signup=signup, actor=company_member.user)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_company_signup_cancel_refuses_once_the_event_started(event, company, company_member):
    signup = company_signup(event=event, company=company, actor=company_member.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        company_signup_cancel(signup=signup, actor=company_member.user, now=event.starts_at)
    assert err.value.code == "event_started"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
def test_company_signup_cancel_permissions(request, event, company, who, allowed):
    signup = company_signup(event=event, company=company, actor=None)
    actor = helpers.actor(request, who)
    if allowed:
        assert company_signup_cancel(signup=signup, actor=actor).status == "cancelled"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            company_signup_cancel(signup=signup, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# === youth ======================================================================================


def test_youth_signup_confirms_while_seats_remain_and_schedules_reminders(
    event, youth, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup = youth_signup(event=event, youth=youth, actor=youth)
    signup.refresh_from_db()
    assert (signup.status, signup.sequence, signup.created_at) == ("confirmed", 1, NOW)
    reminders = OutboxMessage.objects.filter(
        kind=Kind.EVENT_REMINDER, recipient=youth, status="pending"
    )
    assert reminders.count() == 2
    created = [e for e in published if e.type == "signup.created"]
    assert [e.data for e in created] == [
        {
            "id": signup.pk,
            "event_id": event.pk,
            "municipality_id": event.municipality_id,
            "youth_id": youth.pk,
            "status": "confirmed",
        }
    ]
    # A youth acting for themself is not an audited staff action.
    assert not AuditEntry.objects.exists()


def test_youth_signup_waitlists_in_arrival_order_when_full(event):
    signups = sign_up(event, 5)
    assert [(s.sequence, s.status) for s in signups] == [
        (1, "confirmed"),
        (2, "confirmed"),
        (3, "waitlisted"),
        (4, "waitlisted"),
        (5, "waitlisted"),
    ]
    assert [waitlist_position(signup=s) for s in signups] == [None, None, 1, 2, 3]
    # Waitlisted youth get no event reminders.
    assert not OutboxMessage.objects.filter(
        kind=Kind.EVENT_REMINDER, recipient__in=[s.youth for s in signups[2:]]
    ).exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        ("system", True),
        ("other_youth_here", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_youth_signup_permissions(request, event, youth, who, allowed):
    actor = new_youth(event) if who == "other_youth_here" else helpers.actor(request, who)
    if allowed:
        assert youth_signup(event=event, youth=youth, actor=actor).status == "confirmed"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            youth_signup(event=event, youth=youth, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


def test_youth_signup_by_consultant_on_behalf_is_audited(event, youth, consultant):
    signup = youth_signup(event=event, youth=youth, actor=consultant.user)
    entry = AuditEntry.objects.get(action="signup.create")
    assert (entry.actor, entry.target_id) == (consultant.user, signup.pk)
    assert entry.data == {"event_id": event.pk, "youth_id": youth.pk, "status": "confirmed"}


def test_youth_signup_for_another_municipalitys_event_is_not_found(event, other_youth):
    with pytest.raises(DomainError) as err:
        youth_signup(event=event, youth=other_youth, actor=other_youth)
    assert err.value.code == "not_found"
    assert not YouthSignup.objects.exists()


def test_youth_signup_requires_consent(event):
    y = new_youth(event, consent_at=None, consent_version="")
    with pytest.raises(DomainError) as err:
        youth_signup(event=event, youth=y, actor=y)
    assert err.value.code == "consent_required"
    assert not YouthSignup.objects.exists()


@pytest.mark.parametrize("status", ["invited", "paused", "left"])
def test_youth_signup_requires_an_active_youth(event, status):
    y = new_youth(event, status=status)
    with pytest.raises(DomainError) as err:
        youth_signup(event=event, youth=y, actor=y)
    assert err.value.code == "invalid_state"
    assert not YouthSignup.objects.exists()


@pytest.mark.parametrize(
    "status",
    [MatchEvent.Status.DRAFT, MatchEvent.Status.CANCELLED, MatchEvent.Status.COMPLETED],
)
def test_youth_signup_refuses_an_event_that_is_not_published(municipality, youth, status):
    event = f.EventFactory(municipality=municipality, status=status)
    with pytest.raises(DomainError) as err:
        youth_signup(event=event, youth=youth, actor=youth)
    assert err.value.code == "invalid_state"
    assert not YouthSignup.objects.exists()


def test_youth_signup_deadline_is_inclusive(event, youth):
    assert youth_signup(event=event, youth=youth, actor=youth, now=event.signup_deadline)
    late = new_youth(event)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup(
            event=event, youth=late, actor=late, now=event.signup_deadline + timedelta(seconds=1)
        )
    assert err.value.code == "deadline_passed"
    assert snapshot() == before


@pytest.mark.parametrize("live_status", ["confirmed", "waitlisted"])
def test_youth_signup_twice_is_a_conflict(municipality, youth, live_status):
    event = f.EventFactory(municipality=municipality, youth_capacity=1)
    if live_status == "waitlisted":
        sign_up(event, 1)
    first = youth_signup(event=event, youth=youth, actor=youth)
    assert first.status == live_status
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup(event=event, youth=youth, actor=youth)
    assert err.value.code == "conflict"
    assert snapshot() == before


def test_youth_re_signup_reuses_the_row_and_goes_to_the_back_of_the_waitlist(event):
    _a, _b, c, d = sign_up(event, 4)  # a, b confirmed; c, d waitlisted
    youth_signup_cancel(signup=c, actor=c.youth)
    again = youth_signup(event=event, youth=c.youth, actor=c.youth)
    assert again.pk == c.pk
    again.refresh_from_db()
    assert (again.status, again.sequence, again.cancelled_at) == ("waitlisted", 5, None)
    d.refresh_from_db()
    assert waitlist_position(signup=d) == 1
    assert waitlist_position(signup=again) == 2


def test_youth_re_signup_of_a_confirmed_youth_does_not_jump_the_queue(event):
    a, _b, _c = sign_up(event, 3)  # a, b confirmed; c waitlisted
    youth_signup_cancel(signup=a, actor=a.youth)  # c is promoted
    again = youth_signup(event=event, youth=a.youth, actor=a.youth)
    assert (again.status, again.sequence) == ("waitlisted", 4)
    assert waitlist_position(signup=again) == 1


def test_waitlist_position_is_none_unless_waitlisted(event):
    a, _b, c = sign_up(event, 3)
    youth_signup_cancel(signup=c, actor=c.youth)
    c.refresh_from_db()
    assert waitlist_position(signup=a) is None
    assert waitlist_position(signup=c) is None


# --- youth cancellation and promotion ----------------------------------------------------------


def test_youth_signup_cancel_by_confirmed_promotes_the_first_waitlisted(
    event, published, django_capture_on_commit_callbacks
):
    a, b, c, d = sign_up(event, 4)
    with django_capture_on_commit_callbacks(execute=True):
        youth_signup_cancel(signup=a, actor=a.youth)
    status = dict(YouthSignup.objects.values_list("pk", "status"))
    assert status == {a.pk: "cancelled", b.pk: "confirmed", c.pk: "confirmed", d.pk: "waitlisted"}
    c.refresh_from_db()
    assert c.promoted_at == NOW
    message = promoted_messages().get()
    assert message.recipient_id == c.youth_id
    assert message.dedupe_key == f"waitlist_promoted:{c.pk}:{int(NOW.timestamp())}"
    assert message.payload["event_id"] == event.pk
    # The cancelled youth's reminders stop; the promoted youth's begin.
    pending = OutboxMessage.objects.filter(kind=Kind.EVENT_REMINDER, status="pending")
    assert not pending.filter(recipient=a.youth).exists()
    assert pending.filter(recipient=c.youth).count() == 2
    assert [e.type for e in published if e.type.startswith("signup.")] == [
        "signup.promoted",
        "signup.cancelled",
    ]
    assert waitlist_position(signup=d) == 1


def test_three_cancellations_promote_the_waitlist_in_order(event):
    a, b, w1, w2, w3, w4 = sign_up(event, 6)
    youth_signup_cancel(signup=a, actor=a.youth)
    youth_signup_cancel(signup=b, actor=b.youth)
    w1.refresh_from_db()
    youth_signup_cancel(signup=w1, actor=w1.youth)
    assert list(promoted_messages().values_list("recipient_id", flat=True)) == [
        w1.youth_id,
        w2.youth_id,
        w3.youth_id,
    ]
    status = dict(YouthSignup.objects.values_list("pk", "status"))
    assert [status[s.pk] for s in (w2, w3, w4)] == ["confirmed", "confirmed", "waitlisted"]
    assert YouthSignup.objects.filter(status="confirmed").count() == 2


def test_a_waitlisted_youth_who_cancels_promotes_nobody(
    event, published, django_capture_on_commit_callbacks
):
    a, b, w1, w2 = sign_up(event, 4)
    with django_capture_on_commit_callbacks(execute=True):
        youth_signup_cancel(signup=w1, actor=w1.youth)
    status = dict(YouthSignup.objects.values_list("pk", "status"))
    assert status == {a.pk: "confirmed", b.pk: "confirmed", w1.pk: "cancelled", w2.pk: "waitlisted"}
    assert not promoted_messages().exists()
    assert "signup.promoted" not in [e.type for e in published]
    w2.refresh_from_db()
    assert waitlist_position(signup=w2) == 1


def test_youth_signup_cancel_twice_is_invalid_state(event, youth):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    youth_signup_cancel(signup=signup, actor=youth)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup_cancel(signup=signup, actor=youth)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_youth_signup_cancel_refuses_a_youth_already_checked_in(event, youth, consultant):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    at_door = event.starts_at - timedelta(minutes=30)
    signup_check_in(signup=signup, actor=consultant.user, now=at_door)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup_cancel(signup=signup, actor=youth, now=at_door + timedelta(minutes=1))
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_youth_signup_cancel_is_allowed_until_the_event_starts(event):
    a, b, _w = sign_up(event, 3)
    youth_signup_cancel(signup=a, actor=a.youth, now=event.starts_at - timedelta(seconds=1))
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup_cancel(signup=b, actor=b.youth, now=event.starts_at)
    assert err.value.code == "event_started"
    assert snapshot() == before


@pytest.mark.parametrize("event_status", ["cancelled", "completed"])
def test_youth_signup_cancel_refuses_when_the_event_is_closed(event, youth, event_status):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    MatchEvent.objects.filter(pk=event.pk).update(status=event_status)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        youth_signup_cancel(signup=signup, actor=youth)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_youth_here", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_youth_signup_cancel_permissions(request, event, youth, who, allowed):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    actor = new_youth(event) if who == "other_youth_here" else helpers.actor(request, who)
    if allowed:
        assert youth_signup_cancel(signup=signup, actor=actor).status == "cancelled"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            youth_signup_cancel(signup=signup, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- check-in at the door -----------------------------------------------------------------------


def test_signup_check_in_marks_a_confirmed_youth_attended(
    event, youth, consultant, published, django_capture_on_commit_callbacks
):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    at_door = event.starts_at - timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        signup_check_in(signup=signup, actor=consultant.user, now=at_door)
    signup.refresh_from_db()
    assert (signup.status, signup.checked_in_at) == ("attended", at_door)
    assert "signup.checked_in" in [e.type for e in published]
    # Attended youth still hold their seat.
    assert YouthSignup.objects.filter(status__in=YouthSignup.SEATED).count() == 1
    assert not OutboxMessage.objects.filter(
        kind=Kind.EVENT_REMINDER, recipient=youth, status="pending"
    ).exists()


@pytest.mark.parametrize(
    ("state", "code"),
    [("waitlisted", "not_confirmed"), ("attended", "conflict"), ("cancelled", "invalid_state")],
)
def test_signup_check_in_refuses_sign_ups_without_a_seat(event, consultant, state, code):
    a, _b, w = sign_up(event, 3)
    target = {"waitlisted": w, "attended": a, "cancelled": w}[state]
    at_door = event.starts_at
    if state == "attended":
        signup_check_in(signup=a, actor=consultant.user, now=at_door)
    if state == "cancelled":
        youth_signup_cancel(signup=w, actor=w.youth)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        signup_check_in(signup=target, actor=consultant.user, now=at_door)
    assert err.value.code == code
    assert snapshot() == before


def test_signup_check_in_opens_two_hours_before_the_start(event, youth, consultant):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    with pytest.raises(DomainError) as err:
        signup_check_in(
            signup=signup, actor=consultant.user, now=event.starts_at - timedelta(hours=3)
        )
    assert err.value.code == "check_in_not_open"
    signup_check_in(signup=signup, actor=consultant.user, now=event.starts_at - timedelta(hours=2))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("consultant", True),
        ("admin_user", True),
        ("youth", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_signup_check_in_permissions(request, event, youth, who, allowed):
    signup = youth_signup(event=event, youth=youth, actor=youth)
    actor = helpers.actor(request, who)
    if allowed:
        assert signup_check_in(signup=signup, actor=actor, now=event.starts_at).status == "attended"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            signup_check_in(signup=signup, actor=actor, now=event.starts_at)
        assert err.value.code == "forbidden"
        assert snapshot() == before


def test_a_seat_message_still_waiting_is_withdrawn_when_the_youth_cancels(event):
    from domain.services.outbox import outbox_push

    youth = new_youth(event)
    signup = youth_signup(event=event, youth=youth, actor=youth)
    late_evening = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 23:30: waits for 08:00
    promoted = outbox_push(
        recipient=youth,
        kind=OutboxMessage.Kind.WAITLIST_PROMOTED,
        subject=signup,
        now=late_evening,
    )
    youth_signup_cancel(signup=signup, actor=youth, now=late_evening)
    promoted.refresh_from_db()
    assert promoted.status == OutboxMessage.Status.CANCELLED
