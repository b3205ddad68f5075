"""Fixtures the portal's tests share."""

import pytest

from domain import events


@pytest.fixture
def published():
    """The domain events published (and committed) during a test."""
    seen: list[events.DomainEvent] = []

    def listener(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe("*")(listener)
    yield seen
    events.unsubscribe(listener)
