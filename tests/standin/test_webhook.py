"""Webhook mode: updates POSTed with the secret header, retried until 2xx, redelivered on demand."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from standin import StandIn
from tests.standin.conftest import call


class Receiver:
    """A tiny webhook endpoint: records what it got, answers the statuses it is told to."""

    def __init__(self, statuses=(), reply=b""):
        self.statuses = list(statuses)
        self.reply = reply  # the body of every answer
        self.received = []  # (secret header, update)
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(
                        (self.headers.get("X-Telegram-Bot-Api-Secret-Token"), json.loads(body))
                    )
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.reply)))
                self.end_headers()
                self.wfile.write(receiver.reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/telegram/webhook/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count, timeout=10):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), (
                self.received
            )
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def wait_until(predicate, timeout=5):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def fast_standin():
    with StandIn(webhook_retry_delay=0.05, webhook_retry_max=0.2) as running:
        yield running


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def test_updates_are_posted_with_the_secret_header(fast_standin, receiver):
    youth = fast_standin.new_user()
    status, answer = call(
        fast_standin, "setWebhook", url=receiver.url, secret_token="s3cret_-token"
    )
    assert (status, answer) == (200, {"ok": True, "result": True, "description": "Webhook was set"})
    update_id = fast_standin.send_text(youth, "/start")
    ((secret, update),) = receiver.wait(1)
    assert secret == "s3cret_-token"
    assert update["update_id"] == update_id
    assert update["message"]["text"] == "/start"
    assert wait_until(lambda: fast_standin.pending_update_count() == 0)  # accepted: dropped
    info = call(fast_standin, "getWebhookInfo")[1]["result"]
    assert (info["url"], info["pending_update_count"]) == (receiver.url, 0)


def test_get_updates_is_409_while_a_webhook_is_set(fast_standin, receiver):
    call(fast_standin, "setWebhook", url=receiver.url)
    status, answer = call(fast_standin, "getUpdates")
    assert (status, answer) == (
        409,
        {
            "ok": False,
            "error_code": 409,
            "description": "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        },
    )
    assert call(fast_standin, "deleteWebhook")[1]["description"] == "Webhook was deleted"
    assert call(fast_standin, "getUpdates")[0] == 200


def test_an_update_is_retried_until_the_bot_answers_2xx(fast_standin):
    endpoint = Receiver(statuses=[500, 502])
    try:
        youth = fast_standin.new_user()
        call(fast_standin, "setWebhook", url=endpoint.url)
        update_id = fast_standin.send_text(youth, "hello")
        received = endpoint.wait(3)
        assert [update["update_id"] for _, update in received] == [update_id] * 3
        info = call(fast_standin, "getWebhookInfo")[1]["result"]
        assert info["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"
    finally:
        endpoint.close()


def test_one_chats_updates_arrive_in_order_even_after_a_failure(fast_standin):
    endpoint = Receiver(statuses=[500])
    try:
        youth = fast_standin.new_user()
        call(fast_standin, "setWebhook", url=endpoint.url)
        first = fast_standin.send_text(youth, "one")
        second = fast_standin.send_text(youth, "two")
        received = endpoint.wait(3)
        assert [update["update_id"] for _, update in received] == [first, first, second]
    finally:
        endpoint.close()


def test_redeliver_posts_an_already_delivered_update_again(fast_standin, receiver):
    youth = fast_standin.new_user()
    call(fast_standin, "setWebhook", url=receiver.url)
    update_id = fast_standin.send_text(youth, "once")
    receiver.wait(1)
    fast_standin.redeliver(update_id)
    (_, first), (_, again) = receiver.wait(2)
    assert first == again


def test_redeliver_needs_a_webhook(standin, youth):
    update_id = standin.send_text(youth, "x")
    with pytest.raises(RuntimeError):
        standin.redeliver(update_id)


def test_set_webhook_can_drop_pending_updates(fast_standin, receiver):
    youth = fast_standin.new_user()
    fast_standin.send_text(youth, "old")
    call(fast_standin, "setWebhook", url=receiver.url, drop_pending_updates=True)
    fast_standin.send_text(youth, "new")
    ((_, update),) = receiver.wait(1)
    assert update["message"]["text"] == "new"


def test_a_bad_secret_token_is_refused(standin):
    status, answer = call(
        standin, "setWebhook", url="https://example.org/", secret_token="no spaces"
    )
    assert (status, answer["description"]) == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )


def _press_a_button(standin, youth) -> None:
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "v1:menu:show"}]]}
    status, sent = call(standin, "sendMessage", chat_id=youth.id, text="?", reply_markup=markup)
    assert status == 200
    standin.press(youth, "v1:menu:show", sent["result"]["message_id"])


def test_a_method_in_the_answer_to_a_post_is_carried_out(fast_standin):
    youth = fast_standin.new_user()
    endpoint = Receiver()
    try:
        call(fast_standin, "setWebhook", url=endpoint.url)
        _press_a_button(fast_standin, youth)
        ((_, update),) = endpoint.wait(1)
        query_id = update["callback_query"]["id"]
        endpoint.reply = json.dumps(
            {"method": "answerCallbackQuery", "callback_query_id": query_id}
        ).encode()
        # The answer to the first post carried nothing; a redelivery's answer answers it.
        fast_standin.redeliver(update["update_id"])
        endpoint.wait(2)
        assert wait_until(lambda: fast_standin.callback_answers(youth) == [""])
        assert fast_standin.counters["answerCallbackQuery"] == 1
    finally:
        endpoint.close()


@pytest.mark.parametrize(
    "reply", [b"not json", b"[]", b'{"ok": true}', b'{"method": "noSuchMethod"}']
)
def test_an_answer_without_a_known_method_changes_nothing(fast_standin, reply):
    youth = fast_standin.new_user()
    endpoint = Receiver(reply=reply)
    try:
        call(fast_standin, "setWebhook", url=endpoint.url)
        fast_standin.send_text(youth, "hej")
        endpoint.wait(1)
        assert wait_until(lambda: fast_standin.pending_update_count() == 0)
        assert fast_standin.callback_answers(youth) == []
    finally:
        endpoint.close()
