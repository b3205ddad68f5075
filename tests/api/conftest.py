"""The API's test world: two municipalities, two companies, and a client for every role.

X = Roskilde with company A in its network; Y = Vejle with company B. The roles of the issue's
permission matrix are the keys of ``ROLES``; ``api_as(role)`` gives an ``APIClient`` that is
authenticated as that role (force-authenticated: CSRF and login are tested on their own).
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests import factories as f

ROLES = (
    "anonymous",
    "norole",  # a logged-in user who is neither admin, consultant nor company member
    "member_a",
    "member_b",
    "consultant_x",
    "consultant_y",
    "admin",
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> SimpleNamespace:
    x = f.MunicipalityFactory(name="Roskilde", slug="roskilde")
    y = f.MunicipalityFactory(name="Vejle", slug="vejle")
    company_a = f.CompanyFactory(name="Bageriet A ApS", postcode="4000")
    f.MembershipFactory(company=company_a, municipality=x)
    company_b = f.CompanyFactory(name="Værkstedet B A/S", postcode="7100", city="Vejle")
    f.MembershipFactory(company=company_b, municipality=y)
    member_a = f.CompanyMemberFactory(
        company=company_a, user__username="member_a", is_company_admin=True
    )
    member_b = f.CompanyMemberFactory(
        company=company_b, user__username="member_b", is_company_admin=True
    )
    consultant_x = f.ConsultantFactory(municipality=x, user__username="consultant_x")
    consultant_y = f.ConsultantFactory(municipality=y, user__username="consultant_y")
    users = {
        "anonymous": None,
        "norole": f.UserFactory(username="norole"),
        "member_a": member_a.user,
        "member_b": member_b.user,
        "consultant_x": consultant_x.user,
        "consultant_y": consultant_y.user,
        "admin": f.AdminUserFactory(username="admin"),
    }
    return SimpleNamespace(
        x=x,
        y=y,
        company_a=company_a,
        company_b=company_b,
        member_a=member_a,
        member_b=member_b,
        consultant_x=consultant_x,
        consultant_y=consultant_y,
        users=users,
    )


@pytest.fixture
def api_as(world):
    """``api_as("consultant_x")`` → an APIClient acting as that role."""

    def make(role: str) -> APIClient:
        assert role in ROLES, role
        client = APIClient()
        user = world.users[role]
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def bw(world) -> SimpleNamespace:
    """Part B's objects in every state, on both sides of the world (tests/api/b_world.py)."""
    from tests.api import b_world

    return b_world.build(world)


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    """The API's one error shape, with the expected status (and code / field when given)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["message"], body
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert field in body["fields"], body
    return body
