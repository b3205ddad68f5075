"""Wall-clock times in a municipality's zone, across both DST changes."""

from datetime import UTC, date, datetime, time

from domain.timeutils import local_datetime, monday_of

CPH = "Europe/Copenhagen"


def test_same_wall_clock_time_has_different_utc_offsets_in_winter_and_summer():
    assert local_datetime(date(2027, 1, 12), time(17, 0), CPH).astimezone(UTC) == datetime(
        2027, 1, 12, 16, 0, tzinfo=UTC
    )
    assert local_datetime(date(2027, 6, 15), time(17, 0), CPH).astimezone(UTC) == datetime(
        2027, 6, 15, 15, 0, tzinfo=UTC
    )


def test_a_time_skipped_by_the_spring_change_moves_forward_by_the_gap():
    moment = local_datetime(date(2027, 3, 28), time(2, 30), CPH)
    assert moment.strftime("%H:%M %Z") == "03:30 CEST"
    assert moment.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_a_time_repeated_by_the_autumn_change_takes_its_first_occurrence():
    moment = local_datetime(date(2026, 10, 25), time(2, 30), CPH)
    assert moment.strftime("%H:%M %Z") == "02:30 CEST"
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_monday_of():
    assert monday_of(date(2026, 11, 22)) == date(2026, 11, 16)
    assert monday_of(date(2026, 11, 23)) == date(2026, 11, 23)
