"""The error pages close the database connection they open: under ASGI Django renders them in
a thread and context of their own, where nothing else would."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.http import Http404
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject
from django.views import defaults

from portal.views import error_pages


def _render_elsewhere(view, user_pk: int) -> tuple[int, bool]:
    """Render ``view`` for a logged-in user in a new thread, as Django's ASGI handler renders an
    error page; return its status and whether that thread was left with an open connection."""
    request = RequestFactory().get("/nowhere/")
    request.session = SessionStore()
    # Read from the database only when the page asks for the user (the menu does).
    request.user = SimpleLazyObject(lambda: get_user_model().objects.get(pk=user_pk))
    seen: list[tuple[int, bool]] = []

    def run() -> None:
        response = view(request, Http404())
        seen.append((response.status_code, connections["default"].connection is not None))
        connections.close_all()  # the test's own clean-up, whatever the view did

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)
    return seen[0]


@pytest.mark.postgres  # Django keeps an in-memory SQLite test database's connections open
@pytest.mark.django_db(transaction=True)
def test_the_404_page_closes_the_connection_it_opened(company_member):
    status, left_open = _render_elsewhere(error_pages.page_not_found, company_member.user.pk)
    assert (status, left_open) == (404, False)


@pytest.mark.django_db(transaction=True)
def test_without_it_the_connection_would_stay_open(company_member):
    """The premise: Django's own view reads the user and leaves the connection open."""
    status, left_open = _render_elsewhere(defaults.page_not_found, company_member.user.pk)
    assert (status, left_open) == (404, True)


def test_every_error_page_is_ours():
    from config import urls

    assert {urls.handler400, urls.handler403, urls.handler404} == {
        f"portal.views.error_pages.{name}" for name in error_pages.__all__ if name != "server_error"
    }
    # The 500 handler tells a busy database (a 503) from a fault, and shows ours for a fault
    # (tests/test_capacity.py).
    assert urls.handler500 == "config.capacity.server_error"
