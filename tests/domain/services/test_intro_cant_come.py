""" "I can't come" to an intro meeting: the company and the consultant hear of it, the youth's
reminders stop, moving the meeting asks again; and the youth's agenda in date order."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from domain.models import Attendance, AuditEntry, Interest, OutboxMessage
from domain.selectors.agenda import coming_absences, youth_agenda
from domain.services.interests import (
    interest_accept,
    interest_intro_cant_come,
    interest_move_intro,
)
from domain.services.meetings import attendance_excuse
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
INTRO = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
Kind = OutboxMessage.Kind


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def accepted(youth, slot, company_member):
    interest = f.InterestFactory(youth=youth, slot=slot)
    return interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=INTRO,
        intro_meeting_place="Algade 1",
    )


def _pending_reminders() -> int:
    return OutboxMessage.objects.filter(
        kind=Kind.INTRO_REMINDER, status=OutboxMessage.Status.PENDING
    ).count()


def test_cant_come_tells_the_company_and_the_consultant_and_stops_the_reminders(
    youth, accepted, consultant, published, django_capture_on_commit_callbacks
):
    assert _pending_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        interest_intro_cant_come(interest=accepted, actor=youth)
    accepted.refresh_from_db()
    assert accepted.intro_cant_come_at == NOW
    assert accepted.status == Interest.Status.ACCEPTED
    assert _pending_reminders() == 0
    (event,) = [e for e in published if e.type == "interest.intro_cant_come"]
    assert event.data["company_id"] == accepted.slot.company_id
    assert event.data["municipality_id"] == youth.municipality_id
    assert AuditEntry.objects.filter(action="interest.intro_cant_come").count() == 1
    (absence,) = coming_absences(user=consultant.user)
    assert (absence.kind, absence.youth, absence.what) == ("intro", youth, "Bageriet ApS")


def test_saying_it_twice_tells_nobody_twice(
    youth, accepted, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interest_intro_cant_come(interest=accepted, actor=youth)
        interest_intro_cant_come(interest=accepted, actor=youth)
    assert len([e for e in published if e.type == "interest.intro_cant_come"]) == 1


def test_moving_the_meeting_asks_again_with_fresh_reminders(youth, accepted, company_member):
    interest_intro_cant_come(interest=accepted, actor=youth)
    interest_move_intro(
        interest=accepted, actor=company_member.user, intro_meeting_at=INTRO + timedelta(days=2)
    )
    accepted.refresh_from_db()
    assert accepted.intro_cant_come_at is None
    assert _pending_reminders() == 2


def test_refused_for_another_youth_a_pending_interest_or_a_meeting_begun(
    youth, other_youth, accepted, slot
):
    models = (Interest, OutboxMessage, AuditEntry)
    helpers.refused(
        "forbidden",
        lambda: interest_intro_cant_come(interest=accepted, actor=other_youth),
        models=models,
    )
    pending = f.InterestFactory(youth=youth, slot=f.SlotFactory(company=slot.company))
    helpers.refused(
        "invalid_state",
        lambda: interest_intro_cant_come(interest=pending, actor=youth),
        models=models,
    )
    with time_machine.travel(INTRO, tick=False):
        helpers.refused(
            "meeting_started",
            lambda: interest_intro_cant_come(interest=accepted, actor=youth),
            models=models,
        )


def test_the_agenda_lists_group_and_intro_meetings_in_date_order(
    youth, accepted, municipality, consultant
):
    group = f.GroupFactory(municipality=municipality)
    youth.group = group
    youth.save()
    soon = f.MeetingFactory(group=group, starts_at=INTRO - timedelta(days=1))
    later = f.MeetingFactory(group=group, starts_at=INTRO + timedelta(days=30))
    attendance_excuse(meeting=later, youth=youth, actor=youth)
    agenda = youth_agenda(youth=youth)
    assert [(item.kind, item.id) for item in agenda] == [
        ("meeting", soon.pk),
        ("intro", accepted.pk),
        ("meeting", later.pk),
    ]
    assert [item.cant_come for item in agenda] == [False, False, True]
    (absence,) = coming_absences(user=consultant.user)
    assert absence.kind == "meeting" and absence.starts_at == later.starts_at
    assert Attendance.objects.get(meeting=later).status == Attendance.Status.EXCUSED


def test_company_members_see_no_absences_list(accepted, youth, company_member):
    interest_intro_cant_come(interest=accepted, actor=youth)
    assert coming_absences(user=company_member.user) == []
