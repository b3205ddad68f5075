"""The contract, for API part A's operations: schemathesis generates requests from the published
schema and sends them to a live test server with data, as an admin and as a consultant. No
operation may answer 5xx, and every answer must match the schema (status, content type, body).

(Part B's operations are left to part B: ``PART_A_PATHS`` selects ours.)"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories as f

PART_A_PATHS = (
    r"^/api/v1/(me|municipalities|sectors|companies|memberships|slots|youth|audit-entries"
    r"|statistics)/"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def contract_world(transactional_db, monkeypatch):
    """Some of everything, so generated ids sometimes hit real objects."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "1000000/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1000000/minute")
    x = f.MunicipalityFactory(name="Roskilde", slug="roskilde")
    company = f.CompanyFactory()
    f.MembershipFactory(company=company, municipality=x)
    f.CompanyMemberFactory(company=company, is_company_admin=True)
    f.SlotFactory(company=company)
    f.YouthFactory(municipality=x)
    f.InvitedYouthFactory(municipality=x)
    admin = f.AdminUserFactory()
    consultant = f.ConsultantFactory(municipality=x)
    return {
        "admin": Token.objects.create(user=admin).key,
        "consultant": Token.objects.create(user=consultant.user).key,
    }


# Loaded once from the app itself (no database needed for the schema); the requests go to the
# live server below.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application()).include(
    path_regex=PART_A_PATHS
)
# Requests the schema allows: out-of-schema input is the invalid-input tests' job.
schema.config.generation.update(modes=[GenerationMode.POSITIVE])
SETTINGS = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def call(case, live_server, token):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Token {token}"}, checks=CHECKS
    )


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_the_contract_for_an_admin(case, contract_world, live_server):
    call(case, live_server, contract_world["admin"])


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_the_contract_for_a_consultant(case, contract_world, live_server):
    call(case, live_server, contract_world["consultant"])
