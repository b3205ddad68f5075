"""Network groups: members, facilitators, and the weekly schedules that generate meetings.

Meetings are generated in the municipality's local wall-clock time and stored in UTC, so a
17:00 meeting stays at 17:00 across daylight-saving changes.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from domain import events as bus
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import (
    Consultant,
    GroupSchedule,
    Meeting,
    Municipality,
    NetworkGroup,
    Youth,
)
from domain.models.groups import GROUP_SIZE_MAX, GROUP_SIZE_MIN
from domain.policy import not_found, require_municipality
from domain.services.cleaning import clean_text
from domain.services.meetings import meeting_tell_cancelled, withdraw_untold_moves
from domain.services.reminders import reminders_sync_meeting, reminders_sync_youth
from domain.timeutils import local_date, local_datetime

DURATION_MIN = 15
DURATION_MAX = 480


@dataclass(frozen=True)
class GroupMemberResult:
    """The outcome of adding a member: the size afterwards and a warning outside 6–12."""

    group: NetworkGroup
    youth: Youth
    size: int
    warning: str | None


logger = logging.getLogger(__name__)


def _check_unique_name(municipality_id: int, name: str, exclude_pk: int | None = None) -> None:
    clash = NetworkGroup.objects.filter(municipality_id=municipality_id, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            _("A group with this name already exists."), code="conflict", field="name"
        )


def _facilitators(municipality_id: int, facilitator_ids: Iterable[int]) -> list[Consultant]:
    """Consultants (by Consultant id) of the group's own municipality only."""
    wanted = set(facilitator_ids)
    found = list(Consultant.objects.filter(pk__in=wanted, municipality_id=municipality_id))
    if len(found) != len(wanted):
        raise DomainError(
            _("Facilitators must be consultants of the group's municipality."),
            code="invalid_facilitators",
            field="facilitator_ids",
        )
    return found


def _size_warning(size: int) -> str | None:
    if GROUP_SIZE_MIN <= size <= GROUP_SIZE_MAX:
        return None
    return ngettext(
        "The group has %(size)d member; groups work best with %(min)d–%(max)d.",
        "The group has %(size)d members; groups work best with %(min)d–%(max)d.",
        size,
    ) % {"size": size, "min": GROUP_SIZE_MIN, "max": GROUP_SIZE_MAX}


def _publish_group(event_type: str, group: NetworkGroup, **extra: object) -> None:
    bus.publish(event_type, id=group.pk, municipality_id=group.municipality_id, **extra)


# --- groups -------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    municipality: Municipality,
    actor: object,
    name: str,
    facilitator_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> NetworkGroup:
    """Create a network group; ``facilitator_ids`` are Consultant ids of the same municipality."""
    now = now or timezone.now()
    require_municipality(actor, municipality.pk)
    name = clean_text(name, field="name", max_length=100)
    _check_unique_name(municipality.pk, name)
    facilitators = _facilitators(municipality.pk, facilitator_ids)
    group = NetworkGroup.objects.create(municipality=municipality, name=name)
    group.facilitators.set(facilitators)
    audit_log(
        actor=actor,
        action="group.create",
        target=group,
        municipality_id=municipality.pk,
        data={"facilitator_ids": sorted(c.pk for c in facilitators)},
        now=now,
    )
    _publish_group("group.created", group)
    return group


