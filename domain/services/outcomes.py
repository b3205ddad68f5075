"""Outcomes: where a youth went when they left, and what a placement led to at its company.

Both are categories and dates, never free text, so they survive erasure and feed the measures
the programme's trial used (docs/evaluation.md).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import Destination, Placement, PlacementOutcome, Youth
from domain.timeutils import local_date

ENDED = (Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY)


def clean_destination(value: object) -> str:
    """One of ``Destination``'s values; required."""
    if value in (None, ""):
        raise DomainError(
            _("Choose where the young person went."), code="required", field="destination"
        )
    if value not in Destination.values:
        raise DomainError(
            _("Choose one of the listed destinations."),
            code="destination_invalid",
            field="destination",
        )
    return str(value)


def clean_destination_date(value: object, *, tz_name: str, now: datetime) -> date:
    """The day the destination began: today when not given, never in the future."""
    today = local_date(now, tz_name)
    if value in (None, ""):
        return today
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError(_("Enter a valid date."), code="date_invalid", field="destination_date")
    if value > today:
        raise DomainError(
            _("The destination's date cannot be in the future."),
            code="date_in_future",
            field="destination_date",
        )
    return value


def clean_placement_outcome(value: object) -> str:
    if value in (None, ""):
        raise DomainError(
            _("Say whether the placement led to a job offer or paid hours."),
            code="required",
            field="outcome",
        )
    if value not in PlacementOutcome.values:
        raise DomainError(
            _("Choose one of the listed outcomes."), code="outcome_invalid", field="outcome"
        )
    return str(value)


@transaction.atomic
def youth_record_destination(
    *,
    youth: Youth,
    actor: object,
    destination: str,
    destination_date: date | None = None,
    now: datetime | None = None,
) -> Youth:
    """Correct where a youth who has left went (staff of their municipality). Leaving records
    it first (``youth_leave``); an erased youth's destination is no longer anyone's to change."""
    now = now or timezone.now()
    policy.require_municipality(actor, youth.municipality_id)
    youth = lock_for_update(Youth, youth.pk)
    if youth.erased_at is not None or youth.status != Youth.Status.LEFT:
        raise invalid_state(_("A destination is recorded for young people who have left."))
    youth.destination = clean_destination(destination)
    youth.destination_date = clean_destination_date(
        destination_date, tz_name=youth.municipality.timezone, now=now
    )
    youth.save(update_fields=["destination", "destination_date"])
    audit_log(
        actor=actor,
        action="youth.destination",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"destination": youth.destination},
        now=now,
    )
    events.publish(
        "youth.updated", id=youth.pk, municipality_id=youth.municipality_id, youth_id=youth.pk
    )
    return youth


@transaction.atomic
def placement_record_outcome(
    *, placement: Placement, actor: object, outcome: str, now: datetime | None = None
) -> Placement:
    """Whether an ended placement led to a job offer or paid hours at its company (staff of the
    youth's municipality; may be corrected later)."""
    now = now or timezone.now()
    policy.require_municipality(actor, placement.youth.municipality_id)
    placement = lock_for_update(Placement, placement.pk)
    if placement.status not in ENDED:
        raise invalid_state(_("An outcome is recorded when the placement has ended."))
    placement.outcome = clean_placement_outcome(outcome)
    placement.save(update_fields=["outcome"])
    audit_log(
        actor=actor,
        action="placement.outcome",
        target=placement,
        municipality_id=placement.youth.municipality_id,
        data={"outcome": placement.outcome},
        now=now,
    )
    return placement
