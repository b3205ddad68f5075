"""The conversation on the portal: the inbox, writing from the youth's page (with the time a
held message will arrive), the live timeline fragment, and who may reach any of it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from domain.models import AuditEntry, OutboxMessage, Youth, YouthMessage
from domain.services.conversation import message_from_youth, message_to_youth
from domain.services.privacy import youth_erase
from tests import factories as f

INBOX = reverse("consultant:messages")
INBOX_LIST = reverse("consultant:messages_list")
NIGHT = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen
DAY = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)


def url(name: str, youth) -> str:
    return reverse(f"consultant:{name}", args=[youth.pk])


@pytest.fixture
def asta(municipality, consultant):
    return f.YouthFactory(
        municipality=municipality, contact_consultant=consultant, first_name="Asta"
    )


def test_the_inbox_shows_what_the_youth_wrote_waiting_for_an_answer(client_for, consultant, asta):
    message_from_youth(youth=asta, text="hej, hvornår får jeg svar fra bageriet?")
    for address in (INBOX, INBOX_LIST):
        page = client_for(consultant).get(address).content.decode()
        assert "hvornår får jeg svar fra bageriet?" in page
        assert url("youth_detail", asta) in page
        assert "venter på svar" in page


def test_the_inbox_of_another_municipalitys_consultant_is_empty(client_for, other_consultant, asta):
    message_from_youth(youth=asta, text="hemmeligt")
    for address in (INBOX, INBOX_LIST, INBOX + "?alle=1"):
        page = client_for(other_consultant).get(address).content.decode()
        assert "hemmeligt" not in page
    assert client_for(other_consultant).get(url("youth_timeline", asta)).status_code == 404
    response = client_for(other_consultant).post(url("youth_message", asta), {"text": "Hej"})
    assert response.status_code == 404
    assert not YouthMessage.objects.filter(direction="to_youth").exists()


def test_a_company_member_never_reaches_the_conversation(client_for, company_member, asta):
    message_from_youth(youth=asta, text="hemmeligt")
    client = client_for(company_member)
    for address in (INBOX, INBOX_LIST, url("youth_timeline", asta)):
        response = client.get(address)
        assert response.status_code == 403
        assert "hemmeligt" not in response.content.decode()
    assert client.post(url("youth_message", asta), {"text": "Hej"}).status_code == 403
    assert not YouthMessage.objects.filter(direction="to_youth").exists()


def test_writing_by_day_says_it_is_on_its_way_and_shows_it_in_the_timeline(
    client_for, consultant, asta
):
    client = client_for(consultant)
    with time_machine.travel(DAY, tick=False):
        response = client.post(url("youth_message", asta), {"text": "Hej Asta"}, follow=True)
    page = response.content.decode()
    assert "Beskeden er på vej til Asta." in page
    assert "Hej Asta" in page
    message = YouthMessage.objects.get()
    assert message.author == consultant.user
    assert message.delivery.status == OutboxMessage.Status.PENDING


def test_writing_at_night_says_when_it_will_arrive(client_for, consultant, asta):
    client = client_for(consultant)
    with time_machine.travel(NIGHT, tick=False):
        response = client.post(url("youth_message", asta), {"text": "Godnat"}, follow=True)
    page = response.content.decode()
    assert "Asta får besked i morgen kl. 8.00 (stilletid)." in page
    assert "holdt tilbage af stilletiden til 28. Nov 08:00" in page


def test_delivery_states_show_in_the_timeline(client_for, consultant, asta):
    sent = message_to_youth(youth=asta, actor=consultant.user, text="Første")
    failed = message_to_youth(youth=asta, actor=consultant.user, text="Anden")
    OutboxMessage.objects.filter(pk=sent.delivery_id).update(status="sent")
    OutboxMessage.objects.filter(pk=failed.delivery_id).update(status="failed")
    page = client_for(consultant).get(url("youth_timeline", asta)).content.decode()
    assert "leveret" in page and "kunne ikke leveres" in page


@pytest.mark.parametrize(
    ("text", "error"), [("", "Dette felt skal udfyldes."), ("x" * 2001, "2000")]
)
def test_bad_text_is_a_form_error(client_for, consultant, asta, text, error):
    response = client_for(consultant).post(url("youth_message", asta), {"text": text})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not YouthMessage.objects.exists()


def test_a_youth_the_bot_cannot_reach_gets_no_message(client_for, consultant, municipality):
    youth = f.InvitedYouthFactory(municipality=municipality, first_name="Bo")
    response = client_for(consultant).post(url("youth_message", youth), {"text": "Hej"})
    assert response.status_code == 400
    assert "Botten kan ikke nå den unge" in response.content.decode()
    assert not YouthMessage.objects.exists()


def test_an_erased_youths_page_keeps_no_message_and_offers_no_form(client_for, consultant, asta):
    message_from_youth(youth=asta, text="mit nummer er 12345678")
    youth_erase(youth=asta, actor=consultant.user)
    page = client_for(consultant).get(url("youth_detail", asta)).content.decode()
    assert "12345678" not in page
    assert url("youth_message", asta) not in page
    assert "12345678" not in client_for(consultant).get(INBOX + "?alle=1").content.decode()
    assert not YouthMessage.objects.filter(youth=Youth.objects.get(pk=asta.pk)).exists()


def test_the_live_timeline_fragment_is_an_audited_read(client_for, consultant, asta):
    message_from_youth(youth=asta, text="Hej")
    before = AuditEntry.objects.filter(action="youth.read").count()
    page = client_for(consultant).get(url("youth_timeline", asta)).content.decode()
    assert "Besked fra Asta" in page
    assert AuditEntry.objects.filter(action="youth.read").count() == before + 1


# --- other pushed news held by quiet hours (the page that caused it says when it arrives) --------


def test_approving_a_placement_at_night_says_when_the_youth_hears(
    client_for, consultant, asta, company
):
    from domain.models import Placement

    placement = f.PlacementFactory(
        youth=asta, slot=f.SlotFactory(company=company), status=Placement.Status.PROPOSED
    )
    with time_machine.travel(NIGHT, tick=False):
        response = client_for(consultant).post(
            reverse("consultant:approve", args=[placement.pk]), follow=True
        )
        page = response.content.decode()
        assert "Asta får besked i morgen kl. 8.00 (stilletid)." in page
        timeline = client_for(consultant).get(url("youth_timeline", asta)).content.decode()
    assert "holdt tilbage af stilletiden til 28. Nov 08:00" in timeline


def test_a_company_accepting_at_night_is_told_when_the_youth_hears(
    client_for, company_member, asta, company
):
    from domain.models import Interest

    interest = f.InterestFactory(youth=asta, slot=f.SlotFactory(company=company))
    assert interest.status == Interest.Status.PENDING
    with time_machine.travel(NIGHT, tick=False):
        response = client_for(company_member).post(
            reverse("company_interest_accept", args=[interest.pk]),
            {"intro_meeting_at": "2026-12-02T10:00", "intro_meeting_place": "Algade 1"},
            follow=True,
        )
    assert "Asta får besked i morgen kl. 8.00 (stilletid)." in response.content.decode()


def test_by_day_nothing_is_said_about_quiet_hours(client_for, consultant, asta, company):
    from domain.models import Placement

    placement = f.PlacementFactory(
        youth=asta, slot=f.SlotFactory(company=company), status=Placement.Status.PROPOSED
    )
    with time_machine.travel(DAY, tick=False):
        response = client_for(consultant).post(
            reverse("consultant:approve", args=[placement.pk]), follow=True
        )
    assert "stilletid" not in response.content.decode()


def test_cancelling_a_groups_meeting_at_night_counts_the_youth_who_hear_in_the_morning(
    client_for, consultant, municipality, asta
):
    from domain.services.groups import group_member_add

    group = f.GroupFactory(municipality=municipality)
    bo = f.YouthFactory(municipality=municipality, first_name="Bo")
    for member in (asta, bo):
        group_member_add(group=group, youth=member, actor=consultant.user)
    meeting = f.MeetingFactory(group=group, starts_at=NIGHT + timedelta(days=2))
    with time_machine.travel(NIGHT, tick=False):
        response = client_for(consultant).post(
            reverse("consultant:meeting_cancel", args=[meeting.pk]), {"reason": ""}, follow=True
        )
    assert "2 unge får besked i morgen kl. 8.00 (stilletid)." in response.content.decode()
