"""Data-scale benchmark: do the pages stay fast as the network grows?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/data_scale.py

Builds three installations with the test factories (``bench/support/scale_data.py``): S (one
municipality: 100 youth, 30 companies, 300 interests), M (a big municipality: 10× S) and L (a
national installation: 20 municipalities of M/2, 10,000 youth, 30,000 interests, with
attendance, audit entries and outgoing messages in proportion). Each is built once into a
PostgreSQL template database named after its size and a key of the builder's code and the
migrations (``<prefix>_<size>_<key>``); later runs copy the template (seconds) instead of
building again, and a changed builder or migration builds afresh. ``--rebuild`` forces it.

Then, in a process per size that stays up for the whole run, it measures the portal's pages, the
API's lists, the admin's lists over the growing tables and the bot's browse list, as a
consultant of the first municipality, a member of its first company, an admin and a youth:
the median time of several requests and the number of database queries of each.

Goal (issue 19): nothing grows more than ``GOAL_S_TO_M`` (1.5×) from S to M nor
``GOAL_M_TO_L`` (1.2×) from M to L, and no query count changes with size. It prints the
machine's load beside each figure and the verdict, and exits 1 on a miss.

``DATABASE_URL`` names the server (its database is only used to create and drop the
benchmark's own ones). Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_S_TO_M = 1.5
GOAL_M_TO_L = 1.2
# Below this many milliseconds a page is at the floor of what this machine can time (the
# framework's own cost); a ratio of two such figures is noise, so the floor stands in for
# the smaller one.
FLOOR_MS = 5.0
SIZES = ("S", "M", "L")
# What the template's contents depend on: a change to any of these builds afresh.
KEYED = (
    ROOT / "bench" / "support" / "scale_data.py",
    ROOT / "tests" / "factories.py",
    *sorted((ROOT / "domain" / "migrations").glob("0*.py")),
)


# --- databases ------------------------------------------------------------------------------------


def _key() -> str:
    digest = hashlib.sha256()
    for path in KEYED:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _server_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection():
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    conn = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    return conn


def _databases(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def _drop(conn, name: str) -> None:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ensure_template(size: str, prefix: str, *, rebuild: bool) -> tuple[str, float | None]:
    """The template database of ``size`` (built now if missing); and the build's seconds."""
    key = _key()
    name = f"{prefix}_{size.lower()}_{key}"
    with _admin_connection() as conn:
        existing = _databases(conn)
        for stale in existing:
            if stale.startswith(f"{prefix}_{size.lower()}_") and stale != name:
                _drop(conn, stale)  # an older builder's, or a build that died half-way
        if name in existing and not rebuild:
            return name, None
        _drop(conn, name)
        building = f"{prefix}_{size.lower()}_building"
        _drop(conn, building)
        conn.execute(f'CREATE DATABASE "{building}"')
    started = time.monotonic()
    _child(["--build", size], database=building)
    with _admin_connection() as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name, time.monotonic() - started


def fresh_copy(template: str, prefix: str, size: str) -> str:
    name = f"{prefix}_{size.lower()}_run"
    with _admin_connection() as conn:
        _drop(conn, name)
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def _child_env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _server_url(database),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The benchmark makes many requests as one user; the API's throttle is not measured.
        "API_THROTTLE_USER": "1000000/minute",
    }


def _child(args: list[str], *, database: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own script and arguments)
        [sys.executable, __file__, *args],
        env=_child_env(database),
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout


# --- inside a size's own process ------------------------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def child_build(size: str) -> None:
    _setup_django()
    from django.core.management import call_command

    from bench.support.scale_data import build

    call_command("migrate", verbosity=0)
    counts = build(size)
    print(json.dumps(counts), file=sys.stderr)


