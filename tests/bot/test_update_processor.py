"""One chat's updates run in arrival order; different chats' updates run at the same time."""

import asyncio

import pytest
from telegram import Chat, Message, Update

from bot.app import PerChatUpdateProcessor

pytestmark = pytest.mark.asyncio


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="hi"))


async def test_one_chat_in_order_and_chats_in_parallel():
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    log: list[str] = []

    async def handle(name: str, seconds: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(seconds)
        log.append(f"end {name}")

    await asyncio.gather(
        processor.process_update(_update(1, 10), handle("a1", 0.05)),
        processor.process_update(_update(2, 10), handle("a2", 0.0)),
        processor.process_update(_update(3, 20), handle("b1", 0.0)),
    )
    assert log.index("end a1") < log.index("start a2")  # same chat: the slow one first
    assert log.index("end b1") < log.index("end a1")  # another chat did not wait
    assert processor._locks == {} and processor._waiting == {}  # nothing kept per chat
