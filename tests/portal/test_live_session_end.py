"""Sessions end everywhere: a websocket closes within a few seconds of its session's expiry,
on logout (tests/portal/test_live_consumers.py), on a password change and when a role it
listens with is taken away; nobody else's socket closes."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from domain.services.staff import consultant_move
from portal.consumers import DENIED, LOGGED_OUT
from tests import factories as f
from tests.portal.live_support import Sockets, cookie_of, logged_in_client

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

DASHBOARD = "/ws/dashboard/"
COMPANY = "/ws/company/"
CLOSED_OUT = {"type": "websocket.close", "code": LOGGED_OUT}
CLOSED_DENIED = {"type": "websocket.close", "code": DENIED}


def _client_expiring_in(user, seconds: int):
    client = logged_in_client(user)
    session = client.session
    session.set_expiry(seconds)
    session.save()
    return client


async def test_a_socket_closes_when_its_session_expires(consultant, other_consultant):
    client = await database_sync_to_async(_client_expiring_in)(consultant.user, 2)
    async with Sockets() as sockets:
        expiring, connected, _ = await sockets.open(DASHBOARD, cookie=cookie_of(client))
        assert connected
        other = await sockets.listen(DASHBOARD, other_consultant.user)
        opened = time.monotonic()

        assert await expiring.receive_nothing(timeout=1.0)
        assert await expiring.receive_output(timeout=5) == CLOSED_OUT
        assert 1.5 < time.monotonic() - opened < 5
        assert await other.receive_nothing(timeout=0.2)


async def test_an_expired_session_cannot_open_a_socket(consultant):
    client = await database_sync_to_async(_client_expiring_in)(consultant.user, 1)
    await asyncio.sleep(1.2)
    async with Sockets() as sockets:
        _, connected, _ = await sockets.open(DASHBOARD, cookie=cookie_of(client))
        assert not connected


async def test_a_password_change_closes_every_session_of_the_user(consultant, other_consultant):
    first = await database_sync_to_async(logged_in_client)(consultant.user)
    second = await database_sync_to_async(logged_in_client)(consultant.user)
    async with Sockets() as sockets:
        one, connected_one, _ = await sockets.open(DASHBOARD, cookie=cookie_of(first))
        two, connected_two, _ = await sockets.open(DASHBOARD, cookie=cookie_of(second))
        assert connected_one and connected_two
        other = await sockets.listen(DASHBOARD, other_consultant.user)

        def change_password():
            consultant.user.set_password("Et-helt-nyt-kodeord-2026")
            consultant.user.save()

        await database_sync_to_async(change_password)()

        assert await one.receive_output(timeout=3) == CLOSED_OUT
        assert await two.receive_output(timeout=3) == CLOSED_OUT
        assert await other.receive_nothing(timeout=0.2)
        # The old session cannot come back either.
        _, again, _ = await sockets.open(DASHBOARD, cookie=cookie_of(first))
        assert not again


async def test_a_login_saving_last_login_closes_nothing(consultant):
    async with Sockets() as sockets:
        listening = await sockets.listen(DASHBOARD, consultant.user)

        def touch_last_login():
            consultant.user.save(update_fields=["last_login"])

        await database_sync_to_async(touch_last_login)()
        assert await listening.receive_nothing(timeout=0.3)


async def test_a_deactivated_user_is_closed_out(consultant):
    async with Sockets() as sockets:
        listening = await sockets.listen(DASHBOARD, consultant.user)

        def deactivate():
            consultant.user.is_active = False
            consultant.user.save()

        await database_sync_to_async(deactivate)()
        assert await listening.receive_output(timeout=3) == CLOSED_OUT


async def test_a_consultant_whose_role_is_removed_is_closed(consultant, other_consultant):
    async with Sockets() as sockets:
        removed = await sockets.listen(DASHBOARD, consultant.user)
        staying = await sockets.listen(DASHBOARD, other_consultant.user)

        await database_sync_to_async(consultant.delete)()  # the admin deletes the role

        assert await removed.receive_output(timeout=3) == CLOSED_DENIED
        assert await staying.receive_nothing(timeout=0.2)


async def test_a_consultant_moved_to_another_municipality_stops_hearing_the_old_one(
    consultant, other_municipality, admin_user
):
    async with Sockets() as sockets:
        moved = await sockets.listen(DASHBOARD, consultant.user)

        await database_sync_to_async(consultant_move)(
            consultant=consultant, municipality=other_municipality, actor=admin_user
        )

        assert await moved.receive_output(timeout=3) == CLOSED_DENIED


async def test_a_company_admin_flag_change_keeps_the_company_socket(company_member):
    async with Sockets() as sockets:
        listening = await sockets.listen(COMPANY, company_member.user)

        def promote():
            company_member.is_company_admin = True
            company_member.save()

        await database_sync_to_async(promote)()
        assert await listening.receive_nothing(timeout=0.3)


async def test_a_superuser_made_ordinary_stops_hearing_everything(municipality):
    admin = await database_sync_to_async(f.AdminUserFactory)()
    async with Sockets() as sockets:
        listening = await sockets.listen(DASHBOARD, admin)

        def demote():
            admin.is_superuser = False
            admin.save()

        await database_sync_to_async(demote)()
        assert await listening.receive_output(timeout=3) == CLOSED_DENIED
