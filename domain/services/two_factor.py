"""A portal user's second factor (django-otp): an authenticator app (TOTP) and ten single-use
recovery codes. Who must have one is ``policy.second_factor_required``."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from domain.audit import audit_log
from domain.exceptions import DomainError
from domain.locking import lock_for_update

RECOVERY_CODES = 10
APP_DEVICE = "authenticator app"
RECOVERY_DEVICE = "recovery codes"


def _normalise(code: object) -> str:
    return "".join(str(code or "").split()).lower()


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator-app device being set up (unconfirmed), made on first call; its key is
    what the QR code shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str, now: datetime | None = None) -> list[str]:
    """Confirm the app with a code it shows; returns the new recovery codes (shown once)."""
    now = now or timezone.now()
    device = lock_for_update(TOTPDevice, device.pk)
    if device.confirmed:
        raise DomainError(_("This app is already set up."), code="invalid_state")
    if not device.verify_token(_normalise(code)):
        raise DomainError(
            _("That code is not right. Enter the six digits the app shows now."),
            code="otp_invalid",
            field="code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user=device.user)
    audit_log(actor=device.user, action="user.second_factor_add", target=device.user, now=now)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, now: datetime | None = None) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _recovery_codes_replace(user=user)
    audit_log(actor=user, action="user.recovery_codes_renew", target=user, now=now)
    return codes


def _recovery_codes_replace(*, user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
