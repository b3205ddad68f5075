"""Youth filters (consultants and admins only; the scope is the selector's)."""

import django_filters

from api.filters.ids import IdFilter
from portal.models import Youth


class YouthFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Youth.Status.choices)
    group = IdFilter(field_name="group_id")
    contact_consultant = IdFilter(field_name="contact_consultant_id")

    class Meta:
        model = Youth
        fields = ["status", "group", "contact_consultant"]
