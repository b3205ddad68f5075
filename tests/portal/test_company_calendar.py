"""The private calendar feed: creating, renewing and turning off its URL; the iCalendar body."""

import re
from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from domain.exceptions import DomainError
from domain.models import AuditEntry, CalendarFeed, CompanySignup
from domain.services.calendar import calendar_feed_regenerate, calendar_feed_revoke
from tests import factories as f


def _feed_url(client) -> str:
    client.post(reverse("calendar_regenerate"))
    html = client.get(reverse("calendar")).text
    return re.search(r'value="http://testserver(/kalender/[^"]+\.ics)"', html).group(1)


def test_make_a_link_shows_it_once_and_stores_only_its_hash(client_for, company_member):
    client = client_for(company_member)
    url = _feed_url(client)
    token = url.split("/")[-1].removesuffix(".ics")
    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=company_member.user)
    assert token not in feed.token_hash
    assert url not in client.get(reverse("calendar")).text  # not shown again


def test_feed_holds_intro_meetings_and_signed_up_events_in_local_time(
    client_for, company_member, company, slot, youth, municipality
):
    youth.last_name = "Efternavnsen"
    youth.save()
    at = timezone.now().replace(microsecond=0) + timedelta(days=2)
    f.AcceptedInterestFactory(
        slot=slot, youth=youth, intro_meeting_at=at, intro_meeting_place="Algade 1"
    )
    event = f.EventFactory(municipality=municipality, title="Matchdag")
    CompanySignup.objects.create(event=event, company=company, created_at=timezone.now())
    f.EventFactory(municipality=municipality, title="Ikke tilmeldt")
    response = Client().get(_feed_url(client_for(company_member)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    intro = next(e for s, e in events.items() if youth.first_name in s)
    assert intro.decoded("dtstart") == at
    assert intro["dtstart"].params["TZID"] == "Europe/Copenhagen"
    assert str(intro["location"]) == "Algade 1"
    assert any("Matchdag" in s for s in events)
    assert not any("Ikke tilmeldt" in s for s in events)
    assert calendar.walk("VTIMEZONE")
    assert "Efternavnsen" not in response.content.decode()


def test_feed_never_holds_another_companys_meetings(
    client_for, company_member, other_company, other_youth
):
    theirs = f.SlotFactory(company=other_company)
    f.AcceptedInterestFactory(slot=theirs, youth=other_youth)
    response = Client().get(_feed_url(client_for(company_member)))
    assert other_youth.first_name not in response.content.decode()


def test_new_link_stops_the_old_one_and_turning_off_stops_all(client_for, company_member):
    client = client_for(company_member)
    old = _feed_url(client)
    new = _feed_url(client)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    client.post(reverse("calendar_revoke"))
    assert Client().get(new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_unknown_token_and_inactive_user_are_not_found(client_for, company_member):
    assert Client().get("/kalender/not-a-real-token.ics").status_code == 404
    url = _feed_url(client_for(company_member))
    company_member.user.is_active = False
    company_member.user.save()
    assert Client().get(url).status_code == 404


def test_calendar_actions_are_posts_with_csrf(client_for, company_member):
    client = client_for(company_member, csrf=True)
    assert client.post(reverse("calendar_regenerate")).status_code == 403
    assert client_for(company_member).get(reverse("calendar_regenerate")).status_code == 405


@pytest.mark.parametrize(("who", "status"), [("admin_user", 403), (None, 302)])
def test_calendar_page_is_for_company_members_and_consultants(client_for, request, who, status):
    client = client_for(request.getfixturevalue(who) if who else None)
    assert client.get(reverse("calendar")).status_code == status


def test_consultant_feed_holds_own_groups_meetings_and_municipality_events(
    client_for, consultant, municipality, other_municipality
):
    group = f.GroupFactory(municipality=municipality, name="Torsdagsgruppen")
    group.facilitators.add(consultant)
    f.MeetingFactory(group=group)
    f.MeetingFactory(group=f.GroupFactory(municipality=municipality, name="Andres gruppe"))
    f.EventFactory(municipality=municipality, title="Matchdag")
    f.EventFactory(municipality=other_municipality, title="Vejle-dag")
    f.EventFactory(municipality=municipality, title="Kladde", status="draft")
    response = Client().get(_feed_url(client_for(consultant)))
    summaries = [
        str(e["summary"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert any("Torsdagsgruppen" in s for s in summaries)
    assert any("Matchdag" in s for s in summaries)
    for hidden in ("Andres gruppe", "Vejle-dag", "Kladde"):
        assert not any(hidden in s for s in summaries)


def test_feed_service_is_audited_and_own_only(company_member, other_company_member, admin_user):
    calendar_feed_regenerate(user=company_member.user, actor=company_member.user)
    calendar_feed_regenerate(user=company_member.user, actor=company_member.user)
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))
    assert actions[-2:] == ["calendar_feed.create", "calendar_feed.regenerate"]
    with pytest.raises(DomainError) as info:
        calendar_feed_regenerate(user=company_member.user, actor=other_company_member.user)
    assert info.value.code == "forbidden"
    calendar_feed_revoke(user=company_member.user, actor=admin_user)
    assert not CalendarFeed.objects.exists()
