"""A real python-telegram-bot ``Bot`` against the stand-in: what the bot will do, end to end."""

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from tests.standin.conftest import TOKEN


def make_bot(standin):
    return Bot(TOKEN, base_url=standin.base_url, base_file_url=standin.base_file_url)


def buttons(*rows):
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


@pytest.mark.asyncio
async def test_send_a_keyboard_press_it_answer_and_edit(standin, youth):
    async with make_bot(standin) as bot:
        assert bot.username == "nextwork_test_bot"  # initialize() called getMe
        sent = await bot.send_message(
            youth.id,
            "<b>Hej</b> Amal",
            parse_mode="HTML",
            reply_markup=buttons([("Find a placement", "v1:browse")]),
        )
        assert sent.text == "Hej Amal"
        standin.press_text(youth, "Find a placement")
        (update,) = await bot.get_updates(timeout=5)
        query = update.callback_query
        assert (query.data, query.from_user.id, query.message.message_id) == (
            "v1:browse",
            youth.id,
            sent.message_id,
        )
        assert await query.answer("One moment")
        edited = await bot.edit_message_text(
            "Pick a sector",
            chat_id=youth.id,
            message_id=sent.message_id,
            reply_markup=buttons([("Care", "v1:sector:1")]),
        )
        assert edited.edit_date is not None
        await bot.edit_message_reply_markup(chat_id=youth.id, message_id=sent.message_id)
    first, second, third = standin.wait_for(youth, count=3, timeout=1)
    assert (first.text, first.edited) == ("Hej Amal", False)
    assert (second.text, second.edited) == ("Pick a sector", True)
    assert second.buttons[0][0].callback_data == "v1:sector:1"
    assert third.buttons == []
    assert standin.callback_answers(youth) == ["One moment"]


@pytest.mark.asyncio
async def test_long_polling_returns_as_soon_as_an_update_arrives(standin, youth):
    async with make_bot(standin) as bot:
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, standin.send_text, youth, "/start abc")
        started = time.monotonic()
        (update,) = await bot.get_updates(timeout=20, read_timeout=30)
        assert time.monotonic() - started < 5
        assert update.message.text == "/start abc"
        assert update.message.entities[0].type == "bot_command"
        # Confirmed by the next call's offset: gone.
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


@pytest.mark.asyncio
async def test_send_document_multipart_through_ptb(standin, youth):
    data = '{"name": "Amal", "by": "Ærø"}'.encode()
    async with make_bot(standin) as bot:
        message = await bot.send_document(
            youth.id, document=data, filename="my-data.json", caption="Your data"
        )
        assert message.document.file_name == "my-data.json"
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == data
    (sent,) = standin.wait_for(youth)
    assert (sent.document, sent.caption) == (("my-data.json", data), "Your data")


@pytest.mark.asyncio
async def test_errors_reach_ptb_as_its_own_exceptions(standin, youth):
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(youth.id, "x" * 5000)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(youth.id + 1, "Hi")
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(youth.id, "Hi", reply_markup=buttons([("x", "y" * 65)]))
        standin.set_fault("sendMessage", "429")
        with pytest.raises(RetryAfter):
            await bot.send_message(youth.id, "Hi")
        standin.block(youth)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(youth.id, "Hi")
    assert standin.messages(youth) == []
