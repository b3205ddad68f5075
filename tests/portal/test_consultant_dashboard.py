"""The consultant's dashboard: who may see it, what it lists, live fragments, bounded queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Placement
from tests import factories as f

URL = reverse("consultant:dashboard")
PARTS = (
    "counts",
    "unreachable",
    "overdue",
    "absences",
    "interests",
    "signups",
    "checkins",
    "approvals",
)


def part_url(part: str) -> str:
    return reverse("consultant:dashboard_part", args=[part])


def test_anonymous_visitors_are_sent_to_the_login_page(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_company_members_may_not_open_the_dashboard(client_for, company_member):
    assert client_for(company_member).get(URL).status_code == 403
    assert client_for(company_member).get(part_url("interests")).status_code == 403


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_consultants_and_admins_see_the_dashboard(client_for, request, who):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    assert response.content.count(b'data-live="consultant-dashboard"') == len(PARTS)
    for part in PARTS:
        assert part_url(part).encode() in response.content


def test_dashboard_lists_only_the_own_municipalitys_items(
    client_for, consultant, youth, slot, other_youth
):
    f.InterestFactory(youth=youth, slot=slot)
    f.InterestFactory(youth=other_youth, slot=f.SlotFactory(title="Fremmed plads"))
    f.PlacementFactory(youth=youth, slot=f.SlotFactory(company=slot.company, title="Lageret"))
    low = f.PlacementFactory(
        youth=f.YouthFactory(municipality=youth.municipality, first_name="Lav"),
        slot=slot,
        status=Placement.Status.ACTIVE,
    )
    f.CheckInFactory(placement=low, score=2, text="Svær uge")
    f.CheckInFactory(
        placement=f.PlacementFactory(youth=other_youth, status=Placement.Status.ACTIVE),
        score=1,
        text="Fremmed tjek-ind",
    )
    page = client_for(consultant).get(URL).content.decode()
    assert slot.title in page
    assert "Fremmed plads" not in page
    assert "Lageret" in page
    assert "Svær uge" in page
    assert "Fremmed tjek-ind" not in page


def test_a_check_in_scoring_three_is_not_low(client_for, consultant, youth, slot):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE)
    f.CheckInFactory(placement=placement, score=3, text="Helt okay")
    assert "Helt okay" not in client_for(consultant).get(part_url("checkins")).content.decode()


@pytest.mark.parametrize("part", PARTS)
def test_each_fragment_renders_alone(client_for, consultant, part):
    response = client_for(consultant).get(part_url(part))
    assert response.status_code == 200
    assert b"<html" not in response.content


def test_an_unknown_fragment_is_not_found(client_for, consultant):
    assert client_for(consultant).get(part_url("secrets")).status_code == 404


def test_texts_typed_by_others_render_inert(client_for, consultant, youth, company):
    slot = f.SlotFactory(company=company, title="<script>alert(1)</script>")
    f.InterestFactory(youth=youth, slot=slot)
    page = client_for(consultant).get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _fill(municipality, slot, n):
    for _ in range(n):
        youth = f.YouthFactory(municipality=municipality, unreachable_at=timezone.now())
        f.InterestFactory(youth=youth, slot=slot)
        placement = f.PlacementFactory(youth=youth, slot=f.SlotFactory(company=slot.company))
        f.CheckInFactory(
            placement=f.PlacementFactory(
                youth=youth, slot=f.SlotFactory(company=slot.company), status="active"
            ),
            score=1,
        )
        event = f.EventFactory(municipality=municipality)
        event.youth_signups.create(
            youth=youth, status="confirmed", sequence=1, created_at=placement.created_at
        )


@pytest.mark.parametrize("n", [1, 30])
def test_dashboard_queries_do_not_grow_with_the_rows(
    client_for, consultant, municipality, slot, n, django_assert_max_num_queries
):
    _fill(municipality, slot, n)
    client = client_for(consultant)
    # 12, one for the panel of youth the bot cannot reach, one for the companies that have not
    # answered in time, one for the second factor's device, and two for "can't come" (group
    # and intro meetings).
    with django_assert_max_num_queries(17):
        assert client.get(URL).status_code == 200


def test_the_menu_links_every_consultant_area(client_for, consultant):
    page = client_for(consultant).get(URL).content.decode()
    for name in ("approvals", "youth_list", "groups", "events", "memberships", "statistics"):
        assert f'href="{reverse(f"consultant:{name}")}"' in page
    assert f'href="{reverse("calendar")}"' in page
    assert 'aria-current="page"' in page


def test_admins_get_no_calendar_link_they_could_not_open(client_for, admin_user):
    page = client_for(admin_user).get(URL).content.decode()
    assert f'href="{reverse("calendar")}"' not in page
