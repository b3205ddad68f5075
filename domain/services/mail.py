"""E-mail through the outbox: rows on the ``email`` channel for company members and consultants,
written in the same transaction as the change they tell of, and the e-mail worker's steps.

Who gets what: a company's news goes to the members of that company (and nobody else); a
consultant's to the youth's contact consultant, or to every consultant of the municipality when
the youth has none (or the news is about no youth). Each user chooses per kind: at once, in a
daily digest at an hour of their choosing, or off (``EmailPreferences``). Password resets and
colleague invitations are not news: they ignore the preferences and are always sent at once.

E-mails name no youth: a company sees the young person's first name on the portal page the link
opens, after logging in; an e-mail, once sent, cannot be erased with the youth's data.

The worker (``worker.email``) claims due rows with ``email_claim_batch``: one envelope per row,
and one per user for the rows collected into a digest, so an item is in exactly one e-mail.
The retry, failure and lease rules are the outbox's own (``domain.services.delivery``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, PositiveSmallIntegerField, Q
from django.utils import timezone

from domain import events
from domain.models import (
    Company,
    CompanyMember,
    Consultant,
    EmailPreferences,
    Municipality,
    OutboxMessage,
    Youth,
)
from domain.timeutils import local_datetime, to_local

User = get_user_model()
Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
EMAIL = OutboxMessage.Channel.EMAIL
Mode = EmailPreferences.Mode

# The kinds each role may choose about (the preferences page lists these).
COMPANY_KINDS = (
    Kind.INTEREST_RECEIVED,
    Kind.INTEREST_UNANSWERED,
    Kind.INTEREST_CLOSED,
    Kind.PLACEMENT_APPROVED,
    Kind.PLACEMENT_REJECTED,
    Kind.EVENT_CHANGED,
    Kind.EVENT_CANCELLED,
    Kind.NETWORK_ANSWERED,
)
CONSULTANT_KINDS = (
    Kind.NETWORK_REQUESTED,
    Kind.YOUTH_UNREACHABLE,
    Kind.INTEREST_OVERDUE,
    Kind.YOUTH_MESSAGE,
)
# Not news: always sent, at once.
ACCOUNT_KINDS = (Kind.PASSWORD_RESET, Kind.COLLEAGUE_INVITED)
NOTIFICATION_KINDS = (*COMPANY_KINDS, *CONSULTANT_KINDS)


# --- preferences ------------------------------------------------------------------------------


def email_preferences_of(user: User) -> EmailPreferences:
    """The user's preferences, or the defaults (unsaved) when they never chose."""
    try:
        return user.email_preferences
    except EmailPreferences.DoesNotExist:
        return EmailPreferences(user=user)


def user_timezone(user: User) -> str:
    """A consultant's digest hour is their municipality's; everyone else's is the site's."""
    consultant = Consultant.objects.filter(user=user).select_related("municipality").first()
    return consultant.municipality.timezone if consultant else settings.TIME_ZONE


def next_digest_at(*, prefs: EmailPreferences, tz: str, now: datetime) -> datetime:
    """The next time the user's digest hour strikes (local wall clock), after ``now``."""
    local_now = to_local(now, tz)
    moment = local_datetime(local_now.date(), time(prefs.digest_hour), tz).astimezone(UTC)
    if moment <= now:
        day = local_now.date() + timedelta(days=1)
        moment = local_datetime(day, time(prefs.digest_hour), tz).astimezone(UTC)
    return moment


def user_can_receive_email(user: User) -> bool:
    return bool(user.is_active and user.email)


# --- writing rows -----------------------------------------------------------------------------


def _upsert(
    *,
    user: User,
    kind: str,
    subject: models.Model | None,
    payload: dict,
    dedupe_key: str,
    due_at: datetime,
    digest: bool,
) -> OutboxMessage:
    """One row per key: scheduling the same news twice writes nothing twice."""
    row = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if row is not None:
        return row
    row = OutboxMessage.objects.create(
        channel=EMAIL,
        user=user,
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject) if subject else None,
        object_id=subject.pk if subject else None,
        payload=payload,
        dedupe_key=dedupe_key[:200],
        due_at=due_at,
        digest=digest,
    )
    events.publish("outbox.enqueued", id=row.pk, due_at=row.due_at.isoformat())
    return row


