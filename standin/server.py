"""The stand-in's HTTP server: the Bot API at /bot<token>/<method>, files, and the web chat.

The standard library's ThreadingHTTPServer is enough here: every request is a few dictionary
operations under one lock, long polls just park their thread on a condition, and keep-alive
(HTTP/1.1) spares PTB's httpx pool a new connection per call. No dependency, nothing to await.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .state import StandInState
from .wire import ApiError, parse_body

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
BOT_PATH = re.compile(r"/bot([^/]*)/([A-Za-z]+)/?")
FILE_PATH = re.compile(r"/file/bot([^/]*)/(.+)")
MAX_BODY = 50 * 1024 * 1024  # Telegram's upload limit for bots
CHAT_POLL_SECONDS = 25.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # long polls must not hold up stop()
    request_queue_size = 128
    state: StandInState


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: _Server
    server_version = "NExTWORK-standin"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # --- Routing -------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        try:
            body = self._body()
        except ApiError as exc:
            self._json(exc.code, exc.payload())
            return
        if match := BOT_PATH.fullmatch(path):
            self._bot_api(match.group(1), match.group(2), url.query, body)
        elif match := FILE_PATH.fullmatch(path):
            self._file(match.group(1), match.group(2))
        elif path in ("/", "/index.html"):
            self._chat_page()
        elif path.startswith("/chat/api/"):
            self._chat_api(path.removeprefix("/chat/api/"), url.query, body)
        else:
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "Request Entity Too Large")
        return self.rfile.read(length) if length else b""

    def _bot_api(self, token: str, method: str, query: str, body: bytes) -> None:
        if not TOKEN.fullmatch(token):
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params = parse_body(self.headers.get("Content-Type", ""), body, query)
            result, description = self.server.state.call(token, method, params)
        except ApiError as exc:
            self._json(exc.code, exc.payload())
            return
        answer: dict[str, Any] = {"ok": True, "result": result}
        if description:
            answer["description"] = description
        self._json(200, answer)

    def _file(self, token: str, path: str) -> None:
        stored = self.server.state.file_by_path(path) if TOKEN.fullmatch(token) else None
        if stored is None:
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self._send(200, stored.data, stored.mime_type)

    # --- The web chat --------------------------------------------------------------------------

    def _chat_page(self) -> None:
        page = resources.files(__package__).joinpath("chat.html").read_text(encoding="utf-8")
        page = page.replace("{{BOT_USERNAME}}", html.escape(self.server.state.bot_username))
        # The page's one script and one style carry a fresh nonce, and the policy allows nothing
        # else: the chat shows a bot's texts, and a bug in their escaping must not run code.
        nonce = secrets.token_urlsafe(16)
        page = page.replace("<script>", f'<script nonce="{nonce}">', 1)
        page = page.replace("<style>", f'<style nonce="{nonce}">', 1)
        policy = (
            f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        self._send(
            200,
            page.encode(),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": policy},
        )

    def _chat_api(self, route: str, query: str, body: bytes) -> None:
        state = self.server.state
        args: dict[str, Any] = dict(parse_qsl(query))
        if body:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                self._json(400, {"error": "send a JSON object"})
                return
            args.update(data)
        try:
            if route == "users" and self.command == "POST":
                user = state.new_user(
                    first_name=str(args.get("first_name") or "Youth")[:64],
                    language_code=str(args.get("language_code") or "da")[:8],
                    id=_int(args.get("id")),
                )
                self._json(200, {"user": user.to_api(), "bot_username": state.bot_username})
            elif route == "send" and self.command == "POST":
                user = state.user(_required_int(args, "user_id"))
                text = str(args.get("text") or "")
                if not text.strip():
                    self._json(400, {"error": "empty message"})
                    return
                self._json(200, {"update_id": state.send_text(user, text)})
            elif route == "press" and self.command == "POST":
                user = state.user(_required_int(args, "user_id"))
                update_id = state.press(
                    user, str(args.get("callback_data") or ""), _int(args.get("message_id"))
                )
                self._json(200, {"update_id": update_id})
            elif route == "chat" and self.command == "GET":
                user_id = _required_int(args, "user_id")
                wait = CHAT_POLL_SECONDS if args.get("wait") else 0.0
                self._json(200, state.chat_view(user_id, _int(args.get("version")), wait))
            elif route.startswith("file/") and self.command == "GET":
                stored = state.file(route.removeprefix("file/"))
                if stored is None:
                    self._json(404, {"error": "no such file"})
                    return
                disposition = f"attachment; filename*=UTF-8''{quote(stored.filename)}"
                self._send(200, stored.data, stored.mime_type, {"Content-Disposition": disposition})
            else:
                self._json(404, {"error": "not found"})
        except (LookupError, ValueError) as exc:
            self._json(404 if isinstance(exc, LookupError) else 400, {"error": str(exc)})

    # --- Answers -------------------------------------------------------------------------------

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status, _phrase(status))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. a "timeout" fault held the answer past its wait).
            self.close_connection = True


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _required_int(args: dict[str, Any], name: str) -> int:
    value = _int(args.get(name))
    if value is None:
        raise ValueError(f"{name} is required")
    return value


class StandIn(StandInState):
    """The loopback Bot API stand-in: ``with StandIn() as standin: …`` serves on a free port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        global_rate: float | None = 30,
        per_chat_rate: float | None = None,
        bot_username: str = "nextwork_demo_bot",
        **options: Any,
    ) -> None:
        super().__init__(
            global_rate=global_rate,
            per_chat_rate=per_chat_rate,
            bot_username=bot_username,
            **options,
        )
        self.host = host
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> StandIn:
        """Listen (on return the port accepts connections) and serve in a background thread."""
        server = _Server((self.host, self._requested_port), _Handler)
        server.state = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()  # wakes long polls and the webhook senders
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
                self._thread.join(timeout=5)
            self._server.server_close()
        self._server = None
        self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the stand-in is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def chat_url(self) -> str:
        return f"{self.url}/"
