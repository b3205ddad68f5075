"""The Bot API wire format over real HTTP with a plain client: encodings, answers, errors."""

import json
import threading
import time
import uuid

import pytest

from tests.standin.conftest import TOKEN, call, fetch, keyboard


@pytest.mark.parametrize("encoding", ["query", "form", "json"])
def test_get_me_answers_the_configured_bot_in_every_encoding(standin, encoding):
    status, answer = call(standin, "getMe", encoding=encoding)
    assert status == 200
    assert answer["ok"] is True
    assert answer["result"]["username"] == "nextwork_test_bot"
    assert answer["result"]["is_bot"] is True
    assert answer["result"]["id"] == 123456  # the token's bot id


def test_method_names_are_case_insensitive_and_counted_by_their_real_name(standin):
    assert call(standin, "GETME")[0] == 200
    assert call(standin, "getme")[0] == 200
    assert standin.counters["getMe"] == 2


@pytest.mark.parametrize("encoding", ["query", "form", "json"])
def test_send_message_with_a_keyboard_in_every_encoding(standin, youth, encoding):
    markup = keyboard([("Yes", "v1:yes"), ("No", "v1:no")])
    if encoding == "query":
        markup = json.dumps(markup)
    status, answer = call(
        standin,
        "sendMessage",
        encoding=encoding,
        chat_id=youth.id,
        text="Ready?",
        reply_markup=markup,
    )
    assert status == 200, answer
    message = answer["result"]
    assert message["chat"] == {"id": youth.id, "type": "private", "first_name": "Amal"}
    assert message["text"] == "Ready?"
    assert message["reply_markup"] == keyboard([("Yes", "v1:yes"), ("No", "v1:no")])
    (sent,) = standin.messages(youth)
    assert [[b.callback_data for b in row] for row in sent.buttons] == [["v1:yes", "v1:no"]]


def test_html_parse_mode_gives_plain_text_and_entities_in_utf16_units(standin, youth):
    _, answer = call(
        standin,
        "sendMessage",
        chat_id=youth.id,
        parse_mode="HTML",
        text='😀 <b>Hej &amp; velkommen</b> <a href="https://example.org">her</a>',
    )
    message = answer["result"]
    assert message["text"] == "😀 Hej & velkommen her"
    assert message["entities"] == [
        {"type": "bold", "offset": 3, "length": 15},
        {"type": "text_link", "url": "https://example.org", "offset": 19, "length": 3},
    ]


def test_unsupported_html_is_refused_like_telegram(standin, youth):
    status, answer = call(
        standin, "sendMessage", chat_id=youth.id, parse_mode="HTML", text="<div>x</div>"
    )
    assert status == 400
    assert answer["description"].startswith("Bad Request: can't parse entities")


def test_the_limit_counts_the_text_after_entities_parsing(standin, youth):
    text = "<b>" + "x" * 4096 + "</b>"
    assert call(standin, "sendMessage", chat_id=youth.id, parse_mode="HTML", text=text)[0] == 200


