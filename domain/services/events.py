"""Match events: create, edit, publish, cancel and complete them (sign-ups are in ``signups``).

``domain.events`` (imported as ``bus``) is the domain-event bus, a different thing.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from domain import events as bus
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import CompanySignup, MatchEvent, Municipality, OutboxMessage, YouthSignup
from domain.policy import require_municipality, user_from
from domain.selectors.events import event_seats_taken
from domain.services.cleaning import clean_text
from domain.services.notify import notify_event_cancelled, notify_event_changed
from domain.services.outbox import outbox_cancel, outbox_push
from domain.services.reminders import reminders_sync_signup
from domain.services.signups import signups_promote_waitlisted

Status = MatchEvent.Status
CAPACITY_MIN = 1
CAPACITY_MAX = 500
REASON_MAX_LENGTH = 300
# Sign-ups that still expect the event to happen: they are told when it is cancelled.
LIVE_SIGNUP = (YouthSignup.Status.CONFIRMED, YouthSignup.Status.WAITLISTED)
TIME_FIELDS = ("starts_at", "ends_at", "signup_deadline")


def _aware(value: object, *, field: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise DomainError(
            _("Give a date and time with a time zone."), code="invalid_datetime", field=field
        )
    return value


def _capacity(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Enter a whole number."), code="capacity_out_of_range", field=field)
    if not CAPACITY_MIN <= value <= CAPACITY_MAX:
        raise DomainError(
            _("The number of seats must be between %(min)d and %(max)d.")
            % {"min": CAPACITY_MIN, "max": CAPACITY_MAX},
            code="capacity_out_of_range",
            field=field,
        )
    return value


def _check_times(*, starts_at: datetime, ends_at: datetime, signup_deadline: datetime) -> None:
    _aware(starts_at, field="starts_at")
    _aware(ends_at, field="ends_at")
    _aware(signup_deadline, field="signup_deadline")
    if ends_at <= starts_at:
        raise DomainError(
            _("The event must end after it starts."), code="ends_before_start", field="ends_at"
        )
    if signup_deadline > starts_at:
        raise DomainError(
            _("The sign-up deadline must be no later than the start of the event."),
            code="deadline_after_start",
            field="signup_deadline",
        )


def _check_future_start(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise DomainError(
            _("The event must start in the future."), code="starts_in_past", field="starts_at"
        )


# The refusal of a transition the event's state does not allow.
_STATE_REFUSED = _("This cannot be done to the event now.")


def _publish(event_type: str, event: MatchEvent) -> None:
    bus.publish(event_type, id=event.pk, municipality_id=event.municipality_id)


@transaction.atomic
def event_create(
    *,
    municipality: Municipality,
    actor: object,
    title: str,
    description: str = "",
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    signup_deadline: datetime,
    youth_capacity: int,
    company_capacity: int,
    now: datetime | None = None,
) -> MatchEvent:
    """Create a match event as a draft (consultant of ``municipality`` or admin)."""
    now = now or timezone.now()
    require_municipality(actor, municipality.pk)
    title = clean_text(title, field="title", max_length=150)
    description = clean_text(description, field="description", max_length=4000, required=False)
    place = clean_text(place, field="place", max_length=200)
    _check_times(starts_at=starts_at, ends_at=ends_at, signup_deadline=signup_deadline)
    _check_future_start(starts_at, now)
    event = MatchEvent.objects.create(
        municipality=municipality,
        title=title,
        description=description,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=signup_deadline,
        youth_capacity=_capacity(youth_capacity, field="youth_capacity"),
        company_capacity=_capacity(company_capacity, field="company_capacity"),
        status=Status.DRAFT,
        created_by=user_from(actor),
    )
    audit_log(
        actor=actor, action="event.create", target=event, municipality_id=municipality.pk, now=now
    )
    _publish("event.created", event)
    return event


@transaction.atomic
def event_update(
    *,
    event: MatchEvent,
    actor: object,
    title: str | None = None,
    description: str | None = None,
    place: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    signup_deadline: datetime | None = None,
    youth_capacity: int | None = None,
    company_capacity: int | None = None,
    now: datetime | None = None,
) -> MatchEvent:
    """Change a draft or published event; ``None`` leaves a field as it is.

    Raising the youth capacity promotes waitlisted youth in arrival order; lowering it below the
    seats already taken is refused. Changed times re-time the sign-ups' reminders.
    """
    now = now or timezone.now()
    require_municipality(actor, event.municipality_id)
    # The lock serialises this with sign-ups, so the seat count below cannot go stale.
    locked = lock_for_update(MatchEvent, event.pk)
    if locked.status not in (Status.DRAFT, Status.PUBLISHED):
        raise invalid_state(_STATE_REFUSED)
    if now >= locked.starts_at:
        raise DomainError(
            _("The event has started; it can no longer be changed."), code="event_started"
        )

    new: dict[str, object] = {}
    if title is not None:
        new["title"] = clean_text(title, field="title", max_length=150)
    if description is not None:
        new["description"] = clean_text(
            description, field="description", max_length=4000, required=False
        )
    if place is not None:
        new["place"] = clean_text(place, field="place", max_length=200)
    times = {"starts_at": starts_at, "ends_at": ends_at, "signup_deadline": signup_deadline}
    if any(v is not None for v in times.values()):
        merged = {k: v if v is not None else getattr(locked, k) for k, v in times.items()}
        _check_times(**merged)
        if merged["starts_at"] != locked.starts_at:
            _check_future_start(merged["starts_at"], now)
        new.update(merged)
    if youth_capacity is not None:
        new["youth_capacity"] = _capacity(youth_capacity, field="youth_capacity")
        seated = event_seats_taken(event=locked)
        if youth_capacity < seated:
            raise DomainError(
                ngettext(
                    "%(count)d young person already has a seat; the capacity cannot be lower.",
                    "%(count)d young people already have a seat; the capacity cannot be lower.",
                    seated,
                )
                % {"count": seated},
                code="capacity_below_signups",
                field="youth_capacity",
            )
    if company_capacity is not None:
        new["company_capacity"] = _capacity(company_capacity, field="company_capacity")
        signed_up = locked.company_signups.filter(status=CompanySignup.Status.CONFIRMED).count()
        if company_capacity < signed_up:
            raise DomainError(
                ngettext(
                    "%(count)d company is already signed up; the capacity cannot be lower.",
                    "%(count)d companies are already signed up; the capacity cannot be lower.",
                    signed_up,
                )
                % {"count": signed_up},
                code="capacity_below_signups",
                field="company_capacity",
            )

    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    old_capacity = locked.youth_capacity
    for name in changed:
        setattr(locked, name, new[name])
    locked.save(update_fields=changed)

    promoted: list[YouthSignup] = []
    if locked.status == Status.PUBLISHED and locked.youth_capacity > old_capacity:
        promoted = signups_promote_waitlisted(event=locked, now=now)
    if set(changed) & set(TIME_FIELDS):
        promoted_ids = {s.pk for s in promoted}
        for signup in locked.youth_signups.filter(status__in=LIVE_SIGNUP).select_related(
            "youth__municipality"
        ):
            if signup.pk not in promoted_ids:
                signup.event = locked
                reminders_sync_signup(signup, now=now)

    audit_log(
        actor=actor,
        action="event.update",
        target=locked,
        municipality_id=locked.municipality_id,
        data={"fields": changed, "promoted_signup_ids": [s.pk for s in promoted]},
        now=now,
    )
    if locked.status == Status.PUBLISHED and set(changed) & {"starts_at", "place"}:
        notify_event_changed(event=locked, changed=changed, now=now)
    _publish("event.updated", locked)
    return locked


@transaction.atomic
def event_publish(*, event: MatchEvent, actor: object, now: datetime | None = None) -> MatchEvent:
    """Draft → published: youth and network companies can now see it and sign up."""
    now = now or timezone.now()
    require_municipality(actor, event.municipality_id)
    locked = lock_for_update(MatchEvent, event.pk)
    if locked.status != Status.DRAFT:
        raise invalid_state(_("Only a draft event can be published."))
    if locked.starts_at <= now:
        raise DomainError(_("The event has already started."), code="event_started")
    locked.status = Status.PUBLISHED
    locked.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action="event.publish",
        target=locked,
        municipality_id=locked.municipality_id,
        now=now,
    )
    _publish("event.published", locked)
    return locked


@transaction.atomic
def event_cancel(
    *, event: MatchEvent, actor: object, reason: str = "", now: datetime | None = None
) -> MatchEvent:
    """Draft/published → cancelled; every youth still expecting it is told, reminders stop.

    Sign-ups keep their status as a record of who had signed up; the event's status says it
    will not happen.
    """
    now = now or timezone.now()
    require_municipality(actor, event.municipality_id)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
    locked = lock_for_update(MatchEvent, event.pk)
    if locked.status not in (Status.DRAFT, Status.PUBLISHED):
        raise invalid_state(_("Only a draft or published event can be cancelled."))
    if now >= locked.starts_at:
        raise DomainError(
            _("The event has started; complete it instead of cancelling it."),
            code="event_started",
        )
    locked.status = Status.CANCELLED
    locked.save(update_fields=["status"])

    told = []
    for signup in locked.youth_signups.filter(status__in=LIVE_SIGNUP).select_related(
        "youth__municipality"
    ):
        signup.event = locked
        reminders_sync_signup(signup, now=now)  # the event is cancelled: cancels them
        # A "you got a seat" still waiting for the end of quiet hours is no longer true.
        outbox_cancel(subject=signup, kinds=[OutboxMessage.Kind.WAITLIST_PROMOTED])
        outbox_push(
            recipient=signup.youth,
            kind=OutboxMessage.Kind.EVENT_CANCELLED,
            subject=locked,
            payload={
                "event_id": locked.pk,
                "starts_at": locked.starts_at.isoformat(),
                "reason": reason,
            },
            dedupe_key=f"event_cancelled:{locked.pk}:y{signup.youth_id}",
            now=now,
        )
        told.append(signup.pk)

    audit_log(
        actor=actor,
        action="event.cancel",
        target=locked,
        municipality_id=locked.municipality_id,
        data={"has_reason": bool(reason), "notified_signup_ids": told},
        now=now,
    )
    notify_event_cancelled(event=locked, now=now)
    _publish("event.cancelled", locked)
    return locked


@transaction.atomic
def event_complete(*, event: MatchEvent, actor: object, now: datetime | None = None) -> MatchEvent:
    """Published → completed once it has started: checked-in youth attended, other confirmed
    youth did not show up. Waitlisted sign-ups stay as they are (they never had a seat)."""
    now = now or timezone.now()
    require_municipality(actor, event.municipality_id)
    locked = lock_for_update(MatchEvent, event.pk)
    if locked.status != Status.PUBLISHED:
        raise invalid_state(_("Only a published event can be completed."))
    if now < locked.starts_at:
        raise DomainError(_("The event has not started yet."), code="event_not_started")
    locked.status = Status.COMPLETED
    locked.save(update_fields=["status"])

    confirmed = locked.youth_signups.filter(status=YouthSignup.Status.CONFIRMED)
    # A check-in always makes a sign-up "attended"; a confirmed row with a check-in time could
    # only come from data fixed by hand, and it still means the youth was there.
    confirmed.filter(checked_in_at__isnull=False).update(status=YouthSignup.Status.ATTENDED)
    no_show_ids = list(confirmed.values_list("pk", flat=True))
    confirmed.update(status=YouthSignup.Status.NO_SHOW)
    for signup in locked.youth_signups.filter(pk__in=no_show_ids).select_related(
        "youth__municipality"
    ):
        signup.event = locked
        reminders_sync_signup(signup, now=now)

    audit_log(
        actor=actor,
        action="event.complete",
        target=locked,
        municipality_id=locked.municipality_id,
        data={"no_show_signup_ids": no_show_ids},
        now=now,
    )
    _publish("event.completed", locked)
    return locked
