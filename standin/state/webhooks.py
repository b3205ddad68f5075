"""Webhooks: setWebhook, deleteWebhook, getWebhookInfo, and the sender threads that POST queued
updates to the bot, one at a time per chat in order, retried with backoff until it answers 2xx.

As Telegram does, a 2xx answer may carry one Bot API call (``{"method": "answerCallbackQuery",
…}``): it is carried out, and neither its result nor its error goes back to the bot."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from ..wire import ApiError, Params, bad_request, parse_body
from .records import Pending, Webhook
from .updates import UPDATE_TYPES_BY_DEFAULT

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhooksMixin:
    """Part of ``StandInState``: its ``_webhook`` and ``_webhook_threads``; delivers from the
    ``_pending`` queue the updates area fills."""

    # --- The simulation API ------------------------------------------------------------------

    def redeliver(self, update_id: int) -> None:
        """Post an already delivered update to the webhook again (Telegram does, after errors)."""
        with self._lock:
            if self._webhook is None:
                raise RuntimeError("redeliver needs a webhook (setWebhook)")
            if update_id not in self._history:
                raise LookupError(f"no update {update_id}")
            self._pending.append(Pending(self._history[update_id]))
            self._updates_changed.notify_all()

    # --- The Bot API -------------------------------------------------------------------------

    def _api_setwebhook(self, p: Params) -> tuple[bool, str]:
        url = p.str("url", "") or ""
        if not url:
            return self._api_deletewebhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = p.json("allowed_updates", "can't parse allowed updates")
        max_connections = min(max(p.int("max_connections", 40) or 40, 1), 100)
        with self._lock:
            if p.bool("drop_pending_updates"):
                self._pending.clear()
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or UPDATE_TYPES_BY_DEFAULT
            self._webhook = Webhook(url, secret, max_connections, allowed)
            for item in self._pending:
                item.next_at, item.attempts, item.in_flight = 0.0, 0, False
            self._start_webhook_senders(min(max_connections, 4))
            self._updates_changed.notify_all()
        return True, "Webhook was set"

    def _api_deletewebhook(self, p: Params) -> tuple[bool, str]:
        with self._lock:
            had = self._webhook is not None
            self._webhook = None
            if p.bool("drop_pending_updates"):
                self._pending.clear()
            self._updates_changed.notify_all()
        return True, "Webhook was deleted" if had else "Webhook is already deleted"

    def _api_getwebhookinfo(self, p: Params) -> dict[str, Any]:
        with self._lock:
            hook = self._webhook
            info: dict[str, Any] = {
                "url": hook.url if hook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }
            if hook:
                info["max_connections"] = hook.max_connections
                info["ip_address"] = "127.0.0.1"
                if hook.allowed_updates is not None:
                    info["allowed_updates"] = hook.allowed_updates
                if hook.last_error_date:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
            return info

    # --- Delivery ----------------------------------------------------------------------------

    def _start_webhook_senders(self, wanted: int) -> None:
        self._webhook_threads = [t for t in self._webhook_threads if t.is_alive()]
        while len(self._webhook_threads) < wanted:
            thread = threading.Thread(
                target=self._webhook_sender, name="standin-webhook", daemon=True
            )
            thread.start()
            self._webhook_threads.append(thread)

    def _next_delivery(self) -> tuple[Pending, Webhook] | None:
        """The oldest update ready to post; one at a time per chat, in order."""
        while not self._stopping:
            hook = self._webhook
            now = time.monotonic()
            if hook is not None:
                busy: set[Any] = set()
                soonest = 1.0
                for item in self._pending:
                    key = item.chat_id if item.chat_id is not None else ("update", item.update_id)
                    if key in busy:
                        continue
                    if item.in_flight or item.next_at > now:
                        busy.add(key)
                        if not item.in_flight:
                            soonest = min(soonest, item.next_at - now)
                        continue
                    item.in_flight = True
                    return item, hook
                self._updates_changed.wait(max(soonest, 0.01))
            else:
                self._updates_changed.wait(1.0)
        return None

    def _webhook_sender(self) -> None:
        while True:
            with self._lock:
                job = self._next_delivery()
            if job is None:
                return
            item, hook = job
            error, reply = self._post(hook, item.update)
            if reply:
                self._reply_method(reply)
            with self._lock:
                item.in_flight = False
                if error is None:
                    if item in self._pending:
                        self._pending.remove(item)
                else:
                    item.attempts += 1
                    delay = self.webhook_retry_delay * 2 ** (item.attempts - 1)
                    item.next_at = time.monotonic() + min(delay, self.webhook_retry_max)
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error
                self._updates_changed.notify_all()

    def _reply_method(self, reply: bytes) -> None:
        """Carry out the Bot API call a 2xx answer may carry; anything else in it is ignored."""
        try:
            params = parse_body("application/json", reply, "")
        except ApiError:
            return
        method = params.values.pop("method", None)
        if not isinstance(method, str) or not method:
            return
        with self._lock:
            bot_id = self._bot["id"]  # the bot that set the webhook (and called since)
        with contextlib.suppress(ApiError):  # Telegram reports nothing back either
            self.call(f"{bot_id}:webhook-reply", method, params)

    def _post(self, hook: Webhook, update: dict[str, Any]) -> tuple[str | None, bytes | None]:
        """POST one update: (None, the answer's body) when the bot answered 2xx, else (Telegram's
        kind of error text, None)."""
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        request = urllib.request.Request(  # noqa: S310 - setWebhook accepts only http(s) URLs
            hook.url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            # The same http(s)-only URL as above (checked in setWebhook), hence S310's noqa.
            with urllib.request.urlopen(request, timeout=self.webhook_timeout) as response:  # noqa: S310
                return None, response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            return f"Wrong response from the webhook: {exc.code} {exc.reason}", None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"Connection failed: {reason}", None
