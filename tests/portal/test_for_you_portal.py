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
