"""Bot benchmark: many simulated youth browsing through the stand-in against the real bot.

    .venv/bin/python bench/bot_bench.py [--youth 50] [--seconds 30] [--database-url URL]
    .venv/bin/python bench/bot_bench.py --webhook --processes 2 --database-url URL

It builds a fresh database (a temporary SQLite file, or the PostgreSQL database named by
--database-url, which it DROPS and recreates), fills it with a network of open slots and invited
youth, starts the Telegram stand-in in this process and the bot, links every youth through the
bot (/start <token>, consent), and then lets them all browse at once for --seconds: each presses
a navigation button of the screen it sees (filters, pages, slot cards, the menu) or, now and
then, types a text, and waits for the bot's answer before the next step. It prints updates
handled per second, the time from update to reply (p50/p95/max) and the bot's CPU per update.

The bot is either ``manage.py runbot`` (long polling, one process: the default), or, with
``--webhook``, the portal's ASGI application under uvicorn with ``--processes`` worker
processes (``bench.support.web``: production settings, PostgreSQL only). The stand-in then posts
every update to the one webhook URL; uvicorn's workers share its listening socket and the kernel
gives each new connection (the stand-in opens one per delivery) to whichever worker accepts it
first, so no load balancer stands between them.

Goals: runbot, at least ``--goal`` updates a second (default 100); webhook, at least ``--goal``
(default 250) updates a second and a p95 under ``--goal-p95`` ms (default 200). Either way every
update answered. It prints the verdict and the machine's load beside the figures, and exits 1
when the goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import cpu  # noqa: E402 - needs ROOT on the path
from bench.support.processes import stop  # noqa: E402 - needs ROOT on the path
from bot import callbacks as cb  # noqa: E402 - needs ROOT on the path

# Buttons that only look: browsing, filters, pages, slot cards, the menu. Never ones that change
# the youth's data (interest, sign-ups, settings, "delete my data"). A typed text is offered to
# the youth's consultant ("Send this to Mette?", a screen without navigation); the youth says no
# (the draft is UI state only) and browses on. Without that answer every youth ended up typing
# text after text, and the run measured the stand-in's 30 new messages a second.
NAVIGATION = tuple(
    f"{cb.VERSION}:{feature}:{action}"
    for feature, action in (
        (cb.BROWSE, ""),
        (cb.SLOT, "open"),
        (cb.MENU, "show"),
        (cb.TALK, "drop"),
    )
)
TEXTS = ("hej", "hvad kan jeg?", "tak 🙂", "مرحبا")
TEXT_SHARE = 0.1  # one step in ten is a typed text (a new message, not an edit)
REPLY_TIMEOUT = 10.0
# The goals (docs/benchmarks.md): updates answered a second by the one polling process, and by
# the webhook under several web processes, where the time to a reply counts too.
GOAL_UPDATES_PER_SECOND = 100.0
WEBHOOK_GOAL_UPDATES_PER_SECOND = 250.0
WEBHOOK_GOAL_P95_MS = 200.0
WEBHOOK_SECRET = "bench-webhook-secret_0123456789"  # noqa: S105 - the loopback benchmark's own


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--youth", type=int, default=50, help="simulated youth (default 50)")
    parser.add_argument("--seconds", type=float, default=30, help="measured time (default 30)")
    parser.add_argument("--slots", type=int, default=60, help="open slots (default 60)")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database the benchmark may DROP and recreate (default: temporary "
        "SQLite)",
    )
    parser.add_argument(
        "--global-rate",
        type=float,
        default=30,
        help="the stand-in's messages/s limit (default 30, as Telegram; 0 = none)",
    )
    parser.add_argument(
        "--bot",
        choices=("runbot", "echo"),
        default="runbot",
        help="runbot: the real bot and database; echo: bench/support/echo_bot.py, no database, to "
        "measure the stand-in and PTB alone",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="serve the bot by webhook from uvicorn web processes instead of runbot",
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="uvicorn worker processes (--webhook; default 2)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--goal",
        type=float,
        default=None,
        help=f"updates/s the run must reach (default {GOAL_UPDATES_PER_SECOND:g}, with --webhook "
        f"{WEBHOOK_GOAL_UPDATES_PER_SECOND:g})",
    )
    parser.add_argument(
        "--goal-p95",
        type=float,
        default=None,
        help=f"ms the p95 update → reply must stay under (default: not checked; with --webhook "
        f"{WEBHOOK_GOAL_P95_MS:g})",
    )
    args = parser.parse_args(argv)
    if args.webhook and args.bot != "runbot":
        parser.error("--webhook serves the real bot; the echo bot has no webhook")
    if args.webhook and not args.database_url.startswith("postgres"):
        parser.error(
            "--webhook runs the web tier as in production: give a PostgreSQL --database-url"
        )
    if args.goal is None:
        args.goal = WEBHOOK_GOAL_UPDATES_PER_SECOND if args.webhook else GOAL_UPDATES_PER_SECOND
    if args.goal_p95 is None and args.webhook:
        args.goal_p95 = WEBHOOK_GOAL_P95_MS
    return args


# --- The database ---------------------------------------------------------------------------


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("nw_"):
        raise SystemExit(f"refusing to wipe {name!r}: use a database named nw_… for the bench")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_network(youth_count: int, slot_count: int) -> list[str]:
    """A municipality, companies with open slots in every sector, and invited youth; returns
    one invite token per youth."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from domain.models import Sector
    from domain.services.invites import invite_create
    from tests import factories as f

    municipality = f.MunicipalityFactory(name="Benchby", slug="benchby")
    consultant = f.ConsultantFactory(municipality=municipality, user__username="bench")
    sectors = list(Sector.objects.all())
    companies = []
    for n in range(6):
        company = f.CompanyFactory(name=f"Virksomhed {n} ApS")
        f.MembershipFactory(company=company, municipality=municipality)
        companies.append(company)
    for n in range(slot_count):
        f.SlotFactory(
            company=companies[n % len(companies)],
            sector=sectors[n % len(sectors)],
            title=f"Plads {n}",
            hours_min=5 + n % 10,
            hours_max=20 + n % 17,
        )
    tokens = []
    for n in range(youth_count):
        youth = f.InvitedYouthFactory(
            municipality=municipality, contact_consultant=consultant, first_name=f"Ung{n}"
        )
        tokens.append(invite_create(youth=youth, actor=consultant.user).token)
    return tokens


