"""Portal defects the newcomer walk found (issue 14): each test fails on the old code."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.services.interests import interest_intro_cant_come
from tests import factories as f


@pytest.fixture
def intros(slot, municipality):
    """Three accepted interests: intro meetings past (30 days ago), in 9 days and in 2 days."""
    now = timezone.now()
    made = {}
    for name, days in (("Fortid", -30), ("Senere", 9), ("Snart", 2)):
        youth = f.YouthFactory(municipality=municipality, first_name=name)
        made[name] = f.AcceptedInterestFactory(
            youth=youth, slot=slot, intro_meeting_at=now + timedelta(days=days)
        )
    return made


def test_inbox_lists_coming_intro_meetings_soonest_first_and_past_ones_apart(
    client_for, company_member, intros
):
    html = client_for(company_member).get(reverse("company_inbox_fragment")).text
    agreed, held = html.split('id="inbox-met"')
    assert agreed.index("Snart") < agreed.index("Senere")
    assert "Fortid" not in agreed and "Fortid" in held


def test_the_company_and_the_consultant_see_a_youths_cant_come(
    client_for, company_member, consultant, intros
):
    interest = intros["Snart"]
    interest_intro_cant_come(interest=interest, actor=interest.youth)
    inbox = client_for(company_member).get(reverse("company_inbox_fragment")).text
    assert "Kan ikke komme: foreslå en anden tid" in inbox
    page = client_for(company_member).get(reverse("company_interest_detail", args=[interest.pk]))
    assert "Kan ikke komme: foreslå en anden tid" in page.text
    part = client_for(consultant).get(reverse("consultant:dashboard_part", args=["absences"]))
    assert "Snart" in part.text and "introsamtale hos Bageriet ApS" in part.text
    dashboard = client_for(consultant).get(reverse("consultant:dashboard")).text
    assert "Afbud til kommende møder" in dashboard


def test_danish_pages_write_dates_the_danish_way_and_english_pages_the_english_way(
    client_for, company_member, slot, youth
):
    moment = datetime(2026, 12, 7, 0, 12, tzinfo=UTC)  # 01:12 in Copenhagen
    f.InterestFactory(slot=slot, youth=youth, created_at=moment)
    html = client_for(company_member).get(reverse("company_inbox_fragment")).text
    assert "7. dec. kl. 01.12" in html and "Dec" not in html
    english = client_for(company_member).get(
        reverse("company_inbox_fragment"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "7 Dec, 01:12" in english.text


def test_the_slot_page_shows_postcode_and_town_and_a_passed_start_as_flexible(
    client_for, company_member, company
):
    past = f.SlotFactory(
        company=company,
        address="Hovedgaden 1",
        postcode="4000",
        earliest_start=timezone.localdate() - timedelta(days=80),
    )
    html = client_for(company_member).get(reverse("company_slot_detail", args=[past.pk])).text
    assert "Hovedgaden 1, 4000 Roskilde" in html
    assert "løbende" in html


# --- the event board and the door -----------------------------------------------------------


def _event(municipality, days: float):
    starts = timezone.now() + timedelta(days=days)
    return f.EventFactory(
        municipality=municipality,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        signup_deadline=starts - timedelta(hours=1),
    )


def _sign_up(event, youth, company):
    from domain.models import CompanySignup, YouthSignup

    YouthSignup.objects.create(
        event=event, youth=youth, status="confirmed", sequence=1, created_at=timezone.now()
    )
    CompanySignup.objects.create(
        event=event, company=company, attendees=1, created_at=timezone.now()
    )
    return YouthSignup


def test_the_board_shows_no_portal_menu(client_for, consultant, municipality):
    event = _event(municipality, 16)
    page = client_for(consultant).get(reverse("consultant:event_board", args=[event.pk])).text
    assert reverse("consultant:youth_list") not in page
    assert "Log ud" not in page and 'name="language"' not in page


def test_the_board_says_companies_are_here_only_on_the_day(
    client_for, consultant, municipality, youth, company
):
    coming = _event(municipality, 16)
    _sign_up(coming, youth, company)
    page = client_for(consultant).get(reverse("consultant:event_board", args=[coming.pk])).text
    assert "1 virksomhed kommer" in page and "er her" not in page
    today = _event(municipality, 1 / 24)  # in an hour
    _sign_up(today, f.YouthFactory(municipality=municipality), company)
    page = client_for(consultant).get(reverse("consultant:event_board", args=[today.pk])).text
    assert "1 virksomhed er her" in page


def test_door_check_in_buttons_appear_only_when_check_in_opens(
    client_for, consultant, municipality, youth, company
):
    later = _event(municipality, 16)
    _sign_up(later, youth, company)
    page = client_for(consultant).get(reverse("consultant:event_detail", args=[later.pk])).text
    assert f"Tjek {youth.first_name} ind" not in page
    assert "Tjek-ind ved døren åbner" in page
    soon = _event(municipality, 1 / 24)  # in an hour: check-in opens two hours before
    _sign_up(soon, youth, company)
    page = client_for(consultant).get(reverse("consultant:event_detail", args=[soon.pk])).text
    assert f"Tjek {youth.first_name} ind" in page


# --- groups and meetings ----------------------------------------------------------------------


@pytest.fixture
def group_with_member(municipality, consultant, youth):
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    youth.group = group
    youth.save(update_fields=["group"])
    return group


def test_past_meetings_say_held_or_attendance_missing_not_scheduled(
    client_for, consultant, group_with_member, youth
):
    from domain.models import Attendance

    now = timezone.now()
    held = f.MeetingFactory(group=group_with_member, starts_at=now - timedelta(days=7))
    f.MeetingFactory(group=group_with_member, starts_at=now - timedelta(days=14))
    Attendance.objects.create(meeting=held, youth=youth, status="present", recorded_at=now)
    page = client_for(consultant).get(
        reverse("consultant:group_detail", args=[group_with_member.pk])
    )
    past = page.text.split("Tidligere møder")[-1] if "Tidligere møder" in page.text else page.text
    assert "afholdt" in past and "fremmøde mangler" in past
    assert "planlagt" not in past


def test_the_attendance_form_is_one_line_per_member(
    client_for, consultant, group_with_member, youth, municipality
):
    for n in range(9):
        other = f.YouthFactory(municipality=municipality, first_name=f"Medlem{n}")
        other.group = group_with_member
        other.save(update_fields=["group"])
    meeting = f.MeetingFactory(group=group_with_member)
    page = client_for(consultant).get(reverse("consultant:meeting_detail", args=[meeting.pk])).text
    assert 'type="radio"' not in page
    assert page.count("<select") == 10
    assert page.count('<th scope="row">') == 10


def test_the_add_member_list_names_youth_by_name_and_age_not_number(
    client_for, consultant, group_with_member, municipality
):
    from datetime import date

    f.YouthFactory(
        municipality=municipality, first_name="Asta", last_name="Holm", birth_date=date(2004, 3, 2)
    )
    # The group page's member picker is a name search (pages stay small as the network grows).
    page = (
        client_for(consultant)
        .get(reverse("consultant:group_detail", args=[group_with_member.pk]), {"q": "Asta"})
        .text
    )
    assert "Asta Holm, " in page and " år</span>" in page
    assert "Asta #" not in page


# --- the dashboard and the icon ---------------------------------------------------------------


def test_the_dashboard_says_overblik_once(client_for, consultant):
    page = client_for(consultant).get(reverse("consultant:dashboard")).text
    main = page.split("<main", 1)[1]
    # The page's heading; the menu's link is outside <main>. ("At a glance" said it again.)
    assert main.count(">Overblik<") == 1


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_the_accessibility_statement_is_open_to_everyone_and_linked_from_every_page(
    client, client_for, consultant
):
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200
    assert "Tilgængelighedserklæring" in page.text and "WCAG 2.1" in page.text
    dashboard = client_for(consultant).get(reverse("consultant:dashboard")).text
    assert f'href="{reverse("accessibility")}"' in dashboard
