"""Filters for ids and counts: whole numbers within the database's integer range, so that a
huge number is a clear 400 rather than an overflow in the database driver (SQLite raises on
integers beyond 64 bits). Typed ``integer`` in the schema, and strict about it: ``1.0`` is not
an id (Django's IntegerField would take it), so what a generated client may send and what the
server accepts are the same."""

import re

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

ID_MAX = 2**63 - 1
DIGITS = re.compile(r"\s*\d+\s*")


class StrictIntegerField(forms.IntegerField):
    """Digits only: no decimal point, no sign, no exponent."""

    def to_python(self, value):
        if value not in self.empty_values and not DIGITS.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdField(StrictIntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class WholeNumberField(StrictIntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField
