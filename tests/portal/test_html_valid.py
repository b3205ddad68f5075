"""The portal's main pages are valid HTML: the Nu HTML Checker (vnu.jar, from npm's vnu-jar,
run on the machine's Java) finds 0 errors in them. A page added later joins by one line in
``MAIN_PAGES``."""

import json
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import MatchEvent, Municipality
from tests import factories as f
from tests.npm_tools import npm_package

# (who is logged in — a fixture name or None —, URL name, the URL's arguments as names of the
# ``world`` objects whose pk fills them)
MAIN_PAGES = [
    (None, "login", {}),
    (None, "password_reset", {}),
    (None, "company_register", {}),
    ("company_member", "company_dashboard", {}),
    ("company_member", "company_profile", {}),
    ("company_member", "company_slot_create", {}),
    ("company_member", "company_slot_detail", {"slot_id": "slot"}),
    ("company_member", "company_slot_update", {"slot_id": "slot"}),
    ("company_member", "company_inbox", {}),
    ("company_member", "company_interest_detail", {"interest_id": "interest"}),
    ("company_member", "company_events", {}),
    ("company_member", "company_event_detail", {"event_id": "event"}),
    ("company_member", "company_placements", {}),
    ("company_member", "company_members", {}),
    ("company_member", "company_statistics", {}),
    ("company_member", "calendar", {}),
    ("consultant", "consultant:dashboard", {}),
    ("consultant", "consultant:approvals", {}),
    ("consultant", "consultant:youth_list", {}),
    ("consultant", "consultant:youth_new", {}),
    ("consultant", "consultant:youth_detail", {"youth_id": "youth"}),
    ("consultant", "consultant:youth_edit", {"youth_id": "youth"}),
    ("consultant", "consultant:groups", {}),
    ("consultant", "consultant:group_detail", {"group_id": "group"}),
    ("consultant", "consultant:meeting_detail", {"meeting_id": "meeting"}),
    ("consultant", "consultant:events", {}),
    ("consultant", "consultant:event_new", {}),
    ("consultant", "consultant:event_detail", {"event_id": "event"}),
    ("consultant", "consultant:event_board", {"event_id": "event"}),
    ("consultant", "consultant:memberships", {}),
    ("consultant", "consultant:statistics", {}),
    ("consultant", "consultant:referrals", {}),
    ("consultant", "consultant:draw_new", {"municipality_id": "municipality"}),
    ("consultant", "consultant:draw_detail", {"draw_id": "draw"}),
]


@pytest.fixture
def world(municipality, company, slot, youth, consultant):
    group = f.GroupFactory(municipality=municipality, name="Torsdagsgruppen")
    group.facilitators.add(consultant)
    youth.group = group
    youth.save()
    event = f.EventFactory(
        municipality=municipality,
        status=MatchEvent.Status.PUBLISHED,
        starts_at=timezone.now() + timedelta(days=10),
    )
    # A randomised intake with a draw and a referral waiting, so its pages and the statistics'
    # comparison of the arms are checked too.
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    draw = f.DrawFactory(municipality=municipality)
    for arm in ("nextwork", "usual"):
        f.ReferralFactory.create_batch(5, municipality=municipality, draw=draw, arm=arm)
    f.ReferralFactory(municipality=municipality)
    return {
        "municipality": municipality,
        "draw": draw,
        "slot": slot,
        "youth": youth,
        "group": group,
        "meeting": f.MeetingFactory(group=group),
        "event": event,
        "interest": f.AcceptedInterestFactory(slot=slot, youth=youth),
    }


def test_main_pages_have_no_html_errors(request, client_for, world, tmp_path):
    java = shutil.which("java")
    assert java, "the Nu HTML Checker runs on Java"
    files = {}
    for index, (who, name, arguments) in enumerate(MAIN_PAGES):
        client = client_for(request.getfixturevalue(who) if who else None)
        url = reverse(name, kwargs={key: world[value].pk for key, value in arguments.items()})
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        path = tmp_path / f"{index:02d}-{name.replace(':', '-')}.html"
        path.write_bytes(response.content)
        files[path.name] = url
    checker = npm_package("vnu-jar") / "build" / "dist" / "vnu.jar"
    result = subprocess.run(  # noqa: S603 - our own tool and files
        [
            java,
            "-jar",
            str(checker),
            "--errors-only",
            "--format",
            "json",
            *map(str, sorted(tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1])}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
