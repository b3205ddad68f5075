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
