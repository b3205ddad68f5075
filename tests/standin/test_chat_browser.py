"""The web chat in a real browser: a printed invite link starts a youth in one click."""

from pathlib import Path

import pytest

from tests.browser.policy import watch_policy
from tests.standin.conftest import call, keyboard

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; never a browser download


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield running
        finally:
            running.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    violations = watch_policy(context)
    yield context.new_page()
    context.close()
    assert not violations, "the chat broke its own security policy:\n" + "\n".join(violations)


def first_update(standin, offset=None):
    # Generous: a browser on a busy 2-core machine can take seconds to start.
    params = {"timeout": 30} if offset is None else {"timeout": 30, "offset": offset}
    _, answer = call(standin, "getUpdates", timeout_=40, **params)
    return answer["result"][0]


def test_an_invite_link_opens_a_fresh_youth_who_chats_and_presses_buttons(standin, page):
    page.goto(f"{standin.chat_url}?start=demo_token-1")
    update = first_update(standin)
    message = update["message"]
    assert message["text"] == "/start demo_token-1"
    youth_id = message["from"]["id"]
    page.wait_for_url(standin.chat_url)  # a reload must not send /start again

    call(
        standin,
        "sendMessage",
        chat_id=youth_id,
        parse_mode="HTML",
        text="<b>Welcome</b>, pick one",
        reply_markup=keyboard([("Browse", "v1:browse")]),
    )
    page.get_by_text("Welcome").wait_for()
    assert page.locator("strong", has_text="Welcome").count() == 1
    page.get_by_role("button", name="Browse").click()
    update = first_update(standin, update["update_id"] + 1)
    assert update["callback_query"]["data"] == "v1:browse"
    call(
        standin,
        "answerCallbackQuery",
        callback_query_id=update["callback_query"]["id"],
        text="Here you go",
    )
    page.get_by_role("status").get_by_text("Here you go").wait_for()

    page.get_by_label("Message").fill("Hej 👋")
    page.get_by_label("Message").press("Enter")
    update = first_update(standin, update["update_id"] + 1)
    assert update["message"]["text"] == "Hej 👋"
    assert update["message"]["from"]["id"] == youth_id


def send_from_page(page, text):
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def test_the_identity_survives_a_reload_and_new_person_makes_another(standin, page):
    page.goto(standin.chat_url)
    send_from_page(page, "one")
    first = first_update(standin)
    page.reload()
    send_from_page(page, "two")
    second = first_update(standin, first["update_id"] + 1)
    page.get_by_role("button", name="New person").click()
    page.get_by_text("No messages yet").wait_for()
    send_from_page(page, "three")
    third = first_update(standin, second["update_id"] + 1)
    senders = [u["message"]["from"]["id"] for u in (first, second, third)]
    assert senders[0] == senders[1] != senders[2]
    assert [u["message"]["text"] for u in (first, second, third)] == ["one", "two", "three"]


def test_a_pasted_telegram_link_starts_with_its_token(standin, page):
    page.goto(standin.chat_url)
    page.get_by_label("Invite link").fill("https://t.me/nextwork_test_bot?start=pasted_42")
    page.get_by_role("button", name="Open").click()
    assert first_update(standin)["message"]["text"] == "/start pasted_42"


def test_a_danish_browser_gets_a_danish_page_and_a_danish_youth(standin, browser):
    page = browser.new_page(locale="da-DK", viewport={"width": 390, "height": 700})
    page.goto(f"{standin.chat_url}?start=dansk")
    page.get_by_role("button", name="Ny person").wait_for()
    message = first_update(standin)["message"]
    assert message["from"]["language_code"] == "da"
    for n in range(12):  # more than a phone screen holds
        call(standin, "sendMessage", chat_id=message["chat"]["id"], text=f"Besked {n}")
    last = page.get_by_text("Besked 11")
    last.wait_for()
    page.wait_for_timeout(200)
    box = last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 700  # scrolled into view
    assert page.get_by_placeholder("Skriv en besked").is_visible()


def test_a_demo_link_naming_the_youth_makes_the_header_say_that_name(standin, page):
    """The header says who the bot greets (it said a random "Sofie" while the bot greeted Asta)."""
    page.goto(f"{standin.chat_url}?start=demo_token-2&name=Asta")
    update = first_update(standin)
    assert update["message"]["from"]["first_name"] == "Asta"
    assert page.locator("#name").inner_text() == "Asta"
