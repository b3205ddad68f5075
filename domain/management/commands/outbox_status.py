"""Show the delivery queue: what is due, being sent, waiting to retry, sent, delivery unknown
(sent, never answered: may have arrived), failed (not received), skipped, and which youth the bot
cannot reach. For operators (a terminal, or --json for monitoring)."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from domain.selectors.outbox import municipality_for_operator, outbox_queue_summary

# (label, path into a summary block) in the order a reader scans them.
ROWS = (
    ("due now", ("due_now",)),
    ("being sent", ("being_sent",)),
    ("waiting to retry", ("waiting_retry",)),
    ("held for quiet hours", ("held_quiet_hours",)),
    ("scheduled later", ("scheduled_later",)),
    ("sent, last 24 h", ("sent_last_24h",)),
    ("sent, all time", ("sent_total",)),
    ("delivery unknown", ("delivery_unknown",)),
    ("failed (not received)", ("failed", "total")),
    ("  forbidden (403)", ("failed", "forbidden")),
    ("  bad request (400)", ("failed", "bad_request")),
    ("  gave up", ("failed", "gave_up")),
    ("  refused (SMTP 5xx)", ("failed", "refused")),
    ("  other", ("failed", "other")),
    ("skipped", ("skipped", "total")),
    ("  quiet hours", ("skipped", "quiet_hours")),
    ("  already past", ("skipped", "already_past")),
    ("  expired before sending", ("skipped", "expired")),
    ("  overdue", ("skipped", "overdue")),
    ("  other", ("skipped", "other")),
    ("cancelled", ("cancelled",)),
    ("possible duplicates", ("possible_duplicates",)),
    ("lag (oldest due)", ("lag_seconds",)),
    ("unreachable youth", ("unreachable_youth",)),
)


def _value(block: dict, path: tuple[str, ...]) -> object:
    for key in path:
        block = block[key]
    return block


def _cell(value: object, path: tuple[str, ...]) -> str:
    if path == ("lag_seconds",):
        return "-" if value is None else _duration(int(value))
    return str(value)


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Command(BaseCommand):
    help = (
        "Show the delivery queue (due, being sent, retrying, sent, delivery unknown, failed, "
        "skipped by quiet hours, cancelled) and the unreachable youth, overall and per "
        "municipality."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--municipality",
            metavar="SLUG_OR_ID",
            help="Only this municipality (its slug or id).",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON for machines."
        )

    def handle(
        self, *args, municipality: str | None = None, as_json: bool = False, **options
    ) -> None:
        place = None
        if municipality is not None:
            place = municipality_for_operator(municipality)
            if place is None:
                raise CommandError(
                    f"No municipality with the slug or id {municipality!r}. "
                    "Leave out --municipality to see them all."
                )
        summary = outbox_queue_summary(municipality=place)
        if as_json:
            self.stdout.write(_dumps(summary))
            return
        self.stdout.write(self._table(summary, single=place is not None))

    def _table(self, summary: dict, *, single: bool) -> str:
        blocks = summary["municipalities"]
        columns = [(block["slug"], block) for block in blocks]
        if not single:
            if summary.get("email") is not None:
                columns.append(("e-mail", summary["email"]))
            columns.append(("all", summary["overall"]))
        label_width = max(len(label) for label, _ in ROWS)
        cells = [[_cell(_value(block, path), path) for _, path in ROWS] for _, block in columns]
        widths = [
            max(len(name), *(len(c) for c in column))
            for (name, _), column in zip(columns, cells, strict=True)
        ]
        generated = summary["generated_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = [f"Delivery queue at {generated}", ""]
        header = " ".join(
            name.rjust(width) for (name, _), width in zip(columns, widths, strict=True)
        )
        lines.append(f"{'':<{label_width}}  {header}")
        for index, (label, _) in enumerate(ROWS):
            row = " ".join(
                column[index].rjust(width) for column, width in zip(cells, widths, strict=True)
            )
            lines.append(f"{label:<{label_width}}  {row}")
        return "\n".join(lines)


def _dumps(summary: dict) -> str:
    return json.dumps(summary, default=_json_default, indent=2, sort_keys=True)
