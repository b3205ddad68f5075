"""The simulation API the bot's tests drive: users, texts, presses, raw updates, waiting."""

import threading

import pytest

from tests.standin.conftest import call, keyboard


def bot_says(standin, user, text, *rows):
    markup = keyboard(*rows) if rows else None
    params = {"reply_markup": markup} if markup else {}
    _, answer = call(standin, "sendMessage", chat_id=user.id, text=text, **params)
    return answer["result"]["message_id"]


def next_update(standin):
    _, answer = call(standin, "getUpdates")
    (update,) = answer["result"]
    call(standin, "getUpdates", offset=update["update_id"] + 1)
    return update


def test_new_users_have_distinct_ids_and_their_private_chat(standin):
    amal = standin.new_user(first_name="Amal", language_code="da")
    jonas = standin.new_user(
        first_name="Jonas", last_name="Berg", username="jb", language_code="en"
    )
    assert amal.id != jonas.id
    standin.send_text(jonas, "hi")
    message = next_update(standin)["message"]
    assert message["chat"] == {
        "id": jonas.id,
        "type": "private",
        "first_name": "Jonas",
        "last_name": "Berg",
        "username": "jb",
    }
    assert message["from"]["language_code"] == "en"


def test_press_chooses_the_newest_message_showing_the_button(standin, youth):
    older = bot_says(standin, youth, "Old menu", [("Menu", "v1:menu")])
    newer = bot_says(standin, youth, "New menu", [("Menu", "v1:menu")])
    standin.press(youth, "v1:menu")
    assert next_update(standin)["callback_query"]["message"]["message_id"] == newer
    standin.press(youth, "v1:menu", message_id=older)
    assert next_update(standin)["callback_query"]["message"]["message_id"] == older


def test_press_refuses_a_button_that_is_not_shown(standin, youth):
    message_id = bot_says(standin, youth, "Menu", [("Menu", "v1:menu")])
    with pytest.raises(LookupError):
        standin.press(youth, "v1:other")
    call(standin, "editMessageReplyMarkup", chat_id=youth.id, message_id=message_id)
    with pytest.raises(LookupError):
        standin.press(youth, "v1:menu")
    with pytest.raises(LookupError):
        standin.press_text(youth, "Menu")


def test_press_text_picks_the_button_by_its_label(standin, youth):
    bot_says(standin, youth, "Language?", [("Dansk", "v1:lang:da"), ("English", "v1:lang:en")])
    standin.press_text(youth, "English")
    assert next_update(standin)["callback_query"]["data"] == "v1:lang:en"


def test_inject_update_assigns_an_id_and_its_callback_query_can_be_answered(standin, youth):
    update_id = standin.inject_update(
        {
            "callback_query": {
                "id": "forged-1",
                "from": youth.to_api(),
                "chat_instance": "1",
                "data": "v9:garbage",
            }
        }
    )
    update = next_update(standin)
    assert update["update_id"] == update_id
    assert update["callback_query"]["data"] == "v9:garbage"
    assert call(standin, "answerCallbackQuery", callback_query_id="forged-1", text="Hmm")[0] == 200
    assert standin.callback_answers(youth) == ["Hmm"]


def test_inject_update_keeps_a_given_id_and_later_ids_follow_it(standin, youth):
    assert standin.inject_update({"update_id": 10**9, "message": {"text": "x"}}) == 10**9
    assert standin.send_text(youth, "next") > 10**9


def test_wait_for_hands_out_each_message_once_and_waits_for_new_ones(standin, youth):
    bot_says(standin, youth, "One")
    (first,) = standin.wait_for(youth)
    assert first.text == "One"
    threading.Timer(0.2, bot_says, (standin, youth, "Two")).start()
    (second,) = standin.wait_for(youth, timeout=5)
    assert second.text == "Two"


def test_wait_for_times_out_with_what_did_arrive(standin, youth):
    bot_says(standin, youth, "Only one")
    with pytest.raises(TimeoutError, match="Only one") as caught:
        standin.wait_for(youth, count=2, timeout=0.2)
    assert [m.text for m in caught.value.received] == ["Only one"]


def test_messages_shows_the_chat_as_it_is_now(standin, youth):
    first = bot_says(standin, youth, "First")
    bot_says(standin, youth, "Second")
    call(standin, "editMessageText", chat_id=youth.id, message_id=first, text="First, edited")
    assert [(m.text, m.edited) for m in standin.messages(youth)] == [
        ("First, edited", True),
        ("Second", False),
    ]


def test_unknown_users_are_a_lookup_error(standin):
    stranger = type(standin.new_user())(id=1, first_name="Nobody")
    with pytest.raises(LookupError):
        standin.send_text(stranger, "hi")
