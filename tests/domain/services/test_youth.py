"""Youth records: creation rules (age, no CPR), status transitions, preferences, and the
youth selectors (scoped lists, audited reads, the company's narrow card)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.exceptions import DomainError
from domain.models import (
    AuditEntry,
    CheckIn,
    Invite,
    OutboxMessage,
    Placement,
    Youth,
)
from domain.selectors.youth import (
    youth_card_for_company,
    youth_get_for_user,
    youth_visible_to_user,
)
from domain.services.reminders import reminders_sync_meeting
from domain.services.youth import (
    youth_create,
    youth_leave,
    youth_pause,
    youth_resume,
    youth_set_preferences,
    youth_set_share_experiences,
    youth_update,
)
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
Status = Youth.Status


def create(municipality, actor, **overrides):
    values = {
        "first_name": "Sofie",
        "birth_date": date(2005, 3, 1),
        "now": NOW,
    }
    values.update(overrides)
    return youth_create(municipality=municipality, actor=actor, **values)


# --- youth_create ------------------------------------------------------------------------------


def test_youth_create_registers_an_invited_youth(
    municipality, consultant, published, django_capture_on_commit_callbacks
):
    group = f.GroupFactory(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        youth = create(
            municipality,
            consultant.user,
            last_name="Hansen",
            language="en",
            sectors=["retail", f.sector("care")],
            preferred_hours=15,
            contact_consultant=consultant,
            group=group,
        )
    youth.refresh_from_db()
    assert youth.status == Status.INVITED
    assert (youth.first_name, youth.last_name, youth.language) == ("Sofie", "Hansen", "en")
    assert sorted(youth.sectors.values_list("code", flat=True)) == ["care", "retail"]
    assert (youth.preferred_hours, youth.contact_consultant, youth.group) == (15, consultant, group)
    assert youth.telegram_user_id is None and youth.consent_at is None
    assert AuditEntry.objects.filter(action="youth.create", target_id=youth.pk).exists()
    created = next(e for e in published if e.type == "youth.created")
    assert created.data == {
        "id": youth.pk,
        "municipality_id": municipality.pk,
        "youth_id": youth.pk,
    }


@pytest.mark.parametrize(
    ("birth_date", "allowed"),
    [
        (date(2011, 11, 22), True),  # 15th birthday today
        (date(2011, 11, 23), False),  # 15th birthday tomorrow
        (date(1996, 11, 23), True),  # 29, turns 30 tomorrow
        (date(1996, 11, 22), False),  # 30th birthday today
        (date(2030, 1, 1), False),  # not born yet
    ],
)
def test_youth_create_age_boundaries(municipality, consultant, birth_date, allowed):
    if allowed:
        assert create(municipality, consultant.user, birth_date=birth_date).birth_date == birth_date
    else:
        with pytest.raises(DomainError) as exc:
            create(municipality, consultant.user, birth_date=birth_date)
        assert (exc.value.code, exc.value.field) == ("age_out_of_range", "birth_date")
        assert not Youth.objects.exists()


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (datetime(2023, 2, 28, 12, 0, tzinfo=UTC), False),
        (datetime(2023, 3, 1, 12, 0, tzinfo=UTC), True),
    ],
)
def test_youth_create_29_february_birthday(municipality, consultant, now, allowed):
    birth = date(2008, 2, 29)
    if allowed:
        create(municipality, consultant.user, birth_date=birth, now=now)
    else:
        with pytest.raises(DomainError) as exc:
            create(municipality, consultant.user, birth_date=birth, now=now)
        assert exc.value.code == "age_out_of_range"


def test_youth_create_counts_age_on_the_municipalitys_calendar_day(municipality, consultant):
    # 23:30 UTC on 21 November is already 22 November in Copenhagen: the 15th birthday.
    late = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    youth = create(municipality, consultant.user, birth_date=date(2011, 11, 22), now=late)
    assert youth.pk
    with pytest.raises(DomainError):
        create(municipality, consultant.user, birth_date=date(2011, 11, 23), now=late)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "0102031234"),
        ("first_name", "Anna 010203-1234"),
        ("last_name", "Hansen 123456"),
        ("last_name", "٠١٠٢٠٣١٢٣٤"),
    ],
)
def test_youth_create_refuses_cpr_like_names(municipality, consultant, field, value):
    with pytest.raises(DomainError) as exc:
        create(municipality, consultant.user, **{field: value})
    assert (exc.value.code, exc.value.field) == ("looks_like_cpr", field)
    assert not Youth.objects.exists()


def test_youth_create_allows_short_numbers_in_names(municipality, consultant):
    assert create(municipality, consultant.user, last_name="Hansen 2").last_name == "Hansen 2"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"first_name": " "}, "required", "first_name"),
        ({"first_name": "x" * 101}, "too_long", "first_name"),
        ({"language": "de"}, "language_invalid", "language"),
        ({"preferred_hours": 0}, "hours_out_of_range", "preferred_hours"),
        ({"preferred_hours": 38}, "hours_out_of_range", "preferred_hours"),
        ({"sectors": ["moon"]}, "sector_invalid", "sectors"),
        ({"birth_date": "17/05/2005"}, "date_invalid", "birth_date"),
    ],
)
def test_youth_create_validates_input(municipality, consultant, overrides, code, field):
    with pytest.raises(DomainError) as exc:
        create(municipality, consultant.user, **overrides)
    assert (exc.value.code, exc.value.field) == (code, field)


def test_youth_create_refuses_consultant_and_group_of_another_municipality(
    municipality, consultant, other_consultant, other_municipality
):
    with pytest.raises(DomainError) as exc:
        create(municipality, consultant.user, contact_consultant=other_consultant)
    assert (exc.value.code, exc.value.field) == ("consultant_invalid", "contact_consultant")
    with pytest.raises(DomainError) as exc:
        create(municipality, consultant.user, group=f.GroupFactory(municipality=other_municipality))
    assert (exc.value.code, exc.value.field) == ("group_invalid", "group")
    assert not Youth.objects.exists()


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("consultant", True),
        ("admin_user", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_youth_create_permissions(request, municipality, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    before = Youth.objects.count()
    if allowed:
        create(municipality, actor)
        assert Youth.objects.count() == before + 1
    else:
        with pytest.raises(DomainError) as exc:
            create(municipality, actor)
        assert exc.value.code == "forbidden"
        assert Youth.objects.count() == before


# --- youth_update ------------------------------------------------------------------------------


def test_youth_update_changes_fields_and_audits_names_only(youth, consultant):
    youth_update(
        youth=youth,
        actor=consultant.user,
        first_name="Mia",
        sectors=["it"],
        preferred_hours=20,
        now=NOW,
    )
    youth.refresh_from_db()
    assert (youth.first_name, youth.preferred_hours) == ("Mia", 20)
    assert list(youth.sectors.values_list("code", flat=True)) == ["it"]
    entry = AuditEntry.objects.get(action="youth.update")
    assert entry.data == {"fields": ["first_name", "preferred_hours", "sectors"]}
    assert "Mia" not in str(entry.data)


def test_youth_update_refuses_cpr_and_erased_youth(youth, consultant, municipality):
    with pytest.raises(DomainError) as exc:
        youth_update(youth=youth, actor=consultant.user, last_name="1234567890")
    assert exc.value.code == "looks_like_cpr"
    erased = f.YouthFactory(
        municipality=municipality,
        first_name="",
        birth_date=None,
        erased_at=NOW,
        status=Status.LEFT,
    )
    with pytest.raises(DomainError) as exc:
        youth_update(youth=erased, actor=consultant.user, first_name="Back")
    assert exc.value.code == "invalid_state"


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("consultant", True),
        ("admin_user", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),  # a youth changes their preferences, not their record
    ],
)
def test_youth_update_permissions(request, youth, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        youth_update(youth=youth, actor=actor, first_name="Ny")
        youth.refresh_from_db()
        assert youth.first_name == "Ny"
    else:
        before = helpers.stored(youth)
        with pytest.raises(DomainError) as exc:
            youth_update(youth=youth, actor=actor, first_name="Ny")
        assert exc.value.code == "forbidden"
        assert helpers.stored(youth) == before


# --- status transitions ------------------------------------------------------------------------

SERVICES = {
    "pause": youth_pause,
    "resume": youth_resume,
    "leave": lambda **kwargs: youth_leave(destination="education", **kwargs),
}
ALLOWED = {
    ("pause", Status.ACTIVE): Status.PAUSED,
    ("resume", Status.PAUSED): Status.ACTIVE,
    ("leave", Status.INVITED): Status.LEFT,
    ("leave", Status.ACTIVE): Status.LEFT,
    ("leave", Status.PAUSED): Status.LEFT,
}


@pytest.mark.parametrize("action", list(SERVICES))
@pytest.mark.parametrize("status", list(Status))
def test_every_youth_status_transition(municipality, consultant, action, status):
    youth = f.YouthFactory(municipality=municipality, status=status)
    before = helpers.stored(youth)
    expected = ALLOWED.get((action, status))
    if expected:
        result = SERVICES[action](youth=youth, actor=consultant.user, now=NOW)
        youth.refresh_from_db()
        assert result.status == youth.status == expected
        assert AuditEntry.objects.filter(action=f"youth.{action}", target_id=youth.pk).exists()
    else:
        with pytest.raises(DomainError) as exc:
            SERVICES[action](youth=youth, actor=consultant.user, now=NOW)
        assert exc.value.code == "invalid_state"
        assert helpers.stored(youth) == before


def test_erased_youth_cannot_change_status(municipality, consultant):
    erased = f.YouthFactory(
        municipality=municipality,
        first_name="",
        birth_date=None,
        status=Status.PAUSED,
        erased_at=NOW,
    )
    with pytest.raises(DomainError) as exc:
        youth_resume(youth=erased, actor=consultant.user)
    assert exc.value.code == "invalid_state"


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("consultant", True),
        ("admin_user", True),
        ("other_consultant", False),
        ("company_member", False),
        ("other_youth", False),
    ],
)
@pytest.mark.parametrize("action", ["pause", "leave"])
def test_youth_status_permissions(request, youth, actor_name, allowed, action):
    actor = helpers.actor(request, actor_name)
    if allowed:
        SERVICES[action](youth=youth, actor=actor)
        youth.refresh_from_db()
        assert youth.status == ALLOWED[(action, Status.ACTIVE)]
    else:
        with pytest.raises(DomainError) as exc:
            SERVICES[action](youth=youth, actor=actor)
        assert exc.value.code == "forbidden"
        youth.refresh_from_db()
        assert youth.status == Status.ACTIVE


@pytest.fixture
def group_with_meeting(municipality, youth):
    group = f.GroupFactory(municipality=municipality)
    youth.group = group
    youth.save(update_fields=["group"])
    meeting = f.MeetingFactory(group=group, starts_at=NOW + timedelta(days=3))
    reminders_sync_meeting(meeting, now=NOW)
    assert OutboxMessage.objects.filter(recipient=youth, status="pending").count() == 2
    return group


def test_youth_pause_stops_and_resume_restores_meeting_reminders(
    youth, consultant, group_with_meeting
):
    youth_pause(youth=youth, actor=consultant.user, now=NOW)
    assert not OutboxMessage.objects.filter(recipient=youth, status="pending").exists()
    youth_resume(youth=youth, actor=consultant.user, now=NOW)
    assert OutboxMessage.objects.filter(recipient=youth, status="pending").count() == 2


def test_youth_leave_cancels_messages_leaves_group_and_revokes_invites(
    youth, consultant, group_with_meeting, published, django_capture_on_commit_callbacks
):
    invite = Invite.objects.create(youth=youth, token_hash="a" * 64, expires_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        youth_leave(youth=youth, actor=consultant.user, destination="unknown", now=NOW)
    youth.refresh_from_db()
    assert (youth.status, youth.left_at, youth.group) == (Status.LEFT, NOW, None)
    # Everything waiting is cancelled; the one message left is the offer to ask again later
    # (tests/domain/services/test_followups.py).
    pending = OutboxMessage.objects.filter(recipient=youth, status="pending")
    assert list(pending.values_list("kind", flat=True)) == [OutboxMessage.Kind.FOLLOWUP_INVITE]
    invite.refresh_from_db()
    assert invite.revoked_at == NOW
    types = [e.type for e in published]
    assert "youth.left" in types and "group.member_removed" in types


# --- preferences -------------------------------------------------------------------------------


def test_youth_sets_own_preferences(youth):
    youth_set_preferences(
        youth=youth,
        actor=youth,
        language="en",
        sector_codes=["it", "care"],
        preferred_hours=12,
        now=NOW,
    )
    youth.refresh_from_db()
    assert (youth.language, youth.preferred_hours) == ("en", 12)
    assert sorted(youth.sectors.values_list("code", flat=True)) == ["care", "it"]


def test_youth_without_consent_cannot_set_preferences(municipality):
    youth = f.InvitedYouthFactory(municipality=municipality)
    with pytest.raises(DomainError) as exc:
        youth_set_preferences(youth=youth, actor=youth, language="en")
    assert exc.value.code == "consent_required"
    youth.refresh_from_db()
    assert youth.language == "da"


def test_turning_reminders_off_cancels_them_and_on_restores_them(youth, group_with_meeting):
    youth_set_preferences(youth=youth, actor=youth, reminders_enabled=False, now=NOW)
    assert not OutboxMessage.objects.filter(recipient=youth, status="pending").exists()
    youth_set_preferences(youth=youth, actor=youth, reminders_enabled=True, now=NOW)
    assert OutboxMessage.objects.filter(recipient=youth, status="pending").count() == 2


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"language": "fr"}, "language_invalid", "language"),
        ({"preferred_hours": 40}, "hours_out_of_range", "preferred_hours"),
        ({"sector_codes": ["nope"]}, "sector_invalid", "sector_codes"),
    ],
)
def test_youth_set_preferences_validates(youth, kwargs, code, field):
    before = helpers.stored(youth)
    with pytest.raises(DomainError) as exc:
        youth_set_preferences(youth=youth, actor=youth, **kwargs)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert helpers.stored(youth) == before


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_youth", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_youth_set_preferences_permissions(request, youth, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        youth_set_preferences(youth=youth, actor=actor, preferred_hours=30)
        youth.refresh_from_db()
        assert youth.preferred_hours == 30
    else:
        with pytest.raises(DomainError) as exc:
            youth_set_preferences(youth=youth, actor=actor, preferred_hours=30)
        assert exc.value.code == "forbidden"
        youth.refresh_from_db()
        assert youth.preferred_hours is None


def test_youth_stops_sharing_experiences_and_shared_sentences_are_withdrawn(youth):
    youth_set_share_experiences(youth=youth, actor=youth, share=True, now=NOW)
    youth.refresh_from_db()
    assert youth.share_experiences
    placement = f.PlacementFactory(youth=youth, status=Placement.Status.ACTIVE)
    checkin = CheckIn.objects.create(
        placement=placement,
        week=date(2026, 11, 16),
        score=4,
        text="Godt",
        shared=True,
        created_at=NOW,
    )
    youth_set_share_experiences(youth=youth, actor=youth, share=False, now=NOW)
    youth.refresh_from_db()
    checkin.refresh_from_db()
    assert not youth.share_experiences
    assert not checkin.shared
    assert checkin.text == "Godt"


@pytest.mark.parametrize(
    "actor_name", ["other_youth", "consultant", "admin_user", "company_member", None]
)
def test_only_the_youth_decides_about_sharing_experiences(request, youth, actor_name):
    with pytest.raises(DomainError) as exc:
        youth_set_share_experiences(
            youth=youth, actor=helpers.actor(request, actor_name), share=True
        )
    assert exc.value.code == "forbidden"
    youth.refresh_from_db()
    assert not youth.share_experiences


# --- selectors ---------------------------------------------------------------------------------


def test_youth_visible_to_user_by_role(
    youth, other_youth, consultant, other_consultant, admin_user, company_member
):
    assert list(youth_visible_to_user(user=consultant.user)) == [youth]
    assert list(youth_visible_to_user(user=other_consultant.user)) == [other_youth]
    assert set(youth_visible_to_user(user=admin_user)) == {youth, other_youth}
    assert not youth_visible_to_user(user=company_member.user).exists()
    assert not youth_visible_to_user(user=youth).exists()


def test_youth_get_for_user_audits_every_read(youth, consultant):
    assert youth_get_for_user(user=consultant.user, youth_id=youth.pk, now=NOW) == youth
    entry = AuditEntry.objects.get(action="youth.read")
    assert (entry.actor, entry.target_id, entry.municipality_id, entry.created_at) == (
        consultant.user,
        youth.pk,
        youth.municipality_id,
        NOW,
    )


@pytest.mark.parametrize("actor_name", ["other_consultant", "company_member", "youth"])
def test_youth_get_for_user_is_not_found_outside_the_scope(request, youth, actor_name):
    with pytest.raises(DomainError) as exc:
        youth_get_for_user(user=helpers.actor(request, actor_name), youth_id=youth.pk)
    assert exc.value.code == "not_found"
    assert not AuditEntry.objects.exists()


@pytest.fixture
def interest(youth, slot):
    youth.sectors.set([f.sector("retail"), f.sector("it")])
    youth.telegram_username = "sofie_dk"
    youth.save(update_fields=["telegram_username"])
    return f.InterestFactory(youth=youth, slot=slot, message="Jeg elsker brød")


def test_company_card_shows_first_name_age_sectors_and_message_only(interest, company_member):
    card = youth_card_for_company(user=company_member.user, interest=interest, now=NOW)
    assert card == {
        "interest_id": interest.pk,
        "first_name": interest.youth.first_name,
        "age": 21,  # born 17 May 2005
        "sectors": ["Detailhandel", "IT og digitalt"],
        "message": "Jeg elsker brød",
    }


@pytest.mark.parametrize(
    ("status", "contact"),
    [
        (Placement.Status.PROPOSED, False),
        (Placement.Status.REJECTED, False),
        (Placement.Status.APPROVED, True),
        (Placement.Status.ACTIVE, True),
        # Over: the company no longer needs the youth's contact (data minimisation).
        (Placement.Status.COMPLETED, False),
    ],
)
def test_company_card_contact_only_after_approval(interest, company_member, status, contact):
    f.PlacementFactory(
        youth=interest.youth,
        slot=interest.slot,
        interest=interest,
        status=status,
        reject_reason="Nej",
    )
    card = youth_card_for_company(user=company_member.user, interest=interest, now=NOW)
    assert ("contact" in card) is contact
    if contact:
        assert card["contact"] == "sofie_dk"


def test_company_card_ignores_placements_with_other_companies(interest, company_member):
    f.PlacementFactory(youth=interest.youth, status=Placement.Status.ACTIVE)
    assert "contact" not in youth_card_for_company(user=company_member.user, interest=interest)


@pytest.mark.parametrize(
    ("actor_name", "code"),
    [
        ("other_company_member", "not_found"),
        ("other_consultant", "not_found"),
        ("youth", "forbidden"),
        ("other_youth", "forbidden"),
    ],
)
def test_company_card_is_refused_outside_the_company(request, interest, actor_name, code):
    with pytest.raises(DomainError) as exc:
        youth_card_for_company(user=helpers.actor(request, actor_name), interest=interest)
    assert exc.value.code == code


@pytest.mark.parametrize("actor_name", ["consultant", "admin_user"])
def test_staff_see_the_same_card(request, interest, actor_name):
    card = youth_card_for_company(user=helpers.actor(request, actor_name), interest=interest)
    assert card["first_name"] == interest.youth.first_name
