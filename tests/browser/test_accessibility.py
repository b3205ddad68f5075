"""Accessibility (WCAG 2.1 AA, the Danish web accessibility act): axe-core on every portal page,
in Danish and English, at desktop and phone width: no serious or critical violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Attendance, Placement
from tests import factories as f
from tests.browser.axe import serious_violations

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator (evansd/whitenoise#531).
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]
WIDTHS = (1280, 390)


@pytest.fixture
def world(municipality, consultant, company, company_member, slot, youth):
    """One of everything a page lists, so each page shows its full layout."""
    company_member.is_company_admin = True  # the pages only an admin sees (joining, inviting)
    company_member.save(update_fields=["is_company_admin"])
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    group.facilitators.add(consultant)
    youth.group = group
    youth.contact_consultant = consultant
    youth.save(update_fields=["group", "contact_consultant"])
    past = f.MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=7))
    Attendance.objects.create(
        meeting=past, youth=youth, status="present", recorded_at=timezone.now()
    )
    coming = f.MeetingFactory(group=group)
    other = f.YouthFactory(municipality=municipality, first_name="Bo")
    pending = f.InterestFactory(youth=other, slot=slot, message="Jeg vil gerne bage.")
    accepted = f.AcceptedInterestFactory(youth=youth, slot=slot)
    placement = f.PlacementFactory(
        youth=youth, slot=slot, interest=accepted, status=Placement.Status.PROPOSED
    )
    event = f.EventFactory(municipality=municipality, title="Matchdag i Roskilde")
    return {
        "group": group,
        "meeting": coming,
        "interest": pending,
        "placement": placement,
        "event": event,
        "slot": slot,
        "youth": youth,
    }


def consultant_pages(w) -> list[str]:
    return [
        reverse("consultant:dashboard"),
        reverse("consultant:approvals"),
        reverse("consultant:approval", args=[w["placement"].pk]),
        reverse("consultant:youth_list"),
        reverse("consultant:youth_new"),
        reverse("consultant:youth_detail", args=[w["youth"].pk]),
        reverse("consultant:youth_edit", args=[w["youth"].pk]),
        reverse("consultant:groups"),
        reverse("consultant:group_detail", args=[w["group"].pk]),
        reverse("consultant:meeting_detail", args=[w["meeting"].pk]),
        reverse("consultant:meeting_move", args=[w["meeting"].pk]),
        reverse("consultant:events"),
        reverse("consultant:event_new"),
        reverse("consultant:event_detail", args=[w["event"].pk]),
        reverse("consultant:event_board", args=[w["event"].pk]),
        reverse("consultant:memberships"),
        reverse("consultant:statistics"),
        reverse("calendar"),
        reverse("accessibility"),
    ]


def company_pages(w) -> list[str]:
    return [
        reverse("company_dashboard"),
        reverse("company_profile"),
        reverse("company_slot_create"),
        reverse("company_slot_detail", args=[w["slot"].pk]),
        reverse("company_inbox"),
        reverse("company_interest_detail", args=[w["interest"].pk]),
        reverse("company_events"),
        reverse("company_placements"),
        reverse("company_members"),
        reverse("company_membership_request"),
        reverse("company_statistics"),
        reverse("calendar"),
    ]


ANONYMOUS_PAGES = ("login", "password_reset", "company_register", "accessibility")


def _audit(new_page, server, user, urls, language, width) -> list[str]:
    page = new_page(user, width=width)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
    found = []
    for url in urls:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language, url
        found += [f"{url} [{language}, {width}px] {line}" for line in serious_violations(page)]
    page.close()
    return found


@pytest.mark.parametrize("language", ["da", "en"])
def test_consultant_pages_have_no_serious_violations(new_page, server, world, consultant, language):
    urls = consultant_pages(world)
    found = []
    for width in WIDTHS:
        found += _audit(new_page, server, consultant.user, urls, language, width)
    assert found == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_company_pages_have_no_serious_violations(
    new_page, server, world, company_member, language
):
    urls = company_pages(world)
    found = []
    for width in WIDTHS:
        found += _audit(new_page, server, company_member.user, urls, language, width)
    assert found == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_pages_before_login_have_no_serious_violations(new_page, server, world, language):
    urls = [reverse(name) for name in ANONYMOUS_PAGES]
    found = []
    for width in WIDTHS:
        found += _audit(new_page, server, None, urls, language, width)
    assert found == []
