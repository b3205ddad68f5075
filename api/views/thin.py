"""What every thin viewset of the events, groups and placements areas shares: parse the input
with a serializer, call one service, answer with an output serializer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.viewsets import GenericViewSet

from domain.exceptions import DomainError, Kind
from domain.models import Municipality
from domain.policy import consultant_municipality_id


class ThinViewSet(GenericViewSet):
    lookup_value_regex = r"[0-9]+"

    def parsed(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        """The request body, validated by ``serializer_class`` (a 400 naming each field)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(
        self, obj: object, serializer_class: type[Serializer] | None = None, *, status: int = 200
    ) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status)

    def created(self, obj: object, serializer_class: type[Serializer] | None = None) -> Response:
        return self.answer(obj, serializer_class, status=http.HTTP_201_CREATED)

    def is_schema_run(self) -> bool:
        """drf-spectacular builds the schema with a fake view without URL kwargs."""
        return getattr(self, "swagger_fake_view", False)


def resolved(getter: Callable[..., Any], *, field: str, **kwargs: Any) -> Any:
    """An object named by id in the request body, through a scoped selector's getter: the
    same 404 for an unknown id and for one the caller may not know, naming the field."""
    try:
        return getter(**kwargs)
    except DomainError as error:
        if error.kind != Kind.NOT_FOUND:
            raise
        raise DomainError(error.message, code="not_found", field=field) from None


def own_municipality(user: object) -> Municipality:
    """Where a consultant creates things when the request names no municipality (an admin
    must name one)."""
    if consultant_municipality_id(user) is None:
        raise DomainError(_("Choose a municipality."), code="required", field="municipality")
    return user.consultant.municipality  # type: ignore[attr-defined]
