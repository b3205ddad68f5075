"""The project's real ASGI application, served by uvicorn on a free port in a thread.

For tests that need a real server: websockets through channels-redis, and the browser tests.
Run them with a ``transaction=True`` database, since the server's threads have connections of
their own and must see what the test commits.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Callable
from typing import Any

import psycopg
import uvicorn
from asgiref.sync import sync_to_async
from csp.exceptions import CSPNonceError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

START_TIMEOUT = 10
CALL_TIMEOUT = 30


class AsgiServer:
    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_level="warning",
            loop="asyncio",
            ws="websockets-sansio",
            # At the end of a test: a websocket consumer left waiting on the channel layer is
            # cancelled after this instead of holding the teardown for seconds.
            timeout_graceful_shutdown=0.5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="asgi-test-server", daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(self._server.serve())
            # Let work handed to the default executor (see _close_stray_connections) finish,
            # so that nothing opens a connection after the sweep.
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
        finally:
            self.loop.close()

    def __enter__(self) -> AsgiServer:
        self._thread.start()
        deadline = threading.Event()
        for _ in range(START_TIMEOUT * 20):
            if self._server.started or not self._thread.is_alive():
                break
            deadline.wait(0.05)
        if not self._server.started:
            raise RuntimeError("the test ASGI server did not start")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The server's sync thread holds its own database connection; close it so the test
        # database can be flushed and dropped afterwards.
        self.call(lambda: None)
        self._server.should_exit = True
        self._thread.join(timeout=10)
        _close_stray_connections()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def call(self, func: Callable[..., Any], /, **kwargs: Any) -> Any:
        """Run ``func(**kwargs)`` as the server's own code would: in its sync thread, on its
        event loop. Needed with the in-memory channel layer, which only works within one loop;
        with Redis, a service may just as well be called from the test itself."""

        def run() -> Any:
            try:
                return func(**kwargs)
            finally:
                connections.close_all()

        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(sync_to_async(run)(), self.loop)
        return future.result(timeout=CALL_TIMEOUT)


def _close_stray_connections() -> None:
    """Close the database connections the server's threads left open.

    Django renders the response to an exception (a 404 included) in a thread-pool thread
    (``response_for_exception`` runs with ``thread_sensitive=False``), and nothing closes the
    connection a template opened there; PostgreSQL then refuses to flush or drop the test
    database while it lives. The test's own connections are left alone."""
    with warnings.catch_warnings():
        # Those already unreachable are closed by the collector, which warns about each.
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    own = {id(connections[alias]) for alias in connections}
    own_raw = {id(connections[alias].connection) for alias in connections}
    for candidate in gc.get_objects():
        try:
            is_wrapper = isinstance(candidate, BaseDatabaseWrapper)
        except ReferenceError:  # a weak proxy whose object is gone: nothing to close
            continue
        except CSPNonceError:  # a finished response's nonce: django-csp refuses to be read
            continue
        if is_wrapper:
            if id(candidate) not in own and candidate.connection is not None:
                candidate.inc_thread_sharing()  # closing from another thread is deliberate
                candidate.close()
        elif (
            isinstance(candidate, psycopg.Connection)
            and id(candidate) not in own_raw
            and not candidate.closed
        ):
            # Its wrapper is gone already, but the driver's connection is still alive. A pooled
            # one a thread borrowed goes back to its pool (closing it would leave the pool
            # counting it as lent for good); one resting in the pool is the pool's to keep.
            pool = getattr(candidate, "_pool", None)
            if pool is not None:
                pool.putconn(candidate)
            elif not _pooled():
                candidate.close()


def _pooled() -> bool:
    return bool(connections["default"].settings_dict.get("OPTIONS", {}).get("pool"))
