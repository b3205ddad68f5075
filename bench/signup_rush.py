"""Benchmark of a match event's sign-up rush: many sign-ups at the same moment, no client cap.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nw_rush .venv/bin/python bench/signup_rush.py

A consultant signs ``--signups`` youth (500) up for one published event with ``--seats`` (100)
seats, all requests sent at once through the API (``POST /api/v1/events/<id>/youth-signups/``)
to the web tier as ``docker-compose.yml`` runs it: uvicorn with ``--processes`` (2) worker
processes on one port, DEBUG off, each process with its database pool and in-flight limit from
the settings (``DATABASE_POOL_*``, ``WEB_MAX_IN_FLIGHT``).

Goals (all must hold, else it exits 1):
* no 5xx at all (a 503 is still a miss: the rush must be served, not shed);
* exactly ``seats`` confirmed and the rest waitlisted, the waitlist's order equal to the order
  of the arrival stamps;
* at least ``--goal`` (4,000) sign-ups a minute, from the first request sent to the last answer.

It prints the machine's load beside each figure. Every run makes a new event (and reuses the
youth), so point it at a database of its own; it is never part of the test suite.
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
MUNICIPALITY_SLUG = "bench-rush"
CONSULTANT = "bench_rush_consultant"
GOAL_PER_MINUTE = 4_000

# Besides bench.support.web's production settings: the benchmark is one consultant, and
# production's per-user rate would refuse the rush.
RUSH_ENV = {"API_THROTTLE_USER": "1000000/second"}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.support.web import SERVER_ENV

    os.environ.update({**SERVER_ENV, **RUSH_ENV})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(signups: int, seats: int) -> tuple[int, list[int], str]:
    """A new published event, ``signups`` consenting active youth and the consultant's token."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from domain.models import Consultant, MatchEvent, Municipality, Youth

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            slug=MUNICIPALITY_SLUG, defaults={"name": "Bench Rush"}
        )
        user, created = get_user_model().objects.get_or_create(username=CONSULTANT)
        if created:
            Consultant.objects.create(user=user, municipality=municipality)
        have = Youth.objects.filter(municipality=municipality).count()
        now = timezone.now()
        Youth.objects.bulk_create(
            Youth(
                municipality=municipality,
                first_name=f"Rush{n}",
                birth_date=date(2006, 3, 1),
                status=Youth.Status.ACTIVE,
                consent_version="bench",
                consent_at=now,
            )
            for n in range(have, signups)
        )
        starts = now + timedelta(days=14)
        event = MatchEvent.objects.create(
            municipality=municipality,
            title=f"Rush {now:%H:%M:%S}",
            place="Rådhuset",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            signup_deadline=starts - timedelta(days=1),
            youth_capacity=seats,
            company_capacity=10,
            status=MatchEvent.Status.PUBLISHED,
        )
    youth = list(
        Youth.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True)
    )[:signups]
    token, _ = Token.objects.get_or_create(user=user)
    return event.pk, youth, token.key


async def rush(port: int, event_id: int, youth: list[int], token: str) -> tuple[list, float]:
    from bench.support.lean_http import post_json

    path = f"/api/v1/events/{event_id}/youth-signups/"
    headers = {"Authorization": f"Token {token}"}

    async def one(youth_id: int) -> tuple[int, float]:
        started = time.perf_counter()
        status, _ = await post_json(port, path, {"youth": youth_id}, headers=headers)
        return status, time.perf_counter() - started

    started = time.perf_counter()
    answers = await asyncio.gather(*(one(y) for y in youth))
    return answers, time.perf_counter() - started


def check_order(event_id: int) -> tuple[int, int, bool]:
    from domain.models import YouthSignup

    rows = list(YouthSignup.objects.filter(event_id=event_id).order_by("sequence"))
    confirmed = sum(r.status == YouthSignup.Status.CONFIRMED for r in rows)
    waitlisted = sum(r.status == YouthSignup.Status.WAITLISTED for r in rows)
    stamps = [r.created_at for r in rows]
    return confirmed, waitlisted, stamps == sorted(stamps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signups", type=int, default=500)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--goal", type=float, default=GOAL_PER_MINUTE, help="sign-ups a minute")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own.")

    setup_django()
    event_id, youth, token = prepare(args.signups, args.seats)
    from bench.support import cpu
    from bench.support.web import SERVER_ENV, load, web_processes

    with web_processes(args.processes, {**SERVER_ENV, **RUSH_ENV}) as tier:
        database = {pid: cpu.cpu_seconds(pid) for pid in cpu.named("postgres")}
        web, client = tier.cpu_seconds(), time.process_time()
        answers, seconds = asyncio.run(rush(tier.port, event_id, youth, token))
        web_cpu, client_cpu = tier.cpu_seconds() - web, time.process_time() - client
        # Backends the pools opened during the rush count from zero.
        database_cpu = sum(
            cpu.cpu_seconds(pid) - database.get(pid, 0.0) for pid in cpu.named("postgres")
        )

    statuses = [status for status, _ in answers]
    latencies = sorted(latency for _, latency in answers)
    per_minute = len(answers) / seconds * 60
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    errors = sum(status >= 500 for status in statuses)
    confirmed, waitlisted, in_order = check_order(event_id)
    print(
        f"{len(answers)} sign-ups for {args.seats} seats, {args.processes} web processes: "
        f"{per_minute:,.0f} sign-ups/min (goal ≥ {args.goal:,.0f}), "
        f"{seconds:.2f} s, p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p95 {1000 * p95:.0f} ms; {load()}"
    )
    print(
        f"answers: {dict(sorted({s: statuses.count(s) for s in set(statuses)}.items()))}; "
        f"{confirmed} confirmed, {waitlisted} waitlisted; "
        f"arrival stamps {'in' if in_order else 'OUT OF'} waitlist order"
    )
    per_signup = {
        "web": web_cpu,
        "database": database_cpu,
        "client": client_cpu,
    }
    spent = sum(per_signup.values())
    print(
        "CPU per sign-up: "
        + ", ".join(
            f"{name} {1000 * value / len(answers):.1f} ms" for name, value in per_signup.items()
        )
        + f"; the machine's {os.cpu_count()} cores allow at most "
        f"{os.cpu_count() * len(answers) / spent * 60:,.0f} sign-ups/min at that cost "
        f"(PostgreSQL counted when it runs on this machine)"
    )
    misses = []
    if errors:
        misses.append(f"{errors} answers were 5xx")
    if (confirmed, waitlisted) != (args.seats, len(answers) - args.seats):
        misses.append("the seats and the waitlist do not add up")
    if not in_order:
        misses.append("the arrival stamps disagree with the waitlist order")
    if per_minute < args.goal:
        misses.append(f"{per_minute:,.0f} sign-ups/min is under the goal of {args.goal:,.0f}")
    print("MISSED: " + "; ".join(misses) if misses else "goal met")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
