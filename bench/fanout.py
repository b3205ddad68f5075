"""Benchmark of live updates: how long from a committed change to every open dashboard.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nw_fanout REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/fanout.py

Opens consultant dashboards (``/ws/dashboard/``) on uvicorn web processes (DEBUG off, the
channel layer in Redis, as in production), then commits changes in this process through the
services — as the bot or a worker does — and times each socket from the commit (an on-commit
hook registered before the change) to the moment the socket's message arrived.

Goals (docs/benchmarks.md), each a run of its own:
* 200 dashboards on one web process: p95 < 100 ms;
* 1,000 dashboards across two web processes: p95 < 250 ms.

It prints the machine's load beside each figure and exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITY_SLUG = "bench-fanout"
CONSULTANT = "bench_fanout_consultant"
# (dashboards, web processes, p95 goal in ms)
RUNS = [(200, 1, 100.0), (1_000, 2, 250.0)]

# Besides bench.support.web's production settings on the loopback: session cookies over HTTP.
SERVER_ENV_MORE = {"DJANGO_SESSION_COOKIE_SECURE": "0"}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.support.web import SERVER_ENV

    os.environ.update({**SERVER_ENV, **SERVER_ENV_MORE})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(changes: int):
    """The consultant's session cookie, an event, and ``changes`` youth to sign up for it."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from bench.support.sessions import pass_second_factor
    from domain.models import Consultant, MatchEvent, Municipality, Youth

    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(
        slug=MUNICIPALITY_SLUG, defaults={"name": "Bench Fan-out"}
    )
    user, created = get_user_model().objects.get_or_create(username=CONSULTANT)
    if created:
        Consultant.objects.create(user=user, municipality=municipality)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    pass_second_factor(session, user)
    now = timezone.now()
    starts = now + timedelta(days=14)
    event = MatchEvent.objects.create(
        municipality=municipality,
        title=f"Fan-out {now:%H:%M:%S}",
        place="Rådhuset",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        signup_deadline=starts - timedelta(days=1),
        youth_capacity=10_000,
        company_capacity=10,
        status=MatchEvent.Status.PUBLISHED,
    )
    youth = Youth.objects.bulk_create(
        Youth(
            municipality=municipality,
            first_name=f"Fan{n}",
            birth_date=date(2006, 3, 1),
            status=Youth.Status.ACTIVE,
            consent_version="bench",
            consent_at=now,
        )
        for n in range(changes)
    )
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookie, event, youth, user


def commit_one_change(event, youth, user) -> float:
    """Sign one youth up (a change every dashboard hears); the moment it committed."""
    from django.db import transaction

    from domain.services.signups import youth_signup

    committed: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        youth_signup(event=event, youth=youth, actor=user)
    return committed[0]


async def run(
    tier, dashboards: int, cookie: str, event, youth, user
) -> tuple[list[float], float, float]:
    """The latencies, and the CPU seconds the web tier and this process spent on the changes."""
    from bench.support.lean_ws import listen

    # Every socket stamps each message as it arrives (bench/support/lean_ws.py: the websockets
    # library's client cost this process about as much CPU per message as the server spent,
    # on the same two cores).
    arrivals: list[float] = []
    headers = {"Origin": f"http://127.0.0.1:{tier.port}", "Cookie": cookie}

    def open_one():
        return listen(tier.port, "/ws/dashboard/", arrivals.append, headers=headers)

    sockets = []
    for start in range(0, dashboards, 100):  # in batches: a handshake is a database read
        sockets += await asyncio.gather(*(open_one() for _ in range(min(100, dashboards - start))))
    await asyncio.sleep(1)  # every socket has joined its group
    latencies: list[float] = []
    web, client = tier.cpu_seconds(), time.process_time()
    try:
        for person in youth:
            arrivals.clear()
            committed = await asyncio.to_thread(commit_one_change, event, person, user)
            deadline = time.perf_counter() + 30
            while len(arrivals) < len(sockets):
                if time.perf_counter() > deadline:
                    raise SystemExit(f"only {len(arrivals)} of {len(sockets)} sockets heard it")
                await asyncio.sleep(0.01)
            latencies += [1000 * (arrived - committed) for arrived in arrivals]
            await asyncio.sleep(0.2)
        web, client = tier.cpu_seconds() - web, time.process_time() - client
    finally:
        for socket in sockets:
            socket.close()
        await asyncio.wait_for(asyncio.gather(*(socket.closed for socket in sockets)), timeout=30)
    return latencies, web, client


def measure(dashboards: int, processes: int, goal_ms: float, changes: int) -> bool:
    from bench.support.web import SERVER_ENV, load, web_processes

    cookie, event, youth, user = prepare(changes)
    with web_processes(processes, {**SERVER_ENV, **SERVER_ENV_MORE}) as tier:
        latencies, web_cpu, client_cpu = asyncio.run(
            run(tier, dashboards, cookie, event, youth, user)
        )
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    met = p95 < goal_ms
    print(
        f"{dashboards} dashboards on {processes} web process(es), {changes} changes: "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms "
        f"(goal p95 < {goal_ms:.0f} ms: {'met' if met else 'MISSED'}); {load()}"
    )
    print(
        f"  CPU per change: web tier {1000 * web_cpu / changes:.0f} ms, "
        f"this process (the sockets' client, the commits) {1000 * client_cpu / changes:.0f} ms"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=20, help="committed changes per run")
    parser.add_argument("--dashboards", type=int, help="one run with this many (default: both)")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--goal-ms", type=float, default=100.0)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own.")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the web processes hear the changes through Redis.")
    setup_django()
    runs = RUNS if args.dashboards is None else [(args.dashboards, args.processes, args.goal_ms)]
    results = [measure(d, p, goal, args.changes) for d, p, goal in runs]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
