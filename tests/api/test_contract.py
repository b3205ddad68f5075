"""The contract: the published OpenAPI schema (/api/schema/) against a live test server with
data in every state. Every operation, as a company member, a consultant and an admin (tokens in
a header): no 5xx, and every response (status, headers, body) matches the schema.

One test per operation: the world is built once for it and each generated request goes out as
each role, so the database is filled and flushed once per operation, not once per role."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from domain.models import (
    Interest,
    MatchEvent,
    Meeting,
    NetworkMembership,
    Placement,
    Slot,
    Youth,
)
from tests import factories as f
from tests.api import b_world

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# Enough to reach every operation a few times and keep the run short (three roles × ~85
# operations); the permission, query and invalid-input tests cover the cases in depth.
EXAMPLES = 4
ROLES = ("member_a", "consultant_x", "admin")


def _every_state(world, bw) -> None:
    """Add an object in each state the API can show, next to b_world's."""
    now = timezone.now()
    for status in Slot.Status.values:
        f.SlotFactory(company=world.company_a, status=status)
    for status in (NetworkMembership.Status.PENDING, NetworkMembership.Status.REJECTED):
        f.MembershipFactory(company=f.CompanyFactory(), municipality=world.x, status=status)
    for status in (MatchEvent.Status.COMPLETED, MatchEvent.Status.CANCELLED):
        f.EventFactory(
            municipality=world.x,
            status=status,
            starts_at=now - timedelta(days=3),
            signup_deadline=now - timedelta(days=4),
        )
    f.MeetingFactory(group=bw.x.group, status=Meeting.Status.CANCELLED)
    f.InvitedYouthFactory(municipality=world.x)
    f.YouthFactory(municipality=world.x, status=Youth.Status.PAUSED)
    for status in (Interest.Status.DECLINED, Interest.Status.WITHDRAWN):
        f.InterestFactory(youth=bw.x.youth2, slot=bw.x.slots[2], status=status)
    for status in (
        Placement.Status.REJECTED,
        Placement.Status.COMPLETED,
        Placement.Status.ENDED_EARLY,
        Placement.Status.WITHDRAWN,
    ):
        f.PlacementFactory(
            youth=bw.x.youth2, slot=bw.x.slots[3], status=status, reject_reason="Passer ikke"
        )


# The schema as the app publishes it at /api/schema/ (read through WSGI at collection, so each
# operation is its own test); the calls go over HTTP to the live server.
# Generated requests are valid and invalid ones: examples and a few fuzzed cases per operation.
# For the accounts, network, slots, youth, audit and statistics operations the coverage phase
# adds the boundaries of every parameter, valid values only (an invalid one is the
# invalid-input tests' job); for the rest it is left out to keep the run short.
BOUNDARIES_CHECKED = (
    r"^/api/v1/(me|municipalities|sectors|companies|memberships|slots|youth|audit-entries"
    r"|statistics)/"
)
# The schema is for logged-in callers; collection reads it as the public would if published.
with override_settings(API_DOCS_PUBLIC=True):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        get_wsgi_application(),
        config=SchemathesisConfig.from_dict(
            {
                "phases": {"coverage": {"enabled": False}},
                "operations": [
                    {
                        "include-path-regex": BOUNDARIES_CHECKED,
                        "phases": {
                            "coverage": {"enabled": True, "generation": {"mode": "positive"}}
                        },
                    }
                ],
            }
        ),
    )


@pytest.fixture
def server(world, live_server, monkeypatch, settings) -> str:
    # No 429s during the run: every rate (anonymous, user, login, registration) raised.
    rates = {scope: "100000/minute" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    settings.NEXTWORK_RATE_LIMITS = dict.fromkeys(settings.NEXTWORK_RATE_LIMITS, "100000/minute")
    _every_state(world, b_world.build(world))
    return live_server.url


# The contract: no 5xx, and every status, content type, header and body as documented. (Not
# schemathesis' input-strictness checks: the API ignores a malformed optional query parameter
# rather than refusing it, and a schema-valid body may still break a domain rule.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _call_as(role: str, case, server: str, world) -> None:
    # Fetched per call: the run may revoke the token (DELETE /auth/token/).
    token = Token.objects.get_or_create(user=world.users[role])[0].key
    case.call_and_validate(
        base_url=server, headers={"Authorization": f"Token {token}"}, checks=CHECKS
    )


RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,  # nothing written into the working tree
)


@schema.parametrize()
@RUN
def test_every_operation_keeps_the_contract_for_every_role(case, server, world):
    # The least powerful first: an admin's call may remove a colleague or revoke a token.
    for role in ROLES:
        _call_as(role, case, server, world)


@pytest.mark.parametrize("path", ["/api/v1/events/abc/", "/api/v1/nothing/", "/api/x"])
def test_unknown_api_paths_answer_in_the_one_error_format(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "fields"}
