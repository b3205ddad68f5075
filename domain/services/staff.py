"""Consultants: creating one, or moving one to another municipality, changes who sees what."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from domain import policy
from domain.audit import audit_log
from domain.models import Consultant, Municipality, Youth
from domain.services.network import portal_user_create


@transaction.atomic
def consultant_create(
    *,
    municipality: Municipality,
    actor: object,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    now: datetime | None = None,
) -> Consultant:
    """A new portal user who sees ``municipality`` only. Admins (and the system) only."""
    if not policy.is_admin_or_system(actor):
        raise policy.forbidden()
    now = now or timezone.now()
    user = portal_user_create(username=username, email=email, password=password)
    user.first_name, user.last_name = first_name[:150], last_name[:150]
    user.save(update_fields=["first_name", "last_name"])
    consultant = Consultant.objects.create(user=user, municipality=municipality)
    audit_log(
        actor=actor,
        action="consultant.create",
        target=consultant,
        municipality_id=municipality.pk,
        data={"user_id": user.pk},
        now=now,
    )
    return consultant


@transaction.atomic
def consultant_move(
    *,
    consultant: Consultant,
    municipality: Municipality,
    actor: object,
    now: datetime | None = None,
) -> Consultant:
    """Move a consultant to another municipality (they stop seeing the old one at once)."""
    if not policy.is_admin_or_system(actor):
        raise policy.forbidden()
    previous = consultant.municipality_id
    if previous == municipality.pk:
        return consultant
    consultant.municipality = municipality
    consultant.save(update_fields=["municipality"])
    # Links into the old municipality would keep routing its youth's data to them.
    consultant.groups.remove(*consultant.groups.exclude(municipality=municipality))
    released = Youth.objects.filter(contact_consultant=consultant).exclude(
        municipality=municipality
    )
    released_ids = list(released.values_list("pk", flat=True))
    released.update(contact_consultant=None)
    for municipality_id in (previous, municipality.pk):  # both trails show the move
        audit_log(
            actor=actor,
            action="consultant.move",
            target=consultant,
            municipality_id=municipality_id,
            data={
                "from_municipality_id": previous,
                "to_municipality_id": municipality.pk,
                "released_youth_ids": released_ids,
            },
            now=now,
        )
    return consultant
