"""Who a municipal sign-in (OpenID Connect) logs in as. The provider vouches for a person; this
decides which existing consultant of *that* municipality they are, and never makes an account
or grants a role: rights come only from what an admin set up in the portal."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit import audit_log
from domain.exceptions import DomainError
from domain.models import Consultant, MunicipalIdentity, MunicipalSignIn


def _refused() -> DomainError:
    return DomainError(
        _(
            "Your municipality's login worked, but no consultant in NExTWORK matches it. "
            "Ask your NExTWORK administrator to create your consultant login with your work "
            "e-mail address."
        ),
        code="sign_in_refused",
    )


def _consultant_user(sign_in: MunicipalSignIn, **user_filter):
    """The active user of a consultant of the sign-in's municipality, or None."""
    consultants = Consultant.objects.filter(
        municipality_id=sign_in.municipality_id, user__is_active=True, **user_filter
    ).select_related("user")
    found = list(consultants[:2])
    return found[0].user if len(found) == 1 else None


@transaction.atomic
def sign_in_user(*, sign_in: MunicipalSignIn, claims: dict, now: datetime | None = None) -> object:
    """The user the provider's ID-token ``claims`` sign in as: by the linked subject, else by a
    verified e-mail (then the subject is linked). Refused (forbidden) otherwise."""
    now = now or timezone.now()
    subject = str(claims.get("sub") or "")
    if not sign_in.enabled or not subject:
        raise _refused()
    identity = (
        MunicipalIdentity.objects.filter(sign_in=sign_in, subject=subject)
        .select_related("user")
        .first()
    )
    if identity is not None:
        user = _consultant_user(sign_in, user=identity.user)
        if user is None:  # no longer a consultant there, or deactivated
            raise _refused()
        return user
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        raise _refused()
    user = _consultant_user(sign_in, user__email__iexact=email)
    if user is None:
        raise _refused()
    MunicipalIdentity.objects.create(sign_in=sign_in, subject=subject, user=user, created_at=now)
    audit_log(
        actor=user,
        action="user.sign_in_link",
        target=get_user_model().objects.get(pk=user.pk),
        municipality_id=sign_in.municipality_id,
        now=now,
    )
    return user
