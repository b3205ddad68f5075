"""The company network page: requests to accept or reject, scoped to the municipality."""

import pytest
from django.urls import reverse

from domain.models import NetworkMembership
from tests import factories as f

LIST = reverse("consultant:memberships")
M = NetworkMembership.Status


def url(name: str, membership) -> str:
    return reverse(f"consultant:{name}", args=[membership.pk])


@pytest.fixture
def request_to_join(municipality):
    return f.MembershipFactory(
        municipality=municipality, company=f.CompanyFactory(name="Ny Butik ApS"), status=M.PENDING
    )


@pytest.fixture
def foreign_request(other_municipality):
    return f.MembershipFactory(
        municipality=other_municipality,
        company=f.CompanyFactory(name="Fremmed ApS"),
        status=M.PENDING,
    )


def test_list_shows_the_own_municipalitys_requests_only(
    client_for, consultant, request_to_join, foreign_request
):
    page = client_for(consultant).get(LIST).content.decode()
    assert "Ny Butik ApS" in page and "Fremmed ApS" not in page


def test_admin_sees_every_request(client_for, admin_user, request_to_join, foreign_request):
    page = client_for(admin_user).get(LIST).content.decode()
    assert "Ny Butik ApS" in page and "Fremmed ApS" in page


def test_company_members_and_anonymous_are_kept_out(client_for, company_member, request_to_join):
    assert client_for(company_member).get(LIST).status_code == 403
    assert (
        client_for(company_member).post(url("membership_accept", request_to_join)).status_code
        == 403
    )
    assert client_for(None).get(LIST).status_code == 302


def test_another_municipalitys_request_is_not_found(client_for, consultant, foreign_request):
    client = client_for(consultant)
    assert client.post(url("membership_accept", foreign_request)).status_code == 404
    assert client.get(url("membership_reject", foreign_request)).status_code == 404
    assert NetworkMembership.objects.get(pk=foreign_request.pk).status == M.PENDING


def test_accepting_a_request(client_for, consultant, request_to_join):
    response = client_for(consultant).post(url("membership_accept", request_to_join))
    assert response.status_code == 302
    assert NetworkMembership.objects.get(pk=request_to_join.pk).status == M.ACCEPTED


def test_accepting_twice_says_why_not(client_for, consultant, request_to_join):
    client = client_for(consultant)
    client.post(url("membership_accept", request_to_join))
    response = client.post(url("membership_accept", request_to_join), follow=True)
    assert "message--error" in response.content.decode()


def test_rejecting_needs_a_reason_at_the_field(client_for, consultant, request_to_join):
    response = client_for(consultant).post(
        url("membership_reject", request_to_join), {"reason": ""}
    )
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert NetworkMembership.objects.get(pk=request_to_join.pk).status == M.PENDING


def test_rejecting_with_a_reason(client_for, consultant, request_to_join):
    response = client_for(consultant).post(
        url("membership_reject", request_to_join), {"reason": "Vi mangler oplysninger"}
    )
    assert response.status_code == 302
    stored = NetworkMembership.objects.get(pk=request_to_join.pk)
    assert stored.status == M.REJECTED and stored.reason == "Vi mangler oplysninger"


def test_csrf_is_enforced(client_for, consultant, request_to_join):
    client = client_for(consultant, csrf=True)
    assert client.post(url("membership_accept", request_to_join)).status_code == 403
    assert (
        client.post(url("membership_reject", request_to_join), {"reason": "x"}).status_code == 403
    )


def test_company_names_render_inert(client_for, consultant, municipality):
    f.MembershipFactory(
        municipality=municipality,
        company=f.CompanyFactory(name="<script>alert(1)</script>"),
        status=M.PENDING,
    )
    page = client_for(consultant).get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("n", [1, 30])
def test_list_queries_do_not_grow(
    client_for, consultant, municipality, n, django_assert_max_num_queries
):
    for _ in range(n):
        f.MembershipFactory(municipality=municipality, status=M.PENDING)
        f.MembershipFactory(municipality=municipality, status=M.ACCEPTED)
    client = client_for(consultant)
    # 5; the requests and the companies are a page each (a count and a page for both); one
    # for the companies' answer rates and one for the second factor's device.
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_the_companies_show_their_answer_rate_and_median_time_to_answer(
    client_for, consultant, municipality, company, slot
):
    from datetime import UTC, datetime, timedelta

    created = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    f.InterestFactory(
        youth=f.YouthFactory(municipality=municipality),
        slot=slot,
        status="company_declined",
        created_at=created,
        decided_at=created + timedelta(hours=3),
    )
    page = client_for(consultant).get("/konsulent/netvaerk/")
    assert page.status_code == 200
    assert "100 % (1 af 1)" in page.text
    assert "3 timer" in page.text


def test_the_network_is_paged_and_counted(client_for, consultant, municipality):
    from portal.paging import PAGE_SIZE

    companies = [
        f.MembershipFactory(municipality=municipality, status=M.ACCEPTED).company
        for _ in range(PAGE_SIZE + 3)
    ]
    f.MembershipFactory(status=M.ACCEPTED)  # another municipality's: never counted
    client = client_for(consultant)
    first = client.get(LIST).content.decode()
    assert f'<span class="badge">{PAGE_SIZE + 3}</span>' in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(LIST, {"page": 2}).content.decode()
    shown = [c for c in companies if c.name in first] + [c for c in companies if c.name in second]
    assert len(shown) == PAGE_SIZE + 3
