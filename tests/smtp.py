"""A real SMTP server on loopback for the tests (aiosmtpd on a thread of its own, port 0), with
faults to inject: refuse recipients (4xx or 5xx), stall before the greeting, or swallow the
message and never answer. ``arrived`` holds what the server accepted, parsed."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP


@dataclass
class Faults:
    rcpt_answer: str | None = None  # e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"
    refuse_times: int = 0  # how many RCPTs get rcpt_answer (0: all of them)
    stall_after_data: bool = False  # take the message, keep it, never answer
    delay: float = 0.0  # seconds to wait before answering the message


@dataclass
class SmtpServer:
    faults: Faults = field(default_factory=Faults)
    arrived: list[EmailMessage] = field(default_factory=list)
    port: int = 0
    _refused: int = 0

    # aiosmtpd's handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.faults.rcpt_answer
        if answer and (not self.faults.refuse_times or self._refused < self.faults.refuse_times):
            self._refused += 1
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.arrived.append(message)
        if self.faults.stall_after_data:
            await asyncio.sleep(3600)
        if self.faults.delay:
            await asyncio.sleep(self.faults.delay)
        return "250 Message accepted"

    def start(self) -> SmtpServer:
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            server = self._loop.run_until_complete(
                self._loop.create_server(lambda: SMTP(self), "127.0.0.1", 0)
            )
            self.port = server.sockets[0].getsockname()[1]
            self._server = server
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def stop(self) -> None:
        def close() -> None:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.stop()

        self._loop.call_soon_threadsafe(close)
        self._thread.join(5)
        with contextlib.suppress(Exception):
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()


@contextlib.contextmanager
def silent_listener():
    """A port that takes the connection and never says hello: a stalled server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def free_port() -> int:
    """A port nobody listens on: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
