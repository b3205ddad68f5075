"""The Bot API's wire format: reading a call's parameters and writing Telegram's error answers.

Telegram accepts every method as a query string, a form, a multipart form or a JSON body; in the
first three, complex values (reply_markup, allowed_updates, …) arrive JSON-encoded as strings.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl


class ApiError(Exception):
    """A call Telegram would refuse: becomes ``{"ok": false, "error_code": …}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart form."""

    filename: str
    data: bytes
    content_type: str


class Params:
    """A call's parameters, whatever encoding they came in, with Telegram's coercions."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return name in self.values or name in self.files

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1")

    def json(self, name: str, error: str) -> Any:
        """A JSON-encoded value (or, in a JSON body, the value itself)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None


def parse_body(content_type: str, body: bytes, query: str) -> Params:
    """The parameters of one call: the query string, overridden by the body."""
    values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, Upload] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return Params(values)
    if kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(data, dict):
            raise bad_request("JSON request body must be an object")
        values.update(data)
    elif kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        if not message.is_multipart():
            raise bad_request("can't parse multipart/form-data request body")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = Upload(filename, data, part.get_content_type())
            else:
                values[name] = data.decode("utf-8", errors="replace")
    else:  # application/x-www-form-urlencoded, and what curl sends without a type
        values.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return Params(values, files)


# --- Texts and their entities -------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}


class _TelegramHTML(HTMLParser):
    """Telegram's HTML subset: the plain text and its entities, or the error Telegram gives."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.position = 0  # UTF-16 units
        self.open: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def _fail(self, reason: str) -> ApiError:
        line, column = self.getpos()
        return bad_request(f"can't parse entities: {reason} at line {line}, column {column}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _SIMPLE_TAGS:
            entity: dict[str, Any] = {"type": _SIMPLE_TAGS[tag]}
        elif tag == "span" and attributes.get("class") == "tg-spoiler":
            entity = {"type": "spoiler"}
        elif tag == "a":
            href = attributes.get("href") or ""
            entity = {"type": "text_link", "url": href} if href else {}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
        else:
            raise self._fail(f'Unsupported start tag "{tag}"')
        self.open.append((tag, self.position, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise self._fail(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise self._fail(f'Unexpected end tag "{tag}"')
        _tag, start, entity = self.open.pop()
        if entity and self.position > start:
            self.entities.append({**entity, "offset": start, "length": self.position - start})

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.position += utf16_len(data)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise parser._fail(f'Can\'t find end tag corresponding to start tag "{parser.open[-1][0]}"')
    parser.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(parser.parts), parser.entities


def parse_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict]]:
    """The text as the chat shows it and its entities (HTML parsed; other modes kept as sent)."""
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        return parse_html(text)
    if mode and mode not in ("markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    return text, entities if isinstance(entities, list) else []


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a text that starts with a /command."""
    if not text.startswith("/"):
        return []
    end = 1
    while end < len(text) and (text[end].isalnum() or text[end] in "_@"):
        end += 1
    if end == 1:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text[:end])}]
