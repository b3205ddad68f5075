"""The ASGI entry point: HTTP reaches Django, websockets reach only the routes Channels knows."""

import json

from asgiref.sync import SyncToAsync, async_to_sync
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


def test_a_request_runs_its_middleware_in_one_thread(monkeypatch):
    """Django's own middleware in async mode hands each of its hooks to a thread and back;
    with a sync-only middleware innermost (config.middleware.OneThreadMiddleware) the whole
    stack runs in the request's one thread: no process_request or process_response of its own
    is handed off, and the stack enters a thread once."""
    handoffs: list[str] = []
    original = SyncToAsync.thread_handler

    def counted(self, loop, *args, **kwargs):
        handoffs.append(getattr(self.func, "__qualname__", repr(self.func)))
        return original(self, loop, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "thread_handler", counted)

    async def get_health() -> dict:
        communicator = HttpCommunicator(
            application, "GET", "/health/", headers=[(b"host", b"localhost")]
        )
        response = await communicator.get_response()
        await communicator.wait()
        return response

    assert async_to_sync(get_health)()["status"] == 200
    hooks = [h for h in handoffs if h.endswith((".process_request", ".process_response"))]
    assert hooks == []
    assert handoffs.count("convert_exception_to_response.<locals>.inner") == 1, handoffs
    assert "health" in handoffs  # the view itself: Django's async handler always hands it off
