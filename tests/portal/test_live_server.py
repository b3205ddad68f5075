"""One trip through a real server: uvicorn serving config.asgi, channels-redis between the
test (which calls the service, as the bot or worker process would) and a browser-like
websocket client."""

import json
import os
import time
import uuid

import pytest
import redis
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from config.asgi import application
from config.settings.channels import redis_channel_layer
from domain.services.interests import interest_show
from tests.asgi_server import AsgiServer
from tests.portal.live_support import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# CI has Redis; database 6 belongs to these tests.
REDIS_URL = os.environ.get("NEXTWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def _redis_unreachable() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} is unreachable ({error}); CI runs it"
    return ""


@pytest.fixture
def redis_layer(settings):
    reason = _redis_unreachable()
    if reason:
        pytest.skip(reason)
    # The layer production builds from REDIS_URL, with a prefix of its own so that parallel
    # runs on the same Redis never hear each other.
    settings.CHANNEL_LAYERS = {
        "default": redis_channel_layer(REDIS_URL, prefix=f"nw-test-{uuid.uuid4().hex[:8]}")
    }


@pytest.fixture
def server(redis_layer):
    with AsgiServer(application) as running:
        yield running


def _connect(server: AsgiServer, path: str, user=None):
    headers = {"Cookie": session_cookie(user)} if user is not None else {}
    return connect(
        server.ws_url + path,
        origin=server.url,
        additional_headers=headers,
        proxy=None,
        open_timeout=5,
        close_timeout=2,
        legacy=True,
    )


def test_a_service_call_elsewhere_reaches_the_companys_browser_through_redis(
    server, slot, youth, company_member, other_company_member
):
    with (
        _connect(server, "/ws/company/", company_member.user) as own,
        _connect(server, "/ws/company/", other_company_member.user) as other,
    ):
        interest = interest_show(youth=youth, slot=slot, actor=youth)

        assert json.loads(own.recv(timeout=5)) == {
            "type": "interest.created",
            "id": interest.pk,
            "company_id": slot.company_id,
            "slot_id": slot.pk,
        }
        with pytest.raises(TimeoutError):
            other.recv(timeout=0.5)


# Longer than several of channels-redis' 5 s BRPOP waits and redis-py's default 5 s read timeout,
# which together dropped every idle socket after about 5 s.
IDLE_SECONDS = 32


def test_an_idle_socket_outlives_the_redis_read_timeout_and_still_hears_a_change(
    server, slot, youth, company_member
):
    with _connect(server, "/ws/company/", company_member.user) as own:
        time.sleep(IDLE_SECONDS)
        interest = interest_show(youth=youth, slot=slot, actor=youth)

        assert json.loads(own.recv(timeout=5))["id"] == interest.pk


def test_the_real_server_refuses_an_anonymous_socket(server):
    with pytest.raises(InvalidStatus) as refused:
        _connect(server, "/ws/dashboard/")
    # Closing before the handshake completes is a plain HTTP 403 on the wire (the 4403 close
    # code is what Channels' own test communicator sees).
    assert refused.value.response.status_code == 403
