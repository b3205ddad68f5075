"""The bot process keeps its database connections between updates and still replaces a broken
one: on PostgreSQL through the connection pool (a call borrows one and gives it back), elsewhere
as a persistent connection with health checks. The web process gives its connection back after
every call."""

import pytest
from django.db import connection, connections

from bot.bridge import _plain
from bot.runner import BOT_CONN_MAX_AGE, keep_database_connections


@pytest.fixture
def bot_policy():
    settings = connections.settings["default"]
    saved = {key: settings[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    keep_database_connections()
    yield
    settings.update(saved)
    connections.close_all()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _pooled() -> bool:
    return bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))


def test_the_bot_policy_keeps_connections_and_checks_them(bot_policy):
    if _pooled():
        # The pool keeps them and checks them; Django refuses persistent connections beside it.
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
    else:
        assert connection.settings_dict["CONN_MAX_AGE"] == BOT_CONN_MAX_AGE
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bot_reuses_its_connection_between_calls(bot_policy):
    _plain(_backend_pid, {})  # the pool has a connection now
    opened = connection.pool.get_stats()["connections_num"]
    _plain(_backend_pid, {})
    _plain(_backend_pid, {})
    assert connection.pool.get_stats()["connections_num"] == opened  # none opened: reused
    assert connection.connection is None  # given back to the pool after the call


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_on_the_next_call(bot_policy):
    first = _plain(_backend_pid, {})
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    finally:
        other.close()
    assert _plain(_backend_pid, {}) != first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_bot_policy_every_call_opens_a_new_connection():
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    _plain(_backend_pid, {})
    assert connection.connection is None  # closed after the call, as the web process wants