@transaction.atomic
def group_update(
    *,
    group: NetworkGroup,
    actor: object,
    name: str | None = None,
    facilitator_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> NetworkGroup:
    """Rename a group or replace its facilitators; ``None`` leaves a field as it is."""
    now = now or timezone.now()
    require_municipality(actor, group.municipality_id)
    group = lock_for_update(NetworkGroup, group.pk)
    changed: list[str] = []
    if name is not None:
        name = clean_text(name, field="name", max_length=100)
        if name != group.name:
            _check_unique_name(group.municipality_id, name, exclude_pk=group.pk)
            group.name = name
            group.save(update_fields=["name"])
            changed.append("name")
    if facilitator_ids is not None:
        facilitators = _facilitators(group.municipality_id, facilitator_ids)
        if {c.pk for c in facilitators} != set(group.facilitators.values_list("pk", flat=True)):
            group.facilitators.set(facilitators)
            changed.append("facilitators")
    if changed:
        audit_log(
            actor=actor,
            action="group.update",
            target=group,
            municipality_id=group.municipality_id,
            data={
                "fields": changed,
                "facilitator_ids": sorted(group.facilitators.values_list("pk", flat=True)),
            },
            now=now,
        )
        _publish_group("group.updated", group)
    return group


@transaction.atomic
def group_member_add(
    *, group: NetworkGroup, youth: Youth, actor: object, now: datetime | None = None
) -> GroupMemberResult:
    """Put a youth in a group (moving them out of any other). Outside 6–12 members the result
    carries a warning; the add still happens."""
    now = now or timezone.now()
    require_municipality(actor, group.municipality_id)
    if youth.municipality_id != group.municipality_id:
        raise not_found()
    group = lock_for_update(NetworkGroup, group.pk)
    youth = lock_for_update(Youth, youth.pk)
    if not group.is_active:
        raise invalid_state(_("This group is no longer active."))
    if youth.status == Youth.Status.LEFT or youth.erased_at is not None:
        raise invalid_state(_("This person has left the programme."))
    if youth.group_id == group.pk:
        raise DomainError(_("Already a member of this group."), code="conflict")
    old_group_id = youth.group_id
    youth.group = group
    youth.save(update_fields=["group"])
    # Re-derives the new group's reminders and cancels the old group's.
    reminders_sync_youth(youth, now=now)

    size = group.members.count()
    audit_log(
        actor=actor,
        action="group.member_add",
        target=group,
        municipality_id=group.municipality_id,
        data={"youth_id": youth.pk, "from_group_id": old_group_id},
        now=now,
    )
    if old_group_id is not None:
        bus.publish(
            "group.member_removed",
            id=old_group_id,
            municipality_id=group.municipality_id,
            youth_id=youth.pk,
        )
    _publish_group("group.member_added", group, youth_id=youth.pk)
    return GroupMemberResult(group=group, youth=youth, size=size, warning=_size_warning(size))


@transaction.atomic
def group_member_remove(
    *, group: NetworkGroup, youth: Youth, actor: object, now: datetime | None = None
) -> Youth:
    """Take a youth out of a group; reminders of its meetings stop for them."""
    now = now or timezone.now()
    require_municipality(actor, group.municipality_id)
    if youth.municipality_id != group.municipality_id:
        raise not_found()
    youth = lock_for_update(Youth, youth.pk)
    if youth.group_id != group.pk:
        raise DomainError(_("This person is not a member of the group."), code="not_member")
    youth.group = None
    youth.save(update_fields=["group"])
    reminders_sync_youth(youth, now=now)
    audit_log(
        actor=actor,
        action="group.member_remove",
        target=group,
        municipality_id=group.municipality_id,
        data={"youth_id": youth.pk},
        now=now,
    )
    _publish_group("group.member_removed", group, youth_id=youth.pk)
    return youth


# --- schedules and meetings ---------------------------------------------------------------------


@transaction.atomic
def schedule_add(
    *,
    group: NetworkGroup,
    actor: object,
    weekday: int,
    start_time: time,
    duration_minutes: int = 120,
    place: str,
    starts_on: date,
    ends_on: date | None = None,
    now: datetime | None = None,
) -> GroupSchedule:
    """Give a group a weekly meeting time (local wall clock) and generate its meetings."""
    now = now or timezone.now()
    require_municipality(actor, group.municipality_id)
    if not group.is_active:
        raise invalid_state(_("This group is no longer active."))
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise DomainError(_("Choose a weekday."), code="invalid_weekday", field="weekday")
    if not isinstance(start_time, time) or start_time.tzinfo is not None:
        raise DomainError(_("Give the local time of day."), code="invalid_time", field="start_time")
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not DURATION_MIN <= duration_minutes <= DURATION_MAX
    ):
        raise DomainError(
            _("A meeting lasts between %(min)d and %(max)d minutes.")
            % {"min": DURATION_MIN, "max": DURATION_MAX},
            code="duration_out_of_range",
            field="duration_minutes",
        )
    place = clean_text(place, field="place", max_length=200)
    if not isinstance(starts_on, date) or isinstance(starts_on, datetime):
        raise DomainError(_("Give a date."), code="invalid_date", field="starts_on")
    if ends_on is not None and (
        not isinstance(ends_on, date) or isinstance(ends_on, datetime) or ends_on < starts_on
    ):
        raise DomainError(
            _("The last week must not be before the first."),
            code="ends_before_start",
            field="ends_on",
        )
    schedule = GroupSchedule.objects.create(
        group=group,
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_log(
        actor=actor,
        action="schedule.add",
        target=schedule,
        municipality_id=group.municipality_id,
        data={"group_id": group.pk},
        now=now,
    )
    _publish_group("group.updated", group)
    schedule_generate_meetings(schedule=schedule, now=now)
    return schedule


@transaction.atomic
def schedule_generate_meetings(
    *, schedule: GroupSchedule, until: date | None = None, now: datetime | None = None
) -> list[Meeting]:
    """Create the schedule's missing meetings from today up to ``until`` (default: the
    configured horizon of weeks ahead), at the local time in the municipality's time zone.

    Idempotent: an occurrence that already has a meeting — even one moved or cancelled since —
    is never created again. Returns the meetings created now.
    """
    now = now or timezone.now()
    # Serialises two generators of the same schedule (the unique occurrence would stop the
    # second one with an error otherwise).
    schedule = lock_for_update(GroupSchedule, schedule.pk)
    group = NetworkGroup.objects.select_related("municipality").get(pk=schedule.group_id)
    if not group.is_active:
        return []
    tz_name = group.municipality.timezone
    today = local_date(now, tz_name)
    last = until or today + timedelta(weeks=settings.NEXTWORK_MEETING_HORIZON_WEEKS)
    if schedule.ends_on is not None:
        last = min(last, schedule.ends_on)
    first = max(schedule.starts_on, today)
    first += timedelta(days=(schedule.weekday - first.weekday()) % 7)

    days = []
    day = first
    while day <= last:
        days.append(day)
        day += timedelta(weeks=1)
    existing = set(
        Meeting.objects.filter(schedule=schedule, occurrence__in=days).values_list(
            "occurrence", flat=True
        )
    )
    created: list[Meeting] = []
    duration = timedelta(minutes=schedule.duration_minutes)
    for day in days:
        if day in existing:
            continue
        starts_at = local_datetime(day, schedule.start_time, tz_name).astimezone(UTC)
        if starts_at <= now:
            continue  # today's meeting is already under way or over
        meeting = Meeting.objects.create(
            group=group,
            schedule=schedule,
            occurrence=day,
            starts_at=starts_at,
            ends_at=starts_at + duration,
            place=schedule.place,
        )
        reminders_sync_meeting(meeting, now=now)
        bus.publish(
            "meeting.created",
            id=meeting.pk,
            group_id=group.pk,
            municipality_id=group.municipality_id,
        )
        created.append(meeting)
    return created


def schedules_extend_all(*, now: datetime | None = None) -> int:
    """Periodic job: keep every active schedule's meetings generated up to the horizon.

    Each schedule is generated in its own transaction so one problem does not hold back the
    others. Returns how many meetings were created.
    """
    now = now or timezone.now()
    schedules = GroupSchedule.objects.filter(group__is_active=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=now.date() - timedelta(days=1))
    )
    created = 0
    for schedule in schedules.order_by("pk"):
        try:
            created += len(schedule_generate_meetings(schedule=schedule, now=now))
        except Exception:
            # One broken schedule (or municipality setting) must not stop every other group's
            # meetings; it is logged loudly and retried on the next run.
            logger.exception("Meetings of schedule #%s could not be generated", schedule.pk)
    return created


