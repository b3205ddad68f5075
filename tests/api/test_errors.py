"""The one error format: every failure answers {code, message, fields} in the caller's language."""

import pytest
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import _field_messages, domain_status
from domain.exceptions import DomainError
from tests.api.conftest import assert_error


class _Raises(APIView):
    permission_classes = ()
    authentication_classes = ()

    def get(self, request, code):
        raise DomainError("Nope.", code=code, field="hours_min" if code == "hours" else None)

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


@pytest.mark.urls("tests.api.test_errors")
def test_domain_error_answers_with_code_message_and_field(client):
    body = assert_error(client.get("/raise/hours/"), 400, code="hours", field="hours_min")
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


def test_schema_and_docs_are_served(db, client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
