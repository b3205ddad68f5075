"""OpenAPI building blocks shared by every area: the one error component and its responses.

Use it next to each view::

    @extend_schema(
        summary="Publish a slot",
        description="…",
        request=None,
        responses={200: SlotSerializer, **errors(403, 404, 409)},
    )

``errors(*statuses)`` gives each status the ``Error`` component (``{"code", "message",
"fields"}``, see ``api/exceptions.py``) with a short description of what that status means here.
"""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `code` names the problem, `fields` the input at fault (for a list: a "
    "`page` that is not a page).",
    401: "Not authenticated: log in or send `Authorization: Token <key>`.",
    403: "Authenticated, but not allowed to do this (or CSRF check failed, or locked out).",
    404: "No such object, or one the caller may not know exists.",
    405: "Method not allowed.",
    409: "The object is not in a state that allows this transition.",
    415: "Unsupported media type.",
    429: "Too many requests: wait and try again (see `Retry-After`).",
    503: "Busy: try again in a moment.",
}


class ErrorSerializer(serializers.Serializer):
    """The API's one error format."""

    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    message = serializers.CharField(help_text="Human-readable, in the caller's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (nested fields joined by dots); empty when none.",
    )


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """``{status: OpenApiResponse(ErrorSerializer, description)}`` for each given status."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(status, ""))
        for status in statuses
    }


# The errors every authenticated endpoint can answer, and those of every write.
READ_ERRORS = (401, 403, 429)
WRITE_ERRORS = (400, 401, 403, 429)


def id_path(name: str, description: str = "") -> OpenApiParameter:
    """A numeric id in the path: the URL pattern takes digits only (anything else is the site's
    404 page, not the API's), so the schema says so."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 0},
        OpenApiParameter.PATH,
        description=description,
    )


# The router's lookups are digits-only regexes, which drf-spectacular publishes as a string
# with a pattern; a generated client should take an int.
DIGITS_PATTERN = "^[0-9]+$"


def integer_path_ids(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: every digits-only path parameter becomes an integer."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("pattern") == DIGITS_PATTERN:
                    parameter["schema"] = {"type": "integer", "minimum": 0}
    return result


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the caller's Accept-Language (the API's messages
    stay translated): it is read by developers and client generators, and a generated client's
    docstrings should not depend on who fetched the schema. ``?lang=da`` still asks for Danish."""

    @extend_schema(exclude=True)  # as the parent's get, with SERVE_INCLUDE_SCHEMA off
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().get(request, *args, **kwargs)
