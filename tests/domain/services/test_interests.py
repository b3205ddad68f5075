"""Interests: show, withdraw, accept with an intro meeting, decline, move the intro meeting."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import (
    AuditEntry,
    CheckIn,
    FollowUpNote,
    Interest,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Slot,
    Youth,
)
from domain.selectors.placements import (
    interest_get_for_user,
    interest_get_for_youth,
    interests_of_youth,
    interests_visible_to_user,
)
from domain.services import interests as interest_services
from domain.services.interests import (
    interest_accept,
    interest_decline,
    interest_move_intro,
    interest_show,
    interest_withdraw,
)
from domain.services.reminders import reminders_sync_placement
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen
INTRO = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Copenhagen
Status = Interest.Status
PStatus = Placement.Status
Kind = OutboxMessage.Kind


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


MODELS = (Interest, Placement, OutboxMessage, AuditEntry, CheckIn, FollowUpNote)
refused = partial(helpers.refused, models=MODELS)


def make_interest(youth, slot, status=Status.PENDING, **kwargs) -> Interest:
    if status == Status.ACCEPTED:
        return f.AcceptedInterestFactory(youth=youth, slot=slot, **kwargs)
    return f.InterestFactory(youth=youth, slot=slot, status=status, **kwargs)


def outbox(kind=None, status=OutboxMessage.Status.PENDING) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(status=status).order_by("due_at", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


# --- show -----------------------------------------------------------------------------------------


def test_interest_show_creates_a_pending_interest_and_announces_it_after_commit(
    youth, slot, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interest = interest_show(youth=youth, slot=slot, actor=youth, message="  Hej, jeg bager  ")
        assert published == []
    assert interest.status == Status.PENDING
    assert interest.message == "Hej, jeg bager"
    assert interest.created_at == NOW
    created = [e for e in published if e.type == "interest.created"]
    assert [e.data for e in created] == [
        {
            "id": interest.pk,
            "municipality_id": youth.municipality_id,
            "company_id": slot.company_id,
            "youth_id": youth.pk,
            "slot_id": slot.pk,
        }
    ]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("youth_self", True),
        ("other_youth", False),
        ("own_company", False),
        ("other_company", False),
        ("own_consultant", True),
        ("other_consultant", False),
        ("admin", True),
    ],
)
def test_interest_show_permissions(youth, slot, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        interest = interest_show(youth=youth, slot=slot, actor=actor)
        assert Interest.objects.get(pk=interest.pk).status == Status.PENDING
    else:
        refused("forbidden", lambda: interest_show(youth=youth, slot=slot, actor=actor))


def test_interest_show_requires_consent(municipality, slot):
    youth = f.YouthFactory(municipality=municipality, consent_at=None, consent_version="")
    refused("consent_required", lambda: interest_show(youth=youth, slot=slot, actor=youth))


@pytest.mark.parametrize("status", [Youth.Status.INVITED, Youth.Status.PAUSED, Youth.Status.LEFT])
def test_interest_show_requires_an_active_youth(municipality, slot, status):
    youth = f.YouthFactory(municipality=municipality, status=status)
    refused("invalid_state", lambda: interest_show(youth=youth, slot=slot, actor=youth))


@pytest.mark.parametrize("status", [Slot.Status.DRAFT, Slot.Status.PAUSED, Slot.Status.CLOSED])
def test_interest_show_answers_not_found_for_a_slot_that_is_not_open(youth, company, status):
    slot = f.SlotFactory(company=company, status=status)
    refused("not_found", lambda: interest_show(youth=youth, slot=slot, actor=youth))


@pytest.mark.parametrize(
    "membership",
    [None, NetworkMembership.Status.PENDING, NetworkMembership.Status.REJECTED, "elsewhere"],
)
def test_interest_show_answers_not_found_outside_the_youths_network(
    youth, other_municipality, membership
):
    company = f.CompanyFactory()
    if membership == "elsewhere":
        f.MembershipFactory(company=company, municipality=other_municipality)
    elif membership is not None:
        f.MembershipFactory(company=company, municipality=youth.municipality, status=membership)
    slot = f.SlotFactory(company=company)
    refused("not_found", lambda: interest_show(youth=youth, slot=slot, actor=youth))


def test_interest_show_limits_the_message_to_500_characters(youth, slot):
    refused(
        "message_too_long",
        lambda: interest_show(youth=youth, slot=slot, actor=youth, message="x" * 501),
        field="message",
    )
    # Surrounding blanks are stripped before counting.
    interest = interest_show(youth=youth, slot=slot, actor=youth, message=" " + "x" * 500 + " ")
    assert len(interest.message) == 500


def test_interest_show_refuses_a_second_live_interest_in_the_same_slot(youth, slot):
    interest_show(youth=youth, slot=slot, actor=youth)
    refused("conflict", lambda: interest_show(youth=youth, slot=slot, actor=youth))


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.DECLINED])
def test_interest_show_is_allowed_again_after_an_ended_interest(youth, slot, status):
    make_interest(youth, slot, status)
    interest = interest_show(youth=youth, slot=slot, actor=youth)
    assert Interest.objects.filter(youth=youth, slot=slot).count() == 2
    assert interest.status == Status.PENDING


def test_interest_show_turns_a_lost_race_on_the_unique_constraint_into_a_conflict(
    youth, slot, monkeypatch
):
    """The twin request committed between our check and our insert."""
    make_interest(youth, slot)
    answers = iter([False, True])  # the pre-check misses the twin; the re-check sees it
    monkeypatch.setattr(interest_services, "_live_exists", lambda *args: next(answers))
    refused("conflict", lambda: interest_show(youth=youth, slot=slot, actor=youth))


# --- withdraw -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PENDING, Status.ACCEPTED])
def test_interest_withdraw_from_a_live_state(youth, slot, status):
    interest = make_interest(youth, slot, status)
    result = interest_withdraw(interest=interest, actor=youth)
    assert result is interest
    interest.refresh_from_db()
    assert interest.status == Status.WITHDRAWN
    assert interest.withdrawn_at == NOW


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN])
def test_interest_withdraw_refuses_an_ended_interest(youth, slot, status):
    interest = make_interest(youth, slot, status)
    refused("invalid_state", lambda: interest_withdraw(interest=interest, actor=youth))


@pytest.mark.parametrize("placement_status", [PStatus.PROPOSED, PStatus.APPROVED])
def test_interest_withdraw_takes_a_placement_that_has_not_started_with_it(
    youth, slot, placement_status
):
    interest = make_interest(youth, slot, Status.ACCEPTED)
    placement = f.PlacementFactory(
        youth=youth, slot=slot, interest=interest, status=placement_status
    )
    interest_withdraw(interest=interest, actor=youth)
    placement.refresh_from_db()
    assert placement.status == PStatus.WITHDRAWN
    assert placement.ended_at == NOW
    # The seat is free again.
    assert not Placement.objects.filter(slot=slot, status__in=Placement.SEATED).exists()


@pytest.mark.parametrize(
    "placement_status", [PStatus.ACTIVE, PStatus.COMPLETED, PStatus.ENDED_EARLY]
)
def test_interest_withdraw_refuses_once_a_placement_has_started(youth, slot, placement_status):
    interest = make_interest(youth, slot, Status.ACCEPTED)
    f.PlacementFactory(youth=youth, slot=slot, interest=interest, status=placement_status)
    refused("invalid_state", lambda: interest_withdraw(interest=interest, actor=youth))


@pytest.mark.parametrize("placement_status", [PStatus.REJECTED, PStatus.WITHDRAWN])
def test_interest_withdraw_leaves_ended_proposals_alone(youth, slot, placement_status):
    interest = make_interest(youth, slot, Status.ACCEPTED)
    placement = f.PlacementFactory(
        youth=youth, slot=slot, interest=interest, status=placement_status, reject_reason="nej"
    )
    interest_withdraw(interest=interest, actor=youth)
    placement.refresh_from_db()
    assert placement.status == placement_status
    assert placement.ended_at is None


def test_interest_withdraw_cancels_the_intro_and_start_reminders(youth, slot, company_member):
    interest = make_interest(youth, slot)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )
    assert len(outbox(Kind.INTRO_REMINDER)) == 2
    placement = f.PlacementFactory(
        youth=youth, slot=slot, interest=interest, status=PStatus.APPROVED
    )
    reminders_sync_placement(placement)
    assert len(outbox(Kind.PLACEMENT_START_REMINDER)) == 1

    interest_withdraw(interest=interest, actor=youth)
    assert outbox(Kind.INTRO_REMINDER) == []
    assert outbox(Kind.PLACEMENT_START_REMINDER) == []
    assert len(outbox(Kind.INTRO_REMINDER, OutboxMessage.Status.CANCELLED)) == 2


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("youth_self", True),
        ("other_youth", False),
        ("own_company", False),
        ("other_company", False),
        ("own_consultant", True),
        ("other_consultant", False),
        ("admin", True),
    ],
)
def test_interest_withdraw_permissions(youth, slot, actor_of, role, allowed):
    interest = make_interest(youth, slot)
    actor = actor_of(role)
    if allowed:
        interest_withdraw(interest=interest, actor=actor)
        assert Interest.objects.get(pk=interest.pk).status == Status.WITHDRAWN
    else:
        refused("forbidden", lambda: interest_withdraw(interest=interest, actor=actor))


def test_interest_withdraw_publishes_after_commit(
    youth, slot, published, django_capture_on_commit_callbacks
):
    interest = make_interest(youth, slot)
    with django_capture_on_commit_callbacks(execute=True):
        interest_withdraw(interest=interest, actor=youth)
    withdrawn = [e for e in published if e.type == "interest.withdrawn"]
    assert len(withdrawn) == 1
    assert withdrawn[0].data["company_id"] == slot.company_id
    assert withdrawn[0].data["youth_id"] == youth.pk


# --- accept ---------------------------------------------------------------------------------------


def test_interest_accept_sets_the_intro_meeting_tells_the_youth_and_schedules_reminders(
    youth, slot, company_member, published, django_capture_on_commit_callbacks
):
    interest = make_interest(youth, slot)
    with django_capture_on_commit_callbacks(execute=True):
        interest_accept(
            interest=interest,
            actor=company_member.user,
            intro_meeting_at=INTRO,
            intro_meeting_place="  Algade 1, baglokalet ",
        )
    interest.refresh_from_db()
    assert interest.status == Status.ACCEPTED
    assert interest.intro_meeting_at == INTRO
    assert interest.intro_meeting_place == "Algade 1, baglokalet"
    assert interest.decided_at == NOW
    assert interest.decided_by == company_member.user

    [message] = outbox(Kind.INTEREST_ACCEPTED)
    assert message.recipient == youth
    assert message.dedupe_key == f"interest_accepted:{interest.pk}"
    assert message.subject == interest
    assert message.payload["intro_meeting_at"] == INTRO.isoformat()
    assert message.payload["intro_meeting_place"] == "Algade 1, baglokalet"

    reminders = outbox(Kind.INTRO_REMINDER)
    assert [r.due_at for r in reminders] == [
        datetime(2026, 11, 24, 16, 0, tzinfo=UTC),  # the day before at 17:00 local
        INTRO - timedelta(hours=2),
    ]
    audit = AuditEntry.objects.get(action="interest.accept")
    assert audit.target_id == interest.pk
    assert audit.actor == company_member.user
    accepted = [e for e in published if e.type == "interest.accepted"]
    assert accepted[0].data["municipality_id"] == youth.municipality_id


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN])
def test_interest_accept_only_from_pending(youth, slot, company_member, status):
    interest = make_interest(youth, slot, status)
    refused(
        "invalid_state",
        lambda: interest_accept(
            interest=interest,
            actor=company_member.user,
            intro_meeting_at=INTRO,
            intro_meeting_place="Algade 1",
        ),
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("youth_self", False),
        ("other_youth", False),
        ("own_company", True),
        ("other_company", False),
        ("own_consultant", True),
        ("other_consultant", False),
        ("admin", True),
    ],
)
def test_interest_accept_permissions(youth, slot, actor_of, role, allowed):
    interest = make_interest(youth, slot)
    actor = actor_of(role)

    def accept():
        return interest_accept(
            interest=interest, actor=actor, intro_meeting_at=INTRO, intro_meeting_place="Algade 1"
        )

    if allowed:
        accept()
        assert Interest.objects.get(pk=interest.pk).status == Status.ACCEPTED
    else:
        refused("forbidden", accept)


def test_interest_accept_by_a_consultant_of_another_network_municipality_is_forbidden(
    youth, slot, other_municipality
):
    """The company is also in Vejle's network, but the youth is from Roskilde."""
    f.MembershipFactory(company=slot.company, municipality=other_municipality)
    vejle = f.ConsultantFactory(municipality=other_municipality)
    interest = make_interest(youth, slot)
    refused(
        "forbidden",
        lambda: interest_accept(
            interest=interest, actor=vejle.user, intro_meeting_at=INTRO, intro_meeting_place="A"
        ),
    )


