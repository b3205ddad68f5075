"""Which slots a youth or a portal user may see: the permission scope lives here, once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from domain import policy
from domain.models import NetworkMembership, Placement, Slot, Youth


def _base() -> QuerySet[Slot]:
    return Slot.objects.select_related("company", "sector").order_by("-published_at", "-id")


def slots_visible_to_youth(
    *,
    youth: Youth,
    sector_codes: Iterable[str] | None = None,
    kind: str | None = None,
    hours: int | None = None,
) -> QuerySet[Slot]:
    """Open slots of companies in the youth's municipality's network, newest first.

    ``hours`` keeps the slots whose range allows that many hours per week.
    """
    if youth.erased_at is not None or youth.status == Youth.Status.LEFT:
        return Slot.objects.none()
    slots = _base().filter(
        status=Slot.Status.OPEN,
        company_id__in=NetworkMembership.objects.company_ids_in(youth.municipality_id),
    )
    if sector_codes is not None:
        slots = slots.filter(sector__code__in=list(sector_codes))
    if kind is not None:
        slots = slots.filter(kind=kind)
    if hours is not None:
        slots = slots.filter(hours_min__lte=hours, hours_max__gte=hours)
    # No DISTINCT: every filter is on the slot's own row or a foreign key (the network is an
    # IN subquery), so no slot can appear twice — and DISTINCT over every selected column made
    # PostgreSQL sort the whole list (and its count) on the busiest read.
    return slots


def slots_suggested_to_youth(
    *,
    youth: Youth,
    sector_codes: Iterable[str] | None = None,
    kind: str | None = None,
    hours: int | None = None,
    prefer_sector_codes: Iterable[str] | None = None,
    prefer_hours: int | None = None,
) -> QuerySet[Slot]:
    """``slots_visible_to_youth``, the slots that suit the youth first: those in
    ``prefer_sector_codes`` whose range allows ``prefer_hours`` (each ignored when None),
    annotated ``suits``. Neither given: every slot suits, newest first as before."""
    slots = slots_visible_to_youth(youth=youth, sector_codes=sector_codes, kind=kind, hours=hours)
    suits = Q()
    if prefer_sector_codes is not None:
        suits &= Q(sector__code__in=list(prefer_sector_codes))
    if prefer_hours is not None:
        suits &= Q(hours_min__lte=prefer_hours, hours_max__gte=prefer_hours)
    if not suits:
        return slots.annotate(suits=Value(True, output_field=BooleanField()))
    return slots.annotate(
        suits=Case(When(suits, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("-suits", "-published_at", "-id")


def slots_visible_to_user(*, user: object) -> QuerySet[Slot]:
    """A company member: the own company's slots (every status); a consultant: the slots of
    companies in their municipality's network; an admin: all; anyone else: none."""
    role = policy.role_of(user)
    if role == "admin":
        return _base()
    if role == "company":
        return _base().filter(company_id=policy.member_company_id(user))
    if role == "consultant":
        municipality_id = policy.consultant_municipality_id(user)
        return _base().filter(
            company_id__in=NetworkMembership.objects.company_ids_in(municipality_id)
        )
    return Slot.objects.none()


def slot_get_for_youth(*, youth: Youth, slot_id: int) -> Slot:
    """One slot the youth may see; ``not_found`` otherwise (a stale or forged button)."""
    slot = slots_visible_to_youth(youth=youth).filter(pk=slot_id).first()
    if slot is None:
        raise policy.not_found()
    return slot


def slot_get_for_user(*, user: object, slot_id: int) -> Slot:
    slot = slots_visible_to_user(user=user).filter(pk=slot_id).first()
    if slot is None:
        raise policy.not_found()
    return slot


def slot_seats_taken(*, slot: Slot) -> int:
    """Approved and active placements: each holds one of the slot's seats."""
    return Placement.objects.filter(slot=slot, status__in=Placement.SEATED).count()


def slot_seats_taken_count() -> Count:
    """``slot_seats_taken`` as an aggregate over a slot's ``placements``, to annotate a list of
    slots in the same query."""
    # distinct: another to-many join in the same query would multiply the count.
    return Count("placements", filter=Q(placements__status__in=Placement.SEATED), distinct=True)
