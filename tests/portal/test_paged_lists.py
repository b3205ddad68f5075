"""Lists a person reads stay a page long however big the municipality grows: the company's
inbox, its slots, the approval queue and the group page's member picker (a name search)."""

import pytest
from django.urls import reverse

from domain.models import Youth
from portal.paging import PAGE_SIZE
from tests import factories as f

MORE = PAGE_SIZE + 5


def _cards(html: str) -> int:
    return html.count('<article class="card"')


# --- the company's inbox ------------------------------------------------------------------------


@pytest.fixture
def many_waiting(slot, municipality):
    return [
        f.InterestFactory(slot=slot, youth=f.YouthFactory(municipality=municipality))
        for _ in range(MORE)
    ]


def test_inbox_shows_a_page_of_waiting_youth_and_counts_them_all(
    client_for, company_member, many_waiting
):
    client = client_for(company_member)
    first = client.get(reverse("company_inbox")).text
    assert _cards(first) == PAGE_SIZE
    assert f'<span class="badge">{MORE}</span>' in first
    assert 'href="?waiting=2" rel="next"' in first

    second = client.get(reverse("company_inbox"), {"waiting": 2}).text
    assert _cards(second) == MORE - PAGE_SIZE
    # Newest first: the oldest interest is on the last page.
    assert f"/virksomhed/interesser/{many_waiting[0].pk}/" in second or (
        reverse("company_interest_detail", args=[many_waiting[0].pk]) in second
    )


def test_a_page_number_past_the_end_shows_the_last_page(client_for, company_member, many_waiting):
    html = client_for(company_member).get(reverse("company_inbox"), {"waiting": 99}).text
    assert _cards(html) == MORE - PAGE_SIZE
    bad = client_for(company_member).get(reverse("company_inbox"), {"waiting": "x"})
    assert bad.status_code == 200 and _cards(bad.text) == PAGE_SIZE


def test_the_live_reload_keeps_the_page_the_reader_is_on(client_for, company_member, many_waiting):
    client = client_for(company_member)
    html = client.get(reverse("company_inbox"), {"waiting": 2}).text
    fragment_url = f"{reverse('company_inbox_fragment')}?waiting=2"
    assert f'data-live-url="{fragment_url}"' in html
    fragment = client.get(fragment_url).text
    assert "<html" not in fragment
    assert _cards(fragment) == MORE - PAGE_SIZE


def test_inbox_pages_never_count_another_companys_interests(
    client_for, other_company_member, many_waiting
):
    html = client_for(other_company_member).get(reverse("company_inbox")).text
    assert _cards(html) == 0
    assert '<span class="badge">0</span>' in html


# --- the company's slots --------------------------------------------------------------------------


def test_company_dashboard_pages_the_slots_and_counts_waiting_youth_on_every_page(
    client_for, company_member, company, municipality
):
    slots = [f.SlotFactory(company=company, status="open") for _ in range(MORE)]
    youth = f.YouthFactory(municipality=municipality)
    f.InterestFactory(slot=slots[0], youth=youth)  # on the last page (newest slots first)
    client = client_for(company_member)
    first = client.get(reverse("company_dashboard")).text
    assert first.count("/virksomhed/pladser/") - first.count("/virksomhed/pladser/ny/") <= PAGE_SIZE
    assert 'href="?page=2" rel="next"' in first
    assert reverse("company_inbox") in first  # the waiting youth, counted over every page
    last = client.get(reverse("company_dashboard"), {"page": 2}).text
    assert reverse("company_slot_detail", args=[slots[0].pk]) in last
    assert reverse("company_slot_detail", args=[slots[0].pk]) not in first


# --- the approval queue ---------------------------------------------------------------------------


def test_the_approval_queue_is_paged_and_counted(client_for, consultant, municipality, slot):
    placements = [
        f.PlacementFactory(youth=f.YouthFactory(municipality=municipality), slot=slot)
        for _ in range(MORE)
    ]
    client = client_for(consultant)
    queue = reverse("consultant:approvals")
    first = client.get(queue).text
    assert f"{MORE} " in first
    assert 'href="?page=2" rel="next"' in first
    # Oldest first: the newest proposal waits on page 2.
    newest = reverse("consultant:approval", args=[placements[-1].pk])
    assert newest not in first
    assert newest in client.get(queue, {"page": 2}).text


