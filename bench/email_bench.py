"""E-mail benchmark: N queued e-mails through a local SMTP server by the e-mail worker.

    .venv/bin/python bench/email_bench.py [--emails 1000] [--database-url URL] [--markdown]

It creates N company members (each with an address) in a PostgreSQL database of its own
(default nextwork_email; migrated, the previous run's rows wiped), queues one "new interest"
e-mail for each through ``email_notify`` (as the services do), starts an SMTP server on
loopback (aiosmtpd, port 0, in this process) and runs the e-mail worker
(``worker.email.EmailWorker``) until nothing is due. It prints the queueing rate, the sending
rate, the e-mails that arrived, duplicates (a Message-ID seen twice), rows left unsent and the
machine's load beside each figure; --markdown prints the row for docs/benchmarks.md.

Goal: every e-mail arrives exactly once, none is left, at ``GOAL_RATE`` e-mails a second or
more (a small SMTP relay accepts a few hundred a second; the worker must not be the narrow
part). Exit 1 on a miss. Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/nextwork_email"
GOAL_RATE = 50.0  # e-mails a second through the worker
PREFIX = "bench-mail-"
ENV = {
    "DJANGO_DEBUG": "0",  # no query log kept in memory
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=1_000, help="queued e-mails (1000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--batch-size", type=int, default=50, help="rows per claim (50)")
    parser.add_argument("--markdown", action="store_true", help="print the benchmarks.md row")
    return parser.parse_args(argv)


def setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load(n: int) -> list:
    """N fresh company members of one company; the previous run's rows wiped."""
    from django.contrib.auth import get_user_model

    from domain.models import Company, CompanyMember, OutboxMessage, Sector

    user_model = get_user_model()
    OutboxMessage.objects.filter(user__username__startswith=PREFIX).delete()
    user_model.objects.filter(username__startswith=PREFIX).delete()
    company, _ = Company.objects.get_or_create(
        cvr="10000009",
        defaults={
            "name": "Bench Bageri ApS",
            "address": "Algade 1",
            "postcode": "4000",
            "city": "Roskilde",
            "sector": Sector.objects.order_by("pk").first(),
        },
    )
    users = user_model.objects.bulk_create(
        user_model(username=f"{PREFIX}{i}", email=f"{PREFIX}{i}@example.dk") for i in range(n)
    )
    CompanyMember.objects.bulk_create(CompanyMember(user=u, company=company) for u in users)
    return users


def queue(users: list) -> float:
    """Queue one e-mail per user as a service would (one transaction each); seconds taken."""
    from django.db import transaction

    from domain.models import OutboxMessage
    from domain.services.mail import email_notify

    started = time.perf_counter()
    for i, user in enumerate(users):
        with transaction.atomic():
            email_notify(
                user=user,
                kind=OutboxMessage.Kind.INTEREST_RECEIVED,
                payload={"slot": "Bagerlærling", "interest_id": i + 1},
                dedupe_key=f"bench:{i}",
            )
    return time.perf_counter() - started


class Sink:
    """An SMTP server on loopback, in a process of its own (so it does not share the worker's
    interpreter), that writes the Message-ID of everything it accepts to ``ids_file``."""

    def __init__(self, ids_file: Path) -> None:
        self.ids_file = ids_file

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.ids_file.open("ab") as out:
                    out.write(line.split(b":", 1)[1].strip() + b"\n")
                break
            if not line:
                break
        return "250 Message accepted"

    def serve(self, conn) -> None:
        import asyncio

        from aiosmtpd.smtp import SMTP

        loop = asyncio.new_event_loop()
        server = loop.run_until_complete(loop.create_server(lambda: SMTP(self), "127.0.0.1", 0))
        conn.send(server.sockets[0].getsockname()[1])
        loop.run_forever()

    def start(self):
        """(port, process)."""
        import multiprocessing

        parent, child = multiprocessing.Pipe()
        process = multiprocessing.Process(target=self.serve, args=(child,), daemon=True)
        process.start()
        return parent.recv(), process

    def ids(self) -> list[str]:
        if not self.ids_file.exists():
            return []
        return self.ids_file.read_text().split()


def send(port: int, batch_size: int) -> tuple[float, object]:
    from django.conf import settings

    from worker.email import EmailSettings, EmailWorker

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    worker = EmailWorker(EmailSettings(name="bench:email", batch_size=batch_size, poll=0.2))
    started = time.perf_counter()
    stats = worker.run(threading.Event(), until_idle=True)
    return time.perf_counter() - started, stats


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    setup(args.database_url)
    from domain.models import OutboxMessage

    users = load(args.emails)
    queued_s = queue(users)
    with tempfile.TemporaryDirectory() as scratch:
        sink = Sink(Path(scratch) / "message-ids")
        port, process = sink.start()
        sent_s, stats = send(port, args.batch_size)
        load1 = os.getloadavg()[0]
        time.sleep(0.2)  # the last answer is written before it is sent; let the file settle
        ids = sink.ids()
        process.terminate()
    arrived = len(ids)
    duplicates = sum(n - 1 for n in Counter(ids).values() if n > 1)
    rows = OutboxMessage.objects.filter(user__username__startswith=PREFIX)
    left = rows.exclude(status=OutboxMessage.Status.SENT).count()
    rate = arrived / sent_s if sent_s else 0.0
    ok = arrived == args.emails and duplicates == 0 and left == 0 and rate >= GOAL_RATE
    print(f"queued   {args.emails} e-mails in {queued_s:.2f} s "
          f"({args.emails / queued_s:.0f}/s)   load {load1:.2f}")  # fmt: skip
    print(f"sent     {arrived} arrived in {sent_s:.2f} s ({rate:.0f}/s; goal ≥ {GOAL_RATE:g}/s)"
          f"   load {load1:.2f}")  # fmt: skip
    print(f"checks   duplicates {duplicates}, rows left unsent {left}, retries {stats.retry}, "
          f"failed {stats.failed}")  # fmt: skip
    print("verdict  " + ("goal met" if ok else "GOAL MISSED"))
    if args.markdown:
        print(
            f"| {args.emails} | {args.batch_size} | {queued_s:.2f} s | {sent_s:.2f} s "
            f"| {rate:.0f}/s | {arrived} | {duplicates} | {left} | {load1:.2f} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
