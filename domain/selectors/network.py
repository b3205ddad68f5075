"""Companies and network memberships a portal user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from domain import policy
from domain.models import Company, Municipality, NetworkMembership


def companies_visible_to_user(*, user: object) -> QuerySet[Company]:
    """A company member: their own company; a consultant: every company that is in, or has
    asked to join, their municipality's network (they decide on the requests); an admin: all."""
    companies = Company.objects.select_related("sector").order_by("name", "id")
    role = policy.role_of(user)
    if role == "admin":
        return companies
    if role == "company":
        return companies.filter(pk=policy.member_company_id(user))
    if role == "consultant":
        return companies.filter(
            pk__in=NetworkMembership.objects.filter(
                municipality_id=policy.consultant_municipality_id(user)
            ).values("company_id")
        )
    return Company.objects.none()


def company_get_for_user(*, user: object, company_id: int) -> Company:
    company = companies_visible_to_user(user=user).filter(pk=company_id).first()
    if company is None:
        raise policy.not_found()
    return company


def networks_to_join(*, user: object) -> QuerySet[Municipality]:
    """The municipalities a company member's company is neither in nor asking to join (by
    name); none for anyone else."""
    if policy.role_of(user) != "company":
        return Municipality.objects.none()
    taken = NetworkMembership.objects.filter(company_id=policy.member_company_id(user))
    return Municipality.objects.exclude(pk__in=taken.values("municipality_id")).order_by("name")


def memberships_visible_to_user(*, user: object) -> QuerySet[NetworkMembership]:
    """A company member: their company's memberships; a consultant: their municipality's;
    an admin: all."""
    memberships = NetworkMembership.objects.select_related(
        "company__sector", "municipality"
    ).order_by("-requested_at", "-id")
    role = policy.role_of(user)
    if role == "admin":
        return memberships
    if role == "company":
        return memberships.filter(company_id=policy.member_company_id(user))
    if role == "consultant":
        return memberships.filter(municipality_id=policy.consultant_municipality_id(user))
    return NetworkMembership.objects.none()


def membership_get_for_user(*, user: object, membership_id: int) -> NetworkMembership:
    membership = memberships_visible_to_user(user=user).filter(pk=membership_id).first()
    if membership is None:
        raise policy.not_found()
    return membership


def memberships_pending_for(*, user: object) -> QuerySet[NetworkMembership]:
    """Requests waiting for this user's decision: a consultant's municipality's, or all for an
    admin. Companies do not decide, so they get none (their own requests are in
    ``memberships_visible_to_user``)."""
    if policy.role_of(user) not in ("admin", "consultant"):
        return NetworkMembership.objects.none()
    return (
        memberships_visible_to_user(user=user)
        .filter(status=NetworkMembership.Status.PENDING)
        .order_by("requested_at", "id")
    )
