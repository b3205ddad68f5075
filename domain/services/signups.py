"""Sign-ups for match events: companies (capacity) and youth (seats, then a waitlist).

Every write here locks the event row first and counts afterwards, so seats are never
overbooked and the waitlist keeps arrival order under any concurrency.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events as bus
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import (
    Company,
    CompanySignup,
    MatchEvent,
    OutboxMessage,
    Slot,
    Youth,
    YouthSignup,
)
from domain.policy import (
    company_in_network,
    consultant_municipality_id,
    forbidden,
    is_admin_or_system,
    is_user,
    member_company_id,
    not_found,
    require_municipality,
    require_youth,
)
from domain.selectors.events import event_check_in_opens_at, event_line, event_seats_taken
from domain.services.outbox import outbox_cancel, outbox_push
from domain.services.reminders import reminders_sync_signup

EventStatus = MatchEvent.Status
Status = YouthSignup.Status
ATTENDEES_MIN = 1
ATTENDEES_MAX = 20
LIVE = (Status.CONFIRMED, Status.WAITLISTED)


# --- helpers ------------------------------------------------------------------------------------


def _require_company_actor(actor: object, *, event: MatchEvent, company: Company) -> None:
    """A member of the company, a consultant of the event's municipality, admin or system."""
    if is_admin_or_system(actor) or member_company_id(actor) == company.pk:
        return
    if consultant_municipality_id(actor) == event.municipality_id:
        return
    raise forbidden()


