"""Run the periodic domain jobs once (meetings ahead, placements started and completed on their
dates, erasure after the retention period). Safe to run as often as you like: every job is
idempotent."""

from django.core.management.base import BaseCommand

from portal.services.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = "Run the periodic domain jobs once (idempotent; schedule it daily or hourly)."

    def handle(self, *args, **options) -> None:
        for name, count in housekeeping_run().items():
            self.stdout.write(f"{count:>6}  {name}")