def _targets():
    """(who, name, callable returning a response-like object or a bot screen)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from bench.support.sessions import pass_second_factor
    from bot.bridge import Who, screen_for
    from bot.callbacks import Filter
    from bot.handlers import browse
    from domain.models import CompanyMember, Consultant, Municipality, NetworkGroup, Youth

    first = Municipality.objects.order_by("pk").first()
    consultant = Consultant.objects.filter(municipality=first).order_by("pk").first()
    member = (
        CompanyMember.objects.filter(company__memberships__municipality=first)
        .order_by("pk")
        .first()
    )
    group = NetworkGroup.objects.filter(municipality=first).order_by("pk").first()
    # A youth with the same kinds of history at every size (an active placement, its check-ins,
    # interests, attendance): their page's queries depend on what there is to show.
    youth = (
        Youth.objects.filter(municipality=first, placements__status="active").order_by("pk").first()
    )
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )

    def client(user) -> Client:
        c = Client()
        c.force_login(user)
        pass_second_factor(c.session, user)
        return c

    staff, company, superuser = client(consultant.user), client(member.user), client(admin)

    def get(c, url):
        return lambda: c.get(url)

    who = Who(user_id=youth.telegram_user_id, chat_id=youth.telegram_chat_id)
    # A last name the builder gives about a fifth of the youth: matches at every size.
    search = reverse("consultant:group_member_search", args=[group.pk]) + "?q=Holm"
    return [
        ("consultant", "portal: dashboard", get(staff, reverse("consultant:dashboard"))),
        ("consultant", "portal: youth list", get(staff, reverse("consultant:youth_list"))),
        (
            "consultant",
            "portal: youth page",
            get(staff, reverse("consultant:youth_detail", args=[youth.pk])),
        ),
        (
            "consultant",
            "portal: group page",
            get(staff, reverse("consultant:group_detail", args=[group.pk])),
        ),
        ("consultant", "portal: member search", get(staff, search)),
        ("consultant", "portal: approvals", get(staff, reverse("consultant:approvals"))),
        ("consultant", "portal: statistics", get(staff, reverse("consultant:statistics"))),
        ("consultant", "portal: events", get(staff, reverse("consultant:events"))),
        ("consultant", "portal: network", get(staff, reverse("consultant:memberships"))),
        ("consultant", "api: interests", get(staff, "/api/v1/interests/")),
        ("consultant", "api: placements", get(staff, "/api/v1/placements/")),
        ("consultant", "api: youth", get(staff, "/api/v1/youth/")),
        ("consultant", "api: slots", get(staff, "/api/v1/slots/?status=open")),
        ("company", "portal: dashboard", get(company, reverse("company_dashboard"))),
        ("company", "portal: inbox", get(company, reverse("company_inbox"))),
        ("company", "portal: statistics", get(company, reverse("company_statistics"))),
        ("company", "portal: placements", get(company, reverse("company_placements"))),
        ("company", "api: interests", get(company, "/api/v1/interests/")),
        ("company", "api: slots", get(company, "/api/v1/slots/")),
        (
            "admin",
            "admin: audit entries",
            get(superuser, reverse("admin:portal_auditentry_changelist")),
        ),
        (
            "admin",
            "admin: outbox",
            get(superuser, reverse("admin:portal_outboxmessage_changelist")),
        ),
        (
            "admin",
            "admin: attendance",
            get(superuser, reverse("admin:portal_attendance_changelist")),
        ),
        ("admin", "api: audit entries", get(superuser, "/api/v1/audit-entries/")),
        ("youth", "bot: browse list", lambda: screen_for(browse._list, who, Filter())),
    ]


def child_serve(repeats: int) -> None:
    """Measure target number N for each line N read from stdin (one JSON line back each), until
    stdin closes: the parent asks the three sizes for the same target one after the other, so
    that the machine's load at that moment weighs on all three alike."""
    _setup_django()
    import logging

    logging.disable(logging.INFO)  # django-axes logs every login of the test clients
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    # As the test suite runs: DEBUG off at run time (no query log but the one we capture),
    # while the settings keep the plain static files storage (no collectstatic needed).
    setup_test_environment(debug=False)
    targets = _targets()
    print(json.dumps([f"{who} · {name}" for who, name, _ in targets]), flush=True)
    for line in sys.stdin:
        who, name, call = targets[int(line)]
        answer = call()
        status = getattr(answer, "status_code", 200)
        if status != 200:
            raise SystemExit(f"{who} {name}: HTTP {status}")
        with CaptureQueriesContext(connection) as queries:
            call()
        # Read now: the log is a view that the next request's start clears.
        query_count = len(queries.captured_queries)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            answer = call()
            times.append((time.perf_counter() - started) * 1000)
        size = len(getattr(answer, "content", b"") or str(getattr(answer, "text", "")).encode())
        result = {"ms": statistics.median(times), "queries": query_count, "bytes": size}
        print(json.dumps(result), flush=True)


