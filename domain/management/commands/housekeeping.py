"""Run the periodic domain jobs once (meetings ahead, placements started and completed on their
dates, erasure after the retention period). Safe to run as often as you like: every job is
idempotent."""

from django.core.management.base import BaseCommand, CommandError

from domain.services.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = "Run the periodic domain jobs once (idempotent; schedule it daily or hourly)."

    def handle(self, *args, **options) -> None:
        failed = []
        for name, count in housekeeping_run().items():
            if count is None:
                failed.append(name)
                self.stdout.write(f"{'FAILED':>6}  {name} (see the log)")
            else:
                self.stdout.write(f"{count:>6}  {name}")
        if failed:
            # Non-zero, so cron (or whoever runs this) notices.
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
