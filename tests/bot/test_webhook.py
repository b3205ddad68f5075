"""The webhook: the secret is checked, the update stored before the answer, a redelivery
ignored, and an update stored before a crash processed when the next process starts.

Telegram's posts reach the webhook through the production ASGI application (``config.asgi``
sends them to ``bot.webhook.webhook_endpoint``, past Django's middleware); the Django view
(development server, test client) answers the same."""

import json

import pytest
from channels.testing import HttpCommunicator
from django.test import AsyncClient

# bridge.call, not sync_to_async: it closes the worker thread's connection afterwards, as
# the bot does, so the test database can be dropped at the end.
from bot import bridge, webhook
from bot.models import WebhookUpdate
from bot.webhook import webhook_bot
from tests.standin.conftest import call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
URL = "/telegram/webhook/"
SECRET = "s3cret-for-tests_0123456789"


@pytest.fixture
def configured(settings, standin):
    settings.TELEGRAM_API_URL = standin.base_url
    settings.TELEGRAM_BOT_TOKEN = "123456789:webhook-test"
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    return standin


def start_update(user, update_id: int, text: str = "/start") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": user.chat(),
            "from": user.to_api(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
            if text.startswith("/")
            else [],
        },
    }


class Answer:
    def __init__(self, status_code: int, content: bytes, headers: dict[str, str]) -> None:
        self.status_code, self.content, self.headers = status_code, content, headers


async def post(
    payload, secret: str | None = SECRET, body: bytes | None = None, *, method: str = "POST"
) -> Answer:
    """As Telegram posts: through the ASGI application the web processes serve."""
    from config.asgi import application

    headers = [(b"content-type", b"application/json")]
    if secret is not None:
        headers.append((b"x-telegram-bot-api-secret-token", secret.encode()))
    communicator = HttpCommunicator(
        application,
        method,
        URL,
        body=body if body is not None else json.dumps(payload).encode(),
        headers=headers,
    )
    response = await communicator.get_response()
    await communicator.wait()
    return Answer(
        response["status"],
        response["body"],
        {name.decode().lower(): value.decode() for name, value in response["headers"]},
    )


async def post_to_django_view(payload, secret: str = SECRET) -> Answer:
    response = await AsyncClient().post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    return Answer(response.status_code, response.content, dict(response.headers))


def _rows():
    return list(WebhookUpdate.objects.order_by("update_id").values("update_id", "processed_at"))


async def test_the_same_update_twice_is_processed_once(configured):
    user = configured.new_user(first_name="Web")
    try:
        first = await post(start_update(user, 5001))
        again = await post(start_update(user, 5001))
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == {"ok": True}
    replies = configured.messages(user)
    assert len(replies) == 1
    assert "NExTWORK" in replies[0].text
    rows = await bridge.call(_rows)
    assert [row["update_id"] for row in rows] == [5001]
    assert rows[0]["processed_at"] is not None


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_a_wrong_or_missing_secret_is_refused(configured, secret):
    user = configured.new_user()
    response = await post(start_update(user, 5002), secret=secret)
    assert response.status_code == 403
    assert await bridge.call(WebhookUpdate.objects.count) == 0
    assert configured.messages(user) == []


async def test_without_a_configured_secret_everything_is_refused(configured, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    user = configured.new_user()
    assert (await post(start_update(user, 5003), secret="")).status_code == 403
    assert (await post(start_update(user, 5003), secret="anything")).status_code == 403


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"no": "id"}', b'{"update_id": "x"}'])
async def test_a_malformed_body_is_a_bad_request(configured, body):
    assert (await post(None, body=body)).status_code == 400


async def test_a_body_over_the_limit_is_refused_unstored(configured):
    body = json.dumps({"update_id": 5004, "padding": "x" * webhook.MAX_BODY}).encode()
    assert (await post(None, body=body)).status_code == 413
    assert await bridge.call(WebhookUpdate.objects.count) == 0


async def test_only_post_is_allowed(configured):
    response = await post(None, body=b"", method="GET")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert (await AsyncClient().get(URL)).status_code == 405


async def test_the_django_view_answers_as_the_endpoint_does(configured):
    user = configured.new_user(first_name="View")
    try:
        refused = await post_to_django_view(start_update(user, 5005), secret="wrong")
        first = await post_to_django_view(start_update(user, 5005))
        again = await post(start_update(user, 5005))
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    assert refused.status_code == 403
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == {"ok": True}
    assert len(configured.messages(user)) == 1


async def test_an_update_stored_before_a_crash_is_processed_by_the_next_process(configured):
    user = configured.new_user(first_name="Crash")
    # The previous process stored the update and died before processing it.
    await bridge.call(webhook.inbox_store, update_id=6001, payload=start_update(user, 6001))
    try:
        response = await post(start_update(user, 6002, text="hej"))
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    assert response.status_code == 200
    texts = [message.text for message in configured.messages(user)]
    assert len(texts) == 2
    assert any("NExTWORK" in text for text in texts)
    rows = await bridge.call(_rows)
    assert [row["update_id"] for row in rows] == [6001, 6002]
    assert all(row["processed_at"] is not None for row in rows)


async def test_the_web_process_answers_several_chats_in_arrival_order_each(configured):
    users = [configured.new_user(first_name=f"Many{n}") for n in range(3)]
    try:
        for n, user in enumerate(users):
            await post(start_update(user, 7000 + 2 * n))
            await post(start_update(user, 7001 + 2 * n, text="hej"))
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    for user in users:
        texts = [message.text for message in configured.messages(user)]
        assert len(texts) == 2 and "NExTWORK" in texts[0]
    rows = await bridge.call(_rows)
    assert len(rows) == 6 and all(row["processed_at"] is not None for row in rows)


def _pressed(standin, user) -> dict:
    """The update of ``user`` pressing a button of a bot message (read from the stand-in's
    queue, as Telegram would post it)."""
    markup = {"inline_keyboard": [[{"text": "Menu", "callback_data": "v1:menu:show"}]]}
    _, sent = call(standin, "sendMessage", chat_id=user.id, text="?", reply_markup=markup)
    standin.press(user, "v1:menu:show", sent["result"]["message_id"])
    _, updates = call(standin, "getUpdates")
    return updates["result"][-1]


async def test_a_pressed_button_is_answered_in_the_reply_and_not_again(configured):
    user = configured.new_user(first_name="Knap")
    update = _pressed(configured, user)
    try:
        response = await post(update)
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "method": "answerCallbackQuery",
        "callback_query_id": update["callback_query"]["id"],
    }
    assert "answerCallbackQuery" not in configured.counters  # the handler left it to the reply
    assert configured.messages(user)[-1].text != "?"  # the screen was shown


async def test_a_button_taken_from_the_inbox_after_a_crash_is_answered_by_the_handler(
    configured,
):
    user = configured.new_user(first_name="Genstart")
    update = _pressed(configured, user)
    # Stored by a process that died before its reply could answer the button.
    await bridge.call(webhook.inbox_store, update_id=update["update_id"], payload=update)
    try:
        await post(start_update(user, update["update_id"] + 1, text="hej"))
        await webhook_bot.drain()
    finally:
        await webhook_bot.shutdown()
    assert configured.counters["answerCallbackQuery"] == 1
    assert configured.callback_answers(user) == [""]
