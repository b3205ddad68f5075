"""Interest (interesse): a youth tells a slot's company "I'm interested"; the company accepts
with an intro meeting or declines; the youth may withdraw until a placement has started."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_and_refresh
from domain.models import Interest, NetworkMembership, OutboxMessage, Placement, Slot, Youth
from domain.policy import (
    consultant_municipality_id,
    forbidden,
    member_company_id,
    not_found,
    require_youth,
    role_of,
    user_from,
)
from domain.services.cleaning import tidy
from domain.services.notify import notify_interest_received
from domain.services.outbox import (
    outbox_cancel,
    outbox_is_pending,
    outbox_push,
    outbox_withdraw_untold,
)
from domain.services.placements import STARTED, placement_withdraw
from domain.services.reminders import reminders_sync_interest

Status = Interest.Status
Kind = OutboxMessage.Kind
MESSAGE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500
PLACE_MAX_LENGTH = 200
# Stored as data on the placements a withdrawal takes with it.
WITHDRAW_REASON = "Interest withdrawn"


# --- helpers --------------------------------------------------------------------------------------


def _require_decider(actor: object, interest: Interest) -> None:
    """Answering an interest: a member of the slot's company, a consultant of the youth's
    municipality, an admin, or the system."""
    role = role_of(actor)
    if role in ("admin", "system"):
        return
    if role == "company" and member_company_id(actor) == interest.slot.company_id:
        return
    if role == "consultant" and consultant_municipality_id(actor) == interest.youth.municipality_id:
        return
    raise forbidden()


def _live_exists(youth_id: int, slot_id: int) -> bool:
    return Interest.objects.filter(
        youth_id=youth_id, slot_id=slot_id, status__in=Interest.LIVE
    ).exists()


def _clean_intro(
    at: datetime, place: str | None, now: datetime, *, place_required: bool, place_field: str
) -> tuple[datetime, str | None]:
    """The intro meeting's time and place, checked; an error names ``place_field``, the name
    the caller gave the place (``intro_meeting_place`` when accepting, ``place`` when moving)."""
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise DomainError(
            _("Give the intro meeting's date and time with a time zone."),
            code="invalid",
            field="intro_meeting_at",
        )
    if at <= now:
        raise DomainError(
            _("The intro meeting must be in the future."),
            code="intro_in_past",
            field="intro_meeting_at",
        )
    place = tidy(place, field=place_field)
    if not place and not place_required:
        return at, None  # a move without a place, or with a blank one, keeps the place it had
    if not place:
        raise DomainError(
            _("Say where the intro meeting is."),
            code="place_required",
            field=place_field,
        )
    if len(place) > PLACE_MAX_LENGTH:
        raise DomainError(
            _("The place can be at most 200 characters."),
            code="place_too_long",
            field=place_field,
        )
    return at, place


def _placements_from(interest: Interest):
    return Placement.objects.filter(interest_id=interest.pk)


# --- services -------------------------------------------------------------------------------------


@transaction.atomic
def interest_show(
    *, youth: Youth, slot: Slot, actor: object, message: str = "", now: datetime | None = None
) -> Interest:
    """The youth (or their consultant on their behalf, or an admin) shows interest in a slot.

    The slot must be open and its company in the youth's municipality's network; otherwise the
    slot is "not found", since the youth may not know it exists.
    """
    now = now or timezone.now()
    require_youth(actor, youth)
    if not youth.has_consent:
        raise DomainError(
            _("The participant has not yet accepted the privacy terms."), code="consent_required"
        )
    if youth.status != Youth.Status.ACTIVE or youth.erased_at is not None:
        raise invalid_state(_("Only an active participant can show interest."))
    # Read fresh: the slot may have been closed, or the company left the network, since the
    # caller loaded it.
    visible = Slot.objects.filter(
        pk=slot.pk,
        status=Slot.Status.OPEN,
        company_id__in=NetworkMembership.objects.company_ids_in(youth.municipality_id),
    ).exists()
    if not visible:
        raise not_found()
    message = tidy(message, field="message", multiline=True)
    if len(message) > MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("The message can be at most 500 characters."),
            code="message_too_long",
            field="message",
        )
    conflict = DomainError(_("Interest in this slot has already been shown."), code="conflict")
    if _live_exists(youth.pk, slot.pk):
        raise conflict
    try:
        # A savepoint: a concurrent twin that wins the partial unique constraint turns into
        # the same "conflict" here, and the surrounding transaction stays usable.
        with transaction.atomic():
            interest = Interest.objects.create(
                youth=youth,
                municipality_id=youth.municipality_id,
                slot=slot,
                message=message,
                created_at=now,
            )
    except IntegrityError:
        if _live_exists(youth.pk, slot.pk):
            raise conflict from None
        raise
    notify_interest_received(interest=interest, now=now)
    events.publish("interest.created", **events.subject_ids(interest))
    return interest


@transaction.atomic
def interest_withdraw(
    *, interest: Interest, actor: object, now: datetime | None = None
) -> Interest:
    """The youth (or their consultant, or an admin) withdraws a pending or accepted interest.

    Allowed until a placement from it has started. A proposed or approved placement from it is
    withdrawn with it (freeing its seat), and the intro meeting's reminders are cancelled.
    """
    now = now or timezone.now()
    require_youth(actor, interest.youth)
    lock_and_refresh(interest)
    if interest.status not in Interest.LIVE:
        raise invalid_state(_("This interest is no longer open."))
    placements = list(_placements_from(interest).select_for_update().order_by("pk"))
    if any(p.status in STARTED for p in placements):
        raise invalid_state(_("A placement from this interest has already started."))
    previous_status = interest.status
    interest.status = Status.WITHDRAWN
    interest.withdrawn_at = now
    interest.save(update_fields=["status", "withdrawn_at"])
    for placement in placements:
        if placement.status in (Placement.Status.PROPOSED, Placement.Status.APPROVED):
            placement.youth = interest.youth
            placement_withdraw(placement=placement, actor=actor, reason=WITHDRAW_REASON, now=now)
    reminders_sync_interest(interest, now=now)
    events.publish(
        "interest.withdrawn", **events.subject_ids(interest), previous_status=previous_status
    )
    return interest


@transaction.atomic
def interest_accept(
    *,
    interest: Interest,
    actor: object,
    intro_meeting_at: datetime,
    intro_meeting_place: str,
    now: datetime | None = None,
) -> Interest:
    """The company (or the youth's consultant, or an admin) accepts a pending interest and
    proposes an intro meeting; the youth is told and reminded of the meeting."""
    now = now or timezone.now()
    _require_decider(actor, interest)
    lock_and_refresh(interest)
    if interest.status != Status.PENDING:
        raise invalid_state(_("This interest has already been answered."))
    if Slot.objects.filter(pk=interest.slot_id, status=Slot.Status.CLOSED).exists():
        raise invalid_state(_("This slot is closed."))
    at, place = _clean_intro(
        intro_meeting_at,
        intro_meeting_place,
        now,
        place_required=True,
        place_field="intro_meeting_place",
    )

    interest.status = Status.ACCEPTED
    interest.intro_meeting_at = at
    interest.intro_meeting_place = place
    interest.decided_at = now
    interest.decided_by = user_from(actor)
    interest.save(
        update_fields=[
            "status",
            "intro_meeting_at",
            "intro_meeting_place",
            "decided_at",
            "decided_by",
        ]
    )
    audit_log(
        actor=actor,
        action="interest.accept",
        target=interest,
        municipality_id=interest.youth.municipality_id,
        data={"from": Status.PENDING, "to": Status.ACCEPTED, "slot_id": interest.slot_id},
        now=now,
    )
    outbox_push(
        recipient=interest.youth,
        kind=Kind.INTEREST_ACCEPTED,
        subject=interest,
        dedupe_key=f"interest_accepted:{interest.pk}",
        payload={
            "slot_id": interest.slot_id,
            "company_id": interest.slot.company_id,
            "intro_meeting_at": at.isoformat(),
            "intro_meeting_place": place,
        },
        now=now,
    )
    reminders_sync_interest(interest, now=now)
    events.publish("interest.accepted", **events.subject_ids(interest))
    return interest


@transaction.atomic
def interest_decline(
    *, interest: Interest, actor: object, reason: str = "", now: datetime | None = None
) -> Interest:
    """The company (or the youth's consultant, or an admin) declines an interest.

    From ``pending``, and also from ``company_accepted`` (the intro meeting went nowhere) as
    long as no placement from it is under way or has happened; a rejected or withdrawn
    proposal does not count. Once a placement is proposed, the consultant decides on that
    instead.
    """
    now = now or timezone.now()
    _require_decider(actor, interest)
    reason = tidy(reason, field="reason", multiline=True)
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            _("The reason can be at most 500 characters."), code="reason_too_long", field="reason"
        )
    lock_and_refresh(interest)
    if interest.status not in Interest.LIVE:
        raise invalid_state(_("This interest has already been answered."))
    if (
        interest.status == Status.ACCEPTED
        and _placements_from(interest).filter(status__in=(*Placement.LIVE, *STARTED)).exists()
    ):
        raise invalid_state(_("A placement has already been proposed from this interest."))
    previous_status = interest.status
    interest.status = Status.DECLINED
    interest.decline_reason = reason
    interest.decided_at = now
    interest.decided_by = user_from(actor)
    interest.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
    audit_log(
        actor=actor,
        action="interest.decline",
        target=interest,
        municipality_id=interest.youth.municipality_id,
        data={
            "from": previous_status,
            "to": Status.DECLINED,
            "has_reason": bool(reason),  # the words may name the youth
            "slot_id": interest.slot_id,
        },
        now=now,
    )
    # An acceptance the youth has not been told yet is superseded, not sent.
    outbox_cancel(subject=interest, kinds=[Kind.INTEREST_ACCEPTED])
    outbox_push(
        recipient=interest.youth,
        kind=Kind.INTEREST_DECLINED,
        subject=interest,
        dedupe_key=f"interest_declined:{interest.pk}",
        payload={
            "slot_id": interest.slot_id,
            "company_id": interest.slot.company_id,
            "reason": reason,
        },
        now=now,
    )
    reminders_sync_interest(interest, now=now)
    events.publish("interest.declined", **events.subject_ids(interest))
    return interest


def _withdraw_untold_intro_moves(
    interest: Interest, now: datetime
) -> tuple[datetime | None, str | None] | None:
    """Cancel the "intro meeting moved" messages not sent yet (nor claimed by a worker) and
    return the time and place the youth still knows, or None when there were none."""
    first = outbox_withdraw_untold(
        subject=interest, now=now, dedupe_key__startswith=f"interest_intro_moved:{interest.pk}:"
    )
    if first is None:
        return None
    at = first.get("previous_intro_meeting_at")
    # None for a place not recorded (rows from before it was): never equal, so always told.
    return datetime.fromisoformat(at) if at else None, first.get("previous_intro_meeting_place")


@transaction.atomic
def interest_move_intro(
    *,
    interest: Interest,
    actor: object,
    intro_meeting_at: datetime,
    place: str | None = None,
    now: datetime | None = None,
) -> Interest:
    """Move the intro meeting of an accepted interest (and its place, if given: a missing or
    blank place keeps the place it had, on every interface); the youth is told and the
    reminders are re-timed."""
    now = now or timezone.now()
    _require_decider(actor, interest)
    lock_and_refresh(interest)
    if interest.status != Status.ACCEPTED:
        raise invalid_state(_("Only an accepted interest has an intro meeting."))
    at, place = _clean_intro(
        intro_meeting_at, place, now, place_required=False, place_field="place"
    )
    previous_at, previous_place = interest.intro_meeting_at, interest.intro_meeting_place
    if (at, place if place is not None else previous_place) == (previous_at, previous_place):
        return interest  # nothing changes: nobody needs another message
    interest.intro_meeting_at = at
    if place is not None:
        interest.intro_meeting_place = place
    # A new time is a new question: the youth's "I can't come" was about the old one.
    interest.intro_cant_come_at = None
    interest.save(update_fields=["intro_meeting_at", "intro_meeting_place", "intro_cant_come_at"])

    payload = {
        "slot_id": interest.slot_id,
        "company_id": interest.slot.company_id,
        "intro_meeting_at": at.isoformat(),
        "intro_meeting_place": interest.intro_meeting_place,
    }
    accepted_key = f"interest_accepted:{interest.pk}"
    if outbox_is_pending(dedupe_key=accepted_key):
        # The youth has not yet heard of the acceptance: one message with the new time.
        outbox_push(
            recipient=interest.youth,
            kind=Kind.INTEREST_ACCEPTED,
            subject=interest,
            dedupe_key=accepted_key,
            payload=payload,
            now=now,
        )
    else:
        # A move the youth has not been told of yet is replaced by this one, from the time they
        # know; back to that time, nothing needs saying.
        known = _withdraw_untold_intro_moves(interest, now)
        known_at, known_place = known or (previous_at, previous_place)
        if (known_at, known_place) != (at, interest.intro_meeting_place):
            # No message kind of its own: an acceptance marked "moved" with the old time.
            outbox_push(
                recipient=interest.youth,
                kind=Kind.INTEREST_ACCEPTED,
                subject=interest,
                dedupe_key=f"interest_intro_moved:{interest.pk}:{int(now.timestamp())}",
                payload={
                    **payload,
                    "moved": True,
                    "previous_intro_meeting_at": known_at.isoformat() if known_at else None,
                    "previous_intro_meeting_place": known_place,
                },
                expires_at=at,
                now=now,
            )
    reminders_sync_interest(interest, now=now)
    events.publish("interest.intro_moved", **events.subject_ids(interest))
    return interest


@transaction.atomic
def interest_intro_cant_come(
    *, interest: Interest, actor: object, now: datetime | None = None
) -> Interest:
    """The youth's "I can't come" to a coming intro meeting (from the bot, or staff for them).

    The youth gets no more reminders of it; the company (its inbox) and the youth's consultant
    (the dashboard) are told through ``interest.intro_cant_come``. The interest stays accepted:
    the company may move the meeting (which asks again) or decline. Saying it twice changes
    nothing and tells nobody twice.
    """
    now = now or timezone.now()
    require_youth(actor, interest.youth)
    lock_and_refresh(interest)
    if interest.status != Status.ACCEPTED or interest.intro_meeting_at is None:
        raise invalid_state(_("Only an accepted interest has an intro meeting."))
    if interest.intro_meeting_at <= now:
        raise DomainError(_("The intro meeting has already started."), code="meeting_started")
    if interest.intro_cant_come_at is not None:
        return interest
    interest.intro_cant_come_at = now
    interest.save(update_fields=["intro_cant_come_at"])
    reminders_sync_interest(interest, now=now)  # none for a meeting the youth will miss
    audit_log(
        actor=actor,
        action="interest.intro_cant_come",
        target=interest,
        municipality_id=interest.youth.municipality_id,
        data={"slot_id": interest.slot_id},
        now=now,
    )
    events.publish(
        "interest.intro_cant_come",
        **events.subject_ids(interest),
        consultant_id=interest.youth.contact_consultant_id,
    )
    return interest
