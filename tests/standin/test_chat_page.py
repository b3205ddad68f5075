"""The web chat: its page and the JSON endpoints it talks to."""

import json
import threading

from tests.standin.conftest import call, fetch, keyboard


def chat_api(standin, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    status, answer = fetch(
        f"{standin.url}/chat/api/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    return status, json.loads(answer)


def test_the_page_is_served_with_the_bot_name_and_no_outside_code(standin):
    status, page = fetch(standin.chat_url)
    assert status == 200
    text = page.decode()
    assert "@nextwork_test_bot" in text
    assert "without Telegram" in text
    assert "http://" not in text and "https://" not in text.replace("https://t.me", "")


def test_a_browser_identity_is_created_and_restored(standin):
    status, created = chat_api(standin, "users", {"first_name": "Sofie", "language_code": "en"})
    assert status == 200
    user = created["user"]
    assert (user["first_name"], user["language_code"]) == ("Sofie", "en")
    assert created["bot_username"] == "nextwork_test_bot"
    # After a restart of the stand-in the page brings its stored identity back.
    _, again = chat_api(standin, "users", {"id": user["id"], "first_name": "Sofie"})
    assert again["user"]["id"] == user["id"]
    assert standin.user(user["id"]).first_name == "Sofie"


def test_sending_pressing_and_reading_the_chat(standin):
    _, created = chat_api(standin, "users", {"first_name": "Emil"})
    user_id = created["user"]["id"]
    status, sent = chat_api(standin, "send", {"user_id": user_id, "text": "/start tok_123"})
    assert status == 200
    _, updates = call(standin, "getUpdates")
    assert updates["result"][0]["update_id"] == sent["update_id"]
    assert updates["result"][0]["message"]["text"] == "/start tok_123"

    call(
        standin,
        "sendMessage",
        chat_id=user_id,
        text="Welcome!",
        reply_markup=keyboard([("OK", "v1:ok")]),
    )
    _, chat = chat_api(standin, f"chat?user_id={user_id}")
    texts = [(m["from"]["is_bot"], m.get("text")) for m in chat["messages"]]
    assert texts == [(False, "/start tok_123"), (True, "Welcome!")]
    bot_message = chat["messages"][1]

    status, _ = chat_api(
        standin,
        "press",
        {"user_id": user_id, "message_id": bot_message["message_id"], "callback_data": "v1:ok"},
    )
    assert status == 200
    _, updates = call(standin, "getUpdates", offset=sent["update_id"] + 1)
    query = updates["result"][0]["callback_query"]
    call(standin, "answerCallbackQuery", callback_query_id=query["id"], text="Noted")
    _, later = chat_api(standin, f"chat?user_id={user_id}&version={chat['version']}&wait=1")
    assert later["version"] > chat["version"]
    assert later["answers"] == [{"text": "Noted", "show_alert": False}]


def test_the_chat_poll_waits_for_a_change(standin):
    user = standin.new_user()
    _, chat = chat_api(standin, f"chat?user_id={user.id}")
    threading.Timer(0.2, standin.send_text, (user, "hi")).start()
    _, changed = chat_api(standin, f"chat?user_id={user.id}&version={chat['version']}&wait=1")
    assert [m["text"] for m in changed["messages"]] == ["hi"]


def test_documents_download_with_their_name(standin):
    user = standin.new_user()
    boundary = "xyz"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{user.id}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="data.json"'
        f"\r\nContent-Type: application/json\r\n\r\n{{}}\r\n--{boundary}--\r\n"
    ).encode()
    _, answer = fetch(
        f"{standin.base_url}1:a/sendDocument",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    file_id = json.loads(answer)["result"]["document"]["file_id"]
    assert fetch(f"{standin.url}/chat/api/file/{file_id}") == (200, b"{}")
    assert fetch(f"{standin.url}/chat/api/file/nope")[0] == 404


def test_bad_chat_requests_are_clear_errors(standin):
    assert chat_api(standin, "send", {"user_id": 5, "text": "hi"})[0] == 404
    user = standin.new_user()
    assert chat_api(standin, "send", {"user_id": user.id, "text": "  "}) == (
        400,
        {"error": "empty message"},
    )
    status, answer = chat_api(standin, "press", {"user_id": user.id, "callback_data": "gone"})
    assert status == 404
    assert "no button" in answer["error"]
    assert chat_api(standin, "nothing-here")[0] == 404
