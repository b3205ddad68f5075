"""Telling "no database connection to be had now" from a query that failed: the web's busy
answer (503 + Retry-After, config/capacity.py) and the Telegram webhook's both ask here."""

from __future__ import annotations

import psycopg
from django.db import OperationalError
from psycopg_pool import PoolTimeout

# PostgreSQL's answers that mean "no connection for you now": too_many_connections,
# cannot_connect_now, and the whole connection-exception class.
_BUSY_SQLSTATES = {"53300", "57P03"}
_CONNECTION_EXCEPTION_CLASS = "08"


def is_database_busy(error: BaseException | None) -> bool:
    """True when ``error`` says no database connection could be had (as opposed to a query
    that failed on a connection it had)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, PoolTimeout):
        return True
    if not isinstance(cause, psycopg.OperationalError):
        return False
    state = cause.sqlstate
    if state is None:  # refused, reset or unreachable before PostgreSQL could say anything
        return True
    return state in _BUSY_SQLSTATES or state.startswith(_CONNECTION_EXCEPTION_CLASS)
