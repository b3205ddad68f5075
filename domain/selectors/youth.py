"""Youth records as staff may see them, and the narrow card a company sees of an interest.

Every read of one youth's record by staff is audited (docs/domain.md), so interfaces fetch records
only through ``youth_get_for_user``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from domain import policy
from domain.audit import audit_log
from domain.models import Interest, Placement, Youth
from domain.timeutils import local_date
from domain.validators import age_on

# Placement states in which a company may contact the youth directly (docs/domain.md: "contact
# only for an approved placement"; once it is over, the company has no more need of it).
CONTACT_STATES = (Placement.Status.APPROVED, Placement.Status.ACTIVE)


def youth_visible_to_user(*, user: object) -> QuerySet[Youth]:
    """A consultant: the youth of their municipality; an admin: all; anyone else: none.

    A list is not a read of one record, so it is not audited; it should show only what a list
    needs.
    """
    youth = (
        Youth.objects.select_related(
            "municipality", "group", "contact_consultant__user", "contact_consultant__municipality"
        )
        .prefetch_related("sectors")
        .order_by("first_name", "id")
    )
    role = policy.role_of(user)
    if role == "admin":
        return youth
    if role == "consultant":
        return youth.filter(municipality_id=policy.consultant_municipality_id(user))
    return Youth.objects.none()


def youth_get_for_user(*, user: object, youth_id: int, now: datetime | None = None) -> Youth:
    """One youth's record for staff; ``not_found`` when the user may not see it. Audited."""
    youth = youth_visible_to_user(user=user).filter(pk=youth_id).first()
    if youth is None:
        raise policy.not_found()
    audit_log(
        actor=user,
        action="youth.read",
        target=youth,
        municipality_id=youth.municipality_id,
        now=now,
    )
    return youth


def youth_named_by_user(*, user: object, youth_id: int) -> Youth:
    """The youth a staff member names as the subject of an action (a sign-up, a membership, a
    placement), scoped like ``youth_visible_to_user``; ``not_found`` when the user may not see
    them. Not audited and without the record's relations: it is not a read of the record, and
    the action it serves is audited itself."""
    youth = (
        youth_visible_to_user(user=user)
        .select_related(None)
        .select_related("municipality")
        .prefetch_related(None)
        .filter(pk=youth_id)
        .first()
    )
    if youth is None:
        raise policy.not_found()
    return youth


def youth_age(youth: Youth, *, now: datetime | None = None) -> int | None:
    """Completed years on the municipality's calendar day (None once erased)."""
    if youth.birth_date is None:
        return None
    today = local_date(now or timezone.now(), youth.municipality.timezone)
    return age_on(youth.birth_date, today)


def youth_card_for_company(
    *, user: object, interest: Interest, now: datetime | None = None
) -> dict:
    """What a company sees of a youth who showed interest in one of its slots: first name, age,
    sectors and the message. Contact details only while a placement with the company is
    approved or active (``CONTACT_STATES``).

    A member of another company gets ``not_found``; a youth or anonymous caller ``forbidden``.
    Staff who may see the youth get the same card (to see what the company sees).
    """
    interest = (
        Interest.objects.select_related("slot", "youth__municipality")
        .prefetch_related("youth__sectors")
        .filter(pk=interest.pk)
        .first()
    )
    if interest is None:
        raise policy.not_found()
    youth = interest.youth
    company_id = interest.slot.company_id
    role = policy.role_of(user)
    if role in ("youth", "none"):
        raise policy.forbidden()
    if role == "company":
        if policy.member_company_id(user) != company_id:
            raise policy.not_found()
    elif not policy.can_manage_municipality(user, youth.municipality_id):
        raise policy.not_found()

    contact = (
        youth.status != Youth.Status.LEFT
        and Placement.objects.filter(
            youth=youth, slot__company_id=company_id, status__in=CONTACT_STATES
        ).exists()
    )
    return _card(interest, now=now, contact=contact)


def _card(interest: Interest, *, now: datetime | None, contact: bool) -> dict:
    """The one place that decides which youth fields a company sees."""
    youth = interest.youth
    card = {
        "interest_id": interest.pk,
        "first_name": youth.first_name,
        "age": youth_age(youth, now=now),
        "sectors": [sector.name for sector in youth.sectors.all()],
        "message": interest.message,
    }
    if contact:
        card["contact"] = youth.telegram_username
    return card


def youth_get_for_telegram(*, telegram_user_id: int) -> Youth | None:
    """The linked youth behind a Telegram account (the bot's "who is this?"), or None for
    someone never linked, unlinked, gone or erased (leaving and erasure clear the identity)."""
    # One account, one record (a unique constraint): no ordering to compile and sort, unlike
    # first() (the bot asks this once per update).
    rows = (
        Youth.objects.select_related("municipality")
        .filter(telegram_user_id=telegram_user_id, erased_at__isnull=True)
        .exclude(status=Youth.Status.LEFT)
        .order_by()[:1]
    )
    return next(iter(rows), None)


def youth_cards_for_company(
    *, user: object, interests: Iterable[Interest], now: datetime | None = None
) -> dict[int, dict]:
    """``youth_card_for_company`` for many interests at once (a company's inbox), in a fixed
    number of queries: ``{interest_id: card}``. Interests the user may not see are left out."""
    role = policy.role_of(user)
    ids = [interest.pk for interest in interests]
    if role not in ("company", "consultant", "admin") or not ids:
        return {}
    rows = Interest.objects.select_related("slot", "youth__municipality").prefetch_related(
        "youth__sectors"
    )
    if role == "company":
        rows = rows.filter(slot__company_id=policy.member_company_id(user))
    elif role == "consultant":
        rows = rows.filter(municipality_id=policy.consultant_municipality_id(user))
    rows = list(rows.filter(pk__in=ids))
    with_contact = set(
        Placement.objects.filter(
            youth_id__in={row.youth_id for row in rows}, status__in=CONTACT_STATES
        )
        .exclude(youth__status=Youth.Status.LEFT)
        .values_list("youth_id", "slot__company_id")
    )
    return {
        row.pk: _card(row, now=now, contact=(row.youth_id, row.slot.company_id) in with_contact)
        for row in rows
    }
