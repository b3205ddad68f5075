"""A running stand-in per test, and a plain HTTP client for its Bot API."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from standin import StandIn

TOKEN = "123456:test-token_AB"


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch):
    # PTB 22 warns (an error here) whenever a RetryAfter is built with an int unless the
    # timedelta behaviour of its next major version is switched on.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def standin():
    with StandIn(bot_username="nextwork_test_bot") as running:
        yield running


@pytest.fixture
def youth(standin):
    return standin.new_user(first_name="Amal", language_code="da")


def call(standin, method, *, encoding="form", token=TOKEN, timeout_=10, **params):
    """One Bot API call over real HTTP: (HTTP status, decoded JSON answer).

    ``timeout_`` is the client's wait; ``timeout`` would be getUpdates' own parameter.
    """
    url = f"{standin.base_url}{token}/{method}"
    data, headers = None, {}
    if encoding == "query":
        url += "?" + urllib.parse.urlencode(params)
    elif encoding == "json":
        data, headers = json.dumps(params).encode(), {"Content-Type": "application/json"}
    else:
        # Telegram's form convention: complex values JSON-encoded, strings as they are.
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        data = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, body = fetch(url, data=data, headers=headers, timeout=timeout_)
    return status, json.loads(body)


def fetch(url, *, data=None, headers=None, timeout=10):
    """(status, body) of one request to the stand-in, error statuses included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - ours
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - ours
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def keyboard(*rows):
    """An inline keyboard from rows of (text, callback_data) pairs."""
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data} for text, data in row] for row in rows
        ]
    }
