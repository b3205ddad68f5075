"""Youth filters (consultants and admins only; the scope is the selector's)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from api.filters.ids import IdFilter
from domain.models import Youth


class StrictBooleanWidget(BooleanWidget):
    """django-filter's widget turns anything unknown into "no filter"; this one passes it on,
    so that the field can refuse it."""

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        parsed = super().value_from_datadict(data, files, name)
        return raw if parsed is None and raw not in (None, "") else parsed


class StrictBooleanField(forms.NullBooleanField):
    """true / false (or 1 / 0); anything else is a 400 instead of a silently ignored filter."""

    widget = StrictBooleanWidget

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        raise ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: object) -> None:
        """Any of None, True and False is fine once parsed."""


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class YouthFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Youth.Status.choices)
    group = IdFilter(field_name="group_id")
    contact_consultant = IdFilter(field_name="contact_consultant_id")
    unreachable = StrictBooleanFilter(
        field_name="unreachable_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: only youth the bot cannot reach on Telegram (they blocked it or "
        "deleted their account); false: only those it can.",
    )

    class Meta:
        model = Youth
        fields = ["status", "group", "contact_consultant", "unreachable"]
