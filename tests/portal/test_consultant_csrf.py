"""Every form of the consultants' pages refuses a post without the CSRF token, and changes
nothing."""

import pytest
from django.urls import reverse

from domain.models import (
    Attendance,
    FollowUpNote,
    MatchEvent,
    Meeting,
    NetworkGroup,
    NetworkMembership,
    Placement,
    Youth,
    YouthSignup,
)
from tests import factories as f
from tests.helpers import snapshot

TABLES = (
    Attendance,
    FollowUpNote,
    MatchEvent,
    Meeting,
    NetworkGroup,
    NetworkMembership,
    Placement,
    Youth,
    YouthSignup,
)


@pytest.fixture
def objects(municipality, youth, slot):
    group = f.GroupFactory(municipality=municipality)
    event = f.EventFactory(municipality=municipality)
    return {
        "youth": youth,
        "group": group,
        "meeting": f.MeetingFactory(group=group),
        "event": event,
        "signup": YouthSignup.objects.create(
            event=event, youth=youth, status="confirmed", sequence=1, created_at=event.created_at
        ),
        "placement": f.PlacementFactory(youth=youth, slot=slot),
        "membership": f.MembershipFactory(municipality=municipality, status="pending"),
    }


POSTS = [
    ("approve", ["placement"]),
    ("approval", ["placement"]),
    ("youth_new", []),
    ("youth_edit", ["youth"]),
    ("youth_pause", ["youth"]),
    ("youth_resume", ["youth"]),
    ("youth_invite", ["youth"]),
    ("youth_note", ["youth"]),
    ("youth_leave", ["youth"]),
    ("youth_export", ["youth"]),
    ("youth_erase", ["youth"]),
    ("groups", []),
    ("group_edit", ["group"]),
    ("group_member_add", ["group"]),
    ("group_member_remove", ["group", "youth"]),
    ("group_schedule_add", ["group"]),
    ("group_deactivate", ["group"]),
    ("meeting_detail", ["meeting"]),
    ("meeting_move", ["meeting"]),
    ("meeting_cancel", ["meeting"]),
    ("event_new", []),
    ("event_edit", ["event"]),
    ("event_cancel", ["event"]),
    ("event_signup_add", ["event"]),
    ("event_signup_cancel", ["event", "signup"]),
    ("event_check_in", ["event", "signup"]),
    ("event_company_signup", ["event"]),
    ("membership_accept", ["membership"]),
    ("membership_reject", ["membership"]),
]


@pytest.mark.parametrize(("name", "args"), POSTS, ids=[name for name, _ in POSTS])
def test_posts_without_the_csrf_token_are_refused(client_for, consultant, objects, name, args):
    path = reverse(f"consultant:{name}", args=[objects[arg].pk for arg in args])
    before = snapshot(*TABLES)
    response = client_for(consultant, csrf=True).post(path, {"reason": "x", "name": "x"})
    assert response.status_code == 403
    assert snapshot(*TABLES) == before


def test_event_actions_without_the_csrf_token_are_refused(client_for, consultant, objects):
    event = objects["event"]
    for action in ("publish", "complete"):
        path = reverse("consultant:event_action", args=[event.pk, action])
        assert client_for(consultant, csrf=True).post(path).status_code == 403
    assert MatchEvent.objects.get(pk=event.pk).status == event.status
