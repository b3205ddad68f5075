"""Municipalities, sectors, companies (+ registration, membership requests, members) and
memberships: the permission matrix, query counts, and invalid input that changes nothing."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from domain.models import Company, CompanyMember, NetworkMembership
from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error
from tests.helpers import snapshot

User = get_user_model()
ALL = roles(*(200,) * 7)


@pytest.fixture
def objs(world) -> SimpleNamespace:
    """World plus company C asking to join X's network, and a second (non-admin) member of A."""
    company_c = f.CompanyFactory(name="Cafeen C")
    pending_cx = f.MembershipFactory(
        company=company_c, municipality=world.x, status=NetworkMembership.Status.PENDING
    )
    colleague_a = f.CompanyMemberFactory(company=world.company_a, user__username="colleague_a")
    return SimpleNamespace(
        **vars(world),
        company_c=company_c,
        pending_cx=pending_cx,
        colleague_a=colleague_a,
        ax=NetworkMembership.objects.get(company=world.company_a),
        by=NetworkMembership.objects.get(company=world.company_b),
    )


def fresh_cvr(seed: int) -> str:
    """A valid CVR number no factory hands out (they count up from 1000000)."""
    n7 = 5000000 + seed * 13
    while not f.valid_cvr(str(n7)):
        n7 += 1
    return f.valid_cvr(str(n7))


def registration(o, **changes) -> dict:
    data = {
        "name": "Nye Tider ApS",
        "cvr": fresh_cvr(0),
        "address": "Torvet 2",
        "postcode": "4000",
        "city": "Roskilde",
        "sector": "retail",
        "municipality": o.x.pk,
        "username": "nye_tider",
        "email": "kontakt@nyetider.dk",
        "password": "Bager-i-4000-Roskilde",
    }
    return {**data, **changes}


MATRIX = {
    "municipalities-list": Case(
        "get",
        lambda o: "/api/v1/municipalities/",
        ALL,
        ids={"anonymous": lambda o: {o.x.pk, o.y.pk}, "member_a": lambda o: {o.x.pk, o.y.pk}},
    ),
    "municipalities-retrieve": Case("get", lambda o: f"/api/v1/municipalities/{o.y.pk}/", ALL),
    "sectors-list": Case("get", lambda o: "/api/v1/sectors/", ALL),
    "sectors-retrieve": Case("get", lambda o: "/api/v1/sectors/retail/", ALL),
    "companies-list": Case(
        "get",
        lambda o: "/api/v1/companies/",
        roles(member_a=200, member_b=200, consultant_x=200, consultant_y=200, admin=200),
        ids={
            "member_a": lambda o: {o.company_a.pk},
            "member_b": lambda o: {o.company_b.pk},
            "consultant_x": lambda o: {o.company_a.pk, o.company_c.pk},
            "consultant_y": lambda o: {o.company_b.pk},
            "admin": lambda o: {o.company_a.pk, o.company_b.pk, o.company_c.pk},
        },
    ),
    "companies-retrieve": Case(
        "get",
        lambda o: f"/api/v1/companies/{o.company_a.pk}/",
        roles(member_a=200, member_b=404, consultant_x=200, consultant_y=404, admin=200),
    ),
    "companies-update": Case(
        "patch",
        lambda o: f"/api/v1/companies/{o.company_a.pk}/",
        roles(member_a=200, member_b=404, consultant_x=200, consultant_y=404, admin=200),
        data=lambda o: {"city": "Roskilde C"},
    ),
    "companies-register": Case(
        "post",
        lambda o: "/api/v1/companies/register/",
        # Companies cannot register other companies; a consultant only into their own network.
        roles(
            anonymous=201,
            norole=201,
            member_a=403,
            member_b=403,
            consultant_x=201,
            consultant_y=403,
            admin=201,
        ),
        data=registration,
    ),
    "companies-request-membership": Case(
        "post",
        lambda o: f"/api/v1/companies/{o.company_a.pk}/memberships/",
        roles(member_a=201, member_b=404, consultant_x=403, consultant_y=404, admin=201),
        data=lambda o: {"municipality": o.y.pk},
    ),
    "companies-members": Case(
        "get",
        lambda o: f"/api/v1/companies/{o.company_a.pk}/members/",
        roles(member_a=200, member_b=404, consultant_x=200, consultant_y=404, admin=200),
        ids={
            "member_a": lambda o: {o.member_a.pk, o.colleague_a.pk},
            "admin": lambda o: {o.member_a.pk, o.colleague_a.pk},
        },
    ),
    "companies-remove-member": Case(
        "delete",
        lambda o: f"/api/v1/companies/{o.company_a.pk}/members/{o.colleague_a.pk}/",
        roles(member_a=204, member_b=404, consultant_x=403, consultant_y=404, admin=204),
    ),
    "memberships-list": Case(
        "get",
        lambda o: "/api/v1/memberships/",
        roles(member_a=200, member_b=200, consultant_x=200, consultant_y=200, admin=200),
        ids={
            "member_a": lambda o: {o.ax.pk},
            "member_b": lambda o: {o.by.pk},
            "consultant_x": lambda o: {o.ax.pk, o.pending_cx.pk},
            "consultant_y": lambda o: {o.by.pk},
            "admin": lambda o: {o.ax.pk, o.by.pk, o.pending_cx.pk},
        },
    ),
    "memberships-retrieve": Case(
        "get",
        lambda o: f"/api/v1/memberships/{o.pending_cx.pk}/",
        roles(member_a=404, member_b=404, consultant_x=200, consultant_y=404, admin=200),
    ),
    "memberships-accept": Case(
        "post",
        lambda o: f"/api/v1/memberships/{o.pending_cx.pk}/accept/",
        roles(member_a=404, member_b=404, consultant_x=200, consultant_y=404, admin=200),
    ),
    "memberships-reject": Case(
        "post",
        lambda o: f"/api/v1/memberships/{o.pending_cx.pk}/reject/",
        roles(member_a=404, member_b=404, consultant_x=200, consultant_y=404, admin=200),
        data=lambda o: {"reason": "Vi har ikke plads i netværket lige nu."},
    ),
    # A company member decides nothing about its own company's requests: known, so 403.
    "memberships-accept-own": Case(
        "post",
        lambda o: f"/api/v1/memberships/{o.ax.pk}/accept/",
        roles(member_a=403, member_b=404, consultant_x=409, consultant_y=404, admin=409),
    ),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, objs):
    check_cell(MATRIX, name, role, api_as, objs)


