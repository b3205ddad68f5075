"""The refusals a bot must survive: faults a test arms (``set_fault``: 429, 5xx, 403, 400, or a
held answer) and the flood limits (more than ``global_rate`` sends a second → 429)."""

from __future__ import annotations

import math
import time
from collections import deque

from ..wire import ApiError
from .records import Chat, Fault
from .users import BLOCKED

FAULT_KINDS = ("429", "500", "502", "403", "400", "timeout")
FAULT_ANSWERS = {
    "500": (500, "Internal Server Error"),
    "502": (502, "Bad Gateway"),
    "403": (403, BLOCKED),
    "400": (400, "Bad Request: injected fault"),
}


class FaultsMixin:
    """Part of ``StandInState``: its ``_faults`` by method and the ``_sent_at`` of the global
    flood limit; counts each 429 in ``_counters["429"]``.

    ``_admit`` is where a send meets the flood limits: the delivery benchmark's recording
    stand-in overrides it to note refusals."""

    # --- The simulation API ------------------------------------------------------------------

    def set_fault(
        self,
        method: str,
        kind: str,
        count: int = 1,
        *,
        description: str | None = None,
        hold: float | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` fail as ``kind`` ("429", "500", "502", "403",
        "400", or "timeout": held ``hold`` seconds (default ``timeout_hold``), then answered)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        with self._lock:
            self._faults[method.lower()] = Fault(kind, count, description, hold)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # --- Helpers (called with the lock held) -------------------------------------------------

    def _take_fault(self, name: str) -> Fault | None:
        fault = self._faults.get(name)
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining <= 0:
            del self._faults[name]
        return fault

    def _fault_error(self, fault: Fault) -> ApiError:
        if fault.kind == "429":
            self._counters["429"] = self._counters.get("429", 0) + 1
            return ApiError(429, fault.description or "Too Many Requests: retry after 1", 1)
        code, description = FAULT_ANSWERS[fault.kind]
        return ApiError(code, fault.description or description)

    def _admit(self, chat: Chat) -> None:
        """The flood limits: over ``global_rate`` sends a second (or the chat's limit) → 429."""
        now = time.monotonic()
        self._check_rate(self._sent_at, self.global_rate, now)
        self._check_rate(chat.sent_at, self.per_chat_rate, now)
        self._sent_at.append(now)
        chat.sent_at.append(now)

    def _check_rate(self, sent_at: deque[float], rate: float | None, now: float) -> None:
        if not rate:
            sent_at.clear()
            return
        # `rate` messages per second as a sliding window: capacity sends per window seconds.
        capacity = max(1, math.floor(rate))
        window = capacity / rate
        while sent_at and sent_at[0] <= now - window:
            sent_at.popleft()
        if len(sent_at) >= capacity:
            self._counters["429"] = self._counters.get("429", 0) + 1
            retry_after = max(1, math.ceil(sent_at[0] + window - now))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
