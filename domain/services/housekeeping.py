"""The periodic jobs, in one call: run hourly by the worker, or daily by cron.

The domain's own jobs are listed here; other parts add theirs with ``housekeeping_register``
from their AppConfig.ready() (the bot prunes its stored webhook updates), since the domain
never imports a front door.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from domain.services.groups import schedules_extend_all
from domain.services.intake import referrals_purge_expired
from domain.services.placements import placements_complete_due, placements_start_due
from domain.services.privacy import youth_purge_expired
from domain.services.reminders import reminders_sync_active_placements
from domain.services.waiting import interests_chase_unanswered

logger = logging.getLogger(__name__)

JOBS = {
    "meetings generated": schedules_extend_all,
    "placements started": placements_start_due,
    "placements completed": placements_complete_due,
    "active placements with check-in prompts ahead": reminders_sync_active_placements,
    "youth erased after the retention period": youth_purge_expired,
    "referrals erased after the retention period": referrals_purge_expired,
    "unanswered interests chased": lambda *, now: sum(interests_chase_unanswered(now=now).values()),
}


def housekeeping_register(name: str, job: Callable[..., int]) -> None:
    """Add ``job(now=...)`` (returning how much it did) to every housekeeping run."""
    JOBS[name] = job


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int | None]:
    """Run every job (each commits its own rows) and return how much each one did, or None
    for a job that failed: it is logged, and the jobs after it still run."""
    now = now or timezone.now()
    done: dict[str, int | None] = {}
    for name, job in JOBS.items():
        try:
            done[name] = job(now=now)
        except Exception:
            logger.exception("Housekeeping job %r failed", name)
            done[name] = None
    return done
