"""Bot benchmark: many simulated youth browsing through the stand-in against a `runbot` process.

    .venv/bin/python bench/bot_bench.py [--youth 50] [--seconds 30] [--database-url URL]

It builds a fresh database (a temporary SQLite file, or the PostgreSQL database named by
--database-url, which it DROPS and recreates), fills it with a network of open slots and invited
youth, starts the Telegram stand-in in this process and `manage.py runbot` as its own process,
links every youth through the bot (/start <token>, consent), and then lets them all browse at
once for --seconds: each presses a navigation button of the screen it sees (filters, pages, slot
cards, the menu) or, now and then, types a text, and waits for the bot's answer before the next
step. It prints updates handled per second and the time from update to reply (p50/p95/max).

Goal: at least ``--goal`` updates a second (default 100) with every update answered. It prints
the verdict and the machine's load beside the figures, and exits 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import callbacks as cb  # noqa: E402 - needs ROOT on the path

# Buttons that only look: browsing, filters, pages, slot cards, the menu. Never ones that change
# the youth's data (interest, sign-ups, settings, "delete my data").
NAVIGATION = tuple(
    f"{cb.VERSION}:{feature}:{action}"
    for feature, action in ((cb.BROWSE, ""), (cb.SLOT, "open"), (cb.MENU, "show"))
)
TEXTS = ("hej", "hvad kan jeg?", "tak 🙂", "مرحبا")
TEXT_SHARE = 0.1  # one step in ten is a typed text (a new message, not an edit)
REPLY_TIMEOUT = 10.0
# The bot's goal on one core (docs/benchmarks.md): updates answered a second.
GOAL_UPDATES_PER_SECOND = 100.0


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
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--goal",
        type=float,
        default=GOAL_UPDATES_PER_SECOND,
        help=f"updates/s the run must reach (default {GOAL_UPDATES_PER_SECOND:g})",
    )
    return parser.parse_args(argv)


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


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), to see who is busy."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- Main ---------------------------------------------------------------------------------------


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
    bot = start_bot(args.bot, {**os.environ, "TELEGRAM_API_URL": standin.base_url})
    try:
        wait_until_polling(standin, bot)
        users = [standin.new_user(first_name=f"Ung{n}") for n in range(args.youth)]
        screens = {}
        print("Linking every youth through the bot …", flush=True)
        for n, user in enumerate(users):
            # Paced: 50 welcomes at once would be 50 new messages in a second, over Telegram's
            # 30/s, which is not what this benchmark measures.
            time.sleep(0.05)
            if tokens:
                screens[user.id] = link(standin, user, tokens[n])
            else:
                standin.send_text(user, "hej")
                (screens[user.id],) = standin.wait_for(user, timeout=REPLY_TIMEOUT)

        print(f"Browsing: {args.youth} youth at once for {args.seconds:g} s …", flush=True)
        results = Results()
        before = standin.counters
        bot_cpu_before, own_cpu_before = cpu_seconds(bot.pid), time.process_time()
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
        bot_cpu = (cpu_seconds(bot.pid) or 0.0) - (bot_cpu_before or 0.0)
        own_cpu = time.process_time() - own_cpu_before
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=15)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
        standin.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    handled = len(results.latencies)
    calls = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k) != before.get(k)}
    print()
    print(f"bot                {args.bot}")
    print(f"database           {connection.vendor if args.bot == 'runbot' else '(none)'}")
    print(f"youth              {args.youth}")
    print(f"updates answered   {handled} in {elapsed:.1f} s = {handled / elapsed:.1f} updates/s")
    print(f"unanswered         {results.unanswered}")
    if handled:
        print(
            "update → reply     "
            f"p50 {1000 * statistics.median(results.latencies):.0f} ms, "
            f"p95 {1000 * percentile(results.latencies, 0.95):.0f} ms, "
            f"max {1000 * max(results.latencies):.0f} ms"
        )
    print(f"Bot API calls      {dict(sorted(calls.items()))}")
    print(
        f"CPU                bot process {bot_cpu / elapsed:.0%} of a core, "
        f"stand-in + simulated youth {own_cpu / elapsed:.0%} of a core"
    )
    if handled:
        # Load-independent: what one update costs the bot, however busy the machine is.
        print(f"bot CPU per update {1000 * bot_cpu / handled:.1f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average       {load:.1f} on {os.cpu_count()} cores (the machine is shared)")
    rate = handled / elapsed if elapsed else 0.0
    met = rate >= args.goal and results.unanswered == 0
    print(
        f"goal               {'met' if met else 'NOT met'} "
        f"(≥ {args.goal:g} updates/s, none unanswered; {rate:.1f} at load {load:.1f})"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