def test_the_approval_queue_of_another_municipality_is_not_counted(
    client_for, other_consultant, municipality, slot
):
    placement = f.PlacementFactory(youth=f.YouthFactory(municipality=municipality), slot=slot)
    html = client_for(other_consultant).get(reverse("consultant:approvals")).text
    assert reverse("consultant:approval", args=[placement.pk]) not in html
    assert "<table" not in html  # the empty queue, not a page of someone else's


# --- the group page's member picker ---------------------------------------------------------------


@pytest.fixture
def group(municipality, consultant):
    return f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")


def _search(client, group, q):
    return client.get(reverse("consultant:group_member_search", args=[group.pk]), {"q": q})


def test_the_group_page_lists_no_candidates_until_a_name_is_searched(
    client_for, consultant, group, municipality
):
    for _ in range(MORE):
        f.YouthFactory(municipality=municipality, first_name="Sofie")
    html = client_for(consultant).get(reverse("consultant:group_detail", args=[group.pk])).text
    assert "<select" not in html.split('id="member-matches"')[1].split("</section>")[0]
    assert "Sofie" not in html
    assert 'hx-get="' + reverse("consultant:group_member_search", args=[group.pk]) in html


def test_member_search_finds_by_first_or_last_name_every_word(
    client_for, consultant, group, municipality
):
    ida = f.YouthFactory(municipality=municipality, first_name="Ida", last_name="Holm")
    f.YouthFactory(municipality=municipality, first_name="Ida", last_name="Berg")
    client = client_for(consultant)
    both = _search(client, group, "ida").text
    assert both.count('name="youth"') == 2
    one = _search(client, group, "ida hol").text
    assert one.count('name="youth"') == 1 and f'value="{ida.pk}"' in one
    assert 'name="youth"' not in _search(client, group, "zzz").text


def test_member_search_shows_a_bounded_number_of_matches(
    client_for, consultant, group, municipality
):
    from portal.views.consultant_groups import MEMBER_MATCHES

    for _ in range(MEMBER_MATCHES + 3):
        f.YouthFactory(municipality=municipality, first_name="Sofie")
    html = _search(client_for(consultant), group, "sofie").text
    assert html.count('name="youth"') == MEMBER_MATCHES
    assert 'class="help"' in html


def test_member_search_leaves_out_members_leavers_and_other_municipalities(
    client_for, consultant, group, municipality, other_municipality
):
    f.YouthFactory(municipality=municipality, first_name="Anna", group=group)
    f.YouthFactory(municipality=municipality, first_name="Anna", status=Youth.Status.LEFT)
    f.YouthFactory(municipality=other_municipality, first_name="Anna")
    assert 'name="youth"' not in _search(client_for(consultant), group, "anna").text


def test_member_search_without_javascript_renders_on_the_group_page(
    client_for, consultant, group, municipality
):
    youth = f.YouthFactory(municipality=municipality, first_name="Mikkel")
    url = reverse("consultant:group_detail", args=[group.pk])
    html = client_for(consultant).get(url, {"q": "mik"}).text
    assert f'name="youth" value="{youth.pk}"' in html
    response = client_for(consultant).post(
        reverse("consultant:group_member_add", args=[group.pk]), {"youth": youth.pk}
    )
    assert response.status_code == 302
    assert Youth.objects.get(pk=youth.pk).group_id == group.pk


def test_member_search_is_for_the_groups_own_consultants(
    client_for, consultant, other_consultant, company_member, group, municipality
):
    f.YouthFactory(municipality=municipality, first_name="Emil")
    assert _search(client_for(other_consultant), group, "emil").status_code == 404
    assert _search(client_for(company_member), group, "emil").status_code == 403
    anonymous = _search(client_for(None), group, "emil")
    assert anonymous.status_code == 302
    assert "Emil" in _search(client_for(consultant), group, "emil").text


def test_member_search_queries_do_not_grow_with_the_municipality(
    client_for, consultant, group, municipality, queries_for
):
    url = reverse("consultant:group_member_search", args=[group.pk]) + "?q=a"
    client = client_for(consultant)
    f.YouthFactory(municipality=municipality, first_name="Anna")
    client.get(url)
    one = queries_for(client, url)
    for _ in range(30):
        f.YouthFactory(municipality=municipality, first_name="Anna")
    assert queries_for(client, url) == one
