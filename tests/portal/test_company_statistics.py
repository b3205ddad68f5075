"""The company's statistics page: its own slots' funnel as an accessible chart with tables,
counts only (no youth), for its members alone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Placement
from tests import factories as f

PAGE = reverse("company_statistics")


@pytest.fixture
def history(slot, youth):
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    f.PlacementFactory(youth=youth, slot=slot, interest=interest, status=Placement.Status.APPROVED)
    return interest


def test_the_page_draws_the_funnel_chart_with_its_table(client_for, company_member, history):
    response = client_for(company_member).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 1
    assert 'aria-labelledby="chart-funnel-title chart-funnel-desc"' in page
    assert history.slot.title in page
    assert history.youth.first_name not in page
    assert "<table" in page


def test_the_company_menu_links_to_the_page(client_for, company_member):
    page = client_for(company_member).get(reverse("company_dashboard")).content.decode()
    assert f'href="{PAGE}"' in page


def test_only_the_own_company_is_counted(
    client_for, company_member, other_company, other_youth, history
):
    theirs = f.SlotFactory(company=other_company, title="Deres plads")
    f.InterestFactory(slot=theirs, youth=other_youth)
    page = client_for(company_member).get(PAGE).content.decode()
    assert "Deres plads" not in page
    assert history.slot.title in page


@pytest.mark.parametrize("who", ["consultant", "other_consultant", "admin_user"])
def test_consultants_and_admins_are_refused(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get(PAGE).status_code == 403


def test_anonymous_goes_to_the_login(client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_a_period_ending_before_it_starts_is_shown_at_the_field(client_for, company_member):
    response = client_for(company_member).get(
        PAGE, {"date_from": "2026-06-01", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert 'id="id_date_to_error"' in response.content.decode()


def test_a_slot_title_is_escaped(client_for, company_member, company):
    f.SlotFactory(company=company, title="<script>alert(1)</script>")
    page = client_for(company_member).get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_queries_are_the_same_for_1_and_30_slots(
    client_for, company_member, company, municipality, queries_for
):
    def add(n):
        for _ in range(n):
            slot = f.SlotFactory(company=company)
            f.InterestFactory(slot=slot, youth=f.YouthFactory(municipality=municipality))

    client = client_for(company_member)
    add(1)
    client.get(PAGE)
    one = queries_for(client, PAGE)
    add(29)
    assert queries_for(client, PAGE) == one


def test_the_period_filters_the_counts(client_for, company_member, slot, youth):
    f.InterestFactory(slot=slot, youth=youth, created_at=timezone.now() - timedelta(days=60))
    client = client_for(company_member)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = client.get(PAGE, {"date_from": since}).context["stats"]
    assert recent["funnel"][0] == {"step": "interests", "count": 0}
    assert recent["period"]["from"] == since
    everything = client.get(PAGE).context["stats"]
    assert everything["funnel"][0] == {"step": "interests", "count": 1}
