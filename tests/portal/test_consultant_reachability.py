"""Consultants see which of their youth the bot cannot reach (the youth list, the dashboard's
panel, the youth's page), never another municipality's; the panel updates live. The youth's page
counts how the bot's messages went, "delivery unknown" apart from "not received"."""

import re
from datetime import UTC, datetime

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from domain.models import OutboxMessage
from domain.services.reachability import youth_mark_reachable, youth_mark_unreachable
from tests import factories as f
from tests.portal.live_support import Sockets

# The texts are asserted in English, the source language: the Danish ones are in
# portal/locale/fragments/reach.po until the catalogue is merged.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

SINCE = datetime(2026, 11, 20, 13, 5, tzinfo=UTC)  # 14:05 in Copenhagen
BADGE = "badge--unreachable"
LIST = reverse("consultant:youth_list")
PANEL = reverse("consultant:dashboard_part", args=["unreachable"])


@pytest.fixture
def blocked(municipality):
    return f.YouthFactory(municipality=municipality, first_name="Blokeret", unreachable_at=SINCE)


@pytest.fixture
def other_blocked(other_municipality):
    return f.YouthFactory(
        municipality=other_municipality, first_name="Fremmedblok", unreachable_at=SINCE
    )


def test_the_youth_list_marks_who_the_bot_cannot_reach(client_for, consultant, blocked, youth):
    page = client_for(consultant).get(LIST, **EN).content.decode()
    assert page.count(BADGE) == 1
    row = next(line for line in page.splitlines() if BADGE in line)
    assert "The bot cannot reach them" in row
    # The badge sits in the blocked youth's row, not the reachable one's.
    assert page.index("Blokeret") < page.index(BADGE)


def test_the_youth_list_filters_the_unreachable(
    client_for, consultant, blocked, youth, other_blocked
):
    page = client_for(consultant).get(LIST, {"unreachable": "1"}, **EN).content.decode()
    assert "Blokeret" in page
    assert youth.first_name not in page
    assert "Fremmedblok" not in page


def test_the_dashboard_panel_lists_the_own_municipalitys_unreachable_youth(
    client_for, consultant, blocked, other_blocked, youth
):
    page = client_for(consultant).get(reverse("consultant:dashboard"), **EN).content.decode()
    assert "Can't be reached on Telegram" in page
    panel = client_for(consultant).get(PANEL, **EN).content.decode()
    assert reverse("consultant:youth_detail", args=[blocked.pk]) in panel
    assert "since 20 Nov, 14:05" in panel  # the English format (config/formats/en)
    assert "Fremmedblok" not in panel
    assert youth.first_name not in panel


def test_the_panel_says_so_when_everyone_is_reachable(client_for, consultant, youth, other_blocked):
    panel = client_for(consultant).get(PANEL, **EN).content.decode()
    assert "The bot can reach everyone." in panel
    assert "Fremmedblok" not in panel


def test_an_admin_sees_every_municipalitys_unreachable_youth(
    client_for, admin_user, blocked, other_blocked
):
    panel = client_for(admin_user).get(PANEL, **EN).content.decode()
    assert "Blokeret" in panel and "Fremmedblok" in panel


def test_the_panel_links_to_all_of_them_beyond_ten(client_for, consultant, municipality):
    for _ in range(12):
        f.YouthFactory(municipality=municipality, unreachable_at=SINCE)
    panel = client_for(consultant).get(PANEL, **EN).content.decode()
    assert panel.count("<li>") == 10
    assert f"{LIST}?unreachable=1" in panel and "See all 12" in panel


def test_company_members_see_no_panel(client_for, company_member, blocked):
    assert client_for(company_member).get(PANEL, **EN).status_code == 403


def test_the_youth_page_says_since_when_and_what_to_do(client_for, consultant, blocked, youth):
    url = reverse("consultant:youth_detail", args=[blocked.pk])
    page = client_for(consultant).get(url, **EN).content.decode()
    assert 'id="unreachable-notice"' in page
    assert "Friday 20 November 2026, 14:05" in page  # the English format (config/formats/en)
    assert "ask them to unblock the bot" in page
    reachable = client_for(consultant).get(
        reverse("consultant:youth_detail", args=[youth.pk]), **EN
    )
    assert b'id="unreachable-notice"' not in reachable.content


def test_another_municipalitys_unreachable_youth_stays_unknown(
    client_for, consultant, other_blocked
):
    url = reverse("consultant:youth_detail", args=[other_blocked.pk])
    assert client_for(consultant).get(url, **EN).status_code == 404


# --- live -------------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_mark_reaches_the_own_municipality_live_and_nobody_else(
    youth, consultant, other_consultant, admin_user, company_member
):
    async with Sockets() as sockets:
        own = await sockets.listen("/ws/dashboard/", consultant.user)
        other = await sockets.listen("/ws/dashboard/", other_consultant.user)
        admin = await sockets.listen("/ws/dashboard/", admin_user)
        company = await sockets.listen("/ws/company/", company_member.user)

        await database_sync_to_async(youth_mark_unreachable)(
            youth_id=youth.pk, reason="forbidden: Forbidden: bot was blocked by the user"
        )

        expected = {
            "type": "youth.unreachable",
            "id": youth.pk,
            "youth_id": youth.pk,
            "municipality_id": youth.municipality_id,
        }
        assert await own.receive_json_from() == expected
        assert await admin.receive_json_from() == expected
        assert await other.receive_nothing(timeout=0.2)
        assert await company.receive_nothing(timeout=0.1)

        fresh = await database_sync_to_async(type(youth).objects.get)(pk=youth.pk)
        await database_sync_to_async(youth_mark_reachable)(youth=fresh)
        assert (await own.receive_json_from())["type"] == "youth.reachable"
        assert await other.receive_nothing(timeout=0.2)
        assert await company.receive_nothing(timeout=0.1)


def test_the_youth_page_counts_delivery_unknown_apart_from_not_received(
    client_for, consultant, youth
):
    Status = OutboxMessage.Status
    for n, status in enumerate(
        [Status.SENT, Status.SENT, Status.PENDING, Status.UNKNOWN, Status.FAILED, Status.SKIPPED]
    ):
        OutboxMessage.objects.create(
            recipient=youth,
            kind=OutboxMessage.Kind.MEETING_REMINDER,
            dedupe_key=f"page:{n}",
            due_at=SINCE,
            status=status,
        )
    url = reverse("consultant:youth_detail", args=[youth.pk])
    page = client_for(consultant).get(url, **EN).content.decode()
    assert 'id="bot-messages"' in page
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', page))
    # A message Telegram may have delivered is never counted as not received.
    assert counts == {"sent": "2", "waiting": "1", "delivery-unknown": "1", "not-received": "1"}
    assert "They have probably received it." in page


def test_a_youth_without_messages_shows_no_message_counts(client_for, consultant, youth):
    url = reverse("consultant:youth_detail", args=[youth.pk])
    assert b'id="bot-messages"' not in client_for(consultant).get(url, **EN).content
