"""The periodic domain jobs, in one call: run daily by cron today, by the worker later."""

from datetime import datetime

from django.utils import timezone

from portal.reminders import reminders_sync_active_placements
from portal.services.groups import schedules_extend_all
from portal.services.placements import placements_complete_due, placements_start_due
from portal.services.privacy import youth_purge_expired

JOBS = {
    "meetings generated": schedules_extend_all,
    "placements started": placements_start_due,
    "placements completed": placements_complete_due,
    "active placements with check-in prompts ahead": reminders_sync_active_placements,
    "youth erased after the retention period": youth_purge_expired,
}


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every job (each commits its own rows) and return how much each one did."""
    now = now or timezone.now()
    return {name: job(now=now) for name, job in JOBS.items()}
