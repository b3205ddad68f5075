"""Layered fixtures: municipality → consultant → company → slot → youth …"""

import pytest
from django.db import connection

from tests import factories as f


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need real row locks and concurrent connections."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, concurrent connections); CI runs it with "
        "DATABASE_URL=postgres://…"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def municipality(db):
    return f.MunicipalityFactory(name="Roskilde", slug="roskilde")


@pytest.fixture
def other_municipality(db):
    return f.MunicipalityFactory(name="Vejle", slug="vejle")


@pytest.fixture
def admin_user(db):
    return f.AdminUserFactory(username="admin")


@pytest.fixture
def consultant(municipality):
    return f.ConsultantFactory(municipality=municipality, user__username="consultant")


@pytest.fixture
def other_consultant(other_municipality):
    return f.ConsultantFactory(municipality=other_municipality, user__username="other_consultant")


@pytest.fixture
def company(municipality):
    company = f.CompanyFactory(name="Bageriet ApS")
    f.MembershipFactory(company=company, municipality=municipality)
    return company


@pytest.fixture
def company_member(company):
    return f.CompanyMemberFactory(company=company, user__username="baker")


@pytest.fixture
def other_company(other_municipality):
    company = f.CompanyFactory(name="Anden Virksomhed A/S")
    f.MembershipFactory(company=company, municipality=other_municipality)
    return company


@pytest.fixture
def other_company_member(other_company):
    return f.CompanyMemberFactory(company=other_company, user__username="other_member")


@pytest.fixture
def slot(company):
    return f.SlotFactory(company=company, seats=3)


@pytest.fixture
def youth(municipality, consultant):
    return f.YouthFactory(municipality=municipality, contact_consultant=consultant)


@pytest.fixture
def other_youth(other_municipality):
    return f.YouthFactory(municipality=other_municipality)
