"""Output-only serializers that cost less per row than DRF's general path.

DRF deep-copies a serializer's declared fields for every serializer it builds and walks every
field through its generic ``get_attribute`` machinery for every row; on the slot list that was
about a third of the API's own time per request. A ``ReadSerializer`` declares its fields like
any serializer (the OpenAPI schema and the tests read them as before) but binds them once per
class, and writes each row from a plan: the attribute path and the field's own
``to_representation``. The answer is the same JSON, byte for byte
(``tests/api/test_read_serializers.py`` compares it with DRF's own path).

Only fields whose output depends on the value alone may be declared (no
``SerializerMethodField``, no hyperlinks, nothing that reads the request): the class refuses
anything else when it builds its plan, so such a field cannot slip in unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers

# Fields whose to_representation reads the value and the field's own options, nothing else.
VALUE_ONLY_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.JSONField,
    serializers.TimeField,
    serializers.UUIDField,
)
Step = tuple[str, tuple[str, ...], Callable[[Any], Any], serializers.Field]


def _converter(field: serializers.Field, owner: type) -> Callable[[Any], Any]:
    if type(field) is serializers.IntegerField:
        return int
    if type(field) is serializers.CharField:
        return str
    if isinstance(field, ReadSerializer):
        return field.to_representation
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, ReadSerializer):
        return field.to_representation
    if isinstance(field, serializers.ListField) and isinstance(field.child, VALUE_ONLY_FIELDS):
        return field.to_representation
    if isinstance(field, VALUE_ONLY_FIELDS) and not isinstance(field, serializers.Serializer):
        return field.to_representation
    raise TypeError(
        f"{owner.__name__}.{field.field_name}: a ReadSerializer may only declare fields whose "
        f"output depends on the value alone, not {type(field).__name__}"
    )


class ReadSerializer(serializers.Serializer):
    """A serializer for answers only: fields bound once per class, rows written from a plan."""

    _plans: ClassVar[dict[type, list[Step]]] = {}

    @classmethod
    def plan(cls) -> list[Step]:
        """(name, attribute path, converter, field) per readable field, built once."""
        steps = ReadSerializer._plans.get(cls)
        if steps is None:
            prototype = cls()
            steps = [
                (name, tuple(field.source_attrs), _converter(field, cls), field)
                for name, field in prototype.fields.items()
                if not field.write_only
            ]
            ReadSerializer._plans[cls] = steps
        return steps

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for name, path, convert, field in self.plan():
            try:
                value = instance
                for attribute in path:
                    value = (
                        value[attribute]
                        if isinstance(value, Mapping)
                        else getattr(value, attribute)
                    )
                    if callable(value):
                        value = value()
            except ObjectDoesNotExist:
                value = None
            except (KeyError, AttributeError):
                # DRF's own rules for a missing attribute or a None on the way (a default,
                # null, or leaving the key out).
                try:
                    value = field.get_attribute(instance)
                except serializers.SkipField:
                    continue
            row[name] = None if value is None else convert(value)
        return row
