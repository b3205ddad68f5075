"""Audit trail filters: by action, record, actor, municipality and time."""

import django_filters

from api.filters.ids import IdFilter
from domain.models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    target_type = django_filters.CharFilter()
    target_id = IdFilter()
    actor = IdFilter(field_name="actor_id")
    municipality = IdFilter(field_name="municipality_id")
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "target_type", "target_id", "actor", "municipality", "since", "until"]
