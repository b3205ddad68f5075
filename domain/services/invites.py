"""Invites: single-use, expiring deep-link tokens that link a Telegram account to a youth record.

The token is 256 random bits (43 URL-safe characters, inside Telegram's 64-character ``/start``
parameter). Only its SHA-256 is stored, so a copy of the database cannot be used to link an
account. Redemption stores the Telegram identity and the consent together, or nothing at all.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import Invite, Youth
from domain.services.reminders import reminders_sync_youth
from domain.tokens import invite_token_hash

TOKEN_BYTES = 32
# Telegram's deep-link parameter: at most 64 characters of A-Z, a-z, 0-9, _ and -.
TOKEN_MAX_LENGTH = 64
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
TELEGRAM_USERNAME_MAX_LENGTH = 64


@dataclass(frozen=True)
class IssuedInvite:
    """What a consultant is shown once: the token itself is never stored and cannot be re-read."""

    invite: Invite
    token: str
    deep_link: str


def deep_link_for(token: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


def _error(*, code: str) -> DomainError:
    messages = {
        "invite_invalid": _("This link is not valid. Please ask your consultant for a new one."),
        "invite_used": _(
            "This link has already been used. Please ask your consultant for a new one."
        ),
        "invite_expired": _("This link has expired. Please ask your consultant for a new one."),
        "invite_revoked": _(
            "This link has been replaced by a newer one. Please use the newest link from your "
            "consultant."
        ),
        "invite_closed": _(
            "This link no longer works because your profile has been closed. Please talk to "
            "your consultant."
        ),
        "youth_already_linked": _(
            "This profile is already linked to a Telegram account. Please contact your "
            "consultant if this is wrong."
        ),
        "telegram_already_linked": _(
            "Your Telegram account is already linked to another profile. Please contact your "
            "consultant."
        ),
    }
    return DomainError(messages[code], code=code)


# --- create ------------------------------------------------------------------------------------


@transaction.atomic
def invite_create(*, youth: Youth, actor: object, now: datetime | None = None) -> IssuedInvite:
    """A new invite for ``youth``; any earlier unused invite of theirs stops working."""
    now = now or timezone.now()
    policy.require_municipality(actor, youth.municipality_id)
    # The youth row lock serialises two consultants issuing invites at once: one stays valid.
    youth = lock_for_update(Youth, youth.pk)
    if youth.erased_at is not None or youth.status == Youth.Status.LEFT:
        raise invalid_state(_("This young person has left the programme."))
    if youth.is_linked:
        raise _error(code="youth_already_linked")
    revoked = Invite.objects.filter(
        youth=youth, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite.objects.create(
        youth=youth,
        token_hash=invite_token_hash(token),
        created_by=policy.user_from(actor),
        expires_at=now + timedelta(days=settings.NEXTWORK_INVITE_TTL_DAYS),
    )
    audit_log(
        actor=actor,
        action="invite.create",
        target=invite,
        municipality_id=youth.municipality_id,
        data={"youth_id": youth.pk, "revoked": revoked},
        now=now,
    )
    events.publish(
        "invite.created", id=invite.pk, municipality_id=youth.municipality_id, youth_id=youth.pk
    )
    return IssuedInvite(invite=invite, token=token, deep_link=deep_link_for(token))


# --- check and redeem --------------------------------------------------------------------------


def _find(token: object) -> Invite:
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise _error(code="invite_invalid")
    invite = (
        Invite.objects.select_related("youth").filter(token_hash=invite_token_hash(token)).first()
    )
    if invite is None:
        raise _error(code="invite_invalid")
    return invite


def _check(invite: Invite, youth: Youth, now: datetime) -> None:
    if invite.used_at is not None:
        raise _error(code="invite_used")
    if youth.erased_at is not None or youth.status == Youth.Status.LEFT:
        raise _error(code="invite_closed")
    if invite.revoked_at is not None:
        raise _error(code="invite_revoked")
    if now >= invite.expires_at:
        raise _error(code="invite_expired")
    if youth.is_linked:
        raise _error(code="youth_already_linked")


def invite_check(*, token: str, now: datetime | None = None) -> Invite:
    """The invite behind ``token`` if it can still be redeemed; changes nothing.

    The bot calls this on ``/start <token>`` before it shows the consent text.
    """
    now = now or timezone.now()
    invite = _find(token)
    _check(invite, invite.youth, now)
    return invite


@transaction.atomic
def invite_redeem(
    *,
    token: str,
    telegram_user_id: int,
    telegram_chat_id: int,
    consent_version: str,
    telegram_username: str = "",
    now: datetime | None = None,
) -> Youth:
    """Link the Telegram account to the youth and record their consent, in one step.

    Without an accepted ``consent_version`` nothing is stored: docs/domain.md's "nothing else is
    stored until consent" holds because the Telegram identity is only written together with it.
    """
    now = now or timezone.now()
    found = _find(token)
    consent_version = str(consent_version or "").strip()
    if not consent_version:
        raise DomainError(_("Please accept the privacy terms first."), code="consent_required")
    if consent_version != settings.NEXTWORK_CONSENT_VERSION:
        raise DomainError(
            _("Unknown version of the privacy terms."),
            code="consent_invalid",
            field="consent_version",
        )
    if (
        isinstance(telegram_user_id, bool)
        or not isinstance(telegram_user_id, int)
        or telegram_user_id <= 0
        or isinstance(telegram_chat_id, bool)
        or not isinstance(telegram_chat_id, int)
    ):
        raise DomainError(_("Unknown Telegram account."), code="telegram_invalid")
    username = str(telegram_username or "").strip().lstrip("@")[:TELEGRAM_USERNAME_MAX_LENGTH]

    # Youth first, then invite: the order invite_create, youth_leave and erasure take them in
    # (an invite's youth never changes, so the unlocked read of it is safe).
    youth = lock_for_update(Youth, found.youth_id)
    invite = lock_for_update(Invite, found.pk)
    _check(invite, youth, now)
    if Youth.objects.filter(telegram_user_id=telegram_user_id).exclude(pk=youth.pk).exists():
        raise _error(code="telegram_already_linked")

    previous = youth.status
    youth.telegram_user_id = telegram_user_id
    youth.telegram_chat_id = telegram_chat_id
    youth.telegram_username = username
    youth.unreachable_at = None
    youth.consent_version = consent_version
    youth.consent_at = now
    if youth.status == Youth.Status.INVITED:
        youth.status = Youth.Status.ACTIVE
    try:
        # The unique index decides a race between two invites redeemed by one Telegram user.
        with transaction.atomic():
            youth.save(
                update_fields=[
                    "telegram_user_id",
                    "telegram_chat_id",
                    "telegram_username",
                    "unreachable_at",
                    "consent_version",
                    "consent_at",
                    "status",
                ]
            )
    except IntegrityError:
        raise _error(code="telegram_already_linked") from None
    invite.used_at = now
    invite.used_by_telegram_id = telegram_user_id
    invite.save(update_fields=["used_at", "used_by_telegram_id"])
    # Other open invites of this youth are pointless now.
    Invite.objects.filter(youth=youth, used_at__isnull=True, revoked_at__isnull=True).exclude(
        pk=invite.pk
    ).update(revoked_at=now)

    audit_log(
        actor=youth,
        action="invite.redeem",
        target=invite,
        municipality_id=youth.municipality_id,
        data={
            "youth_id": youth.pk,
            "consent_version": consent_version,
            "from": previous,
            "to": youth.status,
        },
        now=now,
    )
    # Meetings (and anything else) created while the youth could not receive messages get
    # their reminders now.
    reminders_sync_youth(youth, now=now)
    scope = {"municipality_id": youth.municipality_id, "youth_id": youth.pk}
    events.publish("youth.linked", id=youth.pk, **scope)
    events.publish("youth.consented", id=youth.pk, consent_version=consent_version, **scope)
    return youth