@pytest.mark.parametrize(
    ("at", "place", "code", "field"),
    [
        (NOW - timedelta(minutes=1), "Algade 1", "intro_in_past", "intro_meeting_at"),
        (NOW, "Algade 1", "intro_in_past", "intro_meeting_at"),
        (datetime(2026, 11, 25, 10, 0), "Algade 1", "invalid", "intro_meeting_at"),
        (INTRO, "   ", "place_required", "intro_meeting_place"),
        (INTRO, "x" * 201, "place_too_long", "intro_meeting_place"),
    ],
)
def test_interest_accept_validates_the_intro_meeting(
    youth, slot, company_member, at, place, code, field
):
    interest = make_interest(youth, slot)
    refused(
        code,
        lambda: interest_accept(
            interest=interest,
            actor=company_member.user,
            intro_meeting_at=at,
            intro_meeting_place=place,
        ),
        field=field,
    )


def test_interest_accept_refuses_on_a_closed_slot(youth, slot, company_member):
    interest = make_interest(youth, slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CLOSED)
    refused(
        "invalid_state",
        lambda: interest_accept(
            interest=interest,
            actor=company_member.user,
            intro_meeting_at=INTRO,
            intro_meeting_place="Algade 1",
        ),
    )


# --- decline --------------------------------------------------------------------------------------


