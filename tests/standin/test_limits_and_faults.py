"""Flood limits (429 with retry_after), injected faults and users who blocked the bot."""

import threading
import time

import pytest

from standin import StandIn
from tests.standin.conftest import call


def send(standin, user, text="Hi", **kwargs):
    return call(standin, "sendMessage", chat_id=user.id, text=text, **kwargs)


def test_more_than_30_sends_a_second_answer_429_with_retry_after(standin, youth):
    statuses = []
    lock = threading.Lock()

    def burst():
        status, answer = send(standin, youth)
        with lock:
            statuses.append((status, answer))

    threads = [threading.Thread(target=burst) for _ in range(40)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started < 1, "the burst must fit in the one-second window"
    refused = [answer for status, answer in statuses if status == 429]
    assert len(refused) == 10
    assert refused[0]["error_code"] == 429
    assert refused[0]["description"].startswith("Too Many Requests: retry after ")
    assert refused[0]["parameters"]["retry_after"] >= 1
    assert isinstance(refused[0]["parameters"]["retry_after"], int)
    assert standin.counters["429"] == 10
    assert standin.counters["sendMessage"] == 40
    assert len(standin.messages(youth)) == 30


def test_the_window_slides_so_a_later_send_passes_again():
    with StandIn(global_rate=2) as standin:
        youth = standin.new_user()
        assert [send(standin, youth)[0] for _ in range(3)] == [200, 200, 429]
        time.sleep(1.05)
        assert send(standin, youth)[0] == 200


def test_edits_and_chat_actions_do_not_count_as_sends():
    with StandIn(global_rate=1) as standin:
        youth = standin.new_user()
        _, answer = send(standin, youth)
        message_id = answer["result"]["message_id"]
        status, _ = call(
            standin, "editMessageText", chat_id=youth.id, message_id=message_id, text="Edited"
        )
        assert status == 200
        assert call(standin, "sendChatAction", chat_id=youth.id, action="typing")[0] == 200
        assert send(standin, youth)[0] == 429


def test_the_per_chat_limit_is_off_by_default_and_holds_each_chat_apart():
    with StandIn(per_chat_rate=1) as standin:
        amal, jonas = standin.new_user(), standin.new_user()
        assert send(standin, amal)[0] == 200
        status, answer = send(standin, amal)
        assert (status, answer["parameters"]["retry_after"]) == (429, 1)
        assert send(standin, jonas)[0] == 200


@pytest.mark.parametrize(
    ("kind", "code", "description"),
    [
        ("429", 429, "Too Many Requests: retry after 1"),
        ("500", 500, "Internal Server Error"),
        ("502", 502, "Bad Gateway"),
        ("403", 403, "Forbidden: bot was blocked by the user"),
        ("400", 400, "Bad Request: injected fault"),
    ],
)
def test_a_fault_fails_the_next_calls_of_that_method_then_clears(
    standin, youth, kind, code, description
):
    standin.set_fault("sendmessage", kind, count=2)
    for _ in range(2):
        status, answer = send(standin, youth)
        assert (status, answer["error_code"], answer["description"]) == (code, code, description)
    assert call(standin, "getMe")[0] == 200  # other methods are untouched
    assert send(standin, youth)[0] == 200
    assert len(standin.messages(youth)) == 1


def test_a_fault_can_carry_its_own_description(standin, youth):
    standin.set_fault("sendMessage", "400", description="Bad Request: chat not found")
    assert send(standin, youth)[1]["description"] == "Bad Request: chat not found"


def test_a_timeout_fault_holds_the_answer_past_the_client_but_still_sends(standin, youth):
    standin.set_fault("sendMessage", "timeout", hold=0.6)
    with pytest.raises(TimeoutError):
        send(standin, youth, timeout_=0.2)
    (sent,) = standin.wait_for(youth, timeout=5)  # delivered anyway: the ambiguous timeout
    assert sent.text == "Hi"


def test_an_unknown_fault_kind_is_refused(standin):
    with pytest.raises(ValueError, match="unknown fault kind"):
        standin.set_fault("sendMessage", "418")


def test_a_blocked_user_makes_every_send_to_them_403(standin, youth):
    other = standin.new_user()
    standin.block(youth)
    blocked = (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    assert send(standin, youth) == blocked
    assert call(standin, "sendChatAction", chat_id=youth.id, action="typing") == blocked
    assert send(standin, other)[0] == 200
    standin.unblock(youth)
    assert send(standin, youth)[0] == 200


def test_a_slow_per_chat_rate_spaces_sends_by_its_period():
    # 20 messages a minute, Telegram's group limit: one every 3 s, so the next waits 3 s.
    with StandIn(per_chat_rate=1 / 3) as standin:
        youth = standin.new_user()
        assert send(standin, youth)[0] == 200
        status, answer = send(standin, youth)
        assert (status, answer["parameters"]["retry_after"]) == (429, 3)
