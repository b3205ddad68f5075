"""The real PTB application over real HTTP against the loopback stand-in, in its own thread."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from dataclasses import dataclass

import pytest
from django.db.backends.signals import connection_created

from bot.app import build_application
from bot.runner import run_polling
from domain.models import Municipality, OutboxMessage
from domain.services.invites import invite_create
from standin import SentMessage, StandIn, StandInUser
from tests import factories as f
from worker import ratelimit
from worker.loop import Worker, WorkerSettings, connect
from worker.management.commands.deliver import build_bot

TOKEN = "123456789:test-token"


def _no_shared_cache_read_locks(sender, connection, **kwargs) -> None:
    """The test database on SQLite is one in-memory database shared by the threads' connections
    (shared cache), where a reader's table lock makes a writer fail at once with "database
    table is locked" instead of waiting. Files in WAL mode (what the product runs) do not have
    this; letting test readers skip the table locks gives the same behaviour here."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


connection_created.connect(_no_shared_cache_read_locks, dispatch_uid="tests-bot-read-uncommitted")


class BotThread(threading.Thread):
    """``manage.py runbot`` and ``manage.py deliver`` in miniature: polling and the outbox
    worker, stopped cleanly."""

    def __init__(self, standin: StandIn) -> None:
        super().__init__(name="bot-under-test", daemon=True)
        self.standin = standin
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported by stop() in the test's thread
            self.error = error
            self.ready.set()

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop_event = asyncio.Event()
        application = build_application(
            token=TOKEN,
            base_url=self.standin.base_url,
            base_file_url=self.standin.base_file_url,
        )
        worker = Worker(
            build_bot(token=TOKEN, base_url=self.standin.base_url),
            WorkerSettings(name="worker-under-test", rate=1000, poll=0.1, housekeeping_every=0),
        )
        self.ready.set()

        async def deliver() -> None:
            if await connect(worker.bot, self.stop_event):
                await worker.run(self.stop_event)
            await worker.bot.shutdown()

        await asyncio.gather(run_polling(application, self.stop_event, poll_timeout=1), deliver())

    def stop(self) -> None:
        if self.loop is not None and self.stop_event is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.join(timeout=15)
        assert not self.is_alive(), "the bot did not stop"
        if self.error is not None:
            raise self.error


@pytest.fixture(autouse=True)
def _no_quiet_hours(request):
    """Tests run at any hour: pushed messages must not wait for 08:00 (quiet hours are the
    outbox's business, tested there)."""
    if "municipality" in request.fixturenames:
        municipality = request.getfixturevalue("municipality")
        Municipality.objects.filter(pk=municipality.pk).update(
            quiet_hours_start=dt.time(3, 0), quiet_hours_end=dt.time(3, 0)
        )
        municipality.refresh_from_db()


@pytest.fixture(autouse=True)
def _brisk_chat_turns(request, monkeypatch):
    """A chat's next message waits PER_CHAT_SECONDS (two seconds, for Telegram's sake); here
    0.05 s, so that a test sending one youth several messages (a retry, two pushes) does not
    sit out the pause. Tests of the pause itself are marked ``chat_pacing`` and keep it."""
    if request.node.get_closest_marker("chat_pacing") is None:
        monkeypatch.setattr(ratelimit, "PER_CHAT_SECONDS", 0.05)


@pytest.fixture
def standin():
    with StandIn(global_rate=None) as server:
        yield server


@pytest.fixture
def running_bot(standin, transactional_db):
    thread = BotThread(standin)
    thread.start()
    try:
        thread.ready.wait(10)
        deadline = time.monotonic() + 10
        while standin.counters.get("getUpdates", 0) < 1:
            assert time.monotonic() < deadline, f"the bot never polled: {standin.counters}"
            time.sleep(0.02)
        yield thread
    finally:
        thread.stop()


@dataclass
class Chat:
    """One youth's Telegram chat with the bot, as a test drives it."""

    standin: StandIn
    user: StandInUser

    def say(self, text: str, count: int = 1) -> list[SentMessage]:
        self.standin.send_text(self.user, text)
        return self.standin.wait_for(self.user, count)

    def press(self, data: str, count: int = 1) -> list[SentMessage]:
        self.standin.press(self.user, data)
        return self.standin.wait_for(self.user, count)

    def tap(self, label: str, count: int = 1) -> list[SentMessage]:
        self.standin.press_text(self.user, label)
        return self.standin.wait_for(self.user, count)

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[SentMessage]:
        return self.standin.wait_for(self.user, count, timeout=timeout)


def labels(message: SentMessage) -> list[str]:
    return [button.text for row in message.buttons for button in row]


def data_of(message: SentMessage, label_start: str) -> str:
    for row in message.buttons:
        for button in row:
            if button.text.startswith(label_start):
                return button.callback_data
    raise LookupError(f"no button starting {label_start!r} in {labels(message)}")


@pytest.fixture
def new_chat(standin):
    def make(first_name: str = "Amal", language_code: str | None = "da") -> Chat:
        return Chat(standin, standin.new_user(first_name=first_name, language_code=language_code))

    return make


@pytest.fixture
def invite_for(consultant):
    """An unlinked youth and a fresh invite token for them."""

    def make(**fields):
        youth = f.InvitedYouthFactory(
            municipality=consultant.municipality, contact_consultant=consultant, **fields
        )
        return youth, invite_create(youth=youth, actor=consultant.user).token

    return make


@pytest.fixture
def linked_chat(running_bot, new_chat, invite_for):
    """A youth who opened their link and accepted: the chat and the youth."""

    def make(first_name: str = "Amal", **fields):
        youth, token = invite_for(first_name=first_name, **fields)
        chat = new_chat(first_name)
        consent = chat.say(f"/start {token}")[0]
        linked = chat.press(data_of(consent, "Ja"))[0]
        if not youth.sectors.exists():
            # Skip the sectors question (the last button), to the menu the tests expect.
            chat.press(linked.buttons[-1][-1].callback_data)
        youth.refresh_from_db()
        return chat, youth

    return make


def sent_row(youth, kind: str, timeout: float = 5.0) -> OutboxMessage:
    """The outbox row once the sender has marked it sent (just after Telegram answered)."""
    deadline = time.monotonic() + timeout
    while True:
        row = OutboxMessage.objects.filter(recipient=youth, kind=kind).order_by("-pk").first()
        if row is not None and row.status == OutboxMessage.Status.SENT:
            return row
        assert time.monotonic() < deadline, f"not sent: {row and (row.status, row.last_error)}"
        time.sleep(0.02)
