"""Erase the youth who left more than the retention period ago (run daily, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from domain.services.privacy import youth_purge_expired


class Command(BaseCommand):
    help = "Erase (anonymise) youth who left more than NEXTWORK_RETENTION_DAYS days ago."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the youth who would be erased.",
        )
        parser.add_argument(
            "--retention-days",
            type=int,
            default=None,
            help=f"Override the retention period (default {settings.NEXTWORK_RETENTION_DAYS}).",
        )

    def handle(self, *args, dry_run: bool = False, retention_days: int | None = None, **options):
        if retention_days is not None and retention_days < 0:
            raise CommandError("--retention-days must not be negative.")
        count = youth_purge_expired(retention_days=retention_days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} youth would be erased (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{count} youth erased."))
