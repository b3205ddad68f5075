"""Serializer pieces the events, groups and placements areas share."""

from functools import cache

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters.ids import ID_MAX


@cache
def _enum_field_class(name: str, values: tuple[str | int, ...]) -> type[serializers.ChoiceField]:
    # One class per component: drf-spectacular refuses two different objects of one name.
    kind = "integer" if all(isinstance(value, int) for value in values) else "string"
    return extend_schema_field({"type": kind, "enum": list(values)}, component_name=name)(
        type(f"{name}Field", (serializers.ChoiceField,), {})
    )


def enum_field(choices, *, name: str, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum is the schema component ``name``. Many models have a
    ``status`` with their own choices; left alone, drf-spectacular lifts each into a shared
    ``StatusEnum`` and warns about the name collision."""
    values = tuple(value for value, _label in choices)
    return _enum_field_class(name, values)(choices=choices, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
        "example": "16:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day on the municipality's clock, without an offset ("16:00:00"). The schema
    says so with a pattern: OpenAPI's ``format: time`` is RFC 3339's full-time, which demands
    an offset."""


class ReasonSerializer(serializers.Serializer):
    """An optional or required reason (the service says which and checks its length)."""

    reason = serializers.CharField(allow_blank=True, required=False, default="")


def id_field(**kwargs) -> serializers.IntegerField:
    """An object's id in a request body: a whole number within the database's integer range,
    so a huge number is a clear 400 rather than an overflow in the database driver."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)