def test_filtering_by_a_foreign_company_gives_an_empty_page_not_an_error(api_as, objs):
    response = api_as("consultant_y").get(f"/api/v1/memberships/?company={objs.company_a.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    response = api_as("member_b").get(f"/api/v1/companies/?search={objs.company_a.name}")
    assert response.json()["count"] == 0


# --- query counts --------------------------------------------------------------------------------


def _more_companies(o, n):
    for _ in range(n):
        f.MembershipFactory(company=f.CompanyFactory(), municipality=o.x)


def _more_members(o, n):
    for _ in range(n):
        f.CompanyMemberFactory(company=o.company_a)


@pytest.mark.parametrize(
    ("role", "url", "grow"),
    [
        ("admin", "/api/v1/companies/", _more_companies),
        ("consultant_x", "/api/v1/companies/", _more_companies),
        ("consultant_x", "/api/v1/memberships/", _more_companies),
        ("admin", "/api/v1/memberships/", _more_companies),
        ("member_a", "/api/v1/companies/{a}/members/", _more_members),
        (
            "anonymous",
            "/api/v1/municipalities/",
            lambda o, n: f.MunicipalityFactory.create_batch(n),
        ),
    ],
)
def test_lists_take_as_many_queries_for_50_rows_as_for_1(
    role, url, grow, api_as, objs, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = url.format(a=objs.company_a.pk)
    client = api_as(role)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    grow(objs, 50)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] > 40


# --- invalid input -------------------------------------------------------------------------------

TABLES = (Company, CompanyMember, NetworkMembership, User)


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"cvr": "12345678"}, 400, "cvr_invalid", "cvr"),
        ({"cvr": "company A's"}, 409, "conflict", "cvr"),
        ({"postcode": "40"}, 400, "postcode_invalid", "postcode"),
        ({"postcode": 4000.5}, 400, "invalid", "postcode"),
        ({"sector": "astrology"}, 400, "sector_invalid", "sector"),
        ({"municipality": 999999}, 400, "municipality_invalid", "municipality"),
        ({"municipality": "Roskilde"}, 400, "invalid", "municipality"),
        ({"name": "x" * 201}, 400, "invalid", "name"),
        ({"name": ""}, 400, "invalid", "name"),
        ({"email": "not-an-address"}, 400, "invalid", "email"),
        ({"password": "123"}, 400, "password_invalid", "password"),
        ({"username": "member_a"}, 409, "conflict", "username"),
        ({"name": None}, 400, "invalid", "name"),
    ],
)
def test_registration_refuses_invalid_input_and_changes_nothing(
    changes, status, code, field, api_as, objs
):
    if changes.get("cvr") == "company A's":
        changes = {"cvr": objs.company_a.cvr}
    before = snapshot(*TABLES)
    response = api_as("anonymous").post(
        "/api/v1/companies/register/", registration(objs, **changes), format="json"
    )
    assert_error(response, status, code=code, field=field)
    assert snapshot(*TABLES) == before


