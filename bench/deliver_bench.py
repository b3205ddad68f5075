"""Delivery benchmark: N due reminders through the stand-in's 30 messages a second, by one or more
workers.

    .venv/bin/python bench/deliver_bench.py [--messages 10000] [--workers 1] [--per-chat 2]
                                            [--database-url URL] [--markdown] [--profile]

Goal: the workers, however many, fill the channel at the pace they are configured for (at least
98.5 % of it: at the default 29/s that is 95 % of Telegram's 30/s) with no 429, no duplicate,
every row sent, and no two messages to one chat arriving closer than the promised 2 s.

It loads N / --per-chat youth (consent, a Telegram chat, a network group) and --per-chat due
`meeting_reminder`s per youth into a PostgreSQL database of its own (default nw_bench; migrated,
and the rows of the previous run wiped), starts the Telegram stand-in in this process with its
30/s flood limit and one message per chat every 2 s (both at arrival), makes every reminder due
at one moment, and runs `manage.py deliver --until-idle` as --workers processes sharing their
schedule through Redis. It prints the achieved send rate against the workers' pace and Telegram's
30/s, the 429s the stand-in answered, duplicates, the shortest gap between two messages to one
chat, the delay from due time to sent (p50/p99/max), rows left unsent and the wall time, each with
the machine's load; --markdown prints the table row for docs/benchmarks.md.

Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import os
import re
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/nw_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
LIMIT = 30  # Telegram's messages a second per bot, as the stand-in enforces it
# The share of the workers' configured pace the run must reach: at the default 29/s (paced at
# 28.92/s) that is 28.49/s, 95 % of Telegram's 30.
PACE_SHARE = 0.985
# A youth's reminders are this many rows apart in the queue (about 1.7 s at 29/s), so that the
# chat's turn matters without every second message waiting for it.
CHAT_SPREAD = 50
MUNICIPALITY_SLUG = "bench-deliver"
GROUP_SIZE = 10
CHAT_ID_BASE = 7_100_000_000  # the bench's youth get chats 7100000000, 7100000001, …
CHUNK = 2_000  # rows per bulk_create
# Any well-formed "<bot id>:<key>" is accepted by the stand-in; the worker needs one set.
BENCH_BOT = "123456789:deliver-bench"
# The worker runs as in production: DEBUG off (no query log kept in memory).
WORKER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "DJANGO_LOG_LEVEL": "INFO",  # the worker's one line per batch
    "PTB_TIMEDELTA": "1",  # PTB 22 warns on building a RetryAfter without it
}
BATCH_LINE = re.compile(r"deliver batch (?P<fields>.*)")
# Fields of that line that are a snapshot or a duration, not a count to add up.
BATCH_GAUGES = frozenset({"batches", "waiting", "sending", "ms"})


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="due reminders (10000)")
    parser.add_argument("--workers", type=int, default=1, help="deliver processes (1)")
    parser.add_argument(
        "--per-chat",
        type=int,
        default=2,
        help="reminders per youth (2: the per-chat gap is measured; 1: one chat per message)",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE,
        help=f"the bench's own database, migrated and reused (default {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS,
        help=f"the workers' shared rate limiter (default {DEFAULT_REDIS}; '' for none)",
    )
    parser.add_argument("--rate", type=float, help="deliver --rate (default: the worker's own)")
    parser.add_argument("--batch-size", type=int, help="deliver --batch-size")
    parser.add_argument("--concurrency", type=int, help="deliver --concurrency")
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds before the workers are stopped (default messages / 15 + 120)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each worker under cProfile and print where its time goes",
    )
    parser.add_argument("--markdown", action="store_true", help="print the docs table too")
    return parser.parse_args(argv)


# --- Setup ---------------------------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))  # this worktree's packages, not an installed copy
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def wipe_previous() -> int:
    """Delete the rows of an earlier run (everything hangs off the bench's municipality)."""
    from domain.models import Meeting, Municipality, NetworkGroup, OutboxMessage, Youth

    municipality = Municipality.objects.filter(slug=MUNICIPALITY_SLUG).first()
    if municipality is None:
        return 0
    # The big tables first, each in one statement, so the cascade collector finds little.
    removed, _ = OutboxMessage.objects.filter(recipient__municipality=municipality).delete()
    Meeting.objects.filter(group__municipality=municipality).delete()
    removed += Youth.objects.filter(municipality=municipality).delete()[0]
    NetworkGroup.objects.filter(municipality=municipality).delete()
    municipality.delete()
    return removed


@dataclass
class Network:
    municipality_id: int
    chat_ids: list[int]
    meeting_starts_at: datetime


def progress(label: str, done: int, total: int) -> None:
    # One line rewritten on a terminal, a line per step in a log.
    if sys.stdout.isatty():
        print(f"\r  {label}: {done:,}/{total:,}", end="" if done < total else "\n", flush=True)
    else:
        print(f"  {label}: {done:,}/{total:,}", flush=True)


def queue_order(people: int, per_chat: int, messages: int) -> list[tuple[int, int]]:
    """(youth index, reminder number) in queue order: a youth's reminders CHAT_SPREAD rows
    apart; ``messages`` of them."""
    order = [
        (n, k)
        for block in range(0, people, CHAT_SPREAD)
        for k in range(per_chat)
        for n in range(block, min(block + CHAT_SPREAD, people))
    ]
    return order[:messages]


def build_network(messages: int, *, now: datetime, per_chat: int = 1) -> Network:
    """One municipality, groups of ten youth with a meeting each in six hours, and ``per_chat``
    pending `meeting_reminder`s per youth (not due yet: `make_due` sets the moment)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from domain.models import Meeting, Municipality, NetworkGroup, OutboxMessage, Youth

    call_command("migrate", verbosity=0, interactive=False)
    removed = wipe_previous()
    if removed:
        print(f"  wiped the previous run ({removed:,} rows)")
    starts_at = (now + timedelta(hours=6)).replace(second=0, microsecond=0)
    people = -(-messages // per_chat)
    groups_count = -(-people // GROUP_SIZE)
    with transaction.atomic():
        # Quiet hours 03:00–03:00 are an empty window: a reminder due at any time of day is
        # sent at once (the worker is measured, not the scheduler's night-time rule).
        municipality = Municipality.objects.create(
            name="Bench Deliver Kommune",
            slug=MUNICIPALITY_SLUG,
            quiet_hours_start="03:00",
            quiet_hours_end="03:00",
        )
        groups = NetworkGroup.objects.bulk_create(
            NetworkGroup(municipality=municipality, name=f"Netværksgruppe {n + 1}")
            for n in range(groups_count)
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(
                group=group,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                place=f"Ungehuset, lokale {n % 8 + 1}",
            )
            for n, group in enumerate(groups)
        )
        youth: list[Youth] = []
        for first in range(0, people, CHUNK):
            youth += Youth.objects.bulk_create(
                Youth(
                    municipality=municipality,
                    first_name=f"Ung{n}",
                    birth_date=date(2004, 1, 1) + timedelta(days=n % 3000),
                    language="da" if n % 5 else "en",
                    group=groups[n // GROUP_SIZE],
                    status=Youth.Status.ACTIVE,
                    telegram_user_id=CHAT_ID_BASE + n,
                    telegram_chat_id=CHAT_ID_BASE + n,
                    consent_version="2026-1",
                    consent_at=now - timedelta(days=30),
                )
                for n in range(first, min(first + CHUNK, people))
            )
            progress("youth", len(youth), people)
        meeting_type = ContentType.objects.get_for_model(Meeting)
        at = int(starts_at.timestamp())
        order = queue_order(people, per_chat, messages)
        for first in range(0, messages, CHUNK):
            OutboxMessage.objects.bulk_create(
                OutboxMessage(
                    recipient=youth[n],
                    kind=OutboxMessage.Kind.MEETING_REMINDER,
                    content_type=meeting_type,
                    object_id=meetings[n // GROUP_SIZE].pk,
                    # The key the reminder rules give the "2 hours before" reminder (and, for
                    # a youth's further reminders, a number).
                    dedupe_key=f"meeting:{meetings[n // GROUP_SIZE].pk}@{at}:y{youth[n].pk}:h2"
                    + (f":{k}" if k else ""),
                    due_at=starts_at,
                    expires_at=starts_at,
                )
                for n, k in order[first : first + CHUNK]
            )
            progress("reminders", min(first + CHUNK, messages), messages)
    # Fresh planner statistics, as autovacuum would have them by the time a worker runs.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Network(municipality.pk, [CHAT_ID_BASE + n for n in range(people)], starts_at)


def make_due(municipality_id: int) -> datetime:
    """Every reminder of the bench becomes due now, in one statement; returns the moment."""
    from django.utils import timezone

    from domain.models import OutboxMessage

    moment = timezone.now()
    OutboxMessage.objects.filter(recipient__municipality_id=municipality_id).update(due_at=moment)
    return moment


# --- The stand-in ------------------------------------------------------------------------------


def recording_standin(chat_ids: list[int]):
    """The stand-in with its 30/s limit and a chat's 2 s, one chat per youth, noting when each
    message arrived and when it answered 429."""
    from standin import StandIn
    from standin.wire import ApiError
    from worker.ratelimit import PER_CHAT_SECONDS

    class RecordingStandIn(StandIn):
        def __init__(self) -> None:
            # Telegram's 30/s, and the README's promise of one message per chat every 2 s.
            super().__init__(global_rate=LIMIT, per_chat_rate=1 / PER_CHAT_SECONDS)
            self.arrivals: list[tuple[float, int]] = []  # (wall clock, chat id), in order
            self.refusals: list[float] = []  # wall clock of each 429

        def _admit(self, chat) -> None:
            try:
                super()._admit(chat)
            except ApiError as error:
                if error.code == 429:
                    self.refusals.append(time.time())
                raise

        def _add_bot_message(self, chat, message):
            # Called with the lock held, once a send has passed the flood limit.
            self.arrivals.append((time.time(), chat.user.id))
            return super()._add_bot_message(chat, message)

    standin = RecordingStandIn()
    for chat_id in chat_ids:
        standin.new_user(first_name="Ung", id=chat_id)
    return standin


# --- The workers -------------------------------------------------------------------------------


def worker_argv(args: argparse.Namespace, number: int) -> list[str]:
    """``manage.py`` arguments of worker ``number``."""
    argv = ["deliver", "--until-idle", "--name", f"bench-{number}"]
    for option in ("rate", "batch_size", "concurrency"):
        value = getattr(args, option)
        if value is not None:
            argv += [f"--{option.replace('_', '-')}", f"{value:g}"]
    return argv


def run_worker(argv: list[str], env: dict[str, str], log_path: str, profile_path: str) -> None:
    """The body of a worker process: ``manage.py <argv>`` with ``env``, its output to
    ``log_path``, optionally under cProfile."""
    os.environ.clear()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # as manage.py does
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    from django.core.management import execute_from_command_line

    if not profile_path:
        execute_from_command_line(["manage.py", *argv])
        return
    import cProfile
    import pstats
    import threading

    # The ORM runs in sync_to_async's thread, not the event loop's: profile every thread. A
    # new thread's first call installs its own profiler (enable() replaces this hook there).
    profiles: list[cProfile.Profile] = []

    def profile_thread(*_: object) -> None:
        profiles.append(cProfile.Profile())
        profiles[-1].enable()

    threading.setprofile(profile_thread)
    main = cProfile.Profile()
    try:
        main.runcall(execute_from_command_line, ["manage.py", *argv])
    finally:
        threading.setprofile(None)
        stats = pstats.Stats(main)
        for profile in profiles:
            stats.add(profile)
        stats.dump_stats(profile_path)


def start_workers(args: argparse.Namespace, env: dict[str, str], log_dir: Path) -> list:
    """Start the worker processes. Each is a fresh interpreter ("spawn": nothing of this
    process's Django, database connections or stand-in is inherited) running ``manage.py
    deliver`` as the command line would."""
    context = multiprocessing.get_context("spawn")
    workers = []
    for number in range(1, args.workers + 1):
        profile = str(log_dir / f"worker-{number}.prof") if args.profile else ""
        worker = context.Process(
            target=run_worker,
            args=(worker_argv(args, number), env, str(log_dir / f"worker-{number}.log"), profile),
            name=f"deliver-{number}",
        )
        worker.start()
        workers.append(worker)
    return workers


def wait_for_workers(workers: list, standin, total: int, timeout: float) -> bool:
    """Wait until every worker exits, printing progress; False when they had to be stopped."""
    deadline = time.monotonic() + timeout
    shown = time.monotonic()
    while any(worker.is_alive() for worker in workers):
        if time.monotonic() > deadline:
            print(f"  timeout after {timeout:g} s: stopping the workers (SIGTERM)", flush=True)
            stop_workers(workers)
            return False
        if time.monotonic() - shown >= 10:
            shown = time.monotonic()
            print(
                f"  … {len(standin.arrivals):,}/{total:,} at the stand-in "
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        time.sleep(0.2)
    for worker in workers:
        worker.join()
    return True


def stop_workers(workers: list) -> None:
    """SIGTERM (the worker finishes what is in flight and releases its claims), then wait."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.kill()
            worker.join()


def batch_times(log_text: str) -> list[float]:
    """When each batch line was logged (a claimed batch has just arrived): wall clock. The
    worker logs in Django's TIME_ZONE, which Django also set for this process (os.environ TZ)."""
    moments = []
    for line in log_text.splitlines():
        if "deliver batch" in line and line[:4].isdigit():
            stamp, _, millis = line[:23].partition(",")
            parsed = time.strptime(stamp, "%Y-%m-%d %H:%M:%S")
            moments.append(time.mktime(parsed) + int(millis) / 1000)
    return moments


def batch_totals(log_text: str) -> dict[str, int]:
    """The sums of the worker's per-batch log lines (claimed=50 sent=50 … ms=1712), and their
    number as "batches"."""
    totals: Counter[str] = Counter()
    for match in BATCH_LINE.finditer(log_text):
        totals["batches"] += 1
        for pair in match.group("fields").split():
            key, _, value = pair.partition("=")
            if value.isdigit():
                totals[key] += int(value)
    return dict(totals)


# --- Measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def busiest_second(times: list[float]) -> int:
    """The most arrivals within any 1-second window (the stand-in allows 30)."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def shortest_chat_gap(arrivals: list[tuple[float, int]]) -> tuple[float, int]:
    """The shortest time between two messages arriving in one chat, and how many such gaps were
    under the promised interval."""
    from worker.ratelimit import PER_CHAT_SECONDS

    last: dict[int, float] = {}
    shortest, under = float("inf"), 0
    for moment, chat_id in arrivals:
        if chat_id in last:
            gap = moment - last[chat_id]
            shortest = min(shortest, gap)
            under += gap < PER_CHAT_SECONDS
        last[chat_id] = moment
    return shortest, under


def configured_pace(rate: float | None) -> tuple[float, float]:
    """The workers' rate (--rate, else the setting) and the pace they keep at it (messages a
    second)."""
    from django.conf import settings

    from worker.ratelimit import Pace

    rate = rate or settings.NEXTWORK_DELIVERY_RATE
    return rate, 1 / Pace.for_rate(rate).interval


@dataclass
class Figures:
    messages: int
    workers: int
    pace: float  # what the workers are configured for, messages a second
    chat_gap: float  # the shortest gap between two arrivals in one chat
    chat_gaps_under: int  # gaps under the promised interval
    arrived: int
    chats_reached: int
    duplicates: int
    rate: float  # messages / (last − first arrival)
    busiest_second: int
    too_many_requests: int
    statuses: dict[str, int]
    possible_duplicates: int
    delay_p50: float
    delay_p99: float
    delay_max: float
    # Why 429s come: how the worker spaced its sends and how long they took to arrive.
    worker_busiest_second: int  # the most send_started_at stamps in any 1-second window
    transit_p50: float  # send_started_at → arrival at the stand-in
    transit_p99: float
    transit_max: float
    refusals_after_claim: float  # share of 429s within 0.5 s after a batch was claimed
    claim_share: float  # the share of the run's time that lies within 0.5 s after a claim
    startup: float  # launch → first arrival
    wall: float  # launch → last worker exited
    worker_cpu: float  # seconds, all workers
    own_cpu: float  # seconds, the stand-in and this script
    batches: dict[str, int] = field(default_factory=dict)
    stopped: bool = False

    @property
    def share(self) -> float:
        return self.rate / LIMIT

    @property
    def pace_share(self) -> float:
        return self.rate / self.pace

    @property
    def not_sent(self) -> int:
        return self.messages - self.statuses.get("sent", 0)

    @property
    def goal_met(self) -> bool:
        return (
            self.pace_share >= PACE_SHARE
            and self.too_many_requests == 0
            and self.duplicates == 0
            and self.not_sent == 0
            and self.chat_gaps_under == 0
        )


def measure(
    *,
    standin,
    municipality_id: int,
    due_at: datetime,
    launched: float,
    ended: float,
    messages: int,
    workers: int,
    pace: float,
    worker_cpu: float,
    own_cpu: float,
    log_text: str,
    stopped: bool,
) -> Figures:
    from django.db.models import Count, Sum

    from domain.models import OutboxMessage

    rows = OutboxMessage.objects.filter(recipient__municipality_id=municipality_id)
    statuses = {
        row["status"]: row["n"] for row in rows.values("status").order_by().annotate(n=Count("id"))
    }
    possible = rows.aggregate(n=Sum("possible_duplicates"))["n"] or 0
    sent = list(
        rows.filter(status="sent").values_list(
            "recipient__telegram_chat_id", "send_started_at", "sent_at"
        )
    )
    delays = [(sent_at - due_at).total_seconds() for _, _, sent_at in sent]
    times = [moment for moment, _ in standin.arrivals]
    per_chat = Counter(chat_id for _, chat_id in standin.arrivals)
    rows_per_chat = dict(
        rows.values_list("recipient__telegram_chat_id").annotate(n=Count("id")).order_by()
    )
    chat_gap, chat_gaps_under = shortest_chat_gap(standin.arrivals)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    stamps = sorted(stamp.timestamp() for _, stamp, _ in sent if stamp)
    transits = transit_times(standin.arrivals, [(c, s.timestamp()) for c, s, _ in sent if s])
    claims = batch_times(log_text)
    after_claim, claim_share = claim_proximity(standin.refusals, claims, times)
    if dump := os.environ.get("DELIVER_BENCH_DUMP"):  # raw times, for a closer look
        Path(dump).write_text(
            json.dumps({"arrivals": times, "refusals": standin.refusals, "claims": claims})
        )
    return Figures(
        messages=messages,
        workers=workers,
        pace=pace,
        chat_gap=chat_gap,
        chat_gaps_under=chat_gaps_under,
        arrived=len(times),
        chats_reached=len(per_chat),
        duplicates=sum(
            max(0, count - rows_per_chat.get(chat, 0)) for chat, count in per_chat.items()
        ),
        rate=len(times) / span if span else 0.0,
        busiest_second=busiest_second(times),
        too_many_requests=standin.counters.get("429", 0),
        statuses=statuses,
        possible_duplicates=possible,
        delay_p50=statistics.median(delays) if delays else float("nan"),
        delay_p99=percentile(delays, 0.99) if delays else float("nan"),
        delay_max=max(delays) if delays else float("nan"),
        worker_busiest_second=busiest_second(stamps),
        transit_p50=statistics.median(transits) if transits else float("nan"),
        transit_p99=percentile(transits, 0.99) if transits else float("nan"),
        transit_max=max(transits) if transits else float("nan"),
        refusals_after_claim=after_claim,
        claim_share=claim_share,
        startup=times[0] - launched if times else float("nan"),
        wall=ended - launched,
        worker_cpu=worker_cpu,
        own_cpu=own_cpu,
        batches=batch_totals(log_text),
        stopped=stopped,
    )


def transit_times(
    arrivals: list[tuple[float, int]], stamps: list[tuple[int, float]]
) -> list[float]:
    """For each (chat, send_started_at), the time to the chat's first arrival after it (a
    chat with several messages has them at least 2 s apart)."""
    by_chat: dict[int, list[float]] = {}
    for moment, chat_id in arrivals:
        by_chat.setdefault(chat_id, []).append(moment)
    transits = []
    for chat_id, started in stamps:
        moments = by_chat.get(chat_id, [])
        # Clocks of two processes: a stamp may read a few milliseconds after the arrival.
        index = bisect.bisect_left(moments, started - 0.05)
        if index < len(moments):
            transits.append(moments[index] - started)
    return transits


def claim_proximity(
    refusals: list[float], claims: list[float], arrivals: list[float], near: float = 0.5
) -> tuple[float, float]:
    """The share of 429s that came within ``near`` s after a claimed batch arrived at the
    worker, and the share of the sending time that lies that close after one (what the first
    would be if 429s had nothing to do with claims)."""
    if not refusals or not claims or len(arrivals) < 2:
        return float("nan"), float("nan")

    def close_after_claim(moment: float) -> bool:
        return any(0 <= moment - claim < near for claim in claims)

    after = sum(close_after_claim(moment) for moment in refusals) / len(refusals)
    first, last = arrivals[0], arrivals[-1]
    covered, until = 0.0, first
    for claim in sorted(claims):
        start, end = max(claim, until, first), min(claim + near, last)
        if end > start:
            covered += end - start
            until = end
    return after, covered / (last - first)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- Output ------------------------------------------------------------------------------------


def per_chat_seconds() -> float:
    from worker.ratelimit import PER_CHAT_SECONDS

    return PER_CHAT_SECONDS


def summary(figures: Figures) -> str:
    f = figures
    # Sent back to back at exactly 30/s from the due moment, message k leaves at k/30 s: the
    # channel alone makes the delays this long.
    floor_p50, floor_p99 = 0.5 * f.messages / LIMIT, 0.99 * f.messages / LIMIT
    batches = f.batches
    lines = [
        f"messages           {f.messages:,} due at once, {f.workers} worker(s)",
        f"at the stand-in    {f.arrived:,} messages to {f.chats_reached:,} chats",
        f"send rate          {f.rate:.2f}/s = {f.pace_share:.1%} of the workers' pace "
        f"{f.pace:.2f}/s = {f.share:.1%} of {LIMIT}/s "
        f"(messages ÷ last−first arrival; busiest 1-s window {f.busiest_second})",
        f"429s               {f.too_many_requests}",
        f"per chat           shortest gap between two arrivals {f.chat_gap:.2f} s; "
        f"{f.chat_gaps_under} under the promised {per_chat_seconds()} s",
        f"  worker spacing   busiest 1-s window of send_started_at {f.worker_busiest_second}; "
        f"send_started_at → arrival p50 {1000 * f.transit_p50:.0f} ms, "
        f"p99 {1000 * f.transit_p99:.0f} ms, max {1000 * f.transit_max:.0f} ms",
        f"  429s near claims {f.refusals_after_claim:.0%} of the 429s came < 0.5 s after a batch "
        f"was claimed ({f.claim_share:.0%} of the time is that close to one)",
        f"duplicates         {f.duplicates} at the stand-in, "
        f"possible_duplicates {f.possible_duplicates} in the outbox",
        "rows               " + ", ".join(f"{k} {v:,}" for k, v in sorted(f.statuses.items())),
        f"not sent           {f.not_sent:,}",
        f"delay due → sent   p50 {f.delay_p50:.1f} s, p99 {f.delay_p99:.1f} s, "
        f"max {f.delay_max:.1f} s (at exactly {LIMIT}/s: p50 {floor_p50:.1f} s, "
        f"p99 {floor_p99:.1f} s)",
        f"wall time          {f.wall:.1f} s (first message {f.startup:.1f} s after launch)",
        f"CPU                workers {f.worker_cpu / f.wall:.0%} of a core "
        f"({1000 * f.worker_cpu / max(f.arrived, 1):.1f} ms per message), stand-in + bench "
        f"{f.own_cpu / f.wall:.0%}",
    ]
    if batches:
        count = batches.get("batches", 0)
        counted = [key for key in batches if key not in BATCH_GAUGES]
        lines.append(
            f"worker batch lines {count}: "
            + ", ".join(f"{key} {batches[key]:,}" for key in counted)
            + f"; {batches.get('ms', 0) / max(count, 1):.0f} ms each on average"
        )
    load = os.getloadavg()[0]
    lines.append(f"load average       {load:.1f} on {os.cpu_count()} cores")
    verdict = "met" if f.goal_met else "NOT met"
    lines.append(
        f"goal               {verdict} (≥ {PACE_SHARE:.1%} of the workers' pace "
        f"= {PACE_SHARE * f.pace:.2f}/s, no 429, no duplicate, all sent, no chat gap under "
        f"{per_chat_seconds()} s)"
        + (" — the workers were stopped at the timeout" if f.stopped else "")
    )
    return "\n".join(lines)


MARKDOWN_HEADER = (
    "| workers | messages | chats | sent | rate/s | of pace | of 30/s | 429s | duplicates "
    "| shortest chat gap | delay p50 | p99 | max | wall | load |\n"
    "|--------:|---------:|------:|-----:|-------:|--------:|--------:|-----:|-----------:"
    "|------------------:|----------:|----:|----:|-----:|-----:|"
)


def markdown_row(figures: Figures) -> str:
    f = figures
    return (
        f"| {f.workers} | {f.messages:,} | {f.chats_reached:,} | {f.statuses.get('sent', 0):,} "
        f"| {f.rate:.2f} | {f.pace_share:.1%} | {f.share:.1%} | {f.too_many_requests} "
        f"| {f.duplicates} | {f.chat_gap:.2f} s | {f.delay_p50:.0f} s | {f.delay_p99:.0f} s "
        f"| {f.delay_max:.0f} s | {f.wall:.0f} s | {os.getloadavg()[0]:.1f} |"
    )


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    if not path.exists():
        print(f"(no profile at {path})")
        return
    print(f"\n--- {path.name}: the {top} functions with the most own time ---")
    pstats.Stats(str(path), stream=sys.stdout).sort_stats("tottime").print_stats(top)


# --- Main --------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    name = urlsplit(args.database_url).path.lstrip("/")
    if not name.startswith("nw_"):
        raise SystemExit(f"refusing to write into {name!r}: give the bench a database nw_…")
    setup_django(args.database_url)
    from django.db import connections
    from django.utils import timezone

    print(f"Setting up {args.messages:,} youth and reminders in {name} …", flush=True)
    started = time.monotonic()
    network = build_network(args.messages, now=timezone.now(), per_chat=args.per_chat)
    print(f"  done in {time.monotonic() - started:.1f} s", flush=True)

    standin = recording_standin(network.chat_ids).start()
    log_dir = ROOT / "var" / "bench-deliver"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **WORKER_ENV,
        "DATABASE_URL": args.database_url,
        "TELEGRAM_BOT_TOKEN": BENCH_BOT,
        "TELEGRAM_API_URL": standin.base_url,
    }
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    timeout = args.timeout or args.messages / 15 + 120
    workers: list = []
    try:
        due_at = make_due(network.municipality_id)
        connections.close_all()
        cpu_before, own_before = children_cpu(), time.process_time()
        launched = time.time()
        print(f"Delivering with {args.workers} worker(s); logs in {log_dir} …", flush=True)
        workers = start_workers(args, env, log_dir)
        finished = wait_for_workers(workers, standin, args.messages, timeout)
        ended = time.time()
        worker_cpu, own_cpu = children_cpu() - cpu_before, time.process_time() - own_before
    finally:
        stop_workers(workers)  # only still running after an error or Ctrl-C
        standin.stop()
    codes = [worker.exitcode for worker in workers]
    log_text = "".join(
        (log_dir / f"worker-{n}.log").read_text() for n in range(1, args.workers + 1)
    )
    figures = measure(
        standin=standin,
        municipality_id=network.municipality_id,
        due_at=due_at,
        launched=launched,
        ended=ended,
        messages=args.messages,
        workers=args.workers,
        pace=configured_pace(args.rate)[1],
        worker_cpu=worker_cpu,
        own_cpu=own_cpu,
        log_text=log_text,
        stopped=not finished,
    )
    print()
    print(summary(figures))
    if any(codes):
        print(f"worker exit codes  {codes} (see {log_dir})")
    if args.markdown:
        print()
        print(MARKDOWN_HEADER)
        print(markdown_row(figures))
    if args.profile:
        for number in range(1, args.workers + 1):
            print_profile(log_dir / f"worker-{number}.prof")
    return 0 if figures.goal_met and not any(codes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
