"""Audit entries: written by the service that performs the audited action, and by the
selectors that read a youth's record (reading it is audited too). A low module, below both."""

from datetime import datetime

from django.db import models
from django.utils import timezone

from domain.models import AuditEntry
from domain.policy import actor_label, user_from


def audit_log(
    *,
    actor: object,
    action: str,
    target: models.Model,
    municipality_id: int | None = None,
    data: dict | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (e.g. "placement.approve") to ``target``.

    ``data`` holds ids and states only: never personal data, and never free text (a reason
    typed by a person may name someone, and erasure does not rewrite the audit trail).
    """
    return AuditEntry.objects.create(
        actor=user_from(actor),
        actor_label=actor_label(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        municipality_id=municipality_id,
        data=data or {},
        created_at=now or timezone.now(),
    )