def email_notify(
    *,
    user: User,
    kind: str,
    subject: models.Model | None = None,
    payload: dict | None = None,
    dedupe_key: str,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Queue news of ``kind`` for ``user`` as they want it: at once, for their digest, or not
    (None). ``dedupe_key`` names the news; the user is added to it."""
    now = now or timezone.now()
    if not user_can_receive_email(user):
        return None
    prefs = email_preferences_of(user)
    mode = prefs.mode_for(kind)
    if mode == Mode.OFF:
        return None
    digest = mode == Mode.DIGEST
    due = next_digest_at(prefs=prefs, tz=user_timezone(user), now=now) if digest else now
    return _upsert(
        user=user,
        kind=kind,
        subject=subject,
        payload=payload or {},
        dedupe_key=f"email:{dedupe_key}:{user.pk}",
        due_at=due,
        digest=digest,
    )


def company_recipients(company: Company | int) -> list[User]:
    """The members of this company (a member of another company is not one of them)."""
    company_id = company if isinstance(company, int) else company.pk
    return [
        m.user
        for m in CompanyMember.objects.filter(company_id=company_id)
        .select_related("user__email_preferences")
        .order_by("pk")
    ]


def consultant_recipients(
    *, municipality: Municipality | int, youth: Youth | None = None
) -> list[User]:
    """The youth's contact consultant, or, without one, every consultant of the municipality."""
    if youth is not None and youth.contact_consultant_id is not None:
        contact = (
            Consultant.objects.filter(pk=youth.contact_consultant_id)
            .select_related("user__email_preferences")
            .first()
        )
        if contact is not None and contact.user.is_active:
            return [contact.user]
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return [
        c.user
        for c in Consultant.objects.filter(municipality_id=municipality_id)
        .select_related("user__email_preferences")
        .order_by("pk")
    ]


def email_notify_all(
    *,
    users: Iterable[User],
    kind: str,
    subject: models.Model | None = None,
    payload: dict | None = None,
    dedupe_key: str,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    rows = [
        email_notify(
            user=user, kind=kind, subject=subject, payload=payload, dedupe_key=dedupe_key, now=now
        )
        for user in users
    ]
    return [row for row in rows if row is not None]


def email_account(
    *, user: User, kind: str, payload: dict | None = None, now: datetime | None = None
) -> OutboxMessage | None:
    """A password reset or an invitation: at once, whatever the preferences. The link's token
    is made when the e-mail is written, by the worker: no secret waits in the outbox."""
    now = now or timezone.now()
    if not user_can_receive_email(user):
        return None
    return _upsert(
        user=user,
        kind=kind,
        subject=None,
        payload=payload or {},
        dedupe_key=f"email:{kind}:{user.pk}:{uuid4().hex}",
        due_at=now,
        digest=False,
    )


def email_password_reset(*, email: str, now: datetime | None = None) -> int:
    """Queue a password reset for every active user with this address (none is fine: the
    caller answers the same either way). Returns how many were queued, for tests only."""
    users = User._default_manager.filter(email__iexact=email.strip(), is_active=True)
    queued = 0
    for user in users:
        if user.has_usable_password() and email_account(
            user=user, kind=Kind.PASSWORD_RESET, now=now
        ):
            queued += 1
    return queued


def email_colleague_invitation(
    *, user: User, company: Company, inviter: User, now: datetime | None = None
) -> OutboxMessage | None:
    """The invitation of a new colleague, with a link to choose their password; written in the
    transaction that adds them, so there is no invitation for a colleague who was not added."""
    return email_account(
        user=user,
        kind=Kind.COLLEAGUE_INVITED,
        payload={
            "company": company.name,
            "inviter": inviter.get_full_name() or inviter.get_username(),
        },
        now=now,
    )


def email_preferences_save(
    *,
    user: User,
    language: str,
    digest_hour: int,
    modes: dict[str, str],
    now: datetime | None = None,
) -> EmailPreferences:
    """Save what the user chose. Digest rows still waiting move to the new hour; rows of a kind
    turned to "off" are cancelled, and rows of a kind turned to "at once" are due now."""
    now = now or timezone.now()
    with transaction.atomic():
        prefs, _ = EmailPreferences.objects.select_for_update().get_or_create(user=user)
        prefs.language = language
        prefs.digest_hour = digest_hour
        prefs.modes = {k: v for k, v in modes.items() if k in NOTIFICATION_KINDS}
        prefs.save()
        waiting = OutboxMessage.objects.filter(
            channel=EMAIL, user=user, status=Status.PENDING, digest=True, send_started_at=None
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        off = [k for k, v in prefs.modes.items() if v == Mode.OFF]
        now_kinds = [k for k in NOTIFICATION_KINDS if prefs.mode_for(k) == Mode.NOW]
        waiting.filter(kind__in=off).update(
            status=Status.CANCELLED, last_error="turned off", updated_at=now
        )
        waiting.filter(kind__in=now_kinds).update(digest=False, due_at=now, updated_at=now)
        digest_at = next_digest_at(prefs=prefs, tz=user_timezone(user), now=now)
        waiting.filter(status=Status.PENDING, digest=True).update(due_at=digest_at, updated_at=now)
    return prefs


# --- the e-mail worker's steps ----------------------------------------------------------------


@dataclass
class Envelope:
    """One e-mail to write: a single row, or the rows of one user's digest."""

    user: User
    rows: list[OutboxMessage] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [row.pk for row in self.rows]

    @property
    def is_digest(self) -> bool:
        return self.rows[0].digest


def _due_email(now: datetime):
    return OutboxMessage.objects.filter(channel=EMAIL, status=Status.PENDING, due_at__lte=now)


def email_claim_batch(
    *, worker: str, now: datetime | None = None, limit: int = 50, lease: timedelta
) -> list[Envelope]:
    """Lease up to ``limit`` due e-mail rows to ``worker`` (``SKIP LOCKED`` on PostgreSQL) and
    return them as envelopes, oldest first. A user who can no longer receive e-mail (inactive,
    no address) has their rows cancelled instead."""
    now = now or timezone.now()
    free = _due_email(now).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if not free.exists():
        return []
    with transaction.atomic():
        rows = free
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids).update(
            claimed_until=now + lease, claimed_by=worker[:100], updated_at=now
        )
    claimed = (
        OutboxMessage.objects.filter(pk__in=ids, claimed_by=worker[:100])
        .select_related("user__email_preferences")
        .order_by("due_at", "pk")
    )
    envelopes: list[Envelope] = []
    digests: dict[int, Envelope] = {}
    for row in claimed:
        if not user_can_receive_email(row.user):
            OutboxMessage.objects.filter(pk=row.pk).update(
                status=Status.CANCELLED,
                last_error="recipient cannot receive e-mail",
                claimed_until=None,
                updated_at=now,
            )
            continue
        if row.expires_at is not None and now >= row.expires_at:
            OutboxMessage.objects.filter(pk=row.pk).update(
                status=Status.SKIPPED,
                last_error="expired before sending",
                claimed_until=None,
                updated_at=now,
            )
            continue
        if row.digest:
            if row.user_id not in digests:
                digests[row.user_id] = Envelope(user=row.user)
                envelopes.append(digests[row.user_id])
            digests[row.user_id].rows.append(row)
        else:
            envelopes.append(Envelope(user=row.user, rows=[row]))
    return envelopes


def email_begin_send(
    *, message_ids: list[int], worker: str, now: datetime | None = None, lease: timedelta
) -> bool:
    """Stamp the rows of one e-mail as being handed to the SMTP server now, if they are all
    still this worker's (none cancelled or taken over). False: don't send it."""
    now = now or timezone.now()
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(
            pk__in=message_ids, status=Status.PENDING, claimed_by=worker[:100]
        )
        # One row (most e-mails): one UPDATE says whether it is still ours. A digest's rows are
        # locked and counted first, so that it is sent whole or not at all.
        if len(message_ids) > 1:
            locked = mine
            if connection.features.has_select_for_update:
                locked = mine.select_for_update()
            if len(list(locked.values_list("pk", flat=True))) != len(message_ids):
                return False
        return bool(
            mine.update(
                attempts=F("attempts") + 1,
                possible_duplicates=models.Case(
                    models.When(send_started_at__isnull=False, then=F("possible_duplicates") + 1),
                    default=F("possible_duplicates"),
                    output_field=PositiveSmallIntegerField(),
                ),
                send_started_at=now,
                claimed_until=now + lease,
                updated_at=now,
            )
        )


def email_give_back(*, message_ids: list[int], worker: str, now: datetime | None = None) -> int:
    """Give back rows this worker claimed and will not send (it stops, or one row of a digest
    was cancelled meanwhile): the next claim takes them again."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        pk__in=message_ids, status=Status.PENDING, claimed_by=worker[:100]
    ).update(claimed_until=None, claimed_by="", updated_at=now)


def email_mark_sent(*, sent: list[tuple[int, datetime]]) -> None:
    """Mark rows sent, each at its own time, in one query: (row id, accepted at)."""
    if not sent:
        return
    OutboxMessage.objects.filter(pk__in=[row_id for row_id, _ in sent]).update(
        status=Status.SENT,
        sent_at=models.Case(*(models.When(pk=r, then=models.Value(at)) for r, at in sent)),
        claimed_until=None,
        last_error="",
        updated_at=max(at for _, at in sent),
    )


def email_work_left(*, now: datetime | None = None) -> bool:
    """Is any e-mail row due now, or waiting for a retry within five minutes?"""
    now = now or timezone.now()
    return (
        _due_email(now)
        .filter(
            Q(claimed_until__isnull=True)
            | ~Q(claimed_by="")
            | Q(claimed_until__lte=now + timedelta(minutes=5))
        )
        .exists()
    )
