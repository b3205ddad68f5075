"""``manage.py deliver``: the outbox worker (reminders and pushed messages to Telegram)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from django.conf import settings
from django.core.management.base import BaseCommand
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.runner import keep_database_connections, quiet_http_logs, remember_missing_sniffio
from worker.email import EmailSettings, EmailThread, EmailWorker
from worker.loop import Worker, WorkerSettings, connect, default_name


def build_bot(
    *,
    concurrency: int = 8,
    read_timeout: float = 5.0,
    token: str | None = None,
    base_url: str | None = None,
) -> Bot:
    """A bare Bot for sending: its own connection pool, one connection per message on the
    wire (and one to spare)."""
    request = HTTPXRequest(
        connection_pool_size=concurrency + 1,
        pool_timeout=10.0,
        read_timeout=read_timeout,
        write_timeout=read_timeout,
        connect_timeout=5.0,
    )
    return Bot(
        token or settings.TELEGRAM_BOT_TOKEN,
        base_url=base_url or settings.TELEGRAM_API_URL,
        request=request,
    )


def positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__
    return parse


class Command(BaseCommand):
    help = (
        "Deliver the outbox to Telegram: due reminders and pushed messages, at Telegram's "
        "rate limits. Several may run at once (share the rate through REDIS_URL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rate",
            type=positive(float),
            default=settings.NEXTWORK_DELIVERY_RATE,
            help="messages a second for all workers together (default %(default)s)",
        )
        parser.add_argument("--batch-size", type=positive(int), default=50)
        parser.add_argument(
            "--concurrency", type=positive(int), default=8, help="messages on the wire at once"
        )
        parser.add_argument(
            "--lease",
            type=positive(float),
            default=settings.NEXTWORK_DELIVERY_LEASE,
            help=(
                "seconds a claimed row stays this worker's after its last heartbeat (renewed "
                "every fifth of it), before another may take it (default %(default)s)"
            ),
        )
        parser.add_argument(
            "--poll", type=positive(float), default=1.0, help="seconds between looks when idle"
        )
        parser.add_argument(
            "--read-timeout", type=positive(float), default=5.0, help="seconds to wait for Telegram"
        )
        parser.add_argument(
            "--housekeeping-every",
            type=float,
            default=3600.0,
            help="seconds between runs of the periodic jobs (0: never; default hourly)",
        )
        parser.add_argument(
            "--no-email",
            action="store_true",
            help="leave the outbox's e-mails to another worker (default: send them too, over "
            "EMAIL_URL, on a thread of their own)",
        )
        parser.add_argument("--name", default=default_name(), help="this worker's name")
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="exit once nothing is due or on the wire (retries due within 5 minutes count)",
        )

    def handle(self, *args, **options) -> None:
        keep_database_connections()
        quiet_http_logs()
        remember_missing_sniffio()
        worker_settings = WorkerSettings(
            name=options["name"],
            rate=options["rate"],
            batch_size=options["batch_size"],
            concurrency=options["concurrency"],
            lease=options["lease"],
            poll=options["poll"],
            housekeeping_every=max(0.0, options["housekeeping_every"]),
            redis_url=settings.REDIS_URL or None,
            read_timeout=options["read_timeout"],
        )
        bot = build_bot(concurrency=options["concurrency"], read_timeout=options["read_timeout"])
        email = None
        if not options["no_email"]:
            email_settings = EmailSettings(
                name=f"{options['name']}:email", timeout=float(settings.EMAIL_TIMEOUT)
            )
            email = EmailThread(EmailWorker(email_settings), until_idle=options["until_idle"])
            email.start()
        try:
            stats = asyncio.run(self._run(bot, worker_settings, options["until_idle"]))
        finally:
            if email is not None:
                mail = email.finish()
                self.stdout.write(
                    f"Worker {worker_settings.name}: e-mail stopped (sent {mail.sent}, failed "
                    f"{mail.failed}, retried {mail.retry})"
                )
        self.stdout.write(
            f"Worker {worker_settings.name}: stopped (sent {stats.sent}, failed {stats.failed},"
            f" delivery unknown {stats.in_doubt}, retried {stats.retry},"
            f" rate-limited {stats.limited})"
        )

    async def _run(self, bot: Bot, worker_settings: WorkerSettings, until_idle: bool):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        self.stdout.write(
            f"Worker {worker_settings.name}: delivering to {settings.TELEGRAM_API_URL} at "
            f"{worker_settings.rate:g} messages/s"
            + (" (rate shared through Redis)" if worker_settings.redis_url else "")
        )
        self.stdout.flush()
        await connect(bot, stop)
        try:
            return await Worker(bot, worker_settings).run(stop, until_idle=until_idle)
        finally:
            with contextlib.suppress(NetworkError):
                await bot.shutdown()
