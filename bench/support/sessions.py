"""Staff sessions for the benchmarks: consultants and admins pass a second step (an app's code)
before any page or socket; a benchmark's session has passed it, with an app device made for
the purpose, as if the person had typed its code."""

from __future__ import annotations


def pass_second_factor(session, user) -> None:
    """Mark ``session`` (a session store, saved here) as past the second step for ``user``."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from domain import policy

    if not policy.second_factor_required(user):
        return
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
