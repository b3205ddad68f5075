"""GDPR tools: consent, export of everything stored about a youth (Art. 15/20), erasure
(anonymise, keep aggregate counts) and deletion after the retention period (Art. 5(1)(e))."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import (
    Attendance,
    AuditEntry,
    CheckIn,
    Destination,
    FollowUpNote,
    Interest,
    Invite,
    OutboxMessage,
    Placement,
    Referral,
    Youth,
    YouthMessage,
    YouthSignup,
)
from domain.services.conversation import messages_erase
from domain.services.departure import youth_release_commitments
from domain.services.followups import followups_forget
from domain.services.intake import referral_forget_for_youth
from domain.services.outbox import outbox_cancel_for_youth, outbox_forget_payloads
from domain.timeutils import local_date

EXPORT_FORMAT = "nextwork-youth-export/1"
# A rejected placement must keep a reason (a database rule); the consultant's words may name
# the youth, so they are replaced by this marker.
ERASED_REASON = "[erased]"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# The refusal of a transition the young person's state does not allow.
_STATE_REFUSED = _("This cannot be done in the young person's current state.")


# --- consent -----------------------------------------------------------------------------------


@transaction.atomic
def consent_give(
    *, youth: Youth, actor: object, version: str, now: datetime | None = None
) -> Youth:
    """The youth themself (through the bot) accepts the current privacy text, e.g. a new one.

    The first consent is given together with linking (``invite_redeem``); this records later
    ones. Nobody can consent on a youth's behalf, and only the current version can be accepted.
    """
    now = now or timezone.now()
    if not isinstance(actor, Youth) or actor.pk != youth.pk:
        raise policy.forbidden()
    version = str(version or "").strip()
    if not version:
        raise DomainError(_("Please accept the privacy terms first."), code="consent_required")
    if version != settings.NEXTWORK_CONSENT_VERSION:
        raise DomainError(
            _("Unknown version of the privacy terms."), code="consent_invalid", field="version"
        )
    youth = lock_for_update(Youth, youth.pk)
    if youth.erased_at is not None or youth.status == Youth.Status.LEFT or not youth.is_linked:
        raise invalid_state(_STATE_REFUSED)
    previous = youth.consent_version
    youth.consent_version = version
    youth.consent_at = now
    youth.save(update_fields=["consent_version", "consent_at"])
    audit_log(
        actor=youth,
        action="youth.consent",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"from": previous, "to": version},
        now=now,
    )
    events.publish(
        "youth.consented",
        id=youth.pk,
        municipality_id=youth.municipality_id,
        youth_id=youth.pk,
        consent_version=version,
    )
    return youth


def consent_withdraw(*, youth: Youth, actor: object, now: datetime | None = None) -> Youth:
    """Withdrawing consent erases the youth's data (see ``youth_erase``).

    The bot cannot work for someone without their consent, and keeping a half-record "until
    further notice" would defeat storage limitation; the municipality's own case file, kept on
    its public-task basis, lives in its own systems, not here.
    """
    return _erase(youth=youth, actor=actor, now=now or timezone.now(), reason="consent_withdrawn")


# --- export ------------------------------------------------------------------------------------


def _actor_kind(label: str) -> str:
    """Who acted, without naming staff: the youth is told it was staff, themself or the system."""
    if label.startswith("youth:"):
        return "you"
    if label.startswith("user:"):
        return "staff"
    return "system"


def youth_export(*, youth: Youth, actor: object, now: datetime | None = None) -> dict:
    """Everything stored about ``youth`` as JSON-ready data (GDPR Art. 15 and 20).

    Consultants' follow-up notes are included (text and date, not the author): Art. 15 covers
    them, and they are written about the youth's placement. Invite hashes are not: they are
    secrets about nothing but the invite.
    """
    now = now or timezone.now()
    policy.require_youth(actor, youth)
    youth = (
        Youth.objects.select_related("municipality", "group", "contact_consultant__user")
        .prefetch_related("sectors")
        .get(pk=youth.pk)
    )
    consultant = youth.contact_consultant
    interests = list(
        Interest.objects.filter(youth=youth).select_related("slot__company").order_by("pk")
    )
    placements = list(
        Placement.objects.filter(youth=youth)
        .select_related("slot__company")
        .prefetch_related("checkins", "notes")
        .order_by("pk")
    )
    signups = list(YouthSignup.objects.filter(youth=youth).select_related("event").order_by("pk"))
    attendance = list(
        Attendance.objects.filter(youth=youth).select_related("meeting__group").order_by("pk")
    )
    invites = list(Invite.objects.filter(youth=youth).order_by("pk"))
    outbox = list(OutboxMessage.objects.filter(recipient=youth).order_by("pk"))
    conversation = list(
        YouthMessage.objects.filter(youth=youth).select_related("delivery").order_by("pk")
    )
    referral = Referral.objects.select_related("draw").filter(youth=youth).first()

    def about(model: type, ids: list[int]) -> Q:
        return Q(target_type=model._meta.label_lower, target_id__in=ids)

    audit = list(
        AuditEntry.objects.filter(
            about(Youth, [youth.pk])
            | about(Interest, [i.pk for i in interests])
            | about(Placement, [p.pk for p in placements])
            | about(Invite, [i.pk for i in invites])
            | about(YouthSignup, [s.pk for s in signups])
            | about(YouthMessage, [m.pk for m in conversation])
            # Entries about other records that concern the youth (attendance, group membership)
            # and what the youth did themself.
            | Q(data__youth_id=youth.pk)
            | Q(actor_label=f"youth:{youth.pk}")
        ).order_by("created_at", "pk")
    )

    data = {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(now),
        "profile": {
            "id": youth.pk,
            "municipality": youth.municipality.name,
            "first_name": youth.first_name,
            "last_name": youth.last_name,
            "birth_date": _iso(youth.birth_date),
            "language": youth.language,
            "sectors": [{"code": s.code, "name": s.name} for s in youth.sectors.all()],
            "preferred_hours": youth.preferred_hours,
            "status": youth.status,
            "reminders_enabled": youth.reminders_enabled,
            "slot_alerts": youth.slot_alerts,
            "share_experiences": youth.share_experiences,
            "contact_consultant": (
                consultant.user.get_full_name() or consultant.user.get_username()
                if consultant
                else None
            ),
            "group": youth.group.name if youth.group else None,
            "created_at": _iso(youth.created_at),
            "unreachable_at": _iso(youth.unreachable_at),
            "left_at": _iso(youth.left_at),
            "destination": youth.destination or None,
            "destination_date": _iso(youth.destination_date),
            "erased_at": _iso(youth.erased_at),
        },
        "consent": {"version": youth.consent_version, "given_at": _iso(youth.consent_at)},
        # The randomised intake's referral the record came from, if any (docs/evaluation.md).
        "referral": (
            {
                "case_reference": referral.reference,
                "birth_year": referral.birth_year,
                "referral_date": _iso(referral.referral_date),
                "arm": referral.arm,
                "drawn_at": _iso(referral.draw.drawn_at),
            }
            if referral is not None
            else None
        ),
        "followup": {
            "consent_version": youth.followup_consent_version,
            "consent_given_at": _iso(youth.followup_consent_at),
            "chat_id": youth.followup_chat_id,
            "answers": [
                {"months": q.months, "answer": q.answer or None, "answered_at": _iso(q.answered_at)}
                for q in youth.followups.all()
            ],
        },
        "telegram": {
            "user_id": youth.telegram_user_id,
            "chat_id": youth.telegram_chat_id,
            "username": youth.telegram_username,
        },
        "invites": [
            {
                "created_at": _iso(i.created_at),
                "expires_at": _iso(i.expires_at),
                "used_at": _iso(i.used_at),
                "revoked_at": _iso(i.revoked_at),
            }
            for i in invites
        ],
        "interests": [
            {
                "id": i.pk,
                "company": i.slot.company.name,
                "slot": i.slot.title,
                "status": i.status,
                "message": i.message,
                "decline_reason": i.decline_reason,
                "intro_meeting_at": _iso(i.intro_meeting_at),
                "intro_meeting_place": i.intro_meeting_place,
                "created_at": _iso(i.created_at),
                "decided_at": _iso(i.decided_at),
                "withdrawn_at": _iso(i.withdrawn_at),
            }
            for i in interests
        ],
        "placements": [
            {
                "id": p.pk,
                "company": p.slot.company.name,
                "slot": p.slot.title,
                "status": p.status,
                "hours_per_week": p.hours_per_week,
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "reject_reason": p.reject_reason,
                "end_reason": p.end_reason,
                "outcome": p.outcome or None,
                "previous_placement_id": p.previous_id,
                "created_at": _iso(p.created_at),
                "decided_at": _iso(p.decided_at),
                "started_at": _iso(p.started_at),
                "ended_at": _iso(p.ended_at),
                "checkins": [
                    {
                        "week": _iso(c.week),
                        "score": c.score,
                        "text": c.text,
                        "shared": c.shared,
                        "created_at": _iso(c.created_at),
                    }
                    for c in sorted(p.checkins.all(), key=lambda c: c.week)
                ],
                "follow_up_notes": [
                    {
                        "text": n.text,
                        "met_workplace_contact": n.met_workplace_contact,
                        "created_at": _iso(n.created_at),
                    }
                    for n in sorted(p.notes.all(), key=lambda n: (n.created_at, n.pk))
                ],
            }
            for p in placements
        ],
        "event_signups": [
            {
                "event": s.event.title,
                "starts_at": _iso(s.event.starts_at),
                "status": s.status,
                "signed_up_at": _iso(s.created_at),
                "promoted_at": _iso(s.promoted_at),
                "cancelled_at": _iso(s.cancelled_at),
                "checked_in_at": _iso(s.checked_in_at),
            }
            for s in signups
        ],
        "attendance": [
            {
                "group": a.meeting.group.name,
                "meeting_starts_at": _iso(a.meeting.starts_at),
                "place": a.meeting.place,
                "status": a.status,
                "recorded_at": _iso(a.recorded_at),
            }
            for a in attendance
        ],
        "messages": [
            {
                "kind": m.kind,
                "due_at": _iso(m.due_at),
                "status": m.status,
                "sent_at": _iso(m.sent_at),
            }
            for m in outbox
        ],
        "conversation": [
            {
                "direction": m.direction,
                "text": m.text,
                "written_at": _iso(m.created_at),
                "delivery": m.delivery.status if m.delivery else None,
            }
            for m in conversation
        ],
        "audit": [
            {
                "action": e.action,
                "record": e.target_type,
                "record_id": e.target_id,
                "by": _actor_kind(e.actor_label),
                "at": _iso(e.created_at),
                "data": e.data,
            }
            for e in audit
        ],
    }
    audit_log(
        actor=actor,
        action="youth.export",
        target=youth,
        municipality_id=youth.municipality_id,
        now=now,
    )
    return data


# --- erasure -----------------------------------------------------------------------------------

# Other parts keep data about a youth that the domain cannot see (the bot's stored webhook
# updates and chat state). Each registers an eraser here from its AppConfig.ready(); every
# erasure calls them inside its transaction, before the youth's Telegram ids are blanked, so an
# eraser can still find the rows by them. tests/test_erasure.py proves the whole database clean.
Eraser = Callable[[Youth], None]
_ERASERS: dict[str, Eraser] = {}


def erasure_register(name: str, eraser: Eraser) -> None:
    """Have ``eraser(youth)`` called by every erasure (idempotent by ``name``)."""
    _ERASERS[name] = eraser


def erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)


def youth_erase(*, youth: Youth, actor: object, now: datetime | None = None) -> Youth:
    """Anonymise the youth: every personal field and free text is emptied, while the rows that
    statistics count (interests, placements, sign-ups, attendance, check-in scores) stay.

    Asked by the youth themself (the bot's "delete my data"), staff of their municipality, an
    admin, or the system after the retention period. Erasing twice is refused (invalid_state).
    """
    return _erase(youth=youth, actor=actor, now=now or timezone.now(), reason="request")


@transaction.atomic
def _erase(*, youth: Youth, actor: object, now: datetime, reason: str) -> Youth:
    policy.require_youth(actor, youth)
    youth = lock_for_update(Youth, youth.pk)
    if youth.erased_at is not None:
        raise invalid_state(_STATE_REFUSED)
    previous = youth.status
    youth_release_commitments(youth=youth, now=now)
    for eraser in _ERASERS.values():
        eraser(youth)

    youth.first_name = ""
    youth.last_name = ""
    youth.birth_date = None
    youth.preferred_hours = None
    youth.telegram_user_id = None
    youth.telegram_chat_id = None
    youth.telegram_username = ""
    youth.unreachable_at = None
    youth.consent_version = ""
    youth.consent_at = None
    youth.share_experiences = False
    # Where they went stays, as a category, for the counts; erased before leaving is "unknown"
    # (derived, never guessed). The group is kept as the one they left, for the group measures.
    youth.destination = youth.destination or Destination.UNKNOWN
    youth.destination_date = youth.destination_date or local_date(
        youth.left_at or now, youth.municipality.timezone
    )
    youth.former_group_id = youth.former_group_id or youth.group_id
    followups_forget(youth=youth)
    youth.group = None
    youth.status = Youth.Status.LEFT
    youth.left_at = youth.left_at or now
    youth.erased_at = now
    youth.save(
        update_fields=[
            "first_name",
            "last_name",
            "birth_date",
            "preferred_hours",
            "telegram_user_id",
            "telegram_chat_id",
            "telegram_username",
            "unreachable_at",
            "consent_version",
            "consent_at",
            "share_experiences",
            "destination",
            "destination_date",
            "former_group",
            "followup_consent_version",
            "followup_consent_at",
            "followup_chat_id",
            "group",
            "status",
            "left_at",
            "erased_at",
        ]
    )
    youth.sectors.clear()

    Interest.objects.filter(youth=youth).update(
        message="", decline_reason="", intro_meeting_place=""
    )
    placements = Placement.objects.filter(youth=youth)
    placements.filter(~Q(reject_reason="")).update(reject_reason=ERASED_REASON)
    placements.update(end_reason="")
    CheckIn.objects.filter(placement__youth=youth).update(text="", shared=False)
    FollowUpNote.objects.filter(placement__youth=youth).update(text="")
    Invite.objects.filter(youth=youth).delete()
    # Django's admin log keeps a record's name; it goes with the rest.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Youth), object_id=str(youth.pk)
    ).update(object_repr=f"(erased) #{youth.pk}", change_message="")
    outbox_cancel_for_youth(youth=youth)
    outbox_forget_payloads(youth=youth, now=now)
    messages_erase(youth=youth)
    referral_forget_for_youth(youth=youth, actor=actor, reason=reason, now=now)

    audit_log(
        actor=actor,
        action="youth.erase",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"from": previous, "reason": reason},
        now=now,
    )
    events.publish(
        "youth.erased", id=youth.pk, municipality_id=youth.municipality_id, youth_id=youth.pk
    )
    return youth


def youth_purge_expired(
    *, now: datetime | None = None, retention_days: int | None = None, dry_run: bool = False
) -> int:
    """Erase the youth who left more than ``retention_days`` ago (default
    ``settings.NEXTWORK_RETENTION_DAYS``). Returns how many were (or, dry, would be) erased.

    Each erasure commits on its own, so one failure does not hold back the rest.
    """
    now = now or timezone.now()
    days = settings.NEXTWORK_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - timedelta(days=days)
    ids = list(
        Youth.objects.filter(status=Youth.Status.LEFT, left_at__lt=cutoff, erased_at__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    if dry_run:
        return len(ids)
    erased = 0
    for youth in Youth.objects.filter(pk__in=ids).order_by("pk"):
        try:
            _erase(youth=youth, actor=None, now=now, reason="retention")
        except DomainError:
            # Erased meanwhile by someone else: nothing left to do for this one.
            continue
        erased += 1
    return erased
