"""Posting, editing, previewing and the life cycle of a company's slots; the dashboard."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from domain.models import Interest, Placement, Slot
from tests import factories as f


def _data(**overrides):
    start = timezone.localdate() + timedelta(days=10)
    data = {
        "title": "Butiksmedhjælper",
        "description": "Du hjælper i butikken.",
        "kind": "internship",
        "sector": "retail",
        "address": "Algade 1",
        "postcode": "4000",
        "hours_min": "10",
        "hours_max": "20",
        "earliest_start": start.isoformat(),
        "end_date": "",
        "seats": "2",
    }
    return data | overrides


def test_dashboard_lists_slots_with_counts(client_for, company_member, slot):
    f.InterestFactory(slot=slot)
    f.InterestFactory(slot=slot, status=Interest.Status.DECLINED)
    f.PlacementFactory(slot=slot, status=Placement.Status.APPROVED)
    response = client_for(company_member).get(reverse("company_dashboard"))
    row = next(s for s in response.context["slots"] if s.pk == slot.pk)
    assert (row.interests_pending, row.interests_live, row.placements_seated) == (1, 1, 1)
    assert slot.title in response.text


def test_dashboard_shows_only_the_own_companys_slots(client_for, company_member, other_company):
    theirs = f.SlotFactory(company=other_company, title="Deres plads")
    response = client_for(company_member).get(reverse("company_dashboard"))
    assert theirs.title not in response.text


def test_dashboard_queries_are_the_same_for_1_and_30_slots(
    client_for, company_member, company, queries_for
):
    def add(n):
        for _ in range(n):
            f.InterestFactory(slot=f.SlotFactory(company=company))

    client = client_for(company_member)
    url = reverse("company_dashboard")
    add(1)
    client.get(url)  # the session and the role lookups are cached from here on
    one = queries_for(client, url)
    add(29)
    assert queries_for(client, url) == one


def test_create_slot_saves_a_draft_and_shows_the_preview(client_for, company_member, company):
    response = client_for(company_member).post(reverse("company_slot_create"), _data(), follow=True)
    slot = Slot.objects.get(company=company, title="Butiksmedhjælper")
    assert slot.status == "draft" and slot.seats == 2
    assert response.redirect_chain[-1][0] == reverse("company_slot_detail", args=[slot.pk])
    assert "Du hjælper i butikken." in response.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_min": "30", "hours_max": "20"}, "hours_min"),
        ({"hours_max": "60"}, "hours_max"),
        ({"earliest_start": "2020-01-01"}, "earliest_start"),
        ({"postcode": "12"}, "postcode"),
        ({"seats": "0"}, "seats"),
        ({"title": ""}, "title"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_create_slot_shows_errors_at_the_field(client_for, company_member, overrides, field):
    response = client_for(company_member).post(reverse("company_slot_create"), _data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text
    assert not Slot.objects.filter(title="Butiksmedhjælper").exists()


def test_create_slot_enforces_csrf(client_for, company_member):
    response = client_for(company_member, csrf=True).post(reverse("company_slot_create"), _data())
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["consultant", "admin_user", None])
def test_slot_pages_are_for_company_members_only(client_for, request, slot, who):
    client = client_for(request.getfixturevalue(who) if who else None)
    for url in (
        reverse("company_slot_create"),
        reverse("company_slot_detail", args=[slot.pk]),
        reverse("company_slot_update", args=[slot.pk]),
    ):
        response = client.get(url)
        assert response.status_code == (302 if who is None else 403)


def test_another_companys_slot_is_not_found(client_for, other_company_member, slot):
    client = client_for(other_company_member)
    assert client.get(reverse("company_slot_detail", args=[slot.pk])).status_code == 404
    assert client.get(reverse("company_slot_update", args=[slot.pk])).status_code == 404
    url = reverse("company_slot_transition", args=[slot.pk, "close"])
    assert client.post(url).status_code == 404
    slot.refresh_from_db()
    assert slot.status == "open"


def test_edit_slot_changes_it_and_shows_service_errors(client_for, company_member, slot):
    client = client_for(company_member)
    url = reverse("company_slot_update", args=[slot.pk])
    assert client.get(url).context["form"].initial["title"] == slot.title
    data = _data(title="Ny titel", earliest_start=slot.earliest_start.isoformat())
    assert client.post(url, data).url == reverse("company_slot_detail", args=[slot.pk])
    slot.refresh_from_db()
    assert slot.title == "Ny titel"

    f.PlacementFactory(slot=slot, status=Placement.Status.APPROVED)
    f.PlacementFactory(slot=slot, status=Placement.Status.ACTIVE)
    response = client.post(url, data | {"seats": "1"})
    assert "seats" in response.context["form"].errors


def test_slot_life_cycle_publish_pause_resume_close(client_for, company_member, company):
    slot = f.SlotFactory(company=company, status="draft", published_at=None)
    client = client_for(company_member)
    for action, status in (
        ("publish", "open"),
        ("pause", "paused"),
        ("resume", "open"),
        ("close", "closed"),
    ):
        response = client.post(reverse("company_slot_transition", args=[slot.pk, action]))
        assert response.url == reverse("company_slot_detail", args=[slot.pk])
        slot.refresh_from_db()
        assert slot.status == status
    page = client.get(reverse("company_slot_detail", args=[slot.pk])).text
    assert reverse("company_slot_update", args=[slot.pk]) not in page
    response = client.get(reverse("company_slot_update", args=[slot.pk]))
    assert response.url == reverse("company_slot_detail", args=[slot.pk])


def test_transition_refused_by_the_service_is_a_page_message(client_for, company_member, slot):
    response = client_for(company_member).post(
        reverse("company_slot_transition", args=[slot.pk, "resume"]), follow=True
    )
    assert 'class="message message--error"' in response.text
    slot.refresh_from_db()
    assert slot.status == "open"


def test_publishing_before_the_company_is_accepted_explains_why(client_for, db, municipality):
    company = f.CompanyFactory()
    f.MembershipFactory(company=company, municipality=municipality, status="pending")
    member = f.CompanyMemberFactory(company=company)
    slot = f.SlotFactory(company=company, status="draft", published_at=None)
    response = client_for(member).post(
        reverse("company_slot_transition", args=[slot.pk, "publish"]), follow=True
    )
    assert "message--error" in response.text
    slot.refresh_from_db()
    assert slot.status == "draft"


def test_transitions_are_posts_with_csrf(client_for, company_member, slot):
    url = reverse("company_slot_transition", args=[slot.pk, "pause"])
    assert client_for(company_member).get(url).status_code == 405
    assert client_for(company_member, csrf=True).post(url).status_code == 403
    assert (
        client_for(company_member)
        .post(reverse("company_slot_transition", args=[slot.pk, "explode"]))
        .status_code
        == 404
    )


def test_slot_description_with_script_renders_inert(client_for, company_member, company):
    slot = f.SlotFactory(
        company=company, title="<b>Fed</b>", description="<script>alert('x')</script>"
    )
    for url in (reverse("company_slot_detail", args=[slot.pk]), reverse("company_dashboard")):
        html = client_for(company_member).get(url).text
        assert "<script>alert" not in html
        assert "<b>Fed</b>" not in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
        in client_for(company_member).get(reverse("company_slot_detail", args=[slot.pk])).text
    )


def test_anonymous_gets_login_for_slot_actions(slot):
    response = Client().post(reverse("company_slot_transition", args=[slot.pk, "close"]))
    assert response.status_code == 302


def test_dashboard_points_to_the_inbox_when_youth_wait(client_for, company_member, slot):
    client = client_for(company_member)
    assert "venter på jeres svar" not in client.get(reverse("company_dashboard")).text
    f.InterestFactory(slot=slot)
    f.InterestFactory(slot=slot)
    html = client.get(reverse("company_dashboard")).text
    assert "2 unge venter på jeres svar." in html


def test_closing_asks_once_more_and_says_who_waits(client_for, company_member, slot):
    f.InterestFactory(slot=slot)
    client = client_for(company_member)
    detail = client.get(reverse("company_slot_detail", args=[slot.pk])).text
    confirm_url = reverse("company_slot_close_confirm", args=[slot.pk])
    assert confirm_url in detail
    page = client.get(confirm_url)
    assert page.context["waiting"] == 1
    assert reverse("company_slot_transition", args=[slot.pk, "close"]) in page.text
    slot.refresh_from_db()
    assert slot.status == "open"  # looking at the question changes nothing


def test_close_confirmation_of_another_companys_slot_is_not_found(
    client_for, other_company_member, slot
):
    url = reverse("company_slot_close_confirm", args=[slot.pk])
    assert client_for(other_company_member).get(url).status_code == 404


def test_slot_page_lists_the_young_people_interested(
    client_for, company_member, slot, municipality, queries_for
):
    def add(n):
        for _ in range(n):
            f.InterestFactory(slot=slot, youth=f.YouthFactory(municipality=municipality))

    client = client_for(company_member)
    url = reverse("company_slot_detail", args=[slot.pk])
    add(1)
    first = Interest.objects.get()
    page = client.get(url).text
    assert first.youth.first_name in page
    assert reverse("company_interest_detail", args=[first.pk]) in page
    one = queries_for(client, url)
    add(29)
    assert queries_for(client, url) == one


def test_slot_page_shows_no_sentence_until_two_different_youth_share(
    client_for, company_member, company, slot, municipality
):
    """A company with one placed youth must not read that youth's sentence on its own slot
    page: the page shows shared sentences only once two different youth share."""

    def share(text: str, week: date):
        author = f.YouthFactory(municipality=municipality, share_experiences=True)
        placement = f.PlacementFactory(youth=author, slot=slot, status=Placement.Status.ACTIVE)
        f.CheckInFactory(placement=placement, text=text, shared=True, week=week)

    client = client_for(company_member)
    url = reverse("company_slot_detail", args=[slot.pk])
    share("Min chef er sød", date(2026, 11, 16))
    page = client.get(url).text
    assert "Min chef er sød" not in page
    assert "Erfaringer fra andre unge" not in page

    share("Jeg lærte at bage", date(2026, 11, 23))
    page = client.get(url).text
    assert "Erfaringer fra andre unge" in page
    assert "Min chef er sød" in page and "Jeg lærte at bage" in page