def test_registration_needs_every_required_field(api_as, objs):
    before = snapshot(*TABLES)
    body = assert_error(api_as("anonymous").post("/api/v1/companies/register/", {}), 400)
    assert set(body["fields"]) == {
        "name",
        "cvr",
        "address",
        "postcode",
        "sector",
        "municipality",
        "username",
        "email",
        "password",
    }
    assert snapshot(*TABLES) == before


def test_registration_creates_company_first_member_and_pending_request(api_as, objs):
    response = api_as("anonymous").post(
        "/api/v1/companies/register/", registration(objs), format="json"
    )
    assert response.status_code == 201, response.content
    company = Company.objects.get(pk=response.json()["id"])
    member = company.members.get()
    assert member.is_company_admin and member.user.username == "nye_tider"
    assert member.user.check_password("Bager-i-4000-Roskilde")
    assert company.memberships.get().status == NetworkMembership.Status.PENDING
    assert "password" not in response.json()


def test_registration_is_throttled(api_as, objs, settings):
    settings.NEXTWORK_RATE_LIMITS = {**settings.NEXTWORK_RATE_LIMITS, "register": "2/hour"}
    client = api_as("anonymous")
    for n in range(2):
        data = registration(objs, cvr=fresh_cvr(n + 1), username=f"firma{n}")
        assert client.post("/api/v1/companies/register/", data, format="json").status_code == 201
    data = registration(objs, cvr=fresh_cvr(9), username="firma9")
    before = snapshot(*TABLES)
    response = client.post("/api/v1/companies/register/", data, format="json")
    assert_error(response, 429, code="throttled")
    assert snapshot(*TABLES) == before


@pytest.mark.parametrize(
    ("role", "data", "status", "code", "field"),
    [
        ("member_a", {"postcode": "abcd"}, 400, "postcode_invalid", "postcode"),
        ("member_a", {"name": "x" * 201}, 400, "invalid", "name"),
        ("member_a", {"name": ["Bageriet"]}, 400, "invalid", "name"),
        ("member_a", {"sector": "unknown"}, 400, "sector_invalid", "sector"),
        # The CVR number is the company's identity: only an admin corrects it.
        ("member_a", {"cvr": fresh_cvr(7)}, 403, "forbidden", None),
        ("admin", {"cvr": "1234"}, 400, "cvr_invalid", "cvr"),
    ],
)
def test_company_update_refuses_invalid_input_and_changes_nothing(
    role, data, status, code, field, api_as, objs
):
    before = snapshot(*TABLES)
    response = api_as(role).patch(f"/api/v1/companies/{objs.company_a.pk}/", data, format="json")
    assert_error(response, status, code=code, field=field)
    assert snapshot(*TABLES) == before


def test_unknown_and_malformed_ids_are_404(api_as, objs):
    client = api_as("admin")
    for url in (
        "/api/v1/companies/999999/",
        "/api/v1/companies/abc/",
        "/api/v1/memberships/999999/accept/",
        f"/api/v1/companies/{objs.company_a.pk}/members/999999/",
        "/api/v1/municipalities/999999/",
        "/api/v1/sectors/astrology/",
    ):
        method = client.delete if url.endswith("/members/999999/") else client.get
        if url.endswith("/accept/"):
            method = client.post
        assert method(url).status_code == 404, url