# --- The bot process ----------------------------------------------------------------------------


def start_bot(kind: str, env: dict[str, str]) -> subprocess.Popen:
    command = (
        ["manage.py", "runbot"]
        if kind == "runbot"
        else ["bench/support/echo_bot.py", env["TELEGRAM_API_URL"]]
    )
    return subprocess.Popen(  # noqa: S603 - our own scripts
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=None if kind == "echo" else subprocess.PIPE,
        text=True,
    )


def wait_until_polling(standin, bot: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while standin.counters.get("getUpdates", 0) < 1:
        if bot.poll() is not None:
            raise SystemExit(f"runbot exited ({bot.returncode}):\n{bot.stderr.read()}")
        if time.monotonic() > deadline:
            raise SystemExit("runbot never polled the stand-in")
        time.sleep(0.05)


@dataclass(frozen=True)
class BotUnderTest:
    """What the measurement needs of the bot: the processes whose CPU counts as the bot's."""

    describe: str
    pids: Callable[[], list[int]]  # read at each measurement: uvicorn may replace a worker

    def cpu_seconds(self) -> dict[int, float]:
        return {pid: cpu.cpu_seconds(pid) for pid in self.pids()}


@contextmanager
def polling_bot(kind: str, standin) -> Iterator[BotUnderTest]:
    bot = start_bot(kind, {**os.environ, "TELEGRAM_API_URL": standin.base_url})
    try:
        wait_until_polling(standin, bot)
        yield BotUnderTest(f"{kind} (one process, long polling)", lambda: [bot.pid])
    finally:
        stop(bot, grace=15)


def set_webhook(standin, url: str) -> None:
    """setWebhook through the stand-in's Bot API, as a deployment does once."""
    from django.conf import settings

    request = urllib.request.Request(  # noqa: S310 - the stand-in on the loopback
        f"{standin.base_url}{settings.TELEGRAM_BOT_TOKEN}/setWebhook",
        data=json.dumps({"url": url, "secret_token": WEBHOOK_SECRET}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - as above
        if not json.load(answer).get("ok"):
            raise SystemExit("the stand-in refused setWebhook")


@contextmanager
def webhook_bot(processes: int, standin) -> Iterator[BotUnderTest]:
    """The portal's web tier serving the webhook, the stand-in posting every update to it."""
    from bench.support.web import SERVER_ENV, web_processes

    env = {
        **SERVER_ENV,
        "TELEGRAM_API_URL": standin.base_url,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    with web_processes(processes, env) as tier:
        set_webhook(standin, f"http://127.0.0.1:{tier.port}/telegram/webhook/")
        yield BotUnderTest(
            f"webhook, {processes} uvicorn processes on one port",
            lambda: cpu.with_descendants(tier.pid),
        )


# --- The simulated youth ------------------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None) -> None:
        with self.lock:
            if seconds is None:
                self.unanswered += 1
            else:
                self.latencies.append(seconds)


def link(standin, user, token: str):
    """Open the invite and accept: returns the welcome screen."""
    standin.send_text(user, f"/start {token}")
    (consent,) = standin.wait_for(user, timeout=REPLY_TIMEOUT)
    yes = consent.buttons[0][0].callback_data
    standin.press(user, yes, consent.message_id)
    (welcome,) = standin.wait_for(user, timeout=REPLY_TIMEOUT)
    return welcome


def drain(standin, user) -> None:
    """Take any further messages of the last answer, so the next step waits for its own."""
    while True:
        try:
            standin.wait_for(user, timeout=0.0)
        except TimeoutError:
            return


def browse(standin, user, screen, until: float, results: Results, *, rng: random.Random) -> None:
    while time.monotonic() < until:
        choices = [
            button.callback_data
            for row in screen.buttons
            for button in row
            if button.callback_data and button.callback_data.startswith(NAVIGATION)
        ]
        started = time.monotonic()
        if not choices or rng.random() < TEXT_SHARE:
            standin.send_text(user, rng.choice(TEXTS))
        else:
            standin.press(user, rng.choice(choices), screen.message_id)
        try:
            (reply,) = standin.wait_for(user, timeout=REPLY_TIMEOUT)
        except TimeoutError:
            # E.g. the same screen again: Telegram refuses an edit that changes nothing, so
            # the bot has nothing to show. Counted, not timed.
            results.add(None)
            continue
        results.add(time.monotonic() - started)
        drain(standin, user)
        screen = reply if reply.buttons else standin.messages(user)[-1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- Main ---------------------------------------------------------------------------------------


def load() -> float:
    return os.getloadavg()[0]


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process started in between counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="nextwork-bench-"))
    if args.database_url:
        recreate_postgres(args.database_url)
        database_url = args.database_url
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("TELEGRAM_BOT_TOKEN", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection, connections

    from standin import StandIn

    tokens: list[str] = []
    if args.bot == "runbot":
        print(f"Building the network ({args.youth} youth, {args.slots} slots) …", flush=True)
        tokens = build_network(args.youth, args.slots)
        connections.close_all()

    standin = StandIn(global_rate=args.global_rate or None).start()
    serving = (
        webhook_bot(args.processes, standin) if args.webhook else polling_bot(args.bot, standin)
    )
    try:
        with serving as bot:
            users = [standin.new_user(first_name=f"Ung{n}") for n in range(args.youth)]
            screens = {}
            print(f"Linking every youth through the bot ({bot.describe}) …", flush=True)
            for n, user in enumerate(users):
                # Paced: 50 welcomes at once would be 50 new messages in a second, over
                # Telegram's 30/s, which is not what this benchmark measures.
                time.sleep(0.05)
                if tokens:
                    screens[user.id] = link(standin, user, tokens[n])
                else:
                    standin.send_text(user, "hej")
                    (screens[user.id],) = standin.wait_for(user, timeout=REPLY_TIMEOUT)

            print(f"Browsing: {args.youth} youth at once for {args.seconds:g} s …", flush=True)
            results = Results()
            before = standin.counters
            database_before = {pid: cpu.cpu_seconds(pid) for pid in postgres_pids(args)}
            bot_before, own_before = bot.cpu_seconds(), time.process_time()
            load_before = load()
            started = time.monotonic()
            until = started + args.seconds
            threads = [
                threading.Thread(
                    target=browse,
                    args=(standin, user, screens[user.id], until, results),
                    kwargs={"rng": random.Random(args.seed * 1000 + n)},
                    daemon=True,
                )
                for n, user in enumerate(users)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 2 * REPLY_TIMEOUT)
            elapsed = time.monotonic() - started
            after = standin.counters
            bot_after = bot.cpu_seconds()
            own_cpu = time.process_time() - own_before
            database_after = {pid: cpu.cpu_seconds(pid) for pid in postgres_pids(args)}
            load_after = load()
    finally:
        standin.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    bot_cpu = spent(bot_before, bot_after)
    database_cpu = spent(database_before, database_after)
    handled = len(results.latencies)
    rate = handled / elapsed if elapsed else 0.0
    p95 = 1000 * percentile(results.latencies, 0.95) if handled else float("inf")
    at = f"(load {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores)"
    calls = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k) != before.get(k)}
    print()
    print(f"bot                {bot.describe}")
    print(f"database           {connection.vendor if args.bot == 'runbot' else '(none)'}")
    print(f"youth              {args.youth}")
    print(f"updates answered   {handled} in {elapsed:.1f} s = {rate:.1f} updates/s {at}")
    print(f"unanswered         {results.unanswered}")
    if handled:
        print(
            "update → reply     "
            f"p50 {1000 * statistics.median(results.latencies):.0f} ms, "
            f"p95 {p95:.0f} ms, "
            f"max {1000 * max(results.latencies):.0f} ms {at}"
        )
    print(f"Bot API calls      {dict(sorted(calls.items()))}")
    by_process = " + ".join(
        f"{bot_after[pid] - bot_before.get(pid, 0.0):.1f}" for pid in sorted(bot_after)
    )
    print(
        f"CPU                bot {bot_cpu / elapsed:.0%} of a core ({by_process} s by process), "
        f"stand-in + simulated youth {own_cpu / elapsed:.0%}"
        + (f", PostgreSQL {database_cpu / elapsed:.0%}" if args.database_url else "")
        + f" {at}"
    )
    if handled:
        # Load-independent: what one update costs, however busy the machine is.
        per_update = bot_cpu / handled
        print(
            f"CPU per update     bot {1000 * per_update:.1f} ms"
            + (f", PostgreSQL {1000 * database_cpu / handled:.1f} ms" if args.database_url else "")
            + f", stand-in + youth {1000 * own_cpu / handled:.1f} ms {at}"
        )
        print(
            f"ceiling            {os.cpu_count()} cores ÷ {1000 * per_update:.1f} ms "
            f"= {os.cpu_count() / per_update:.0f} updates/s, were the bot alone on the machine"
        )
    misses = []
    if rate < args.goal:
        misses.append(f"{rate:.1f} updates/s < {args.goal:g}")
    if args.goal_p95 is not None and p95 >= args.goal_p95:
        misses.append(f"p95 {p95:.0f} ms ≥ {args.goal_p95:g} ms")
    if results.unanswered:
        misses.append(f"{results.unanswered} unanswered")
    goal = f"≥ {args.goal:g} updates/s" + (
        f", p95 < {args.goal_p95:g} ms" if args.goal_p95 is not None else ""
    )
    print(
        f"goal               {'NOT met: ' + '; '.join(misses) if misses else 'met'} "
        f"({goal}, none unanswered) {at}"
    )
    return 1 if misses else 0


def postgres_pids(args: argparse.Namespace) -> list[int]:
    """PostgreSQL's processes, when the database is PostgreSQL on this machine."""
    return cpu.named("postgres") if args.database_url else []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
