"""Research studies: each has its own pseudonym key; rotating it breaks the link with every
earlier export of the study (the research export itself is in ``domain.selectors.research``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from domain import policy
from domain.audit import audit_log
from domain.locking import lock_for_update
from domain.models import Study
from domain.models.outcomes import new_study_key


@transaction.atomic
def study_rotate_key(*, study: Study, actor: object, now: datetime | None = None) -> Study:
    """A new key for ``study`` (admins only): later exports get new pseudonyms that cannot be
    linked to the earlier ones."""
    now = now or timezone.now()
    if policy.role_of(actor) != "admin":
        raise policy.forbidden()
    study = lock_for_update(Study, study.pk)
    study.key = new_study_key()
    study.key_rotated_at = now
    study.save(update_fields=["key", "key_rotated_at"])
    audit_log(actor=actor, action="study.rotate_key", target=study, now=now)
    return study
