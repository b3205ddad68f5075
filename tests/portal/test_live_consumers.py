"""The portal's websockets through the whole ASGI stack: who may listen, and who hears what.

Companies A (network of X) and B (network of Y), consultants of X and Y, an admin, anonymous.
A service call in the test must reach exactly the sockets allowed to see it.
"""

import pytest
from channels import consumer
from channels.db import database_sync_to_async

from domain.services.interests import interest_show
from domain.services.network import company_member_remove
from domain.services.notes import note_create
from domain.services.signups import youth_signup
from portal.consumers import DENIED, LOGGED_OUT
from tests import factories as f
from tests.portal.live_support import Sockets, cookie_of, logged_in_client

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

DASHBOARD = "/ws/dashboard/"
COMPANY = "/ws/company/"


def board(event) -> str:
    return f"/ws/events/{event.pk}/board/"


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality)


@pytest.fixture
def other_event(other_municipality):
    return f.EventFactory(municipality=other_municipality)


# --- who may listen ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DASHBOARD, COMPANY, "/ws/events/1/board/"])
async def test_anonymous_sockets_are_refused(path, event):
    async with Sockets() as sockets:
        _, connected, code = await sockets.open(path.replace("1", str(event.pk)))
    assert (connected, code) == (False, DENIED)


async def test_the_dashboard_is_for_consultants_and_admins(consultant, admin_user, company_member):
    async with Sockets() as sockets:
        assert (await sockets.open(DASHBOARD, consultant.user))[1] is True
        assert (await sockets.open(DASHBOARD, admin_user))[1] is True
        assert (await sockets.open(DASHBOARD, company_member.user))[1:] == (False, DENIED)


async def test_the_company_socket_is_for_company_members_only(
    company_member, consultant, admin_user
):
    async with Sockets() as sockets:
        assert (await sockets.open(COMPANY, company_member.user))[1] is True
        assert (await sockets.open(COMPANY, consultant.user))[1:] == (False, DENIED)
        assert (await sockets.open(COMPANY, admin_user))[1:] == (False, DENIED)


async def test_a_deactivated_user_is_refused(consultant):
    consultant.user.is_active = False
    await database_sync_to_async(consultant.user.save)()
    async with Sockets() as sockets:
        assert (await sockets.open(DASHBOARD, consultant.user))[1:] == (False, DENIED)


async def test_an_events_board_is_for_its_municipalitys_consultants_and_admins(
    event, consultant, other_consultant, admin_user, company_member
):
    async with Sockets() as sockets:
        assert (await sockets.open(board(event), consultant.user))[1] is True
        assert (await sockets.open(board(event), admin_user))[1] is True
        assert (await sockets.open(board(event), other_consultant.user))[1:] == (False, DENIED)
        # The company may see the published event's page, but not the board.
        assert (await sockets.open(board(event), company_member.user))[1:] == (False, DENIED)
        assert (await sockets.open("/ws/events/999999/board/", admin_user))[1:] == (
            False,
            DENIED,
        )


# --- who hears what -------------------------------------------------------------------------------


async def test_an_interest_reaches_its_company_and_municipality_and_nobody_else(
    slot,
    youth,
    company_member,
    other_company_member,
    consultant,
    other_consultant,
    admin_user,
    event,
):
    async with Sockets() as sockets:
        own_company = await sockets.listen(COMPANY, company_member.user)
        other_company = await sockets.listen(COMPANY, other_company_member.user)
        own_consultant = await sockets.listen(DASHBOARD, consultant.user)
        other_municipality = await sockets.listen(DASHBOARD, other_consultant.user)
        admin = await sockets.listen(DASHBOARD, admin_user)
        event_board = await sockets.listen(board(event), consultant.user)

        interest = await database_sync_to_async(interest_show)(
            youth=youth, slot=slot, actor=youth, message="Jeg vil gerne bage."
        )

        for_company = {
            "type": "interest.created",
            "id": interest.pk,
            "company_id": slot.company_id,
            "slot_id": slot.pk,
        }
        for_staff = {**for_company, "youth_id": youth.pk, "municipality_id": youth.municipality_id}
        assert await own_company.receive_json_from() == for_company
        assert await own_consultant.receive_json_from() == for_staff
        assert await admin.receive_json_from() == for_staff
        assert await other_company.receive_nothing(timeout=0.2)
        assert await other_municipality.receive_nothing(timeout=0.1)
        assert await event_board.receive_nothing(timeout=0.1)


