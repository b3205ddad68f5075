"""A web process under more requests than it has connections: only 2xx, 409 or 503, never 500.

See config/capacity.py: a bounded number of requests in flight per process, and a 503 with
Retry-After when no database connection can be had."""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager

import httpx
import psycopg
import pytest
from django.db import OperationalError, connection, connections
from django.test import RequestFactory
from psycopg_pool import PoolTimeout
from rest_framework.authtoken.models import Token

from config.asgi import django_asgi_app
from config.capacity import DatabaseBusyMiddleware, InFlightLimit, is_database_busy, server_error
from domain.models import YouthSignup
from tests import factories as f
from tests.asgi_server import AsgiServer


def _django_error(cause: BaseException) -> OperationalError:
    """What Django raises around a driver error: its own OperationalError, caused by it."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


def _server_said(sqlstate: str | None) -> psycopg.OperationalError:
    """The driver's error for a SQLSTATE PostgreSQL sent (none: it never got to answer)."""
    if sqlstate is None:
        return psycopg.OperationalError("connection refused")
    return psycopg.errors.lookup(sqlstate)(f"sqlstate {sqlstate}")


@pytest.mark.parametrize(
    ("cause", "busy"),
    [
        (PoolTimeout("couldn't get a connection after 10.00 sec"), True),
        (_server_said("53300"), True),  # too_many_connections
        (_server_said("57P03"), True),  # cannot_connect_now (starting up, shutting down)
        (_server_said("08006"), True),  # connection_failure
        (_server_said(None), True),  # refused before PostgreSQL answered
        (_server_said("40P01"), False),  # a deadlock is a query's failure, not a busy server
        (_server_said("40001"), False),  # serialization failure
        (ValueError("not a database error"), False),
    ],
)
def test_only_a_connection_that_could_not_be_had_counts_as_busy(cause, busy):
    assert is_database_busy(_django_error(cause)) is busy


def test_errors_that_are_not_djangos_operational_error_are_never_busy():
    assert not is_database_busy(PoolTimeout("raw"))
    assert not is_database_busy(None)


def _busy_view(request):
    raise _django_error(PoolTimeout("no connection"))


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/slots/", "application/json"), ("/consultant/", "text/html; charset=utf-8")],
)
def test_a_view_without_a_connection_answers_503_with_retry_after(path, content_type, settings):
    middleware = DatabaseBusyMiddleware(_busy_view)
    request = RequestFactory().get(path)

    try:
        middleware(request)
    except OperationalError as error:
        response = middleware.process_exception(request, error)

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.WEB_RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == content_type
    if path.startswith("/api/"):
        assert json.loads(response.content)["code"] == "busy"
    else:
        assert "Prøv igen om lidt" in response.content.decode()


def test_other_view_errors_are_left_to_the_usual_handling():
    middleware = DatabaseBusyMiddleware(_busy_view)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, _django_error(_server_said("40P01"))) is None


def test_the_500_handler_answers_503_when_a_middleware_found_no_connection():
    request = RequestFactory().get("/api/v1/slots/")
    try:
        raise _django_error(PoolTimeout("no connection"))
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert "Retry-After" in response


@pytest.mark.django_db
def test_the_500_handler_shows_the_portals_error_page_for_any_other_fault():
    request = RequestFactory().get("/consultant/")
    try:
        raise ValueError("a fault")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response


# --- in flight --------------------------------------------------------------------------------


async def _asgi_get(app, path: str = "/") -> tuple[int, dict[bytes, bytes]]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
    start = sent[0]
    return start["status"], dict(start["headers"])


def _slow_app(release: asyncio.Event, inside: list[int]):
    async def app(scope, receive, send):
        inside.append(1)
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def test_requests_past_the_limit_wait_their_turn_and_are_served():
    async def scenario():
        release, inside = asyncio.Event(), []
        app = InFlightLimit(_slow_app(release, inside), limit=2, wait=5)
        requests = [asyncio.create_task(_asgi_get(app)) for _ in range(5)]
        await asyncio.sleep(0.05)
        assert len(inside) == 2  # the other three wait outside the app
        release.set()
        return [status for status, _ in await asyncio.gather(*requests)]

    assert asyncio.run(scenario()) == [200] * 5


