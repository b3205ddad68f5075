"""The audit trail as a reader may see it: admins only (docs/domain.md)."""

from __future__ import annotations

from django.db.models import QuerySet

from domain import policy
from domain.models import AuditEntry


def audit_entries_visible_to_user(*, user: object) -> QuerySet[AuditEntry]:
    if policy.role_of(user) != "admin":
        return AuditEntry.objects.none()
    return AuditEntry.objects.order_by("-created_at", "-id")
