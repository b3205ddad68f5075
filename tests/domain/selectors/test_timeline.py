"""A youth's timeline: everything in one history, audited, scoped, a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.exceptions import DomainError
from domain.models import Attendance, AuditEntry, Placement, YouthSignup
from domain.selectors.timeline import youth_timeline
from tests import factories as f


def _history(youth, slot, n=1):
    for _ in range(n):
        interest = f.AcceptedInterestFactory(youth=youth, slot=f.SlotFactory(company=slot.company))
        placement = f.PlacementFactory(
            youth=youth, slot=interest.slot, interest=interest, status=Placement.Status.COMPLETED
        )
        f.CheckInFactory(placement=placement)
        f.FollowUpNoteFactory(placement=placement)
        event = f.EventFactory(municipality=youth.municipality)
        YouthSignup.objects.create(
            event=event, youth=youth, status="confirmed", sequence=1, created_at=interest.created_at
        )
        meeting = f.MeetingFactory(group=f.GroupFactory(municipality=youth.municipality))
        Attendance.objects.create(
            meeting=meeting, youth=youth, status="present", recorded_at=interest.created_at
        )


def test_timeline_holds_every_kind_and_is_audited(consultant, youth, slot):
    _history(youth, slot)
    timeline = youth_timeline(user=consultant.user, youth_id=youth.pk)
    assert timeline.youth == youth
    kinds = sorted(entry.kind for entry in timeline.entries)
    assert kinds == ["attendance", "checkin", "interest", "note", "placement", "signup"]
    assert AuditEntry.objects.filter(action="youth.read", target_id=youth.pk).count() == 1


def test_timeline_of_another_municipalitys_youth_is_not_found(other_consultant, youth):
    with pytest.raises(DomainError) as info:
        youth_timeline(user=other_consultant.user, youth_id=youth.pk)
    assert info.value.code == "not_found"


def test_timeline_queries_do_not_grow_with_the_history(consultant, youth, slot):
    _history(youth, slot)
    youth_timeline(user=consultant.user, youth_id=youth.pk)
    with CaptureQueriesContext(connection) as small:
        youth_timeline(user=consultant.user, youth_id=youth.pk)
    _history(youth, slot, n=5)
    with CaptureQueriesContext(connection) as large:
        youth_timeline(user=consultant.user, youth_id=youth.pk)
    assert len(large) == len(small)
