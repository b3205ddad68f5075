"""The audit trail (``domain/models/audit.py``)."""

from django.contrib import admin
from django.http import HttpRequest

from domain.models import AuditEntry
from portal.admin.base import GrowingTableAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(GrowingTableAdmin):
    """The audit trail: readable, never writable, not even by a superuser."""

    list_display = (
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "municipality",
    )
    list_select_related = ("municipality",)
    # Time is a filter, not a date hierarchy (which reads every row's date on each page); the
    # action and the record type are searched, not listed as filters: a filter's choices are
    # the column's distinct values, read from every row of the trail on each page.
    list_filter = ("municipality", "created_at")
    search_fields = ("action", "actor_label", "target_type")
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
