"""Placements at the company, with contact details only while approved or active."""

import pytest
from django.urls import reverse

from tests import factories as f


def _placement(slot, youth, status):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth)
    extra = {"reject_reason": "Timerne passer ikke"} if status == "rejected" else {}
    return f.PlacementFactory(slot=slot, youth=youth, interest=interest, status=status, **extra)


@pytest.mark.parametrize(
    ("status", "contact"),
    [
        ("proposed", False),
        ("approved", True),
        ("active", True),
        ("completed", False),
        ("rejected", False),
    ],
)
def test_contact_shows_only_while_approved_or_active(
    client_for, company_member, slot, youth, status, contact
):
    youth.telegram_username = "ung_handle"
    youth.last_name = "Efternavnsen"
    youth.save()
    _placement(slot, youth, status)
    html = client_for(company_member).get(reverse("company_placements")).text
    assert youth.first_name in html
    assert ("ung_handle" in html) is contact
    assert "Efternavnsen" not in html


def test_other_companies_placements_are_not_listed(
    client_for, company_member, other_company, other_youth
):
    theirs = f.SlotFactory(company=other_company, title="Deres plads")
    _placement(theirs, other_youth, "active")
    html = client_for(company_member).get(reverse("company_placements")).text
    assert "Deres plads" not in html
    assert other_youth.first_name not in html


def test_placement_list_queries_are_the_same_for_1_and_30(
    client_for, company_member, slot, municipality, queries_for
):
    def add(n):
        for _ in range(n):
            _placement(slot, f.YouthFactory(municipality=municipality), "active")

    client = client_for(company_member)
    url = reverse("company_placements")
    add(1)
    client.get(url)
    one = queries_for(client, url)
    add(29)
    assert queries_for(client, url) == one


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_placements_page_is_for_company_members(client_for, request, who):
    assert (
        client_for(request.getfixturevalue(who)).get(reverse("company_placements")).status_code
        == 403
    )
