"""The permission matrix of docs/domain.md, cell by cell, at the domain layer.

One section per row (or group of rows) of the table "Who may do what"; each action is one test
parametrized over the roles (the table's columns, refined), with the expected outcome next to
the role:

* ``True`` — allowed: the test asserts the effect (state changed, row created, set returned);
* ``"forbidden"`` / ``"not_found"`` — refused with that ``DomainError`` code, and no row of any
  table in ``TABLES`` changes (``tests.helpers.refused``);
* for reads, the exact set the caller sees.

Roles (test ids read ``<action>-<role>``):

* ``youth_self`` — the youth acting for themself (Roskilde); in rows where a youth has no object
  of their own it is simply a Roskilde youth;
* ``other_youth`` — another Roskilde youth acting on ``youth_self``'s object;
* ``youth_other_municipality`` — a youth of Vejle (only in reads);
* ``company_member_own`` — a member of the company concerned (in Roskilde's network);
* ``company_member_other`` — a member of a company in Vejle's network only;
* ``consultant_own`` / ``consultant_other`` — a consultant of Roskilde / of Vejle;
* ``admin`` — a superuser.

Services are called with the objects themselves, as an interface does after fetching them
through a scoped selector. The two halves of "404 for objects the caller may not know exist,
403 otherwise" live in two places (docs/architecture.md): the selector's getter answers
``not_found`` (each section's ``*_get`` test, and the reads of a youth's record and of
groups), the service ``forbidden`` for a known object the caller may not change, except where a
service documents ``not_found`` itself (``attendance_excuse`` for another group's meeting).

Statistics are not here: they are reads, scoped by the selectors in
``domain/selectors/statistics.py`` and tested in ``tests/domain/selectors/test_statistics.py``,
the API's and the portal's tests.
"""

from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.models import (
    Attendance,
    AuditEntry,
    CompanySignup,
    Draw,
    FollowUpNote,
    Interest,
    MatchEvent,
    Meeting,
    Municipality,
    NetworkGroup,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Referral,
    Slot,
    Youth,
    YouthSignup,
)
from domain.selectors.events import event_get_for_user, event_get_for_youth
from domain.selectors.groups import meeting_get_for_user, meeting_get_for_youth, meetings_for_youth
from domain.selectors.intake import (
    draw_get_for_user,
    referral_get_for_user,
    referrals_visible_to_user,
)
from domain.selectors.network import membership_get_for_user
from domain.selectors.placements import (
    interest_get_for_user,
    interest_get_for_youth,
    notes_for_placement,
    placement_get_for_user,
    placement_get_for_youth,
)
from domain.selectors.slots import (
    slot_get_for_user,
    slot_get_for_youth,
    slots_visible_to_user,
    slots_visible_to_youth,
)
from domain.selectors.youth import youth_card_for_company, youth_get_for_user, youth_visible_to_user
from domain.services.events import event_cancel, event_create, event_publish
from domain.services.groups import group_create
from domain.services.intake import draw_run, intake_configure, referral_register
from domain.services.interests import (
    interest_accept,
    interest_decline,
    interest_move_intro,
    interest_show,
    interest_withdraw,
)
from domain.services.meetings import (
    attendance_excuse,
    attendance_record,
    meeting_cancel,
    meeting_move,
)
from domain.services.network import membership_accept, membership_reject
from domain.services.notes import note_create
from domain.services.placements import placement_approve, placement_reject
from domain.services.privacy import youth_export
from domain.services.signups import company_signup, youth_signup
from domain.services.slots import slot_create, slot_publish, slot_update
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen
INTRO = NOW + timedelta(days=2)

# Every table a refused call could touch: none of their rows may change.
TABLES = (
    Slot,
    Interest,
    Placement,
    FollowUpNote,
    NetworkMembership,
    MatchEvent,
    YouthSignup,
    CompanySignup,
    NetworkGroup,
    Meeting,
    Attendance,
    Youth,
    AuditEntry,
    OutboxMessage,
)
refused = partial(helpers.refused, models=TABLES)


def allowed(expected: bool | str, call) -> bool:
    """A refused cell is checked here (its error code, and nothing changed); True means the
    cell is allowed and the caller goes on to check the effect."""
    if expected is True:
        return True
    refused(expected, call)
    return False


# Role (a column of the matrix) → the fixture that acts in it.
ROLE_FIXTURES = {
    "youth_self": "youth",
    "other_youth": "fellow_youth",
    "youth_other_municipality": "other_youth",
    "company_member_own": "company_member",
    "company_member_other": "other_company_member",
    "consultant_own": "consultant",
    "consultant_other": "other_consultant",
    "admin": "admin_user",
}


