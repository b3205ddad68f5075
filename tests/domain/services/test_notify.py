"""Company members and consultants hear of changes by e-mail: the rows are written in the same
transaction as the change, to exactly the people concerned, as each of them chose."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import EmailPreferences, OutboxMessage, Placement
from domain.services.conversation import message_from_youth
from domain.services.events import event_cancel, event_update
from domain.services.interests import interest_show
from domain.services.mail import email_preferences_save
from domain.services.network import membership_accept, membership_reject, membership_request
from domain.services.placements import placement_approve, placement_reject
from domain.services.reachability import youth_mark_unreachable
from portal.emails import item_for
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen
Kind = OutboxMessage.Kind
Mode = EmailPreferences.Mode


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def emails(kind: str | None = None) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(channel="email").select_related("user")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return sorted((row.user.username, row.kind) for row in rows)


@pytest.fixture
def colleague(company):
    return f.CompanyMemberFactory(company=company, user__username="colleague")


def test_a_new_interest_emails_every_member_of_the_slots_company_and_nobody_else(
    youth, slot, company_member, colleague, other_company_member, consultant
):
    interest = interest_show(youth=youth, slot=slot, actor=youth)
    assert emails() == [("baker", "interest_received"), ("colleague", "interest_received")]
    row = OutboxMessage.objects.get(user=company_member.user)
    assert (row.channel, row.recipient_id, row.due_at, row.digest) == ("email", None, NOW, False)
    assert row.payload == {"slot": slot.title, "interest_id": interest.pk}
    assert row.subject == interest


def test_a_member_of_another_company_gets_nothing_even_in_the_same_network(
    youth, slot, company_member, municipality
):
    neighbour = f.CompanyFactory(name="Naboen ApS")
    f.MembershipFactory(company=neighbour, municipality=municipality)
    f.CompanyMemberFactory(company=neighbour, user__username="neighbour")
    interest_show(youth=youth, slot=slot, actor=youth)
    assert emails() == [("baker", "interest_received")]


def test_a_refused_change_writes_no_email(youth, slot, company_member):
    interest_show(youth=youth, slot=slot, actor=youth)
    with pytest.raises(DomainError):
        interest_show(youth=youth, slot=slot, actor=youth)  # already shown
    assert OutboxMessage.objects.filter(channel="email").count() == 1


def test_a_kind_turned_off_writes_nothing_and_a_digest_kind_waits_for_the_hour(
    youth, slot, company_member, colleague
):
    email_preferences_save(
        user=company_member.user,
        language="da",
        digest_hour=16,
        modes={Kind.INTEREST_RECEIVED: Mode.DIGEST},
    )
    email_preferences_save(
        user=colleague.user, language="en", digest_hour=8, modes={Kind.INTEREST_RECEIVED: "off"}
    )
    interest_show(youth=youth, slot=slot, actor=youth)
    (row,) = OutboxMessage.objects.filter(channel="email")
    assert row.user == company_member.user
    assert row.digest is True
    assert row.due_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 16:00 in Copenhagen


def test_a_user_without_an_address_or_inactive_gets_nothing(youth, slot, company_member):
    company_member.user.email = ""
    company_member.user.save()
    interest_show(youth=youth, slot=slot, actor=youth)
    assert emails() == []


def test_a_placement_decision_emails_the_slots_company(
    consultant, company_member, other_company_member, youth, slot
):
    approved = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.PROPOSED)
    rejected = f.PlacementFactory(
        youth=f.YouthFactory(municipality=youth.municipality),
        slot=slot,
        status=Placement.Status.PROPOSED,
    )
    placement_approve(placement=approved, actor=consultant.user)
    placement_reject(placement=rejected, actor=consultant.user, reason="Ikke nu")
    assert emails() == [("baker", "placement_approved"), ("baker", "placement_rejected")]


@pytest.fixture
def event_with_company(municipality, company):
    event = f.EventFactory(municipality=municipality)
    event.company_signups.create(company=company, created_at=NOW)
    return event


def test_an_event_moved_emails_the_signed_up_companies_once_per_change(
    event_with_company, consultant, company_member, municipality
):
    absent = f.CompanyFactory(name="Ikke Tilmeldt ApS")
    f.MembershipFactory(company=absent, municipality=municipality)
    f.CompanyMemberFactory(company=absent, user__username="absent")
    event = event_with_company
    event_update(event=event, actor=consultant.user, description="Ny tekst")
    assert emails() == []  # not news for a company
    later = event.starts_at + timedelta(hours=1)
    event_update(
        event=event, actor=consultant.user, starts_at=later, ends_at=later + timedelta(hours=3)
    )
    event_update(event=event, actor=consultant.user, place="Biblioteket")
    assert emails() == [("baker", "event_changed"), ("baker", "event_changed")]
    last = OutboxMessage.objects.filter(kind=Kind.EVENT_CHANGED).order_by("pk").last()
    assert last.payload["place"] == "Biblioteket"


def test_an_event_cancelled_emails_the_signed_up_companies(
    event_with_company, consultant, company_member
):
    event_cancel(event=event_with_company, actor=consultant.user)
    assert emails() == [("baker", "event_cancelled")]


def test_a_network_request_emails_that_municipalitys_consultants_and_the_answer_the_company(
    municipality, consultant, other_consultant, company_member, other_company, other_company_member
):
    second = f.ConsultantFactory(municipality=municipality, user__username="second")
    other_company_member.is_company_admin = True
    other_company_member.save()
    membership = membership_request(
        company=other_company, municipality=municipality, actor=other_company_member.user
    )
    assert emails() == [("consultant", "network_requested"), ("second", "network_requested")]
    membership_reject(membership=membership, actor=second.user, reason="Ikke nu")
    assert emails(Kind.NETWORK_ANSWERED) == [("other_member", "network_answered")]
    later = NOW + timedelta(days=2)
    membership = membership_request(
        company=other_company, municipality=municipality, actor=other_company_member.user, now=later
    )
    assert len(emails(Kind.NETWORK_REQUESTED)) == 4  # asked again: news again
    membership_accept(membership=membership, actor=consultant.user, now=later)
    rows = OutboxMessage.objects.filter(kind=Kind.NETWORK_ANSWERED).order_by("pk")
    assert [row.payload["accepted"] for row in rows] == [False, True]
    assert second.user != other_consultant.user
    assert not OutboxMessage.objects.filter(user=other_consultant.user).exists()


def test_an_unreachable_youth_emails_their_contact_consultant_only(youth, consultant, municipality):
    f.ConsultantFactory(municipality=municipality, user__username="second")
    assert youth_mark_unreachable(youth_id=youth.pk, reason="Forbidden: bot was blocked")
    assert emails() == [("consultant", "youth_unreachable")]


def test_a_youth_without_a_contact_consultant_makes_every_consultant_of_the_municipality_hear(
    municipality, consultant, other_consultant
):
    f.ConsultantFactory(municipality=municipality, user__username="second")
    youth = f.YouthFactory(municipality=municipality)
    youth_mark_unreachable(youth_id=youth.pk, reason="Forbidden: bot was blocked")
    assert emails() == [("consultant", "youth_unreachable"), ("second", "youth_unreachable")]


def test_a_youths_message_emails_their_contact_consultant_without_name_or_words(
    youth, consultant, municipality, other_consultant
):
    f.ConsultantFactory(municipality=municipality, user__username="second")
    message_from_youth(youth=youth, text="Hej, hvornår får jeg svar fra bageriet?")

    assert emails() == [("consultant", "youth_message")]
    row = OutboxMessage.objects.get(kind=Kind.YOUTH_MESSAGE)
    item = item_for(row)
    written = json.dumps(row.payload) + str(item.title) + str(item.text)
    assert "bageriet" not in written
    assert youth.first_name not in written
    assert item.url.endswith(f"/{youth.pk}/")


def test_a_consultant_who_turned_youth_messages_off_hears_nothing(youth, consultant):
    email_preferences_save(
        user=consultant.user, language="da", digest_hour=8, modes={Kind.YOUTH_MESSAGE: Mode.OFF}
    )
    message_from_youth(youth=youth, text="Hej")
    assert emails() == []
