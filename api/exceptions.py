"""The API's one error format, and the one place a ``DomainError`` becomes an HTTP answer.

Every error answer has the same shape::

    {"code": "hours_out_of_range", "message": "…", "fields": {"hours_min": ["…"]}}

``code`` is stable and machine-readable, ``message`` is translated by the caller's
``Accept-Language``, and ``fields`` names the input at fault (empty when none is).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from domain.exceptions import DomainError, Kind

# The answer to each kind of refusal (domain.exceptions.Kind); the code only goes in the body.
KIND_STATUS = {
    Kind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    Kind.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    Kind.CONFLICT: status.HTTP_409_CONFLICT,
    Kind.INVALID: status.HTTP_400_BAD_REQUEST,
    Kind.BUSY: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def domain_status(error: DomainError) -> int:
    """The status of the error's kind: a new code answers right once KINDS names its kind."""
    return KIND_STATUS[error.kind]


def error_body(code: str, message: object, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _field_messages(detail: object) -> dict:
    """DRF's nested ``ValidationError.detail`` as {field: [messages]} (nested keys joined by
    dots, list items by index), so a client can put each message next to its input."""
    flat: dict[str, list[str]] = {}

    def walk(value: object, prefix: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, item in enumerate(value):
                walk(item, f"{prefix}.{index}" if prefix else str(index))
        elif isinstance(value, list):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
        else:
            flat.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return flat


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, fields), status=domain_status(exc))

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django answer 500 and log it

    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid", _("Please check the highlighted fields."), _field_messages(exc.detail)
        )
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        body = error_body(code, detail if isinstance(detail, str) else _("Request refused."))
    response.data = body
    return response
