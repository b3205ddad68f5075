"""The ASGI entry point: HTTP reaches Django, websockets reach only the routes Channels knows."""

import json

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator

from config.asgi import application


def test_http_goes_to_django_and_health_answers_ok():
    async def get_health() -> dict:
        communicator = HttpCommunicator(
            application, "GET", "/health/", headers=[(b"host", b"localhost")]
        )
        response = await communicator.get_response()
        await communicator.wait()  # let Django finish the request and close its files
        return response

    response = async_to_sync(get_health)()

    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}
    assert (b"Content-Type", b"application/json") in response["headers"]


def test_websocket_to_an_unknown_path_is_rejected():
    async def connect() -> bool:
        communicator = WebsocketCommunicator(
            application,
            "/ws/no-such-route/",
            headers=[(b"host", b"localhost"), (b"origin", b"http://localhost")],
        )
        connected, _ = await communicator.connect()
        await communicator.wait()
        return connected

    assert async_to_sync(connect)() is False


def test_websocket_from_a_foreign_origin_is_rejected():
    async def connect() -> bool:
        communicator = WebsocketCommunicator(
            application,
            "/ws/no-such-route/",
            headers=[(b"host", b"localhost"), (b"origin", b"https://evil.example")],
        )
        connected, _ = await communicator.connect()
        await communicator.wait()
        return connected

    assert async_to_sync(connect)() is False
