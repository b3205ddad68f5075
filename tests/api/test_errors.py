"""The one error format: every failure answers {code, message, fields} in the caller's language."""

import pytest
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import KIND_STATUS, _field_messages, domain_status
from domain.exceptions import KINDS, DomainError, Kind
from tests.api.conftest import assert_error


class _Raises(APIView):
    permission_classes = ()
    authentication_classes = ()

    def get(self, request, code):
        field = "hours_min" if code == "hours_out_of_range" else None
        raise DomainError("Nope.", code=code, field=field)

    def post(self, request, code):
        from rest_framework import serializers

        class S(serializers.Serializer):
            seats = serializers.IntegerField(min_value=1)

        S(data=request.data).is_valid(raise_exception=True)
        return Response({})


urlpatterns = [path("raise/<str:code>/", _Raises.as_view())]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("not_found", 404),
        ("forbidden", 403),
        ("busy", 503),
        ("invalid_state", 409),
        ("full", 409),
        ("deadline_passed", 409),
        ("hours_out_of_range", 400),
        ("required", 400),
    ],
)
def test_domain_error_codes_map_to_http_statuses(code, status):
    assert domain_status(DomainError("x", code=code)) == status


# The codes the API answered 409 before errors had a kind: they still do.
CONFLICTS_BEFORE_KINDS = [
    "invalid_state",
    "conflict",
    "full",
    "event_started",
    "event_not_started",
    "deadline_passed",
    "meeting_started",
    "meeting_not_started",
    "not_confirmed",
    "check_in_not_open",
    "not_in_network",
    "not_member",
    "capacity_below_signups",
    "seats_below_placements",
    "nothing_to_share",
    "too_early",
    "youth_already_linked",
    "telegram_already_linked",
]
# Conflict codes added since, by kind.
CONFLICTS_SINCE = [
    "youth_unreachable",  # a consultant writes to a youth the bot cannot reach
    # Randomised intake: the municipality's state or the referral's arm refuses the transition.
    "intake_off",
    "nothing_to_draw",
    "not_drawn",
    "usual_service",
    "referral_used",
    "referral_required",
]


def test_the_conflicts_of_before_are_still_409_and_the_rest_400_or_their_access_status():
    # sign_in_refused (a municipal sign-in matching no consultant) is forbidden by its kind.
    special = {"not_found": 404, "forbidden": 403, "sign_in_refused": 403, "busy": 503}
    for code in KINDS:
        conflict = code in CONFLICTS_BEFORE_KINDS or code in CONFLICTS_SINCE
        expected = special.get(code, 409 if conflict else 400)
        assert domain_status(DomainError("x", code=code)) == expected, code


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (Kind.NOT_FOUND, 404),
        (Kind.FORBIDDEN, 403),
        (Kind.CONFLICT, 409),
        (Kind.INVALID, 400),
        (Kind.BUSY, 503),
    ],
)
@pytest.mark.urls("tests.api.test_errors")
def test_each_kind_answers_its_status_with_the_errors_own_code(client, monkeypatch, kind, status):
    """The status follows the kind alone: a code of that kind the API has never heard of."""
    monkeypatch.setitem(KINDS, f"new_{kind}", kind)
    assert_error(client.get(f"/raise/new_{kind}/"), status, code=f"new_{kind}")


def test_every_kind_has_a_status():
    assert set(KIND_STATUS) == set(Kind)


@pytest.mark.urls("tests.api.test_errors")
def test_a_new_conflict_code_is_a_409_not_a_400(client, monkeypatch):
    """The bug kinds fixed: a new code that is a refused transition once fell through to 400."""
    monkeypatch.setitem(KINDS, "slot_already_moved", Kind.CONFLICT)
    body = assert_error(client.get("/raise/slot_already_moved/"), 409, code="slot_already_moved")
    assert body == {"code": "slot_already_moved", "message": "Nope.", "fields": {}}


@pytest.mark.urls("tests.api.test_errors")
def test_domain_error_answers_with_code_message_and_field(client):
    response = client.get("/raise/hours_out_of_range/")
    body = assert_error(response, 400, code="hours_out_of_range", field="hours_min")
    assert body["fields"] == {"hours_min": ["Nope."]}


@pytest.mark.urls("tests.api.test_errors")
def test_validation_error_names_each_field(client):
    response = client.post("/raise/x/", {"seats": 0}, content_type="application/json")
    body = assert_error(response, 400, code="invalid", field="seats")
    assert body["fields"]["seats"]


@pytest.mark.urls("tests.api.test_errors")
def test_malformed_json_is_a_clear_400(client):
    response = client.post("/raise/x/", "{not json", content_type="application/json")
    assert_error(response, 400, code="parse_error")


@pytest.mark.urls("tests.api.test_errors")
def test_messages_follow_accept_language(client):
    response = client.post(
        "/raise/x/", {"seats": 0}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["message"] == "Please check the highlighted fields."


def test_nested_validation_details_are_flattened_by_path():
    detail = {"slots": [{"id": ["Unknown."]}, {}], "seats": ["Too few."], "x": "plain"}
    assert _field_messages(detail) == {
        "slots.0.id": ["Unknown."],
        "seats": ["Too few."],
        "x": ["plain"],
    }


def test_unknown_api_path_is_a_404(db, client):
    assert client.get("/api/v1/does-not-exist/").status_code == 404


def test_schema_and_docs_are_served(db, client, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
