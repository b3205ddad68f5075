"""Fixtures for the portal's page tests: a client logged in as someone."""

from collections.abc import Callable

import pytest
from django.test import Client


@pytest.fixture
def client_for() -> Callable[..., Client]:
    """``client_for(user)`` → a test client logged in as ``user`` (a User, or anything with a
    ``.user`` such as a consultant or company member); ``None`` → anonymous.
    ``csrf=True`` enforces CSRF checks as a browser would meet them."""

    def make(who=None, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        if who is not None:
            client.force_login(getattr(who, "user", who))
        return client

    return make


@pytest.fixture
def queries_for() -> Callable[[Client, str], int]:
    """``queries_for(client, url)`` → the number of database queries one GET of ``url`` takes
    (and asserts it answers 200), to compare a list page with 1 row and with 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    return count
