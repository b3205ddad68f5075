"""The periodic jobs: one command runs them all, and running it again does nothing more."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command

from domain.models import Meeting, OutboxMessage, Placement, Youth
from domain.services.groups import schedule_add
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen


def run() -> str:
    out = StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


def test_housekeeping_starts_completes_extends_and_purges(municipality, consultant, slot, settings):
    settings.NEXTWORK_MEETING_HORIZON_WEEKS = 2
    due = f.PlacementFactory(
        slot=slot, status=Placement.Status.APPROVED, start_date=date(2026, 11, 23)
    )
    later = f.PlacementFactory(
        slot=slot, status=Placement.Status.APPROVED, start_date=date(2026, 11, 30)
    )
    ended = f.PlacementFactory(
        slot=slot,
        status=Placement.Status.ACTIVE,
        start_date=date(2026, 10, 1),
        end_date=date(2026, 11, 20),
    )
    gone = f.YouthFactory(
        municipality=municipality, status=Youth.Status.LEFT, left_at=NOW - timedelta(days=800)
    )
    group = f.GroupFactory(municipality=municipality)
    with time_machine.travel(NOW - timedelta(weeks=2), tick=False):
        schedule_add(
            group=group,
            actor=consultant.user,
            weekday=2,
            start_time=time(17, 0),
            place="Ungehuset",
            starts_on=date(2026, 11, 1),
        )
    before = Meeting.objects.count()

    with time_machine.travel(NOW, tick=False):
        out = run()
        rows = OutboxMessage.objects.count()
        again = run()
    assert OutboxMessage.objects.count() == rows

    assert Placement.objects.get(pk=due.pk).status == Placement.Status.ACTIVE
    assert Placement.objects.get(pk=later.pk).status == Placement.Status.APPROVED
    assert Placement.objects.get(pk=ended.pk).status == Placement.Status.COMPLETED
    gone.refresh_from_db()
    assert gone.erased_at is not None and gone.first_name == ""
    assert Meeting.objects.count() > before
    assert "1  placements started" in out
    assert "1  placements completed" in out
    assert "1  youth erased after the retention period" in out
    assert "1  active placements with check-in prompts ahead" in out
    # A second run finds nothing more to do.
    for line in again.splitlines():
        assert line.strip().startswith("0") or "check-in prompts" in line