def test_interest_decline_tells_the_youth(
    youth, slot, company_member, published, django_capture_on_commit_callbacks
):
    interest = make_interest(youth, slot)
    with django_capture_on_commit_callbacks(execute=True):
        interest_decline(interest=interest, actor=company_member.user, reason=" Fuldt booket ")
    interest.refresh_from_db()
    assert interest.status == Status.DECLINED
    assert interest.decline_reason == "Fuldt booket"
    assert interest.decided_by == company_member.user
    [message] = outbox(Kind.INTEREST_DECLINED)
    assert message.recipient == youth
    assert message.dedupe_key == f"interest_declined:{interest.pk}"
    assert message.payload["reason"] == "Fuldt booket"
    assert AuditEntry.objects.filter(action="interest.decline", target_id=interest.pk).exists()
    assert [e.data["id"] for e in published if e.type == "interest.declined"] == [interest.pk]


def test_interest_decline_without_a_reason_is_fine(youth, slot, company_member):
    interest = make_interest(youth, slot)
    interest_decline(interest=interest, actor=company_member.user)
    assert Interest.objects.get(pk=interest.pk).decline_reason == ""


def test_interest_decline_limits_the_reason(youth, slot, company_member):
    interest = make_interest(youth, slot)
    refused(
        "reason_too_long",
        lambda: interest_decline(interest=interest, actor=company_member.user, reason="x" * 501),
        field="reason",
    )