def _servers(runs: dict[str, str], repeats: int) -> dict[str, subprocess.Popen]:
    servers = {}
    for size, database in runs.items():
        servers[size] = subprocess.Popen(  # noqa: S603 (our own script and arguments)
            [sys.executable, __file__, "--serve", "--repeats", str(repeats)],
            env=_child_env(database),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    return servers


def _ask(server: subprocess.Popen, index: int) -> dict:
    server.stdin.write(f"{index}\n")
    server.stdin.flush()
    line = server.stdout.readline()
    if not line:
        raise SystemExit(f"a measuring process died (exit {server.wait()})")
    return json.loads(line)


# --- the verdict ----------------------------------------------------------------------------------


def _ratio(small: float, big: float) -> float:
    return max(big, FLOOR_MS) / max(small, FLOOR_MS)


def verdict(figures: dict[str, dict[str, dict]]) -> list[str]:
    misses = []
    sizes = [size for size in SIZES if size in figures]
    for name in figures[sizes[0]]:
        rows = [figures[size][name] for size in sizes]
        if len({row["queries"] for row in rows}) > 1:
            counts = ", ".join(f"{s} {r['queries']}" for s, r in zip(sizes, rows, strict=True))
            misses.append(f"{name}: the query count changes with size ({counts})")
        for (a, b), goal in ((("S", "M"), GOAL_S_TO_M), (("M", "L"), GOAL_M_TO_L)):
            if a in figures and b in figures:
                ratio = _ratio(figures[a][name]["ms"], figures[b][name]["ms"])
                if ratio > goal:
                    misses.append(f"{name}: {ratio:.2f}× from {a} to {b} (goal ≤ {goal}×)")
    return misses


def report(figures: dict[str, dict[str, dict]], loads: list[float]) -> None:
    sizes = [size for size in SIZES if size in figures]
    head = "".join(f"{s + ' ms':>9}" for s in sizes)
    print(f"\n{'who · what':<40}{head}{'S→M':>7}{'M→L':>7}{'queries':>9}{'KB at L':>9}")
    for name in figures[sizes[0]]:
        ms = "".join(f"{figures[s][name]['ms']:>9.1f}" for s in sizes)
        sm = _ratio(figures["S"][name]["ms"], figures["M"][name]["ms"]) if "M" in figures else 0
        ml = _ratio(figures["M"][name]["ms"], figures["L"][name]["ms"]) if "L" in figures else 0
        queries = "/".join(str(figures[s][name]["queries"]) for s in sizes)
        kb = figures[sizes[-1]][name]["bytes"] / 1024
        print(f"{name:<40}{ms}{sm:>6.2f}×{ml:>6.2f}×{queries:>9}{kb:>9.1f}")
    print(f"\nload average during the rounds: {', '.join(f'{x:.1f}' for x in loads)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="S,M,L", help="which sizes (default S,M,L)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median)")
    parser.add_argument("--repeats", type=int, default=7, help="requests per page per round")
    parser.add_argument("--prefix", default="nw_datascale", help="database name prefix")
    parser.add_argument("--rebuild", action="store_true", help="build the templates afresh")
    parser.add_argument("--build-only", action="store_true", help="build (or keep) the templates")
    args = parser.parse_args()
    if args.build:
        child_build(args.build)
        return 0
    if args.serve:
        child_serve(args.repeats)
        return 0
    if "DATABASE_URL" not in os.environ or not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (see the docstring).")

    sizes = [s for s in args.sizes.split(",") if s in SIZES]
    runs: dict[str, str] = {}
    for size in sizes:
        template, seconds = ensure_template(size, args.prefix, rebuild=args.rebuild)
        built = f"built in {seconds:.0f} s" if seconds is not None else "cached"
        print(f"{size}: {template} ({built}; load {os.getloadavg()[0]:.1f})", flush=True)
        if not args.build_only:
            runs[size] = fresh_copy(template, args.prefix, size)
    if args.build_only:
        return 0

    rounds: dict[str, list[dict]] = {size: [] for size in sizes}
    loads = []
    servers = _servers(runs, args.repeats)
    try:
        listed = [json.loads(server.stdout.readline()) for server in servers.values()]
        names = listed[0]
        for number in range(args.rounds):
            for size in sizes:
                rounds[size].append({})
            for index, name in enumerate(names):
                # The sizes one after the other for each target, in turn forwards and
                # backwards, so that a machine getting busier or quieter favours no size.
                order = sizes if (number + index) % 2 == 0 else list(reversed(sizes))
                for size in order:
                    rounds[size][-1][name] = _ask(servers[size], index)
            loads.append(os.getloadavg()[0])
            print(f"round {number + 1}/{args.rounds} done (load {loads[-1]:.1f})", flush=True)
    finally:
        for server in servers.values():
            server.stdin.close()
            server.wait()
    figures = {
        size: {
            name: {
                "ms": statistics.median(r[name]["ms"] for r in rounds[size]),
                "queries": max(r[name]["queries"] for r in rounds[size]),
                "bytes": rounds[size][-1][name]["bytes"],
            }
            for name in rounds[size][0]
        }
        for size in sizes
    }
    with _admin_connection() as conn:
        for name in runs.values():
            _drop(conn, name)
    report(figures, loads)
    misses = verdict(figures)
    for miss in misses:
        print(f"MISS {miss}")
    print("goal met" if not misses else f"goal NOT met ({len(misses)} misses)")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
