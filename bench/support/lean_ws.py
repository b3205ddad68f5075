"""A load generator's websocket listener that costs the machine little.

The benchmark's dashboards only listen: each must notice, as early as possible, that a message
arrived. The websockets library (a fine client) spent about as much CPU per message as the
server under test, on the same two cores, so a thousand of its sockets measured the client
as much as the server. Here the handshake is written by hand and each socket is an asyncio
``Protocol`` whose ``data_received`` stamps and counts whole frames; it answers the server's
pings (masked, as a client must) and ignores everything else.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import Callable

OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0x8, 0x9, 0xA


def _masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client's frame (RFC 6455: every frame a client sends is masked), payload < 126 bytes."""
    mask = os.urandom(4)
    body = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + body


class Listener(asyncio.Protocol):
    """One dashboard: calls ``heard(perf_counter())`` for every data frame the server sends."""

    def __init__(self, heard: Callable[[float], None]) -> None:
        self.heard = heard
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.buffer[: self.buffer.find(b"\r\n")])
            del self.buffer[: end + 4]
            if b" 101 " not in status:
                self.upgraded.set_exception(ConnectionError(status.decode(errors="replace")))
                return
            self.upgraded.set_result(None)
        self._frames(now)

    def _frames(self, now: float) -> None:
        while len(self.buffer) >= 2:
            opcode, length, start = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            if opcode == OPCODE_PING:
                self.transport.write(_masked_frame(OPCODE_PONG, payload))
            elif opcode == OPCODE_CLOSE:
                self.transport.close()
            elif opcode != OPCODE_PONG:
                self.heard(now)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_masked_frame(OPCODE_CLOSE, (1000).to_bytes(2, "big")))
            self.transport.close()


async def listen(
    port: int, path: str, heard: Callable[[float], None], *, headers: dict[str, str]
) -> Listener:
    """Open a websocket to 127.0.0.1:``port``/``path``; it calls ``heard`` per message."""
    loop = asyncio.get_running_loop()
    _transport, listener = await loop.create_connection(lambda: Listener(heard), "127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    listener.transport.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"{head}\r\n".encode()
    )
    await listener.upgraded
    return listener