def test_a_request_that_waited_too_long_gets_503_with_retry_after(settings):
    async def scenario():
        release, inside = asyncio.Event(), []
        app = InFlightLimit(_slow_app(release, inside), limit=1, wait=0.05)
        first = asyncio.create_task(_asgi_get(app))
        await asyncio.sleep(0.01)
        status, headers = await _asgi_get(app, "/api/v1/slots/")
        release.set()
        return status, headers, (await first)[0]

    status, headers, first = asyncio.run(scenario())
    assert (status, first) == (503, 200)
    assert headers[b"retry-after"] == str(settings.WEB_RETRY_AFTER_SECONDS).encode()
    assert headers[b"content-type"] == b"application/json"


def test_websockets_are_not_counted():
    async def scenario():
        seen = []

        async def app(scope, receive, send):
            seen.append(scope["type"])

        limit = InFlightLimit(app, limit=1, wait=0.01)
        await asyncio.gather(*(limit({"type": "websocket"}, None, None) for _ in range(3)))
        return seen

    assert asyncio.run(scenario()) == ["websocket"] * 3


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="WEB_MAX_IN_FLIGHT"):
        InFlightLimit(None, limit=0, wait=1)


# --- the rush, on PostgreSQL --------------------------------------------------------------------

RUSH = 150  # more than the pool below and than PostgreSQL's default 100 connections
SEATS = 20


@contextmanager
def pool_of(size: int, timeout: float):
    """Every thread's connection comes from a pool of ``size``, waiting at most ``timeout``."""
    pool_options = connections.settings["default"]["OPTIONS"]["pool"]
    before = dict(pool_options)
    connection.close()
    connection.close_pool()
    pool_options.update(min_size=1, max_size=size, timeout=timeout)
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        pool_options.clear()
        pool_options.update(before)


def _rush(app, event, youth, token: str) -> list[int]:
    async def post_all(base_url: str) -> list[int]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
            headers = {"Authorization": f"Token {token}"}
            path = f"/api/v1/events/{event.pk}/youth-signups/"
            responses = await asyncio.gather(
                *(client.post(path, json={"youth": y.pk}, headers=headers) for y in youth)
            )
        return [response.status_code for response in responses]

    with AsgiServer(app) as server:
        return asyncio.run(post_all(server.url))


@pytest.fixture
def rush(municipality, consultant):
    event = f.EventFactory(municipality=municipality, youth_capacity=SEATS)
    youth = f.YouthFactory.create_batch(RUSH, municipality=municipality)
    token = Token.objects.create(user=consultant.user).key
    return event, youth, token


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_past_the_pool_gets_only_created_or_503_and_loses_nothing(rush):
    """Requests let in faster than the pool serves them wait for a connection, then get a
    503: no 500, and every 201 is a sign-up in the database."""
    event, youth, token = rush
    unbounded = InFlightLimit(django_asgi_app, limit=RUSH, wait=60)
    with pool_of(size=2, timeout=0.2):
        statuses = _rush(unbounded, event, youth, token)

    assert set(statuses) <= {201, 503}, sorted(set(statuses))
    assert 503 in statuses  # the pool really was too small
    created = statuses.count(201)
    assert created > 0
    signups = YouthSignup.objects.filter(event=event)
    assert signups.count() == created
    assert signups.filter(status=YouthSignup.Status.CONFIRMED).count() == min(created, SEATS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_within_the_in_flight_limit_is_served_entirely(rush):
    """With as many requests in flight as the pool has connections, the rest wait their turn
    outside Django: all 150 are served, exactly the seats confirmed, the rest waitlisted."""
    event, youth, token = rush
    bounded = InFlightLimit(django_asgi_app, limit=2, wait=60)
    with pool_of(size=2, timeout=10):
        statuses = _rush(bounded, event, youth, token)

    assert statuses == [201] * RUSH
    signups = YouthSignup.objects.filter(event=event)
    assert signups.filter(status=YouthSignup.Status.CONFIRMED).count() == SEATS
    assert signups.filter(status=YouthSignup.Status.WAITLISTED).count() == RUSH - SEATS