def test_interest_decline_after_the_intro_meeting_cancels_reminders_and_the_untold_acceptance(
    youth, slot, company_member
):
    interest = make_interest(youth, slot)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )
    interest_decline(interest=interest, actor=company_member.user, reason="Det passede ikke")
    assert Interest.objects.get(pk=interest.pk).status == Status.DECLINED
    assert outbox(Kind.INTRO_REMINDER) == []
    assert outbox(Kind.INTEREST_ACCEPTED) == []
    assert len(outbox(Kind.INTEREST_DECLINED)) == 1


@pytest.mark.parametrize(
    ("placement_status", "allowed"),
    [
        (PStatus.PROPOSED, False),
        (PStatus.APPROVED, False),
        (PStatus.ACTIVE, False),
        (PStatus.COMPLETED, False),
        (PStatus.ENDED_EARLY, False),
        (PStatus.REJECTED, True),
        (PStatus.WITHDRAWN, True),
    ],
)
def test_interest_decline_of_an_accepted_interest_depends_on_its_placements(
    youth, slot, company_member, placement_status, allowed
):
    interest = make_interest(youth, slot, Status.ACCEPTED)
    f.PlacementFactory(
        youth=youth, slot=slot, interest=interest, status=placement_status, reject_reason="nej"
    )

    def decline():
        return interest_decline(interest=interest, actor=company_member.user)

    if allowed:
        decline()
        assert Interest.objects.get(pk=interest.pk).status == Status.DECLINED
    else:
        refused("invalid_state", decline)


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN])
def test_interest_decline_refuses_an_ended_interest(youth, slot, company_member, status):
    interest = make_interest(youth, slot, status)
    refused("invalid_state", lambda: interest_decline(interest=interest, actor=company_member.user))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("youth_self", False),
        ("other_youth", False),
        ("own_company", True),
        ("other_company", False),
        ("own_consultant", True),
        ("other_consultant", False),
        ("admin", True),
    ],
)
def test_interest_decline_permissions(youth, slot, actor_of, role, allowed):
    interest = make_interest(youth, slot)
    actor = actor_of(role)
    if allowed:
        interest_decline(interest=interest, actor=actor)
        assert Interest.objects.get(pk=interest.pk).status == Status.DECLINED
    else:
        refused("forbidden", lambda: interest_decline(interest=interest, actor=actor))