@pytest.mark.parametrize(
    ("params", "code", "description"),
    [
        ({"text": "x" * 4097}, 400, "Bad Request: message is too long"),
        ({"text": ""}, 400, "Bad Request: message text is empty"),
        ({"text": "   "}, 400, "Bad Request: message text is empty"),
        ({}, 400, "Bad Request: message text is empty"),
        (
            {"text": "x", "reply_markup": keyboard([("Too long", "x" * 65)])},
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": keyboard([("Empty", "")])},
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": "{not json"},
            400,
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        ({"text": "x", "chat_id": 42}, 400, "Bad Request: chat not found"),
        ({"text": "x", "chat_id": ""}, 400, "Bad Request: chat_id is empty"),
    ],
)
def test_send_message_errors_are_telegrams(standin, youth, params, code, description):
    params = {"chat_id": youth.id, **params}
    status, answer = call(standin, "sendMessage", **params)
    assert (status, answer) == (
        code,
        {"ok": False, "error_code": code, "description": description},
    )
    assert standin.messages(youth) == []


def test_callback_data_of_exactly_64_bytes_is_accepted(standin, youth):
    data = "é" * 32  # 64 bytes in UTF-8
    markup = keyboard([("Fits", data)])
    assert call(standin, "sendMessage", chat_id=youth.id, text="x", reply_markup=markup)[0] == 200


def test_unknown_method_is_404_not_found(standin):
    assert call(standin, "sendPigeon") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


def test_a_malformed_token_is_401_unauthorized(standin):
    status, answer = call(standin, "getMe", token="not-a-token")
    assert (status, answer["description"]) == (401, "Unauthorized")


def test_edit_message_text_and_reply_markup(standin, youth):
    _, sent = call(
        standin, "sendMessage", chat_id=youth.id, text="Pick", reply_markup=keyboard([("A", "a")])
    )
    message_id = sent["result"]["message_id"]
    status, edited = call(
        standin, "editMessageText", chat_id=youth.id, message_id=message_id, text="Picked A"
    )
    assert status == 200
    assert edited["result"]["text"] == "Picked A"
    assert "reply_markup" not in edited["result"]  # an edit without reply_markup removes it
    assert "edit_date" in edited["result"]
    status, edited = call(
        standin,
        "editMessageReplyMarkup",
        chat_id=youth.id,
        message_id=message_id,
        reply_markup=keyboard([("B", "b")]),
    )
    assert status == 200
    assert edited["result"]["reply_markup"] == keyboard([("B", "b")])
    (now,) = standin.messages(youth)
    assert (now.text, now.edited, now.buttons[0][0].callback_data) == ("Picked A", True, "b")


def test_edit_errors(standin, youth):
    _, sent = call(standin, "sendMessage", chat_id=youth.id, text="Same")
    message_id = sent["result"]["message_id"]
    status, answer = call(
        standin, "editMessageText", chat_id=youth.id, message_id=message_id, text="Same"
    )
    assert status == 400
    assert answer["description"].startswith("Bad Request: message is not modified")
    status, answer = call(standin, "editMessageText", chat_id=youth.id, message_id=999, text="New")
    assert (status, answer["description"]) == (400, "Bad Request: message to edit not found")


def test_delete_message_removes_it_from_the_chat(standin, youth):
    _, sent = call(standin, "sendMessage", chat_id=youth.id, text="Bye")
    message_id = sent["result"]["message_id"]
    assert call(standin, "deleteMessage", chat_id=youth.id, message_id=message_id) == (
        200,
        {"ok": True, "result": True},
    )
    assert standin.messages(youth) == []
    status, answer = call(standin, "deleteMessage", chat_id=youth.id, message_id=message_id)
    assert (status, answer["description"]) == (400, "Bad Request: message to delete not found")


def test_get_updates_returns_queued_updates_and_drops_confirmed_ones(standin, youth):
    first = standin.send_text(youth, "/start abc")
    second = standin.send_text(youth, "hello")
    _, answer = call(standin, "getUpdates")
    updates = answer["result"]
    assert [u["update_id"] for u in updates] == [first, second]
    message = updates[0]["message"]
    assert message["text"] == "/start abc"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {
        "id": youth.id,
        "is_bot": False,
        "first_name": "Amal",
        "language_code": "da",
    }
    _, answer = call(standin, "getUpdates", offset=second)
    assert [u["update_id"] for u in answer["result"]] == [second]
    _, answer = call(standin, "getUpdates", offset=second + 1)
    assert answer["result"] == []
    assert standin.pending_update_count() == 0


def test_get_updates_limit_and_negative_offset(standin, youth):
    ids = [standin.send_text(youth, str(n)) for n in range(5)]
    _, answer = call(standin, "getUpdates", limit=2)
    assert [u["update_id"] for u in answer["result"]] == ids[:2]
    _, answer = call(standin, "getUpdates", offset=-1)
    assert [u["update_id"] for u in answer["result"]] == ids[-1:]
    assert standin.pending_update_count() == 1


def test_get_updates_drops_updates_of_types_not_allowed(standin, youth):
    standin.send_text(youth, "text")
    _, answer = call(standin, "getUpdates", allowed_updates=["callback_query"])
    assert answer["result"] == []


def test_send_document_multipart_keeps_filename_and_bytes(standin, youth):
    boundary = uuid.uuid4().hex
    data = b'{"name": "Amal"}\n\x00\xff'
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n'.encode(),
            f"{youth.id}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n'.encode(),
            "Dine data 📄\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; '
            f'filename="mine data.json"\r\nContent-Type: application/json\r\n\r\n'.encode(),
            data + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
    )
    status, answer = fetch(
        f"{standin.base_url}{TOKEN}/sendDocument",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200
    message = json.loads(answer)["result"]
    assert message["document"]["file_name"] == "mine data.json"
    assert message["document"]["file_size"] == len(data)
    assert message["caption"] == "Dine data 📄"
    (sent,) = standin.messages(youth)
    assert sent.document == ("mine data.json", data)
    _, answer = call(standin, "getFile", file_id=message["document"]["file_id"])
    assert fetch(f"{standin.base_file_url}{TOKEN}/{answer['result']['file_path']}") == (200, data)


def test_send_document_without_a_file_is_refused(standin, youth):
    status, answer = call(standin, "sendDocument", chat_id=youth.id)
    assert (status, answer["description"]) == (
        400,
        "Bad Request: there is no document in the request",
    )


def test_answer_callback_query_records_the_text_and_refuses_a_second_answer(standin, youth):
    call(
        standin, "sendMessage", chat_id=youth.id, text="Go?", reply_markup=keyboard([("Go", "go")])
    )
    standin.press(youth, "go")
    _, answer = call(standin, "getUpdates")
    query = answer["result"][0]["callback_query"]
    assert query["data"] == "go"
    assert query["message"]["text"] == "Go?"
    assert call(standin, "answerCallbackQuery", callback_query_id=query["id"], text="Saved") == (
        200,
        {"ok": True, "result": True},
    )
    status, answer = call(standin, "answerCallbackQuery", callback_query_id=query["id"])
    assert status == 400
    assert answer["description"].startswith("Bad Request: query is too old")
    assert standin.callback_answers(youth) == ["Saved"]


def test_chat_action_and_commands(standin, youth):
    assert call(standin, "sendChatAction", chat_id=youth.id, action="typing")[1]["result"] is True
    status, answer = call(standin, "sendChatAction", chat_id=youth.id, action="dancing")
    assert status == 400
    commands = [{"command": "start", "description": "Begin"}]
    assert call(standin, "setMyCommands", commands=commands)[1]["result"] is True
    assert call(standin, "getMyCommands")[1]["result"] == commands
    assert call(standin, "getMyCommands", language_code="en")[1]["result"] == []
    assert call(standin, "deleteMyCommands")[1]["result"] is True
    assert call(standin, "getMyCommands")[1]["result"] == []
    status, answer = call(
        standin, "setMyCommands", commands=[{"command": "Bad!", "description": "x"}]
    )
    assert (status, answer["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")


def test_close_and_log_out_are_harmless(standin):
    assert call(standin, "close")[1] == {"ok": True, "result": True}
    assert call(standin, "logOut")[1] == {"ok": True, "result": True}
    assert call(standin, "getMe")[0] == 200


def test_a_second_long_poll_ends_the_first_with_409(standin, youth):
    answers = []
    first = threading.Thread(target=lambda: answers.append(call(standin, "getUpdates", timeout=5)))
    first.start()
    deadline = time.monotonic() + 5
    while standin.counters.get("getUpdates", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # the first is now parked
    assert call(standin, "getUpdates")[0] == 200
    first.join(timeout=10)
    status, answer = answers[0]
    assert status == 409
    assert answer["description"].startswith("Conflict: terminated by other getUpdates request")


def test_url_buttons_and_a_json_encoded_markup_inside_a_json_body(standin, youth):
    markup = {"inline_keyboard": [[{"text": "Read more", "url": "https://example.org/x"}]]}
    status, _ = call(
        standin,
        "sendMessage",
        encoding="json",
        chat_id=youth.id,
        text="Link",
        reply_markup=json.dumps(markup),
    )
    assert status == 200
    (sent,) = standin.messages(youth)
    assert sent.buttons[0][0].url == "https://example.org/x"
    assert sent.buttons[0][0].callback_data is None
    with pytest.raises(LookupError):
        standin.press_text(youth, "Read more")  # it opens a page; the bot hears nothing


def test_a_button_without_an_action_is_refused(standin, youth):
    markup = {"inline_keyboard": [[{"text": "Just text"}]]}
    status, answer = call(standin, "sendMessage", chat_id=youth.id, text="x", reply_markup=markup)
    assert status == 400
    assert "Text buttons are unallowed in the inline keyboard" in answer["description"]


def test_a_document_message_has_no_text_to_edit(standin, youth):
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{youth.id}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="a.txt"'
        f"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--{boundary}--\r\n"
    ).encode()
    _, answer = fetch(
        f"{standin.base_url}{TOKEN}/sendDocument",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    message_id = json.loads(answer)["result"]["message_id"]
    status, answer = call(
        standin, "editMessageText", chat_id=youth.id, message_id=message_id, text="New"
    )
    assert (status, answer["description"]) == (
        400,
        "Bad Request: there is no text in the message to edit",
    )
