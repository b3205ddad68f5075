"""A municipality's reminder settings are validated, and one bad row never stops the others."""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from domain.models import Meeting, Municipality
from domain.services import housekeeping
from domain.services.groups import schedule_add, schedules_extend_all
from domain.services.reminders import DEFAULT_RULES, rules_for
from domain.validators import validate_reminder_settings, validate_timezone
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_defaults_are_valid_settings():
    validate_reminder_settings(DEFAULT_RULES)


@pytest.mark.parametrize(
    "bad",
    [
        {"meeting": {"offsets": [{"hours_before": 3}]}},
        {"meeting": [{"hours_before": -1}]},
        {"event": [{"days_before": 1, "at": "25:00"}]},
        {"checkin": {"weekday": 9, "at": "14:00"}},
        {"birthday": []},
        ["meeting"],
    ],
)
def test_unusable_settings_are_refused_at_the_field(municipality, bad):
    municipality.reminder_settings = bad
    with pytest.raises(ValidationError):
        municipality.full_clean()


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError):
        validate_timezone("Europe/Atlantis")
    validate_timezone("Europe/Copenhagen")


def test_a_bad_row_written_before_validation_falls_back_to_the_defaults(municipality, caplog):
    Municipality.objects.filter(pk=municipality.pk).update(
        reminder_settings={"meeting": {"offsets": [1]}}
    )
    municipality.refresh_from_db()
    assert rules_for(municipality, "meeting") == DEFAULT_RULES["meeting"]
    assert "using the default" in caplog.text


def test_one_broken_schedule_does_not_stop_the_other_groups(municipality, consultant, monkeypatch):
    groups = f.GroupFactory.create_batch(2, municipality=municipality)
    with time_machine.travel(NOW, tick=False):
        schedules = [
            schedule_add(
                group=g,
                actor=consultant.user,
                weekday=2,
                start_time=time(17),
                place="Huset",
                starts_on=date(2026, 11, 23),
            )
            for g in groups
        ]
    Meeting.objects.all().delete()
    from domain.services import groups as group_services

    real = group_services.schedule_generate_meetings

    def flaky(*, schedule, **kwargs):
        if schedule.pk == schedules[0].pk:
            raise TypeError("broken setting")
        return real(schedule=schedule, **kwargs)

    monkeypatch.setattr(group_services, "schedule_generate_meetings", flaky)
    assert schedules_extend_all(now=NOW) > 0
    assert Meeting.objects.filter(group=groups[1]).exists()
    assert not Meeting.objects.filter(group=groups[0]).exists()


def test_a_failing_housekeeping_job_is_reported_and_the_others_still_run(db, monkeypatch):
    ran = []

    def broken(*, now):
        raise RuntimeError("boom")

    def fine(*, now):
        ran.append(now)
        return 0

    monkeypatch.setattr(housekeeping, "JOBS", {"first": broken, "second": fine})
    out = StringIO()
    with pytest.raises(CommandError, match="1 job"):
        call_command("housekeeping", stdout=out)
    assert ran
    assert "FAILED  first" in out.getvalue()