GROUP_ENDED_REASON = "group_ended"  # data: interfaces translate it when they show it


@transaction.atomic
def group_deactivate(
    *, group: NetworkGroup, actor: object, now: datetime | None = None
) -> NetworkGroup:
    """End a group: its coming meetings are cancelled (with their reminders), the members are
    told once, about the next meeting, instead of once per week, and no more meetings are
    generated. Members and past meetings stay as history."""
    now = now or timezone.now()
    require_municipality(actor, group.municipality_id)
    group = lock_for_update(NetworkGroup, group.pk)
    if not group.is_active:
        raise invalid_state(_("This group has already ended."))
    group.is_active = False
    group.save(update_fields=["is_active"])
    coming = list(
        group.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .select_related("group__municipality")
        .order_by("starts_at")
    )
    for meeting in coming:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancel_reason = GROUP_ENDED_REASON
        meeting.save(update_fields=["status", "cancel_reason"])
        reminders_sync_meeting(meeting, now=now)
    if coming:
        following, *later = coming
        for youth in group.members.filter(status=Youth.Status.ACTIVE).select_related(
            "municipality"
        ):
            # News of moves of the later meetings is moot too; the one message is about the
            # next meeting, at the time the youth knows it.
            for meeting in later:
                withdraw_untold_moves(meeting=meeting, youth=youth, now=now)
            meeting_tell_cancelled(
                meeting=following, youth=youth, reason=GROUP_ENDED_REASON, now=now
            )
    audit_log(
        actor=actor,
        action="group.deactivate",
        target=group,
        municipality_id=group.municipality_id,
        data={"cancelled_meeting_ids": [m.pk for m in coming]},
        now=now,
    )
    _publish_group("group.updated", group)
    return group