def test_membership_decisions_refuse_the_wrong_state_and_missing_reason(api_as, objs):
    client = api_as("consultant_x")
    before = snapshot(NetworkMembership)
    assert_error(
        client.post(f"/api/v1/memberships/{objs.pending_cx.pk}/reject/", {}), 400, field="reason"
    )
    assert_error(
        client.post(f"/api/v1/memberships/{objs.pending_cx.pk}/reject/", {"reason": "x" * 501}),
        400,
        field="reason",
    )
    assert_error(
        client.post(f"/api/v1/memberships/{objs.pending_cx.pk}/reject/", {"reason": "   "}),
        400,
        field="reason",
    )
    assert snapshot(NetworkMembership) == before
    assert client.post(f"/api/v1/memberships/{objs.pending_cx.pk}/accept/").status_code == 200
    after_accept = snapshot(NetworkMembership)
    assert_error(
        client.post(f"/api/v1/memberships/{objs.pending_cx.pk}/accept/"), 409, "invalid_state"
    )
    assert snapshot(NetworkMembership) == after_accept


def test_membership_request_twice_is_a_conflict(api_as, objs):
    client = api_as("member_a")
    url = f"/api/v1/companies/{objs.company_a.pk}/memberships/"
    before = snapshot(NetworkMembership)
    assert_error(client.post(url, {"municipality": objs.x.pk}), 409, "conflict")
    assert_error(client.post(url, {"municipality": "x"}), 400, "invalid", "municipality")
    assert_error(client.post(url, {"municipality": 999999}), 400, "municipality_invalid")
    assert snapshot(NetworkMembership) == before


def test_the_last_company_admin_cannot_be_removed(api_as, objs):
    before = snapshot(CompanyMember)
    response = api_as("admin").delete(
        f"/api/v1/companies/{objs.company_a.pk}/members/{objs.member_a.pk}/"
    )
    assert_error(response, 409, "invalid_state")
    assert snapshot(CompanyMember) == before
    # Another company's member through company A's URL is unknown, not removable.
    response = api_as("admin").delete(
        f"/api/v1/companies/{objs.company_a.pk}/members/{objs.member_b.pk}/"
    )
    assert_error(response, 404, "not_found")
    assert snapshot(CompanyMember) == before


# --- hostile input across part A's endpoints ------------------------------------------------------

BIG = "99999999999999999999"  # beyond 64 bits: SQLite's driver would overflow on it


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/api/v1/companies/{BIG}/", 404),
        (f"/api/v1/slots/{BIG}/", 404),
        (f"/api/v1/youth/{BIG}/", 404),
        (f"/api/v1/memberships/{BIG}/", 404),
        (f"/api/v1/audit-entries/{BIG}/", 404),
        (f"/api/v1/statistics/municipalities/{BIG}/", 404),
        (f"/api/v1/slots/?company={BIG}", 400),
        (f"/api/v1/slots/?municipality={BIG}", 400),
        (f"/api/v1/slots/?hours={BIG}", 400),
        ("/api/v1/slots/?hours=1.5", 400),
        ("/api/v1/slots/?company=NaN", 400),
        ("/api/v1/slots/?company=-1", 400),
        (f"/api/v1/youth/?group={BIG}", 400),
        (f"/api/v1/memberships/?company={BIG}", 400),
        (f"/api/v1/audit-entries/?target_id={BIG}", 400),
        ("/api/v1/slots/?ordering=nonexistent", 200),
    ],
)
def test_huge_and_malformed_numbers_are_a_clear_answer_never_a_server_error(
    url, status, api_as, world
):
    response = api_as("admin").get(url)
    assert response.status_code == status, (url, response.content[:300])
    if status >= 400:
        assert_error(response, status)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/api/v1/slots/", {"company": int(BIG)}),
        (
            "/api/v1/youth/",
            {"first_name": "A", "birth_date": "2006-01-01", "municipality": int(BIG)},
        ),
        ("/api/v1/companies/{a}/memberships/", {"municipality": int(BIG)}),
        ("/api/v1/youth/", {"first_name": "A\x00", "birth_date": "2006-01-01"}),
        ("/api/v1/auth/token/", {"username": "a\x00", "password": "b\x00"}),
    ],
)
def test_huge_ids_and_nul_bytes_in_bodies_are_refused_cleanly(url, data, api_as, world):
    url = url.format(a=world.company_a.pk)
    before = snapshot(*TABLES)
    response = api_as("admin").post(url, data, format="json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert_error(response, response.status_code)
    assert snapshot(*TABLES) == before
