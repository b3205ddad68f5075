"""Benchmark of the busiest read: the youth-facing list of a municipality's open slots.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nw_bench .venv/bin/python bench/api_slots.py

``GET /api/v1/slots/?municipality=<id>&status=open`` (page 1 of 20, each slot with its company
and sector) as a consultant with a token, against 5,000 slots in PostgreSQL, through uvicorn
(1 worker) — side by side, in the same server and the same run, with a baseline: a tiny raw
ASGI app that issues exactly the SQL Django issued for that request (captured once) with a
plain psycopg connection and encodes the same JSON, byte for byte (checked before measuring).
So the difference is Django + DRF: middleware, authentication, permissions, throttling,
filtering, pagination, serialisation, and Django's connection per request.

Goal: the API within ``GOAL_RATIO`` (2×, issue 17) of the baseline's requests a second. It
prints the verdict and the machine's load beside each figure, and exits 1 when the goal is missed.

Run on demand, never in the test suite. It creates the data in the database it is given (once;
a second run reuses it), so point it at a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Baseline req/s ÷ API req/s may be at most this (docs/benchmarks.md).
GOAL_RATIO = 2.0
ROOT = Path(__file__).resolve().parent.parent
N_SLOTS = 5_000
N_COMPANIES = 250  # 200 in the benchmark municipality's network, 50 in another's
MUNICIPALITY_SLUG = "bench-roskilde"
CONSULTANT = "bench_consultant"
PATH = "/api/v1/slots/"
RAW_PREFIX = "/raw"

# The server runs as in production (DEBUG off), over plain HTTP on the loopback.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    # DRF keeps each caller's request times of the throttle's window; a per-second rate keeps
    # that list as short as production's per-minute one while never refusing the benchmark.
    "API_THROTTLE_USER": "1000000/second",
    # Production refuses to start without its collected static files (their manifest).
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}


# --- data ----------------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_data() -> tuple[int, str]:
    """The benchmark municipality's id and the consultant's API token (created once)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from domain.models import Company, Consultant, Municipality, NetworkMembership, Sector, Slot

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.filter(slug=MUNICIPALITY_SLUG).first()
    if municipality is None:
        with transaction.atomic():
            municipality = Municipality.objects.create(
                name="Bench Roskilde", slug=MUNICIPALITY_SLUG
            )
            other = Municipality.objects.create(name="Bench Vejle", slug="bench-vejle")
            sectors = list(Sector.objects.all())
            companies = Company.objects.bulk_create(
                Company(
                    name=f"Bench Virksomhed {n} ApS",
                    cvr=_cvr(n),
                    address=f"Algade {n}",
                    postcode="4000",
                    city="Roskilde",
                    sector=sectors[n % len(sectors)],
                )
                for n in range(N_COMPANIES)
            )
            NetworkMembership.objects.bulk_create(
                NetworkMembership(
                    company=company,
                    municipality=municipality if n < 200 else other,
                    status=NetworkMembership.Status.ACCEPTED,
                )
                for n, company in enumerate(companies)
            )
            statuses = ["open"] * 8 + ["draft", "paused"]
            start = timezone.localdate() + timedelta(days=14)
            Slot.objects.bulk_create(
                Slot(
                    company=companies[n % N_COMPANIES],
                    title=f"Praktik i butik nr. {n}",
                    description="Du hjælper kunderne, fylder varer op og lærer kassen at kende.",
                    kind="internship" if n % 3 else "paid_hours",
                    sector=sectors[n % len(sectors)],
                    address=f"Algade {n % 90 + 1}",
                    postcode="4000",
                    hours_min=8,
                    hours_max=20 + n % 15,
                    earliest_start=start,
                    seats=1 + n % 3,
                    status=statuses[n % len(statuses)],
                    published_at=None if statuses[n % 10] == "draft" else _published(n),
                )
                for n in range(N_SLOTS)
            )
            user = get_user_model().objects.create_user(username=CONSULTANT, password=None)
            Consultant.objects.create(user=user, municipality=municipality)
    # Fresh planner statistics, as autovacuum would have them in production by now.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = get_user_model().objects.get(username=CONSULTANT)
    token, _ = Token.objects.get_or_create(user=user)
    return municipality.pk, token.key


def _cvr(n: int) -> str:
    prefix = 2_000_000 + n * 11
    while True:
        digits = str(prefix)
        total = sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True))
        check = (-total) % 11
        if check < 10:
            return f"{digits}{check}"
        prefix += 1


def _published(n: int):
    from django.utils import timezone

    return timezone.now() - timedelta(minutes=n)