def _require_open_for_signups(event: MatchEvent, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise invalid_state(_("This event is not open for sign-ups."))
    if now > event.signup_deadline:
        raise DomainError(_("The sign-up deadline has passed."), code="deadline_passed")


def _require_not_started(event: MatchEvent, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise invalid_state(_("This event is no longer open."))
    if now >= event.starts_at:
        raise DomainError(_("The event has already started."), code="event_started")


def _audit_staff(actor: object, action: str, target, event: MatchEvent, data: dict, now) -> None:
    # A youth acting for themself is the normal case; what staff do on someone's behalf is
    # what the trail is for.
    if is_user(actor):
        audit_log(
            actor=actor,
            action=action,
            target=target,
            municipality_id=event.municipality_id,
            data=data,
            now=now,
        )


# --- companies ----------------------------------------------------------------------------------


@transaction.atomic
def company_signup(
    *,
    event: MatchEvent,
    company: Company,
    actor: object,
    attendees: int = 1,
    slot_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> CompanySignup:
    """Sign a company up for an event, bringing some of its open slots.

    A company member for their own company, a consultant of the event's municipality on its
    behalf, or an admin. A cancelled sign-up is re-activated.
    """
    _require_company_actor(actor, event=event, company=company)
    if isinstance(attendees, bool) or not isinstance(attendees, int):
        attendees = -1
    if not ATTENDEES_MIN <= attendees <= ATTENDEES_MAX:
        raise DomainError(
            _("A company can bring between %(min)d and %(max)d people.")
            % {"min": ATTENDEES_MIN, "max": ATTENDEES_MAX},
            code="attendees_out_of_range",
            field="attendees",
        )
    wanted_slots = set(slot_ids)
    slots = list(Slot.objects.filter(pk__in=wanted_slots, company=company, status=Slot.Status.OPEN))
    if len(slots) != len(wanted_slots):
        raise DomainError(
            _("Choose only open slots of your own company."), code="invalid_slots", field="slot_ids"
        )

    locked = lock_for_update(MatchEvent, event.pk)
    now = now or timezone.now()  # read after the lock: see youth_signup
    _require_open_for_signups(locked, now)
    if not company_in_network(company.pk, locked.municipality_id):
        raise DomainError(
            _("The company must be part of the municipality's network to sign up."),
            code="not_in_network",
        )
    existing = CompanySignup.objects.filter(event=locked, company=company).first()
    if existing is not None and existing.status == CompanySignup.Status.CONFIRMED:
        raise DomainError(_("The company is already signed up."), code="conflict")
    taken = locked.company_signups.filter(status=CompanySignup.Status.CONFIRMED).count()
    if taken >= locked.company_capacity:
        raise DomainError(_("There is no room for more companies."), code="full")

    if existing is None:
        signup = CompanySignup.objects.create(
            event=locked, company=company, attendees=attendees, created_at=now
        )
    else:
        signup = existing
        signup.status = CompanySignup.Status.CONFIRMED
        signup.attendees = attendees
        signup.cancelled_at = None
        signup.save(update_fields=["status", "attendees", "cancelled_at"])
    signup.slots.set(slots)

    _audit_staff(
        actor,
        "company_signup.create",
        signup,
        locked,
        {"event_id": locked.pk, "company_id": company.pk, "slot_ids": sorted(wanted_slots)},
        now,
    )
    bus.publish(
        "company_signup.created",
        id=signup.pk,
        event_id=locked.pk,
        municipality_id=locked.municipality_id,
        company_id=company.pk,
    )
    return signup


@transaction.atomic
def company_signup_cancel(
    *, signup: CompanySignup, actor: object, now: datetime | None = None
) -> CompanySignup:
    """A company withdraws from an event before it starts; its seat becomes free."""
    now = now or timezone.now()
    _require_company_actor(actor, event=signup.event, company=signup.company)
    locked_event = lock_for_update(MatchEvent, signup.event_id)
    signup = lock_for_update(CompanySignup, signup.pk)
    _require_not_started(locked_event, now)
    if signup.status != CompanySignup.Status.CONFIRMED:
        raise invalid_state(_("This sign-up is already cancelled."))
    signup.status = CompanySignup.Status.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at"])
    _audit_staff(
        actor,
        "company_signup.cancel",
        signup,
        locked_event,
        {"event_id": locked_event.pk, "company_id": signup.company_id},
        now,
    )
    bus.publish(
        "company_signup.cancelled",
        id=signup.pk,
        event_id=locked_event.pk,
        municipality_id=locked_event.municipality_id,
        company_id=signup.company_id,
    )
    return signup


# --- youth --------------------------------------------------------------------------------------


def _publish_youth(event_type: str, signup: YouthSignup, event: MatchEvent) -> None:
    bus.publish(
        event_type,
        id=signup.pk,
        event_id=event.pk,
        municipality_id=event.municipality_id,
        youth_id=signup.youth_id,
        status=signup.status,
    )


@transaction.atomic
def youth_signup(
    *, event: MatchEvent, youth: Youth, actor: object, now: datetime | None = None
) -> YouthSignup:
    """Sign a youth up: ``confirmed`` while seats remain, else ``waitlisted`` in arrival order.

    The youth themself, a consultant of their municipality on their behalf, or an admin. A
    cancelled sign-up is re-used and goes to the back of the line.
    """
    require_youth(actor, youth)
    if youth.municipality_id != event.municipality_id:
        raise not_found()
    if not youth.has_consent:
        raise DomainError(
            _("Consent is needed before signing up for events."), code="consent_required"
        )
    if youth.status != Youth.Status.ACTIVE:
        raise invalid_state(_("Only active participants can sign up for events."))

    # The lock comes before any count or sequence: reading either first is how overbooking and
    # duplicate positions happen. The clock is read after it too, so the arrival stamp and the
    # waitlist order (decided here) agree: a stamp taken before the lock records who reached
    # the door first, not who got in.
    # The municipality (for the reminders) comes with the lock, and the line's state in one
    # query after it: a rush holds this lock once per sign-up, so each round trip under it
    # costs the whole queue.
    locked = lock_for_update(MatchEvent, event.pk, related=("municipality",))
    now = now or timezone.now()
    _require_open_for_signups(locked, now)
    line = event_line(event=locked, youth=youth)
    existing = None
    if line.youth_signup_id is not None:
        existing = YouthSignup.objects.get(pk=line.youth_signup_id)
        if existing.status != Status.CANCELLED:
            raise DomainError(_("You are already signed up for this event."), code="conflict")

    status = Status.CONFIRMED if line.seated < locked.youth_capacity else Status.WAITLISTED
    last = line.last_sequence
    if existing is None:
        signup = YouthSignup.objects.create(
            event=locked, youth=youth, status=status, sequence=last + 1, created_at=now
        )
    else:
        signup = existing
        signup.status = status
        signup.sequence = last + 1
        signup.created_at = now
        signup.promoted_at = signup.cancelled_at = signup.checked_in_at = None
        signup.save(
            update_fields=[
                "status",
                "sequence",
                "created_at",
                "promoted_at",
                "cancelled_at",
                "checked_in_at",
            ]
        )
    signup.event = locked
    signup.youth = youth
    # Its place in line, known here where the line is decided (a cancelled sign-up taken up
    # again was not waiting).
    signup.waitlist_position = line.waiting + 1 if status == Status.WAITLISTED else None
    reminders_sync_signup(signup, now=now, new=existing is None)
    _audit_staff(
        actor,
        "signup.create",
        signup,
        locked,
        {"event_id": locked.pk, "youth_id": youth.pk, "status": status},
        now,
    )
    _publish_youth("signup.created", signup, locked)
    return signup


@transaction.atomic
def signups_promote_waitlisted(
    *, event: MatchEvent, now: datetime | None = None, limit: int | None = None
) -> list[YouthSignup]:
    """Fill free seats from the waitlist in arrival order (at most ``limit``), telling each
    promoted youth. Takes the event's lock (a no-op when the caller already holds it)."""
    now = now or timezone.now()
    locked = lock_for_update(MatchEvent, event.pk)
    # A seat freed once the event has begun is no use to anyone on the waitlist.
    if locked.status != EventStatus.PUBLISHED or now >= locked.starts_at:
        return []
    seated = event_seats_taken(event=locked)
    free = locked.youth_capacity - seated
    if limit is not None:
        free = min(free, limit)
    if free <= 0:
        return []
    promoted = list(
        locked.youth_signups.filter(status=Status.WAITLISTED)
        .select_related("youth__municipality")
        .order_by("sequence")[:free]
    )
    for signup in promoted:
        signup.event = locked
        signup.status = Status.CONFIRMED
        signup.promoted_at = now
        signup.save(update_fields=["status", "promoted_at"])
        outbox_push(
            recipient=signup.youth,
            kind=OutboxMessage.Kind.WAITLIST_PROMOTED,
            subject=signup,
            payload={"event_id": locked.pk, "starts_at": locked.starts_at.isoformat()},
            dedupe_key=f"waitlist_promoted:{signup.pk}:{int(now.timestamp())}",
            now=now,
        )
        reminders_sync_signup(signup, now=now)
        _publish_youth("signup.promoted", signup, locked)
    return promoted


@transaction.atomic
def youth_signup_cancel(
    *, signup: YouthSignup, actor: object, now: datetime | None = None
) -> YouthSignup:
    """Cancel a sign-up until the event starts. A freed seat goes to the first waitlisted
    youth; a waitlisted youth who cancels frees no seat, so nobody is promoted."""
    now = now or timezone.now()
    require_youth(actor, signup.youth)
    locked_event = lock_for_update(MatchEvent, signup.event_id)
    # Re-read under the lock: a concurrent promotion may have changed the status.
    signup = YouthSignup.objects.select_related("youth__municipality").get(pk=signup.pk)
    _require_not_started(locked_event, now)
    if signup.status not in LIVE:
        raise invalid_state(_("This sign-up is already cancelled or closed."))
    was_confirmed = signup.status == Status.CONFIRMED
    signup.event = locked_event
    signup.status = Status.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at"])
    reminders_sync_signup(signup, now=now)
    # A "you got a seat" still waiting for the end of quiet hours is no longer true.
    outbox_cancel(subject=signup, kinds=[OutboxMessage.Kind.WAITLIST_PROMOTED])

    promoted = (
        signups_promote_waitlisted(event=locked_event, now=now, limit=1) if was_confirmed else []
    )
    _audit_staff(
        actor,
        "signup.cancel",
        signup,
        locked_event,
        {
            "event_id": locked_event.pk,
            "youth_id": signup.youth_id,
            "promoted_signup_ids": [s.pk for s in promoted],
        },
        now,
    )
    _publish_youth("signup.cancelled", signup, locked_event)
    return signup


def waitlist_position(*, signup: YouthSignup) -> int | None:
    """1-based place in the event's waitlist, or None when the sign-up is not waitlisted."""
    if signup.status != Status.WAITLISTED:
        return None
    return YouthSignup.objects.filter(
        event_id=signup.event_id, status=Status.WAITLISTED, sequence__lte=signup.sequence
    ).count()


@transaction.atomic
def signup_check_in(
    *, signup: YouthSignup, actor: object, now: datetime | None = None
) -> YouthSignup:
    """Check a youth in at the door (staff of the event's municipality or admin).

    Only a confirmed sign-up can check in; a waitlisted youth at the door is refused with
    ``not_confirmed`` so the seat count stays true (staff may raise the capacity first, which
    promotes the waitlist in order). Check-in opens two hours before the start.
    """
    now = now or timezone.now()
    require_municipality(actor, signup.event.municipality_id)
    locked_event = lock_for_update(MatchEvent, signup.event_id)
    signup = YouthSignup.objects.get(pk=signup.pk)
    if locked_event.status != EventStatus.PUBLISHED:
        raise invalid_state(_("Check-in is closed for this event."))
    if now < event_check_in_opens_at(event=locked_event):
        raise DomainError(_("Check-in has not opened yet."), code="check_in_not_open")
    if signup.status == Status.ATTENDED:
        raise DomainError(_("Already checked in."), code="conflict")
    if signup.status == Status.WAITLISTED:
        raise DomainError(
            _("This person is on the waitlist and has no seat."), code="not_confirmed"
        )
    if signup.status != Status.CONFIRMED:
        raise invalid_state(_("This sign-up is cancelled."))
    signup.status = Status.ATTENDED
    signup.checked_in_at = now
    signup.save(update_fields=["status", "checked_in_at"])
    signup.event = locked_event
    reminders_sync_signup(signup, now=now)  # no reminders for someone already there
    _audit_staff(actor, "signup.check_in", signup, locked_event, {"event_id": locked_event.pk}, now)
    _publish_youth("signup.checked_in", signup, locked_event)
    return signup
