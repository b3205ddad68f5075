"""The database relay of live news between processes (portal/relay.py): what a process writes,
what a websocket-serving process reads and passes on, and what it leaves alone."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from domain.services.conversation import message_from_youth
from portal import realtime, relay
from portal.models import LiveRelayMessage
from tests.portal.live_support import Sockets

DASHBOARD = "/ws/dashboard/"


@pytest.mark.live_relay
@pytest.mark.django_db
def test_every_group_message_of_an_event_is_written_for_the_other_processes(
    youth, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_from_youth(youth=youth, text="hej")
    rows = list(LiveRelayMessage.objects.order_by("pk").values("origin", "group", "message"))
    assert {row["origin"] for row in rows} == {relay.ORIGIN}
    assert [row["group"] for row in rows] == [
        realtime.ADMINS,
        realtime.municipality_group(youth.municipality_id),
    ]
    # The words never travel: type and ids only, as on the socket.
    assert rows[1]["message"]["type"] == realtime.MESSAGE_TYPE
    assert rows[1]["message"]["event"]["type"] == "message.created"
    assert "hej" not in str(rows)


@pytest.mark.django_db
def test_with_the_relay_off_nothing_is_written(settings, youth, django_capture_on_commit_callbacks):
    settings.NEXTWORK_LIVE_RELAY = False
    with django_capture_on_commit_callbacks(execute=True):
        message_from_youth(youth=youth, text="hej")
    assert not LiveRelayMessage.objects.exists()


@pytest.mark.live_relay
@pytest.mark.django_db
def test_rows_older_than_a_minute_are_swept(monkeypatch):
    old = timezone.now() - timedelta(minutes=5)
    LiveRelayMessage.objects.create(origin="x", group="admins", message={}, created_at=old)
    monkeypatch.setattr(relay, "_last_sweep", None)
    relay.relay_write([("admins", {"type": realtime.CLOSE_TYPE})])
    assert list(LiveRelayMessage.objects.values_list("origin", flat=True)) == [relay.ORIGIN]


def _written_by_another_process(group: str, event: dict) -> None:
    LiveRelayMessage.objects.create(
        origin="bot-process",
        group=group,
        message={"type": realtime.MESSAGE_TYPE, "event": event},
        created_at=timezone.now(),
    )


@pytest.mark.live_relay
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_hears_what_another_process_wrote_and_not_its_own_rows_twice(
    consultant, youth
):
    group = realtime.municipality_group(consultant.municipality_id)
    try:
        async with Sockets() as sockets:
            socket, connected, _ = await sockets.open(DASHBOARD, consultant.user)
            assert connected
            # Written by this process: already sent to its own layer, so the reader skips it.
            await database_sync_to_async(relay.relay_write)(
                [(group, {"type": realtime.MESSAGE_TYPE, "event": {"type": "youth.updated"}})]
            )
            await database_sync_to_async(_written_by_another_process)(
                group, {"type": "message.created", "youth_id": youth.pk}
            )
            heard = await socket.receive_json_from(timeout=2)
            assert heard == {"type": "message.created", "youth_id": youth.pk}
            assert await socket.receive_nothing(timeout=0.5)
    finally:
        await relay.relay_stop()


@pytest.mark.live_relay
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_one_reader_per_event_loop():
    try:
        relay.relay_listen()
        first = relay._listeners[asyncio.get_running_loop()]
        relay.relay_listen()
        assert relay._listeners[asyncio.get_running_loop()] is first
        assert get_channel_layer() is not None
    finally:
        await relay.relay_stop()


def test_the_relay_is_on_by_default_exactly_without_redis():
    from config.settings import channels as channel_settings

    assert channel_settings.NEXTWORK_LIVE_RELAY is (not channel_settings.REDIS_URL)
