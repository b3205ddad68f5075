"""Group meetings: move or cancel one, record attendance, and the youth's "I can't come"."""

from datetime import UTC, datetime
from zlib import crc32

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events as bus
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import Attendance, Meeting, NetworkGroup, OutboxMessage, Youth
from domain.policy import not_found, require_municipality, require_youth
from domain.services.cleaning import clean_text, tidy
from domain.services.outbox import outbox_push, outbox_withdraw_untold
from domain.services.reminders import reminders_sync_meeting

Status = Meeting.Status
REASON_MAX_LENGTH = 300


def _locked_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting under its row lock, with the group and municipality reminders need."""
    lock_for_update(Meeting, meeting.pk)
    return Meeting.objects.select_related("group__municipality").get(pk=meeting.pk)


def _require_upcoming(meeting: Meeting, now: datetime) -> None:
    if meeting.status != Status.SCHEDULED:
        raise invalid_state(_("This meeting is cancelled."))
    if meeting.starts_at <= now:
        raise DomainError(_("The meeting has already started."), code="meeting_started")


def _members(group: NetworkGroup) -> list[Youth]:
    # The same people who get the meeting's reminders.
    return list(group.members.filter(status=Youth.Status.ACTIVE).select_related("municipality"))


def _is_member(youth: Youth, meeting: Meeting) -> bool:
    # From the database: the caller's instance may predate a move between groups.
    current = Youth.objects.filter(pk=youth.pk).values_list("group_id", flat=True).first()
    return current == meeting.group_id


def withdraw_untold_moves(
    *, meeting: Meeting, youth: Youth, now: datetime
) -> tuple[datetime, str] | None:
    """Cancel the "meeting moved" messages to ``youth`` that have not gone out yet, and return
    the time and place the youth still knows (the one before the first of them), or None when
    nothing was withdrawn. A message a worker has claimed or begun to send counts as told.

    The caller holds the meeting's lock, so no other move or cancellation runs meanwhile.
    """
    first = outbox_withdraw_untold(
        subject=meeting, now=now, kind=OutboxMessage.Kind.MEETING_MOVED, recipient=youth
    )
    if first is None:
        return None
    return datetime.fromisoformat(first["old_starts_at"]), first["old_place"]


def _publish(event_type: str, meeting: Meeting) -> None:
    bus.publish(
        event_type,
        id=meeting.pk,
        group_id=meeting.group_id,
        municipality_id=meeting.group.municipality_id,
    )


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    actor: object,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move an upcoming meeting: its reminders are re-timed and every member is told.

    ``ends_at`` defaults to the new start plus the meeting's current length; ``moved_from``
    keeps the time the meeting was first planned for.
    """
    now = now or timezone.now()
    require_municipality(actor, meeting.group.municipality_id)
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise DomainError(
            _("Give a date and time with a time zone."), code="invalid_datetime", field="starts_at"
        )
    if ends_at is not None and (not isinstance(ends_at, datetime) or timezone.is_naive(ends_at)):
        raise DomainError(
            _("Give a date and time with a time zone."), code="invalid_datetime", field="ends_at"
        )
    # Lengths are added in UTC: on a time zone's datetime Python adds on the wall clock, an
    # hour off across a DST change.
    starts_at = starts_at.astimezone(UTC)
    ends_at = ends_at.astimezone(UTC) if ends_at is not None else None
    meeting = _locked_meeting(meeting)
    _require_upcoming(meeting, now)
    if starts_at <= now:
        raise DomainError(
            _("The new time must be in the future."), code="starts_in_past", field="starts_at"
        )
    ends_at = ends_at or starts_at + (meeting.ends_at - meeting.starts_at)
    if ends_at <= starts_at:
        raise DomainError(
            _("The meeting must end after it starts."), code="ends_before_start", field="ends_at"
        )
    if place is not None:
        place = tidy(place, field="place")
        if not place or len(place) > 200:
            raise DomainError(
                _("Give a place (up to 200 characters)."), code="required", field="place"
            )
    new_place = place if place is not None else meeting.place
    if (starts_at, ends_at, new_place) == (meeting.starts_at, meeting.ends_at, meeting.place):
        return meeting  # nothing changes: nobody needs another message

    old_starts_at, old_place = meeting.starts_at, meeting.place
    meeting.moved_from = meeting.moved_from or old_starts_at
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, new_place
    meeting.save(update_fields=["moved_from", "starts_at", "ends_at", "place"])
    reminders_sync_meeting(meeting, now=now)
    payload = {
        "meeting_id": meeting.pk,
        "old_starts_at": old_starts_at.isoformat(),
        "old_place": old_place,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "place": new_place,
    }
    move_id = f"{int(now.timestamp())}:{int(starts_at.timestamp())}:{crc32(new_place.encode()):x}"
    for youth in _members(meeting.group):
        # A youth who has not been told of an earlier move yet gets one message, from the time
        # they know to the new one, and none when the meeting is back where they know it.
        known = withdraw_untold_moves(meeting=meeting, youth=youth, now=now)
        known_at, known_place = known or (old_starts_at, old_place)
        if (known_at, known_place) == (starts_at, new_place):
            continue
        outbox_push(
            recipient=youth,
            kind=OutboxMessage.Kind.MEETING_MOVED,
            subject=meeting,
            payload={
                **payload,
                "old_starts_at": known_at.isoformat(),
                "old_place": known_place,
            },
            # Every move a youth has not heard of is news, even back to a time announced before
            # or to a new place only.
            dedupe_key=f"meeting_moved:{meeting.pk}:y{youth.pk}:{move_id}",
            expires_at=starts_at,
            now=now,
        )
    audit_log(
        actor=actor,
        action="meeting.move",
        target=meeting,
        municipality_id=meeting.group.municipality_id,
        data={"old_starts_at": old_starts_at.isoformat(), "starts_at": starts_at.isoformat()},
        now=now,
    )
    _publish("meeting.moved", meeting)
    return meeting


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, actor: object, reason: str = "", now: datetime | None = None
) -> Meeting:
    """Cancel an upcoming meeting: its reminders are cancelled and every member is told."""
    now = now or timezone.now()
    require_municipality(actor, meeting.group.municipality_id)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
    meeting = _locked_meeting(meeting)
    _require_upcoming(meeting, now)
    meeting.status = Status.CANCELLED
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason"])
    reminders_sync_meeting(meeting, now=now)
    for youth in _members(meeting.group):
        meeting_tell_cancelled(meeting=meeting, youth=youth, reason=reason, now=now)
    audit_log(
        actor=actor,
        action="meeting.cancel",
        target=meeting,
        municipality_id=meeting.group.municipality_id,
        data={"has_reason": bool(reason)},
        now=now,
    )
    _publish("meeting.cancelled", meeting)
    return meeting