def act(request: pytest.FixtureRequest, who: str):
    """The acting object of a role: a Youth or a portal User."""
    return helpers.actor(request, ROLE_FIXTURES[who])


def matrix(action: str, table: list[tuple]):
    """Parametrize a test over one row's ``(who, expected)`` cells, ids "<action>-<who>"."""
    return pytest.mark.parametrize(
        ("who", "expected"), table, ids=[f"{action}-{who}" for who, _ in table]
    )


def fetch(acting, *, for_user, for_youth=None, **ids):
    """The scoped getter an interface calls first, as a call for ``refused`` or to run."""
    if isinstance(acting, Youth) and for_youth is not None:
        return partial(for_youth, youth=acting, **ids)
    return partial(for_user, user=acting, **ids)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def youth(municipality, consultant):
    """The conftest youth, with a name, sectors and a Telegram username for the company card."""
    youth = f.YouthFactory(
        municipality=municipality,
        contact_consultant=consultant,
        first_name="Anna",
        telegram_username="anna_bager",
    )
    youth.sectors.set([f.sector("retail"), f.sector("hospitality")])
    return youth


@pytest.fixture
def fellow_youth(municipality, consultant):
    """Another youth of the same municipality."""
    return f.YouthFactory(municipality=municipality, contact_consultant=consultant, first_name="Bo")


# =================================================================================================
# see open slots: youth of own municipality · company own company's · consultant own
# municipality's network · admin all
# =================================================================================================


@pytest.fixture
def row_1_slots(company, other_company, municipality):
    """One slot per title: what each caller sees is named by titles."""
    pending = f.CompanyFactory(name="Venter ApS")
    f.MembershipFactory(
        company=pending, municipality=municipality, status=NetworkMembership.Status.PENDING
    )
    draft = {"status": Slot.Status.DRAFT, "published_at": None}
    return {
        slot.title: slot
        for slot in [
            f.SlotFactory(company=company, title="roskilde_open"),
            f.SlotFactory(company=company, title="roskilde_draft", **draft),
            f.SlotFactory(company=other_company, title="vejle_open"),
            f.SlotFactory(company=other_company, title="vejle_draft", **draft),
            f.SlotFactory(company=pending, title="pending_open"),
            f.SlotFactory(title="no_network_open"),  # a company in no network
        ]
    }


ALL_SLOTS = {
    "roskilde_open",
    "roskilde_draft",
    "vejle_open",
    "vejle_draft",
    "pending_open",
    "no_network_open",
}
ROW_1 = [
    ("youth_self", {"roskilde_open"}),
    ("youth_other_municipality", {"vejle_open"}),
    ("company_member_own", {"roskilde_open", "roskilde_draft"}),
    ("company_member_other", {"vejle_open", "vejle_draft"}),
    ("consultant_own", {"roskilde_open", "roskilde_draft"}),
    ("consultant_other", {"vejle_open", "vejle_draft"}),
    ("admin", ALL_SLOTS),
]


@matrix("see_open_slots", ROW_1)
def test_see_open_slots(request, row_1_slots, who, expected):
    acting = act(request, who)
    if isinstance(acting, Youth):
        seen = slots_visible_to_youth(youth=acting)
    else:
        seen = slots_visible_to_user(user=acting)
    titles = [slot.title for slot in seen]
    assert sorted(titles) == sorted(expected)  # exactly these, each once