# --- move the intro meeting -----------------------------------------------------------------------


def test_interest_move_intro_retimes_reminders_and_updates_an_untold_acceptance(
    youth, slot, company_member, published, django_capture_on_commit_callbacks
):
    interest = make_interest(youth, slot)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )
    later = INTRO + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        interest_move_intro(
            interest=interest, actor=company_member.user, intro_meeting_at=later, place="Torvet 3"
        )
    interest.refresh_from_db()
    assert interest.intro_meeting_at == later
    assert interest.intro_meeting_place == "Torvet 3"
    # Still unsent, so the one acceptance message now carries the new time.
    [message] = outbox(Kind.INTEREST_ACCEPTED)
    assert message.dedupe_key == f"interest_accepted:{interest.pk}"
    assert message.payload["intro_meeting_at"] == later.isoformat()
    assert [r.due_at for r in outbox(Kind.INTRO_REMINDER)] == [
        datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
        later - timedelta(hours=2),
    ]
    assert [e.data["id"] for e in published if e.type == "interest.intro_moved"] == [interest.pk]


def test_interest_move_intro_after_the_acceptance_was_sent_sends_a_moved_message(
    youth, slot, company_member
):
    interest = make_interest(youth, slot)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )
    OutboxMessage.objects.filter(kind=Kind.INTEREST_ACCEPTED).update(
        status=OutboxMessage.Status.SENT, sent_at=NOW
    )
    later = INTRO + timedelta(hours=3)
    interest_move_intro(interest=interest, actor=company_member.user, intro_meeting_at=later)
    [moved] = outbox(Kind.INTEREST_ACCEPTED)
    assert moved.dedupe_key.startswith(f"interest_intro_moved:{interest.pk}:")
    assert moved.payload["moved"] is True
    assert moved.payload["previous_intro_meeting_at"] == INTRO.isoformat()
    assert moved.payload["intro_meeting_place"] == "Algade 1"