def meeting_tell_cancelled(
    *, meeting: Meeting, youth: Youth, reason: str, now: datetime
) -> OutboxMessage | None:
    """The one "cancelled" message of a meeting to one youth (its key makes a second call a
    no-op), naming the time the youth knows: a move they were not told of yet is withdrawn.
    No use once that time has come, so it is skipped rather than sent after it."""
    known = withdraw_untold_moves(meeting=meeting, youth=youth, now=now)
    known_at, known_place = known or (meeting.starts_at, meeting.place)
    return outbox_push(
        recipient=youth,
        kind=OutboxMessage.Kind.MEETING_CANCELLED,
        subject=meeting,
        payload={
            "meeting_id": meeting.pk,
            "starts_at": known_at.isoformat(),
            "place": known_place,
            "reason": reason,
        },
        dedupe_key=f"meeting_cancelled:{meeting.pk}:y{youth.pk}",
        expires_at=known_at,
        now=now,
    )


def _upsert_attendance(meeting: Meeting, youth: Youth, status: str, now: datetime) -> Attendance:
    # The caller holds the meeting's lock, so two writers cannot both create the row.
    row = Attendance.objects.filter(meeting=meeting, youth=youth).first()
    if row is None:
        return Attendance.objects.create(
            meeting=meeting, youth=youth, status=status, recorded_at=now
        )
    if row.status != status:
        row.status = status
        row.recorded_at = now
        row.save(update_fields=["status", "recorded_at"])
    return row


def _publish_attendance(row: Attendance, meeting: Meeting, **extra: object) -> None:
    bus.publish(
        "attendance.recorded",
        id=row.pk,
        meeting_id=meeting.pk,
        group_id=meeting.group_id,
        municipality_id=meeting.group.municipality_id,
        youth_id=row.youth_id,
        status=row.status,
        **extra,
    )


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, youth: Youth, status: str, actor: object, now: datetime | None = None
) -> Attendance:
    """Staff record present / excused / absent for a member (re-recording overwrites).

    Present and absent can only be recorded once the meeting has started; excused any time.
    """
    now = now or timezone.now()
    require_municipality(actor, meeting.group.municipality_id)
    if youth.municipality_id != meeting.group.municipality_id:
        raise not_found()
    if status not in Attendance.Status.values:
        raise DomainError(
            _("Choose present, excused or absent."), code="invalid_status", field="status"
        )
    meeting = _locked_meeting(meeting)
    if meeting.status != Status.SCHEDULED:
        raise invalid_state(_("This meeting is cancelled."))
    # Before the meeting, only today's members; afterwards the record is history, and the youth
    # may have changed group since (staff know who came).
    if now < meeting.starts_at and not _is_member(youth, meeting):
        raise DomainError(_("This person is not a member of the group."), code="not_member")
    if status != Attendance.Status.EXCUSED and now < meeting.starts_at:
        raise DomainError(_("The meeting has not started yet."), code="meeting_not_started")
    row = _upsert_attendance(meeting, youth, status, now)
    if meeting.starts_at > now:
        reminders_sync_meeting(meeting, now=now, only=youth)  # an excused youth: no more reminders
    audit_log(
        actor=actor,
        action="attendance.record",
        target=row,
        municipality_id=meeting.group.municipality_id,
        data={"meeting_id": meeting.pk, "youth_id": youth.pk, "status": status},
        now=now,
    )
    _publish_attendance(row, meeting)
    return row


@transaction.atomic
def attendance_excuse(
    *, meeting: Meeting, youth: Youth, actor: object, now: datetime | None = None
) -> Attendance:
    """The youth's "I can't come" (from the bot, or staff for them) before the meeting starts.

    The youth gets no more reminders for it and the facilitators are told. Saying it twice
    changes nothing and tells nobody twice.
    """
    now = now or timezone.now()
    require_youth(actor, youth)
    if youth.municipality_id != meeting.group.municipality_id:
        raise not_found()
    meeting = _locked_meeting(meeting)
    if not _is_member(youth, meeting):
        # Seen from the bot, a meeting of another group does not exist for this youth.
        raise not_found()
    _require_upcoming(meeting, now)
    existing = Attendance.objects.filter(meeting=meeting, youth=youth).first()
    if existing is not None and existing.status == Attendance.Status.EXCUSED:
        return existing
    row = _upsert_attendance(meeting, youth, Attendance.Status.EXCUSED, now)
    reminders_sync_meeting(meeting, now=now)
    facilitator_ids = sorted(meeting.group.facilitators.values_list("pk", flat=True))
    _publish_attendance(row, meeting, facilitator_ids=facilitator_ids)
    return row
