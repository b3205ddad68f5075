"""Companies and the municipal networks they join: registration, membership decisions, members."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import Company, CompanyMember, Municipality, NetworkMembership, Sector
from domain.services.cleaning import clean_text
from domain.services.notify import notify_network_answered, notify_network_requested
from domain.validators import cvr_is_valid, validate_postcode

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = NetworkMembership.Status

# Fields a company's profile may change through company_update; the CVR number is the company's
# identity, so only an admin may correct it.
COMPANY_FIELDS = frozenset({"name", "address", "postcode", "city", "sector", "cvr"})


# --- input -------------------------------------------------------------------------------------


def normalise_cvr(value: object) -> str:
    """CVR numbers are often written in groups ("1015 0817"); spaces carry no meaning."""
    return "".join(str(value or "").split())


def _cvr(value: object) -> str:
    cvr = normalise_cvr(value)
    if not cvr_is_valid(cvr):
        raise DomainError(
            _("Enter a valid CVR number: 8 digits that pass the modulus-11 check."),
            code="cvr_invalid",
            field="cvr",
        )
    return cvr


def _cvr_conflict() -> DomainError:
    return DomainError(
        _("A company with this CVR number is already registered."), code="conflict", field="cvr"
    )


def clean_postcode(value: object) -> str:
    postcode = str(value or "").strip()
    try:
        validate_postcode(postcode)
    except ValidationError:
        raise DomainError(
            _("Enter a Danish postcode of 4 digits."), code="postcode_invalid", field="postcode"
        ) from None
    return postcode


def sector_from(value: Sector | str | None, *, field: str = "sector") -> Sector:
    """A Sector instance, or its code as sent by a form, the API or the bot."""
    if isinstance(value, Sector):
        return value
    sector = Sector.objects.filter(code=str(value or "")).first()
    if sector is None:
        raise DomainError(_("Choose a sector from the list."), code="sector_invalid", field=field)
    return sector


def _company_values(fields: dict) -> dict:
    """Validate the profile fields present in ``fields``; returns the cleaned values."""
    cleaned: dict = {}
    if "name" in fields:
        cleaned["name"] = clean_text(fields["name"], field="name", max_length=200)
    if "cvr" in fields:
        cleaned["cvr"] = _cvr(fields["cvr"])
    if "address" in fields:
        cleaned["address"] = clean_text(fields["address"], field="address", max_length=200)
    if "postcode" in fields:
        cleaned["postcode"] = clean_postcode(fields["postcode"])
    if "city" in fields:
        cleaned["city"] = clean_text(fields["city"], field="city", max_length=100, required=False)
    if "sector" in fields:
        cleaned["sector"] = sector_from(fields["sector"])
    return cleaned


def _user_has_role(user: User) -> bool:
    return (
        user.is_superuser
        or CompanyMember.objects.filter(user=user).exists()
        or hasattr(user, "consultant")
    )


def _user_taken() -> DomainError:
    return DomainError(
        _("This user already belongs to a company or a municipality."),
        code="conflict",
        field="user",
    )


def portal_user_create(*, username: str, email: str, password: str) -> User:
    """A new login for the portal, with Django's password validators applied. The caller gives
    it its role (company member or consultant) in the same transaction."""
    username = clean_text(username, field="username", max_length=150)
    email = clean_text(email, field="email", max_length=254)
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            _("Enter a valid e-mail address."), code="email_invalid", field="email"
        ) from None
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), code="conflict", field="username")
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(
            " ".join(exc.messages), code="password_invalid", field="password"
        ) from None
    return user_model.objects.create_user(username=username, email=email, password=password)


# --- companies ---------------------------------------------------------------------------------


@transaction.atomic
def company_register(
    *,
    name: str,
    cvr: str,
    address: str,
    postcode: str,
    sector: Sector | str,
    municipality: Municipality,
    city: str = "",
    user: User | None = None,
    username: str = "",
    email: str = "",
    password: str = "",
    actor: object = None,
    now: datetime | None = None,
) -> Company:
    """Register a company with its first member (a company admin) and ask to join
    ``municipality``'s network (pending until a consultant accepts).

    Registration is self-service: ``actor`` is None for the public sign-up form (or the user
    signing up); a consultant may register a company for their own municipality, an admin for
    any. The first member is ``user`` (an existing portal user without a role) or a new user
    made from ``username``/``email``/``password``.
    """
    now = now or timezone.now()
    role = policy.role_of(actor)
    if role in ("youth", "company"):
        raise policy.forbidden()
    if role == "consultant":
        policy.require_municipality(actor, municipality.pk)

    values = _company_values(
        {
            "name": name,
            "cvr": cvr,
            "address": address,
            "postcode": postcode,
            "city": city,
            "sector": sector,
        }
    )
    if Company.objects.filter(cvr=values["cvr"]).exists():
        raise _cvr_conflict()
    if user is not None:
        if _user_has_role(user):
            raise _user_taken()
    else:
        user = portal_user_create(username=username, email=email, password=password)

    try:
        # A savepoint: a concurrent registration of the same CVR loses cleanly on the unique index.
        with transaction.atomic():
            company = Company.objects.create(**values)
    except IntegrityError:
        raise _cvr_conflict() from None
    member = CompanyMember.objects.create(user=user, company=company, is_company_admin=True)
    membership = NetworkMembership.objects.create(
        company=company, municipality=municipality, status=Status.PENDING
    )
    by = actor if actor is not None else user
    audit_log(
        actor=by,
        action="company.register",
        target=company,
        municipality_id=municipality.pk,
        data={"member_id": member.pk, "membership_id": membership.pk},
        now=now,
    )
    events.publish(
        "company.registered", id=company.pk, company_id=company.pk, municipality_id=municipality.pk
    )
    notify_network_requested(membership=membership, now=now)
    events.publish(
        "membership.requested",
        id=membership.pk,
        company_id=company.pk,
        municipality_id=municipality.pk,
    )
    return company


@transaction.atomic
def company_update(
    *, company: Company, actor: object, now: datetime | None = None, **fields
) -> Company:
    """Change the company's profile (name, address, postcode, city, sector; CVR by admins only).

    Allowed for a member of the company, a consultant of a municipality whose network it
    belongs to, and an admin.
    """
    now = now or timezone.now()
    unknown = set(fields) - COMPANY_FIELDS
    if unknown:
        raise TypeError(f"company_update() got unexpected fields: {sorted(unknown)}")
    policy.require_company(actor, company)
    if "cvr" in fields and not policy.is_admin_or_system(actor):
        raise policy.forbidden()

    values = _company_values(fields)
    company = lock_for_update(Company, company.pk)
    changed = [key for key, value in values.items() if getattr(company, key) != value]
    if not changed:
        return company
    if (
        "cvr" in changed
        and Company.objects.filter(cvr=values["cvr"]).exclude(pk=company.pk).exists()
    ):
        raise _cvr_conflict()
    for key in changed:
        setattr(company, key, values[key])
    company.save(update_fields=changed)
    audit_log(
        actor=actor,
        action="company.update",
        target=company,
        data={"fields": sorted(changed)},
        now=now,
    )
    events.publish("company.updated", id=company.pk, company_id=company.pk, municipality_id=None)
    return company


# --- network membership ------------------------------------------------------------------------


@transaction.atomic
def membership_request(
    *, company: Company, municipality: Municipality, actor: object, now: datetime | None = None
) -> NetworkMembership:
    """Ask to join ``municipality``'s network. A rejected request may be made again.

    Asked by an admin member of the company, a consultant of that municipality (inviting the
    company in; it still has to be accepted), or an admin.
    """
    now = now or timezone.now()
    if not (
        policy.can_manage_company_members(actor, company)
        or policy.consultant_municipality_id(actor) == municipality.pk
    ):
        raise policy.forbidden()

    membership = (
        NetworkMembership.objects.select_for_update()
        .filter(company=company, municipality=municipality)
        .first()
    )
    if membership is None:
        try:
            with transaction.atomic():
                membership = NetworkMembership.objects.create(
                    company=company, municipality=municipality, status=Status.PENDING
                )
        except IntegrityError:
            # Someone else asked in the same instant.
            raise DomainError(
                _("The company has already asked to join this network."), code="conflict"
            ) from None
    elif membership.status == Status.REJECTED:
        membership.status = Status.PENDING
        membership.reason = ""
        membership.decided_at = None
        membership.decided_by = None
        membership.requested_at = now
        membership.save(
            update_fields=["status", "reason", "decided_at", "decided_by", "requested_at"]
        )
    else:
        raise DomainError(
            _("The company is already a member of this network or has asked to join it."),
            code="conflict",
        )
    audit_log(
        actor=actor,
        action="membership.request",
        target=membership,
        municipality_id=municipality.pk,
        data={"company_id": company.pk},
        now=now,
    )
    notify_network_requested(membership=membership, now=now)
    events.publish(
        "membership.requested",
        id=membership.pk,
        company_id=company.pk,
        municipality_id=municipality.pk,
    )
    return membership


def _decide(
    *, membership: NetworkMembership, actor: object, status: str, reason: str, now: datetime
) -> NetworkMembership:
    policy.require_municipality(actor, membership.municipality_id)
    membership = lock_for_update(NetworkMembership, membership.pk)
    if membership.status != Status.PENDING:
        raise invalid_state(_("Only a pending request can be accepted or rejected."))
    previous = membership.status
    membership.status = status
    membership.reason = reason
    membership.decided_at = now
    membership.decided_by = policy.user_from(actor)
    membership.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    verb = "accept" if status == Status.ACCEPTED else "reject"
    # Joining a network is a permission change: the company's slots become visible to the
    # municipality's youth and its consultants may act for it.
    audit_log(
        actor=actor,
        action=f"membership.{verb}",
        target=membership,
        municipality_id=membership.municipality_id,
        data={
            "company_id": membership.company_id,
            "from": previous,
            "to": status,
            "has_reason": bool(reason),
        },
        now=now,
    )
    notify_network_answered(membership=membership, now=now)
    events.publish(
        f"membership.{verb}ed",
        id=membership.pk,
        company_id=membership.company_id,
        municipality_id=membership.municipality_id,
    )
    return membership


@transaction.atomic
def membership_accept(
    *, membership: NetworkMembership, actor: object, now: datetime | None = None
) -> NetworkMembership:
    """Accept a pending request (consultant of that municipality, or admin)."""
    return _decide(
        membership=membership,
        actor=actor,
        status=Status.ACCEPTED,
        reason="",
        now=now or timezone.now(),
    )


@transaction.atomic
def membership_reject(
    *, membership: NetworkMembership, actor: object, reason: str, now: datetime | None = None
) -> NetworkMembership:
    """Reject a pending request with a reason the company is shown."""
    policy.require_municipality(actor, membership.municipality_id)
    reason = clean_text(reason, field="reason", max_length=500)
    return _decide(
        membership=membership,
        actor=actor,
        status=Status.REJECTED,
        reason=reason,
        now=now or timezone.now(),
    )


# --- company members ---------------------------------------------------------------------------


@transaction.atomic
def company_member_add(
    *,
    company: Company,
    user: User,
    actor: object,
    is_company_admin: bool = False,
    now: datetime | None = None,
) -> CompanyMember:
    """Let ``user`` act for ``company`` (by an admin member of the company, or an admin)."""
    now = now or timezone.now()
    policy.require_company_admin(actor, company)
    if _user_has_role(user):
        raise _user_taken()
    try:
        with transaction.atomic():
            member = CompanyMember.objects.create(
                user=user, company=company, is_company_admin=bool(is_company_admin)
            )
    except IntegrityError:
        raise _user_taken() from None
    audit_log(
        actor=actor,
        action="company_member.add",
        target=member,
        data={
            "company_id": company.pk,
            "user_id": user.pk,
            "is_company_admin": member.is_company_admin,
        },
        now=now,
    )
    events.publish(
        "company.member_added", id=member.pk, company_id=company.pk, municipality_id=None
    )
    return member


@transaction.atomic
def company_member_remove(
    *, member: CompanyMember, actor: object, now: datetime | None = None
) -> None:
    """Take away a member's access to the company. The user account itself stays.

    The last company admin cannot be removed: nobody could manage the company's members then.
    """
    now = now or timezone.now()
    policy.require_company_admin(actor, member.company_id)
    # Serialise removals within one company so two admins cannot remove each other at once.
    lock_for_update(Company, member.company_id)
    member = lock_for_update(CompanyMember, member.pk)
    if member.is_company_admin and not (
        CompanyMember.objects.filter(company_id=member.company_id, is_company_admin=True)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise invalid_state(_("The company's last administrator cannot be removed."))
    audit_log(
        actor=actor,
        action="company_member.remove",
        target=member,
        data={"company_id": member.company_id, "user_id": member.user_id},
        now=now,
    )
    member_id, company_id = member.pk, member.company_id
    member.delete()
    events.publish(
        "company.member_removed", id=member_id, company_id=company_id, municipality_id=None
    )
