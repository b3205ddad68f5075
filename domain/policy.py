"""Who may do what: the permission matrix of docs/domain.md as plain functions.

Services call the ``require_*`` functions with their ``actor``; selectors use the same role
helpers to scope reads. An actor is a portal ``User`` (admin, consultant or company member), a
``Youth`` acting through the bot, or ``None`` for the system itself (worker, scheduler).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from domain.exceptions import DomainError
from domain.models import Company, Consultant, NetworkMembership, Youth

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Role = Literal["admin", "consultant", "company", "youth", "system", "none"]


def role_of(actor: object) -> Role:
    if actor is None:
        return "system"
    if isinstance(actor, Youth):
        return "youth"
    if isinstance(actor, AnonymousUser) or not getattr(actor, "is_authenticated", False):
        return "none"
    if not actor.is_active:
        return "none"
    if actor.is_superuser:
        return "admin"
    if hasattr(actor, "consultant"):
        return "consultant"
    if hasattr(actor, "company_member"):
        return "company"
    return "none"


def second_factor_required(user: object) -> bool:
    """Consultants and admins read the records of vulnerable youth: they must pass a second
    factor (TOTP or a recovery code). Company members may choose to; once they have a device,
    it is required for them too."""
    role = role_of(user)
    if role in ("admin", "consultant"):
        return True
    return role == "company" and user_has_device(user, confirmed=True)


def actor_label(actor: object) -> str:
    """A stable label for audit entries: "user:12", "youth:7" or "system"."""
    if actor is None:
        return "system"
    if isinstance(actor, Youth):
        return f"youth:{actor.pk}"
    return f"user:{actor.pk}"


def consultant_municipality_id(user: object) -> int | None:
    if role_of(user) != "consultant":
        return None
    consultant: Consultant = user.consultant  # type: ignore[union-attr]
    return consultant.municipality_id


def member_company_id(user: object) -> int | None:
    if role_of(user) != "company":
        return None
    return user.company_member.company_id  # type: ignore[union-attr]


def is_admin_or_system(actor: object) -> bool:
    return role_of(actor) in ("admin", "system")


def forbidden() -> DomainError:
    return DomainError(_("You are not allowed to do this."), code="forbidden")


def not_found() -> DomainError:
    return DomainError(_("Not found."), code="not_found")


def can_manage_municipality(actor: object, municipality_id: int) -> bool:
    """Consultant of that municipality, admin, or the system."""
    return is_admin_or_system(actor) or consultant_municipality_id(actor) == municipality_id


def require_municipality(actor: object, municipality_id: int) -> None:
    if not can_manage_municipality(actor, municipality_id):
        raise forbidden()


def company_in_network(company_id: int, municipality_id: int) -> bool:
    return (
        NetworkMembership.objects.accepted()
        .filter(company_id=company_id, municipality_id=municipality_id)
        .exists()
    )


def can_act_for_company(actor: object, company: Company | int) -> bool:
    """A member of the company, a consultant of a municipality whose network it belongs to
    (accepted), an admin, or the system."""
    company_id = company if isinstance(company, int) else company.pk
    if is_admin_or_system(actor):
        return True
    if member_company_id(actor) == company_id:
        return True
    municipality_id = consultant_municipality_id(actor)
    return municipality_id is not None and company_in_network(company_id, municipality_id)


def require_company(actor: object, company: Company | int) -> None:
    if not can_act_for_company(actor, company):
        raise forbidden()


def can_act_for_youth(actor: object, youth: Youth) -> bool:
    """The youth themself, a consultant of their municipality, an admin, or the system."""
    if isinstance(actor, Youth):
        return actor.pk == youth.pk
    return can_manage_municipality(actor, youth.municipality_id)


def require_youth(actor: object, youth: Youth) -> None:
    if not can_act_for_youth(actor, youth):
        raise forbidden()


def require_staff_user(actor: object) -> User:
    """A logged-in portal user (not a youth, not the system): audit needs a person."""
    if role_of(actor) not in ("admin", "consultant", "company"):
        raise forbidden()
    return actor  # type: ignore[return-value]


def user_from(actor: object) -> User | None:
    """The portal user behind an actor, for ``decided_by``-style fields."""
    if actor is None or isinstance(actor, Youth):
        return None
    return actor  # type: ignore[return-value]


def is_user(actor: object) -> bool:
    return isinstance(actor, AbstractBaseUser)


# --- Company administration (appended with domain/services/network.py) ---------------------------


def is_company_admin_of(actor: object, company_id: int) -> bool:
    """A member of that company who may invite and remove colleagues."""
    if role_of(actor) != "company":
        return False
    member = actor.company_member  # type: ignore[union-attr]
    return member.company_id == company_id and member.is_company_admin


def can_manage_company_members(actor: object, company: Company | int) -> bool:
    """Colleagues are added and removed by the company's own admins, an admin, or the system."""
    company_id = company if isinstance(company, int) else company.pk
    return is_admin_or_system(actor) or is_company_admin_of(actor, company_id)


def require_company_admin(actor: object, company: Company | int) -> None:
    if not can_manage_company_members(actor, company):
        raise forbidden()


# --- Placements and follow-up (appended with domain/services/placements.py, notes.py) ------------


def can_follow_up(actor: object, municipality_id: int) -> bool:
    """A consultant of that municipality or an admin: approving placements, reading and
    writing follow-up notes and check-ins. A person's decision, so not the system."""
    role = role_of(actor)
    return role == "admin" or (
        role == "consultant" and consultant_municipality_id(actor) == municipality_id
    )


# --- The conversation between a youth and their consultants (domain/services/conversation.py) ----


def can_talk_with_youth(actor: object, youth: Youth) -> bool:
    """The consultants of the youth's municipality (every one of them, so a youth without a
    contact consultant still reaches someone) and admins. Never a company, never the system."""
    return can_follow_up(actor, youth.municipality_id)


# --- Randomised intake (domain/services/intake.py) -----------------------------------------------


def can_run_intake(actor: object, municipality_id: int) -> bool:
    """Registering referrals and running a draw: a consultant of that municipality or an admin
    (a person's act, so not the system). The municipality must have it on (the service checks
    that: it is a state, not a right)."""
    return can_follow_up(actor, municipality_id)


def can_configure_intake(actor: object) -> bool:
    """Turning randomised intake on or off and setting its ratio: admins only, since it decides
    who a municipality may offer the programme to."""
    return role_of(actor) == "admin"