@pytest.mark.parametrize("place", [None, "", "   "])
def test_interest_move_intro_with_no_or_a_blank_place_keeps_the_place(
    youth, slot, company_member, place
):
    """One behaviour for every interface: the portal's empty field and the API's blank,
    null or missing place all move the time and keep the place."""
    interest = make_interest(youth, slot)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )
    later = INTRO + timedelta(hours=3)
    interest_move_intro(
        interest=interest, actor=company_member.user, intro_meeting_at=later, place=place
    )
    interest.refresh_from_db()
    assert (interest.intro_meeting_at, interest.intro_meeting_place) == (later, "Algade 1")
    [message] = outbox(Kind.INTEREST_ACCEPTED)
    assert message.payload["intro_meeting_place"] == "Algade 1"


@pytest.mark.parametrize("status", [Status.PENDING, Status.DECLINED, Status.WITHDRAWN])
def test_interest_move_intro_only_for_an_accepted_interest(youth, slot, company_member, status):
    interest = make_interest(youth, slot, status)
    refused(
        "invalid_state",
        lambda: interest_move_intro(
            interest=interest, actor=company_member.user, intro_meeting_at=INTRO
        ),
    )


def test_interest_move_intro_refuses_a_past_time_and_other_companies(
    youth, slot, company_member, other_company_member
):
    interest = make_interest(youth, slot, Status.ACCEPTED)
    refused(
        "intro_in_past",
        lambda: interest_move_intro(
            interest=interest, actor=company_member.user, intro_meeting_at=NOW - timedelta(hours=1)
        ),
        field="intro_meeting_at",
    )
    refused(
        "forbidden",
        lambda: interest_move_intro(
            interest=interest, actor=other_company_member.user, intro_meeting_at=INTRO
        ),
    )
    refused(
        "forbidden",
        lambda: interest_move_intro(interest=interest, actor=youth, intro_meeting_at=INTRO),
    )


# --- selectors ------------------------------------------------------------------------------------


@pytest.fixture
def spread(youth, slot, other_youth, other_company, municipality):
    """An interest of our youth on our company's slot, one of a Vejle youth on a Vejle
    company's slot, and one of another Roskilde youth on our company's slot."""
    ours = make_interest(youth, slot)
    theirs = make_interest(other_youth, f.SlotFactory(company=other_company))
    neighbour = make_interest(f.YouthFactory(municipality=municipality), slot)
    return ours, theirs, neighbour


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("own_company", {"ours", "neighbour"}),
        ("other_company", {"theirs"}),
        ("own_consultant", {"ours", "neighbour"}),
        ("other_consultant", {"theirs"}),
        ("admin", {"ours", "theirs", "neighbour"}),
        ("youth_self", set()),
        ("system", set()),
    ],
)
def test_interests_visible_to_user_are_scoped_by_role(spread, actor_of, role, expected):
    names = dict(zip(("ours", "theirs", "neighbour"), spread, strict=True))
    visible = set(interests_visible_to_user(user=actor_of(role)))
    assert visible == {names[name] for name in expected}


def test_interest_get_for_user_answers_not_found_outside_the_scope(spread, actor_of):
    ours, theirs, _ = spread
    assert interest_get_for_user(user=actor_of("own_company"), interest_id=ours.pk) == ours
    for role in ("own_company", "own_consultant"):
        with pytest.raises(DomainError) as info:
            interest_get_for_user(user=actor_of(role), interest_id=theirs.pk)
        assert info.value.code == "not_found"
    with pytest.raises(DomainError):
        interest_get_for_user(user=actor_of("admin"), interest_id="not-a-number")


def test_interests_of_youth_and_get_for_youth(spread, youth):
    ours, theirs, _ = spread
    assert list(interests_of_youth(youth=youth)) == [ours]
    assert interest_get_for_youth(youth=youth, interest_id=ours.pk) == ours
    with pytest.raises(DomainError) as info:
        interest_get_for_youth(youth=youth, interest_id=theirs.pk)
    assert info.value.code == "not_found"


def test_interests_visible_to_user_is_one_query_however_many_rows(
    slot, municipality, admin_user, django_assert_num_queries
):
    for _ in range(5):
        make_interest(f.YouthFactory(municipality=municipality), slot)
    with django_assert_num_queries(1):
        rows = [
            (i.youth.first_name, i.youth.municipality.name, i.slot.company.name, i.slot.sector.code)
            for i in interests_visible_to_user(user=admin_user)
        ]
    assert len(rows) == 5
