"""Private calendar feeds: a secret URL per portal user, regenerable and revocable."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from domain import policy
from domain.audit import audit_log
from domain.models import CalendarFeed
from domain.tokens import feed_token_hash

# 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32


def _require_own_feed(actor: object, user: object) -> None:
    """Each person manages their own feed (an admin may manage anyone's)."""
    policy.require_staff_user(actor)
    if policy.role_of(actor) != "admin" and actor.pk != user.pk:  # type: ignore[attr-defined]
        raise policy.forbidden()


@transaction.atomic
def calendar_feed_regenerate(
    *, user, actor: object, language: str | None = None, now: datetime | None = None
) -> str:
    """A new secret token for ``user``'s feed, its texts in ``language`` (a supported one; the
    site's default otherwise); the previous URL stops working. Returns the token, which is
    shown once: only its hash is stored."""
    now = now or timezone.now()
    _require_own_feed(actor, user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    supported = dict(settings.LANGUAGES)
    language = language if language in supported else settings.LANGUAGE_CODE
    feed, created = CalendarFeed.objects.update_or_create(
        user=user,
        defaults={"token_hash": feed_token_hash(token), "created_at": now, "language": language},
    )
    audit_log(
        actor=actor,
        action="calendar_feed.create" if created else "calendar_feed.regenerate",
        target=feed,
        data={"user_id": user.pk},
        now=now,
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user, actor: object, now: datetime | None = None) -> None:
    """Turn ``user``'s feed off; its URL answers 404 from now on."""
    now = now or timezone.now()
    _require_own_feed(actor, user)
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return
    audit_log(
        actor=actor, action="calendar_feed.revoke", target=feed, data={"user_id": user.pk}, now=now
    )
    feed.delete()
