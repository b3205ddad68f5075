"""Youth filters (consultants and admins only; the scope is the selector's)."""

import django_filters

from api.filters.ids import IdFilter
from portal.models import Youth


class YouthFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Youth.Status.choices)
    group = IdFilter(field_name="group_id")
    contact_consultant = IdFilter(field_name="contact_consultant_id")
    unreachable = django_filters.BooleanFilter(
        field_name="unreachable_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: only youth the bot cannot reach on Telegram (they blocked it or "
        "deleted their account); false: only those it can.",
    )

    class Meta:
        model = Youth
        fields = ["status", "group", "contact_consultant", "unreachable"]