def capture_sql(query: str, token: str) -> tuple[list[str], bytes]:
    """Every SQL statement Django runs for the request, and its answer's body."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    client.get(PATH + "?" + query)  # warm Django's caches (content types, URL resolver)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PATH + "?" + query)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in captured.captured_queries], response.content


# --- the baseline: a raw ASGI app ----------------------------------------------------------------


class RawSlots:
    """Runs the captured statements on one persistent psycopg connection and builds the same
    JSON as the API from the page query's rows (columns of slot, company, sector in order)."""

    def __init__(self, sql: list[str], database_url: str, language: str = "da"):
        from domain.models import Company, Sector, Slot

        self.sql = sql
        self.database_url = database_url
        self.connection = None
        self.tz = ZoneInfo("Europe/Copenhagen")
        self.count_index = next(i for i, s in enumerate(sql) if "COUNT(" in s.upper())
        self.page_index = next(
            i for i, s in enumerate(sql) if '"portal_slot"' in s and i != self.count_index
        )
        columns = [
            *(f"slot.{f.attname}" for f in Slot._meta.concrete_fields),
            *(f"company.{f.attname}" for f in Company._meta.concrete_fields),
            *(f"sector.{f.attname}" for f in Sector._meta.concrete_fields),
        ]
        self.col = {name: index for index, name in enumerate(columns)}
        self.sector_name = f"sector.name_{language}"

    def _connect(self):
        import psycopg

        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(self.database_url, autocommit=True)
        return self.connection

    def _time(self, value):
        if value is None:
            return None
        text = value.astimezone(self.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def body(self, host: str, query: str) -> bytes:
        connection = self._connect()
        count, rows = 0, []
        with connection.cursor() as cursor:
            for index, statement in enumerate(self.sql):
                cursor.execute(statement.encode())
                fetched = cursor.fetchall()
                if index == self.count_index:
                    count = fetched[0][0]
                elif index == self.page_index:
                    rows = fetched
        c = self.col
        results = [
            {
                "id": row[c["slot.id"]],
                "title": row[c["slot.title"]],
                "description": row[c["slot.description"]],
                "kind": row[c["slot.kind"]],
                "status": row[c["slot.status"]],
                "company": {"id": row[c["company.id"]], "name": row[c["company.name"]]},
                "sector": {"code": row[c["sector.code"]], "name": row[c[self.sector_name]]},
                "address": row[c["slot.address"]],
                "postcode": row[c["slot.postcode"]],
                "hours_min": row[c["slot.hours_min"]],
                "hours_max": row[c["slot.hours_max"]],
                "earliest_start": row[c["slot.earliest_start"]].isoformat(),
                "end_date": row[c["slot.end_date"]] and row[c["slot.end_date"]].isoformat(),
                "seats": row[c["slot.seats"]],
                "published_at": self._time(row[c["slot.published_at"]]),
                "updated_at": self._time(row[c["slot.updated_at"]]),
            }
            for row in rows
        ]
        # As DRF's pagination builds it: the same URL with page=2, parameters sorted.
        params = sorted([*(p for p in query.split("&") if not p.startswith("page=")), "page=2"])
        next_url = f"http://{host}{PATH}?{'&'.join(params)}" if count > len(rows) else None
        page = {"count": count, "next": next_url, "previous": None, "results": results}
        return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()

    async def __call__(self, scope, receive, send):
        host = dict(scope["headers"]).get(b"host", b"").decode()
        body = self.body(host, scope["query_string"].decode())
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def make_app():
    """The ASGI app uvicorn serves: /raw/… is the baseline, everything else the product."""
    setup_django()
    from django.conf import settings

    from config.asgi import application

    with open(os.environ["BENCH_SQL_FILE"]) as fp:
        sql = json.load(fp)
    raw = RawSlots(sql, os.environ["DATABASE_URL"], language=settings.LANGUAGE_CODE)

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(RAW_PREFIX + "/"):
            return await raw(scope, receive, send)
        return await application(scope, receive, send)

    return app


# --- load ----------------------------------------------------------------------------------------


async def _one_connection(port: int, request: bytes, deadline: float, latencies: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            if status != b"200":
                raise RuntimeError(f"status {status!r}: {head[:300]!r}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(port: int, path: str, token: str, seconds: float, concurrency: int) -> list:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Token {token}\r\n"
        "Accept: application/json\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_one_connection(port, request, deadline, latencies) for _ in range(concurrency))
    )
    return latencies


def measure(port, path, token, seconds, concurrency) -> dict:
    latencies = asyncio.run(_load(port, path, token, seconds, concurrency))
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / seconds,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "load": load_average(),  # at the end of the measurement
    }


def fetch(port: int, path: str, token: str) -> bytes:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per target")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own.")

    setup_django()
    municipality_id, token = ensure_data()
    query = f"municipality={municipality_id}&status=open"
    sql, django_body = capture_sql(query, token)

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fp:
        json.dump(sql, fp)
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "BENCH_SQL_FILE": fp.name}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            *("-m", "uvicorn", "bench.api_slots:make_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        targets = {"django": f"{PATH}?{query}", "raw": f"{RAW_PREFIX}{PATH}?{query}"}
        bodies = {name: fetch(port, path, token) for name, path in targets.items()}
        if bodies["django"] != bodies["raw"]:
            raise SystemExit(
                "The baseline's JSON differs from the API's:\n"
                f"{bodies['django'][:400]!r}\n{bodies['raw'][:400]!r}"
            )
        page = json.loads(bodies["django"])
        print(
            f"{len(sql)} SQL statements per request; {page['count']} open slots in the "
            f"municipality's network, {len(page['results'])} a page, {len(bodies['raw'])} bytes; "
            f"identical JSON"
        )
        assert django_body == bodies["django"].replace(f"127.0.0.1:{port}".encode(), b"127.0.0.1")
        for path in targets.values():  # warm-up
            measure(port, path, token, 2, args.concurrency)
        results: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, path in targets.items():
                results[name].append(measure(port, path, token, args.seconds, args.concurrency))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        os.unlink(fp.name)

    summary = {}
    print(
        f"\n{'':8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'load':>8}"
        f"   (median of {args.rounds} rounds)"
    )
    for name, rounds in results.items():
        summary[name] = {
            key: statistics.median(r[key] for r in rounds)
            for key in ("rps", "p50_ms", "p99_ms", "load")
        }
        s = summary[name]
        print(f"{name:8}{s['rps']:>10.0f}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}{s['load']:>8.1f}")
    ratio = summary["raw"]["rps"] / summary["django"]["rps"]
    met = ratio <= GOAL_RATIO
    print(f"\nratio (baseline req/s ÷ API req/s): {ratio:.2f}× at load {load_average():.1f}")
    print(f"goal {'met' if met else 'NOT met'} (within {GOAL_RATIO:g}× of the baseline)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