async def test_a_follow_up_note_never_reaches_the_company(company_member, consultant, youth, slot):
    placement = await database_sync_to_async(f.PlacementFactory)(youth=youth, slot=slot)
    async with Sockets() as sockets:
        company_socket = await sockets.listen(COMPANY, company_member.user)
        dashboard = await sockets.listen(DASHBOARD, consultant.user)

        await database_sync_to_async(note_create)(
            placement=placement, actor=consultant.user, text="Mødtes med Bente i butikken."
        )

        received = await dashboard.receive_json_from()
        assert received["type"] == "note.created"
        assert "text" not in received
        assert await company_socket.receive_nothing(timeout=0.2)


async def test_a_youth_sign_up_reaches_the_events_board_but_no_other_board_or_company(
    event, other_event, youth, consultant, other_consultant, company_member
):
    async with Sockets() as sockets:
        event_board = await sockets.listen(board(event), consultant.user)
        other_board = await sockets.listen(board(other_event), other_consultant.user)
        company_socket = await sockets.listen(COMPANY, company_member.user)

        signup = await database_sync_to_async(youth_signup)(
            event=event, youth=youth, actor=consultant.user
        )

        assert await event_board.receive_json_from() == {
            "type": "signup.created",
            "id": signup.pk,
            "event_id": event.pk,
        }
        assert await other_board.receive_nothing(timeout=0.2)
        assert await company_socket.receive_nothing(timeout=0.1)


async def test_the_socket_ignores_what_the_browser_sends_and_leaves_its_groups_on_close(
    company_member, slot, youth
):
    async with Sockets() as sockets:
        listening = await sockets.listen(COMPANY, company_member.user)
        await listening.send_json_to({"type": "interest.created", "id": 1})
        assert await listening.receive_nothing(timeout=0.1)
    # Closed: a later event must not fail on the socket that left its group.
    interest = await database_sync_to_async(interest_show)(youth=youth, slot=slot, actor=youth)
    assert interest.pk


async def test_logging_out_closes_the_users_sockets_and_only_theirs(consultant, other_consultant):
    client = await database_sync_to_async(logged_in_client)(consultant.user)
    async with Sockets() as sockets:
        own, connected, _ = await sockets.open(DASHBOARD, cookie=cookie_of(client))
        assert connected
        other = await sockets.listen(DASHBOARD, other_consultant.user)

        response = await database_sync_to_async(client.post)("/logout/")

        assert response.status_code == 302
        assert await own.receive_output() == {"type": "websocket.close", "code": LOGGED_OUT}
        assert await other.receive_nothing(timeout=0.2)


async def test_a_colleague_removed_from_the_company_stops_hearing_its_news(
    company, company_member, slot, youth
):
    admin_member = await database_sync_to_async(f.CompanyMemberFactory)(
        company=company, is_company_admin=True
    )
    async with Sockets() as sockets:
        removed = await sockets.listen(COMPANY, company_member.user)
        staying = await sockets.listen(COMPANY, admin_member.user)

        await database_sync_to_async(company_member_remove)(
            member=company_member, actor=admin_member.user
        )

        assert await removed.receive_output() == {"type": "websocket.close", "code": DENIED}
        assert (await staying.receive_json_from())["type"] == "company.member_removed"
        await database_sync_to_async(interest_show)(youth=youth, slot=slot, actor=youth)
        assert (await staying.receive_json_from())["type"] == "interest.created"


# --- the cost of news --------------------------------------------------------------------------


async def test_news_reaches_a_socket_without_a_hop_to_a_thread(
    monkeypatch, slot, youth, consultant
):
    """Forwarding news touches no database: it is sent without Channels' per-message closing
    of old connections (a hop to a thread for every socket a change reaches), which the
    socket's other messages (its connection, the browser's frames) still get."""
    hops: list[str] = []
    original = consumer.aclose_old_connections

    async def counted() -> None:
        hops.append("hop")
        await original()

    monkeypatch.setattr(consumer, "aclose_old_connections", counted)
    async with Sockets() as sockets:
        dashboard = await sockets.listen(DASHBOARD, consultant.user)
        assert hops, "the connection itself still closes old connections"
        hops.clear()
        interest = await database_sync_to_async(interest_show)(
            youth=youth, slot=slot, actor=youth, message="Jeg vil gerne bage."
        )
        assert (await dashboard.receive_json_from())["id"] == interest.pk
        assert hops == []