# Fetching Roskilde's open slot by id (a stale button, a URL).
ROW_1_GET = [
    ("youth_self", True),
    ("youth_other_municipality", "not_found"),
    ("company_member_own", True),
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("get_slot", ROW_1_GET)
def test_get_slot(request, row_1_slots, who, expected):
    slot = row_1_slots["roskilde_open"]
    acting = act(request, who)
    if isinstance(acting, Youth):
        call = partial(slot_get_for_youth, youth=acting, slot_id=slot.pk)
    else:
        call = partial(slot_get_for_user, user=acting, slot_id=slot.pk)
    if not allowed(expected, call):
        return
    assert call() == slot


# =================================================================================================
# create / edit slots: company own company · consultant own municipality's companies ·
# admin all · youth –
# =================================================================================================

ROW_2 = [
    ("company_member_own", True),
    ("company_member_other", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("youth_self", "forbidden"),
]


@pytest.fixture
def draft_slot(company):
    return f.SlotFactory(
        company=company, title="Kladde", status=Slot.Status.DRAFT, published_at=None
    )


@matrix("slot_create", ROW_2)
def test_slot_create(request, company, who, expected):
    call = partial(
        slot_create,
        company=company,
        actor=act(request, who),
        title="Bagerlærling",
        description="Morgenbagning og butik.",
        kind=Slot.Kind.INTERNSHIP,
        sector="retail",
        address="Algade 1",
        postcode="4000",
        hours_min=10,
        hours_max=25,
        earliest_start=date(2026, 12, 1),
        seats=2,
    )
    if not allowed(expected, call):
        return
    slot = call()
    assert Slot.objects.filter(pk=slot.pk, company=company, title="Bagerlærling").exists()
    assert slot.status == Slot.Status.DRAFT


@matrix("slot_update", ROW_2)
def test_slot_update(request, slot, who, expected):
    call = partial(slot_update, slot=slot, actor=act(request, who), title="Ny titel")
    if not allowed(expected, call):
        return
    call()
    slot.refresh_from_db()
    assert slot.title == "Ny titel"


@matrix("slot_publish", ROW_2)
def test_slot_publish(request, draft_slot, who, expected):
    call = partial(slot_publish, slot=draft_slot, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    draft_slot.refresh_from_db()
    assert draft_slot.status == Slot.Status.OPEN
    assert draft_slot.published_at == NOW


# =================================================================================================
# see a youth's record: youth own · company first name, age, sectors and message of youth
# who showed interest in own slots, contact only for an approved placement · consultant own
# municipality · admin all
# =================================================================================================


@pytest.fixture
def interest(youth, slot):
    """``youth`` showed interest in ``company``'s slot: its members see the youth's card."""
    return f.InterestFactory(youth=youth, slot=slot, message="Jeg kan lide at bage.")


ROW_3_GET = [
    ("company_member_own", "not_found"),  # the card, never the record
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("youth_get", ROW_3_GET)
def test_youth_get_for_user(request, youth, interest, who, expected):
    user = act(request, who)
    call = partial(youth_get_for_user, user=user, youth_id=youth.pk)
    if not allowed(expected, call):  # refused: and no audit entry (nothing changed)
        return
    assert call() == youth
    read = AuditEntry.objects.get(action="youth.read")
    assert (read.actor, read.target_type, read.target_id) == (user, "portal.youth", youth.pk)
    assert read.municipality_id == youth.municipality_id


ROW_3_LIST = [
    ("company_member_own", set()),
    ("company_member_other", set()),
    ("consultant_own", {"youth", "fellow_youth"}),
    ("consultant_other", {"other_youth"}),  # the Vejle youth
    ("admin", {"youth", "fellow_youth", "other_youth"}),
]


@matrix("youth_list", ROW_3_LIST)
def test_youth_visible_to_user(request, youth, fellow_youth, other_youth, interest, who, expected):
    by_pk = {youth.pk: "youth", fellow_youth.pk: "fellow_youth", other_youth.pk: "other_youth"}
    seen = [by_pk[y.pk] for y in youth_visible_to_user(user=act(request, who))]
    assert sorted(seen) == sorted(expected)


ROW_3_CARD = [
    ("company_member_own", True),
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
    ("youth_self", "forbidden"),  # a youth sees their own record through youth_export
    ("other_youth", "forbidden"),
]


@matrix("youth_card", ROW_3_CARD)
def test_youth_card_for_company(request, youth, interest, who, expected):
    call = partial(youth_card_for_company, user=act(request, who), interest=interest)
    if not allowed(expected, call):
        return
    # First name, age, sectors and message only: no contact without an approved placement.
    assert call() == {
        "interest_id": interest.pk,
        "first_name": "Anna",
        "age": 21,
        "sectors": [f.sector("retail").name, f.sector("hospitality").name],
        "message": "Jeg kan lide at bage.",
    }


CARD_CONTACT = [
    (None, False),
    (Placement.Status.PROPOSED, False),
    (Placement.Status.REJECTED, False),
    (Placement.Status.WITHDRAWN, False),
    ("approved_at_another_company", False),
    (Placement.Status.APPROVED, True),
    (Placement.Status.ACTIVE, True),
]


@pytest.mark.parametrize(
    ("placement_status", "contact"),
    CARD_CONTACT,
    ids=[f"youth_card_contact-company_member_own-{status}" for status, _ in CARD_CONTACT],
)
def test_youth_card_contact_only_for_an_approved_placement(
    company_member, youth, slot, placement_status, contact
):
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    if placement_status == "approved_at_another_company":
        f.PlacementFactory(youth=youth, status=Placement.Status.APPROVED)
    elif placement_status is not None:
        f.PlacementFactory(
            youth=youth,
            slot=slot,
            interest=interest,
            status=placement_status,
            reject_reason="Ikke nu" if placement_status == Placement.Status.REJECTED else "",
        )
    card = youth_card_for_company(user=company_member.user, interest=interest)
    if contact:
        assert card["contact"] == "anna_bager"
    else:
        assert "contact" not in card
        assert "anna_bager" not in str(card)


ROW_3_EXPORT = [
    ("youth_self", True),
    ("other_youth", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),
    ("company_member_other", "forbidden"),
]


@matrix("youth_export", ROW_3_EXPORT)
def test_youth_export(request, youth, interest, who, expected):
    call = partial(youth_export, youth=youth, actor=act(request, who))
    if not allowed(expected, call):
        return
    data = call()
    assert data["profile"]["id"] == youth.pk
    assert data["profile"]["first_name"] == "Anna"
    assert [i["id"] for i in data["interests"]] == [interest.pk]
    assert AuditEntry.objects.filter(
        action="youth.export", target_type="portal.youth", target_id=youth.pk
    ).exists()


# =================================================================================================
# show / withdraw interest: youth own · company – · consultant on behalf of own
# municipality's youth · admin all
# =================================================================================================

ROW_4 = [
    ("youth_self", True),
    ("other_youth", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("company_member_own", "forbidden"),
    ("company_member_other", "forbidden"),
    ("admin", True),
]


@matrix("interest_show", ROW_4)
def test_interest_show(request, youth, slot, who, expected):
    call = partial(interest_show, youth=youth, slot=slot, actor=act(request, who), message="Hej")
    if not allowed(expected, call):
        return
    interest = call()
    assert Interest.objects.filter(
        pk=interest.pk, youth=youth, slot=slot, status=Interest.Status.PENDING
    ).exists()


@matrix("interest_withdraw", ROW_4)
def test_interest_withdraw(request, interest, who, expected):
    call = partial(interest_withdraw, interest=interest, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.WITHDRAWN
    assert interest.withdrawn_at == NOW


# =================================================================================================
# accept / decline interest, propose intro meeting: youth – · company own slots ·
# consultant own municipality · admin all
# =================================================================================================

ROW_5 = [
    ("company_member_own", True),
    ("company_member_other", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("youth_self", "forbidden"),  # the youth whose interest it is
]


@pytest.fixture
def accepted_interest(youth, slot):
    return f.AcceptedInterestFactory(youth=youth, slot=slot, intro_meeting_at=INTRO)


@matrix("interest_accept", ROW_5)
def test_interest_accept(request, interest, who, expected):
    call = partial(
        interest_accept,
        interest=interest,
        actor=act(request, who),
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1, 4000 Roskilde",
    )
    if not allowed(expected, call):
        return
    call()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED
    assert (interest.intro_meeting_at, interest.intro_meeting_place) == (
        INTRO,
        "Algade 1, 4000 Roskilde",
    )


@matrix("interest_decline", ROW_5)
def test_interest_decline(request, interest, who, expected):
    call = partial(interest_decline, interest=interest, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.DECLINED


@matrix("interest_move_intro", ROW_5)
def test_interest_move_intro(request, accepted_interest, who, expected):
    later = INTRO + timedelta(days=1)
    call = partial(
        interest_move_intro,
        interest=accepted_interest,
        actor=act(request, who),
        intro_meeting_at=later,
    )
    if not allowed(expected, call):
        return
    call()
    accepted_interest.refresh_from_db()
    assert accepted_interest.intro_meeting_at == later


# Fetching the interest before acting on it (rows 4 and 5): another company's or municipality's
# caller gets not_found, never a hint that it exists.
ROW_5_GET = [
    ("youth_self", True),
    ("other_youth", "not_found"),
    ("company_member_own", True),
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("interest_get", ROW_5_GET)
def test_interest_get(request, interest, who, expected):
    call = fetch(
        act(request, who),
        for_user=interest_get_for_user,
        for_youth=interest_get_for_youth,
        interest_id=interest.pk,
    )
    if not allowed(expected, call):
        return
    assert call() == interest


# =================================================================================================
# approve / reject placement: youth – · company – · consultant own municipality · admin all
# =================================================================================================

ROW_6 = [
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),  # even on its own slot
    ("company_member_other", "forbidden"),
    ("youth_self", "forbidden"),  # even their own placement
]


@pytest.fixture
def proposed_placement(youth, accepted_interest):
    return f.PlacementFactory(youth=youth, slot=accepted_interest.slot, interest=accepted_interest)


@matrix("placement_approve", ROW_6)
def test_placement_approve(request, proposed_placement, who, expected):
    user = act(request, who)
    call = partial(placement_approve, placement=proposed_placement, actor=user)
    if not allowed(expected, call):
        return
    call()
    proposed_placement.refresh_from_db()
    assert proposed_placement.status == Placement.Status.APPROVED
    assert proposed_placement.decided_by == user


@matrix("placement_reject", ROW_6)
def test_placement_reject(request, proposed_placement, who, expected):
    user = act(request, who)
    call = partial(placement_reject, placement=proposed_placement, actor=user, reason="For tidligt")
    if not allowed(expected, call):
        return
    call()
    proposed_placement.refresh_from_db()
    assert proposed_placement.status == Placement.Status.REJECTED
    assert proposed_placement.decided_by == user


# Fetching the placement before deciding on it.
ROW_6_GET = [
    ("youth_self", True),
    ("other_youth", "not_found"),
    ("company_member_own", True),  # placements on its own slots
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("placement_get", ROW_6_GET)
def test_placement_get(request, proposed_placement, who, expected):
    call = fetch(
        act(request, who),
        for_user=placement_get_for_user,
        for_youth=placement_get_for_youth,
        placement_id=proposed_placement.pk,
    )
    if not allowed(expected, call):
        return
    assert call() == proposed_placement


# =================================================================================================
# events, create / manage: youth – · company – · consultant own municipality · admin all
# =================================================================================================

ROW_7 = [
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),  # even though its company is in the network
    ("company_member_other", "forbidden"),
    ("youth_self", "forbidden"),
]


@pytest.fixture
def event(municipality):
    """A published match event in Roskilde, two weeks ahead."""
    return f.EventFactory(municipality=municipality, title="Matchdag")


@matrix("event_create", ROW_7)
def test_event_create(request, municipality, who, expected):
    starts_at = NOW + timedelta(days=10)
    call = partial(
        event_create,
        municipality=municipality,
        actor=act(request, who),
        title="Matchdag i december",
        place="Rådhuset",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        signup_deadline=starts_at - timedelta(days=1),
        youth_capacity=20,
        company_capacity=5,
    )
    if not allowed(expected, call):
        return
    event = call()
    assert MatchEvent.objects.filter(
        pk=event.pk, municipality=municipality, status=MatchEvent.Status.DRAFT
    ).exists()


@matrix("event_publish", ROW_7)
def test_event_publish(request, municipality, who, expected):
    draft = f.EventFactory(municipality=municipality, status=MatchEvent.Status.DRAFT)
    call = partial(event_publish, event=draft, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    draft.refresh_from_db()
    assert draft.status == MatchEvent.Status.PUBLISHED


@matrix("event_cancel", ROW_7)
def test_event_cancel(request, event, who, expected):
    call = partial(event_cancel, event=event, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    event.refresh_from_db()
    assert event.status == MatchEvent.Status.CANCELLED


# =================================================================================================
# events, sign up: youth self · company own company · consultant on behalf of own
# municipality's youth / companies · admin all
# =================================================================================================

ROW_8_YOUTH = [
    ("youth_self", True),
    ("other_youth", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),
    ("company_member_other", "forbidden"),
]


@matrix("youth_signup", ROW_8_YOUTH)
def test_youth_signup(request, event, youth, who, expected):
    call = partial(youth_signup, event=event, youth=youth, actor=act(request, who))
    if not allowed(expected, call):
        return
    signup = call()
    assert YouthSignup.objects.filter(
        pk=signup.pk, event=event, youth=youth, status=YouthSignup.Status.CONFIRMED
    ).exists()


ROW_8_COMPANY = [
    ("company_member_own", True),
    ("company_member_other", "forbidden"),
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("youth_self", "forbidden"),
]


@matrix("company_signup", ROW_8_COMPANY)
def test_company_signup(request, event, company, slot, who, expected):
    call = partial(
        company_signup,
        event=event,
        company=company,
        actor=act(request, who),
        attendees=2,
        slot_ids=[slot.pk],
    )
    if not allowed(expected, call):
        return
    signup = call()
    assert CompanySignup.objects.filter(
        pk=signup.pk, event=event, company=company, status=CompanySignup.Status.CONFIRMED
    ).exists()
    assert list(signup.slots.all()) == [slot]


# Fetching the published event before managing it or signing up (rows 7 and 8).
ROW_8_GET = [
    ("youth_self", True),
    ("youth_other_municipality", "not_found"),
    ("company_member_own", True),  # its company is in Roskilde's network
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("event_get", ROW_8_GET)
def test_event_get(request, event, who, expected):
    call = fetch(
        act(request, who),
        for_user=event_get_for_user,
        for_youth=event_get_for_youth,
        event_id=event.pk,
    )
    if not allowed(expected, call):
        return
    assert call() == event


# =================================================================================================
# groups, meetings, attendance, follow-up notes: youth see own meetings · company – ·
# consultant own municipality · admin all
# =================================================================================================


@pytest.fixture
def meetings(municipality, other_municipality, youth, fellow_youth, other_youth):
    """``youth`` in Roskilde's Tuesday group, ``fellow_youth`` in its Thursday group,
    ``other_youth`` in a Vejle group; one upcoming meeting each, and a few of the Tuesday
    group's a youth does not see (started, cancelled)."""
    own = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    fellow = f.GroupFactory(municipality=municipality, name="Torsdagsgruppen")
    vejle = f.GroupFactory(municipality=other_municipality, name="Vejlegruppen")
    for member, group in ((youth, own), (fellow_youth, fellow), (other_youth, vejle)):
        Youth.objects.filter(pk=member.pk).update(group=group)
        member.refresh_from_db()
    return {
        "own": f.MeetingFactory(group=own),
        "other_group": f.MeetingFactory(group=fellow),
        "other_municipality": f.MeetingFactory(group=vejle),
        "started": f.MeetingFactory(group=own, starts_at=NOW - timedelta(minutes=30)),
        "cancelled": f.MeetingFactory(group=own, status=Meeting.Status.CANCELLED),
    }


@pytest.fixture
def active_placement(youth, slot):
    return f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.ACTIVE, start_date=date(2026, 11, 16)
    )


ROW_9 = [
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),
    ("company_member_other", "forbidden"),
    ("youth_self", "forbidden"),
]


@matrix("group_create", ROW_9)
def test_group_create(request, municipality, who, expected):
    call = partial(group_create, municipality=municipality, actor=act(request, who), name="Ny")
    if not allowed(expected, call):
        return
    group = call()
    assert NetworkGroup.objects.filter(pk=group.pk, municipality=municipality, name="Ny").exists()


@matrix("meeting_move", ROW_9)
def test_meeting_move(request, meetings, who, expected):
    meeting = meetings["own"]
    later = meeting.starts_at + timedelta(days=1)
    call = partial(meeting_move, meeting=meeting, actor=act(request, who), starts_at=later)
    if not allowed(expected, call):
        return
    call()
    meeting.refresh_from_db()
    assert meeting.starts_at == later


@matrix("meeting_cancel", ROW_9)
def test_meeting_cancel(request, meetings, who, expected):
    meeting = meetings["own"]
    call = partial(meeting_cancel, meeting=meeting, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


@matrix("attendance_record", ROW_9)
def test_attendance_record(request, meetings, youth, who, expected):
    meeting = meetings["started"]
    call = partial(
        attendance_record,
        meeting=meeting,
        youth=youth,
        status=Attendance.Status.PRESENT,
        actor=act(request, who),
    )
    if not allowed(expected, call):
        return
    call()
    assert Attendance.objects.filter(
        meeting=meeting, youth=youth, status=Attendance.Status.PRESENT
    ).exists()


@matrix("note_create", ROW_9)
def test_note_create(request, active_placement, who, expected):
    user = act(request, who)
    call = partial(note_create, placement=active_placement, actor=user, text="Mødt kontakten.")
    if not allowed(expected, call):
        return
    note = call()
    assert FollowUpNote.objects.filter(
        pk=note.pk, placement=active_placement, author=user, text="Mødt kontakten."
    ).exists()


ROW_9_NOTES = [
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
    ("company_member_own", "not_found"),  # never learns that notes exist
    ("company_member_other", "not_found"),
    ("youth_self", "not_found"),
]


@matrix("notes_for_placement", ROW_9_NOTES)
def test_notes_for_placement(request, consultant, active_placement, who, expected):
    note = f.FollowUpNoteFactory(placement=active_placement, author=consultant.user)
    call = partial(notes_for_placement, user=act(request, who), placement=active_placement)
    if not allowed(expected, call):
        return
    assert list(call()) == [note]


# A youth sees their own group's upcoming meetings, nothing of another group or municipality.
ROW_9_SEE = [
    ("youth_self", ["own"]),
    ("other_youth", ["other_group"]),
    ("youth_other_municipality", ["other_municipality"]),
]


@matrix("meetings_for_youth", ROW_9_SEE)
def test_meetings_for_youth(request, meetings, who, expected):
    seen = list(meetings_for_youth(youth=act(request, who)))
    assert seen == [meetings[name] for name in expected]


# "I can't come": (who, whose meeting, expected). The youth is always ``youth_self``.
ROW_9_EXCUSE = [
    ("youth_self", "own", True),
    ("youth_self", "other_group", "not_found"),  # documented: does not exist for this youth
    ("youth_self", "other_municipality", "not_found"),
    ("other_youth", "own", "forbidden"),
    ("consultant_own", "own", True),  # staff for the youth
    ("consultant_other", "own", "forbidden"),
    ("admin", "own", True),
    ("company_member_own", "own", "forbidden"),
    ("company_member_other", "own", "forbidden"),
]


@pytest.mark.parametrize(
    ("who", "meeting_key", "expected"),
    ROW_9_EXCUSE,
    ids=[f"attendance_excuse-{who}-{key}_meeting" for who, key, _ in ROW_9_EXCUSE],
)
def test_attendance_excuse(request, meetings, youth, who, meeting_key, expected):
    meeting = meetings[meeting_key]
    call = partial(attendance_excuse, meeting=meeting, youth=youth, actor=act(request, who))
    if not allowed(expected, call):
        return
    call()
    assert Attendance.objects.filter(
        meeting=meeting, youth=youth, status=Attendance.Status.EXCUSED
    ).exists()
    assert [m.my_attendance for m in meetings_for_youth(youth=youth)] == ["excused"]


# Fetching the Tuesday group's meeting before acting on it.
ROW_9_GET = [
    ("youth_self", True),  # a member of the group
    ("other_youth", "not_found"),  # a member of another group
    ("company_member_own", "not_found"),
    ("company_member_other", "not_found"),
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
]


@matrix("meeting_get", ROW_9_GET)
def test_meeting_get(request, meetings, who, expected):
    meeting = meetings["own"]
    call = fetch(
        act(request, who),
        for_user=meeting_get_for_user,
        for_youth=meeting_get_for_youth,
        meeting_id=meeting.pk,
    )
    if not allowed(expected, call):
        return
    assert call() == meeting


# =================================================================================================
# accept a company into the network: youth – · company – · consultant own municipality
# · admin all
# =================================================================================================


@pytest.fixture
def pending_membership(company, municipality):
    """``company`` has asked to join Roskilde's network; ``company_member`` is its member."""
    membership = NetworkMembership.objects.get(company=company, municipality=municipality)
    NetworkMembership.objects.filter(pk=membership.pk).update(
        status=NetworkMembership.Status.PENDING
    )
    membership.refresh_from_db()
    return membership


ROW_10 = [
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),  # the applicant cannot let itself in
    ("company_member_other", "forbidden"),
    ("youth_self", "forbidden"),
]


@matrix("membership_accept", ROW_10)
def test_membership_accept(request, pending_membership, who, expected):
    user = act(request, who)
    call = partial(membership_accept, membership=pending_membership, actor=user)
    if not allowed(expected, call):
        return
    call()
    pending_membership.refresh_from_db()
    assert pending_membership.status == NetworkMembership.Status.ACCEPTED
    assert pending_membership.decided_by == user


@matrix("membership_reject", ROW_10)
def test_membership_reject(request, pending_membership, who, expected):
    user = act(request, who)
    call = partial(
        membership_reject, membership=pending_membership, actor=user, reason="Ikke lige nu"
    )
    if not allowed(expected, call):
        return
    call()
    pending_membership.refresh_from_db()
    assert pending_membership.status == NetworkMembership.Status.REJECTED
    assert pending_membership.decided_by == user


# Fetching the request before deciding on it.
ROW_10_GET = [
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
    ("company_member_own", True),  # its own request, to follow it
    ("company_member_other", "not_found"),
    ("youth_self", "not_found"),
]


@matrix("membership_get", ROW_10_GET)
def test_membership_get(request, pending_membership, who, expected):
    call = fetch(
        act(request, who),
        for_user=membership_get_for_user,
        membership_id=pending_membership.pk,
    )
    if not allowed(expected, call):
        return
    assert call() == pending_membership


# =================================================================================================
# randomised intake (register referrals, run a draw): youth – · company – · consultant own
# municipality, when the municipality has it on · admin all; the switch and ratio: admin only
# =================================================================================================


@pytest.fixture
def randomising(municipality):
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    municipality.refresh_from_db()
    return municipality


ROW_INTAKE = [
    ("consultant_own", True),
    ("consultant_other", "forbidden"),
    ("admin", True),
    ("company_member_own", "forbidden"),
    ("company_member_other", "forbidden"),
    ("youth_self", "forbidden"),
]
INTAKE_TABLES = (
    *TABLES,
    Referral,
    Draw,
    (Municipality, "intake_randomised", "intake_ratio_nextwork"),
)


@matrix("referral_register", ROW_INTAKE)
def test_referral_register(request, randomising, who, expected):
    call = partial(
        referral_register,
        municipality=randomising,
        actor=act(request, who),
        reference="SAG-2026-17",
        birth_year=2005,
        referral_date=date(2026, 11, 20),
    )
    if expected is not True:
        helpers.refused(expected, call, models=INTAKE_TABLES)
        return
    referral = call()
    assert Referral.objects.get(municipality=randomising).pk == referral.pk


@matrix("draw_run", ROW_INTAKE)
def test_draw_run(request, randomising, who, expected):
    f.ReferralFactory.create_batch(2, municipality=randomising)
    call = partial(draw_run, municipality=randomising, actor=act(request, who))
    if expected is not True:
        helpers.refused(expected, call, models=INTAKE_TABLES)
        return
    draw = call()
    assert set(Referral.objects.values_list("draw", flat=True)) == {draw.pk}


# When the municipality has it off, nobody registers or draws: a state, not a right.
ROW_INTAKE_OFF = [("consultant_own", "intake_off"), ("admin", "intake_off")]


@matrix("referral_register_when_off", ROW_INTAKE_OFF)
def test_referral_register_when_off(request, municipality, who, expected):
    call = partial(
        referral_register,
        municipality=municipality,
        actor=act(request, who),
        reference="SAG-2026-17",
        birth_year=2005,
        referral_date=date(2026, 11, 20),
    )
    helpers.refused(expected, call, models=INTAKE_TABLES)


ROW_INTAKE_SWITCH = [
    ("admin", True),
    ("consultant_own", "forbidden"),
    ("consultant_other", "forbidden"),
    ("company_member_own", "forbidden"),
    ("youth_self", "forbidden"),
]


@matrix("intake_configure", ROW_INTAKE_SWITCH)
def test_intake_configure(request, municipality, who, expected):
    call = partial(
        intake_configure,
        municipality=municipality,
        actor=act(request, who),
        randomised=True,
        ratio_nextwork=2,
        ratio_usual=1,
    )
    if expected is not True:
        helpers.refused(expected, call, models=INTAKE_TABLES)
        return
    call()
    municipality.refresh_from_db()
    assert municipality.intake_randomised and municipality.intake_ratio_nextwork == 2


# Fetching a referral or a draw by id (a URL, the API).
ROW_INTAKE_GET = [
    ("consultant_own", True),
    ("consultant_other", "not_found"),
    ("admin", True),
    ("company_member_own", "not_found"),
    ("company_member_other", "not_found"),
]


@matrix("referral_get", ROW_INTAKE_GET)
def test_referral_get(request, randomising, who, expected):
    referral = f.ReferralFactory(municipality=randomising)
    call = fetch(act(request, who), for_user=referral_get_for_user, referral_id=referral.pk)
    if not allowed(expected, call):
        return
    assert call() == referral


@matrix("draw_get", ROW_INTAKE_GET)
def test_draw_get(request, randomising, who, expected):
    draw = f.DrawFactory(municipality=randomising)
    call = fetch(act(request, who), for_user=draw_get_for_user, draw_id=draw.pk)
    if not allowed(expected, call):
        return
    assert call() == draw


ROW_INTAKE_LIST = [
    ("consultant_own", {"own"}),
    ("consultant_other", {"other"}),
    ("admin", {"own", "other"}),
    ("company_member_own", set()),
    ("youth_self", set()),
]


@matrix("referral_list", ROW_INTAKE_LIST)
def test_referrals_visible_to_user(request, randomising, other_municipality, who, expected):
    f.ReferralFactory(municipality=randomising, reference="SAG-own-1")
    f.ReferralFactory(municipality=other_municipality, reference="SAG-other-1")
    seen = referrals_visible_to_user(user=act(request, who))
    assert {r.reference.split("-")[1] for r in seen} == expected
