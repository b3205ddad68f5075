"""Nobody left waiting: an unanswered interest reminds the company after 3 working days, alerts
the consultant (and tells the youth) after 5, and closes itself after 15; weekends and Danish
public holidays do not count; lead times are the municipality's."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.exceptions import DomainError
from domain.models import AuditEntry, Interest, OutboxMessage
from domain.selectors.dashboard import overdue_interests
from domain.services.housekeeping import housekeeping_run
from domain.services.interests import interest_accept
from domain.services.waiting import (
    interest_deadlines,
    interest_keep_waiting,
    interests_chase_unanswered,
)
from domain.timeutils import add_working_days, is_working_day
from tests import factories as f

Kind = OutboxMessage.Kind
Status = Interest.Status
# Wednesday 1 April 2026, 10:00 in Copenhagen (08:00 UTC, summer time): Maundy Thursday,
# Good Friday, the weekend and Easter Monday follow.
EASTER_WEDNESDAY = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def test_weekends_and_danish_public_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 4, 2))  # Maundy Thursday
    assert not is_working_day(date(2026, 4, 4))  # Saturday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert is_working_day(date(2026, 4, 7))
    assert add_working_days(date(2026, 4, 1), 3) == date(2026, 4, 9)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)  # not a public holiday
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # 25, 26, 27 are not


@pytest.fixture
def waiting(youth, slot, company_member, consultant):
    return f.InterestFactory(youth=youth, slot=slot, created_at=EASTER_WEDNESDAY)


def kinds(**filters) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(**filters).order_by("pk")
    return [(row.channel, row.kind) for row in rows]


def test_the_deadlines_skip_the_easter_holidays_and_the_weekend(waiting):
    deadlines = interest_deadlines(waiting)
    assert deadlines.remind_at == datetime(2026, 4, 9, 8, 0, tzinfo=UTC)  # Thursday 10:00
    assert deadlines.alert_at == datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # Monday 10:00
    assert deadlines.close_at == datetime(2026, 4, 27, 8, 0, tzinfo=UTC)


def test_nothing_happens_before_the_third_working_day(waiting):
    # Seven calendar days later, but only two working days.
    assert interests_chase_unanswered(now=datetime(2026, 4, 9, 7, 59, tzinfo=UTC)) == {
        "reminded": 0,
        "alerted": 0,
        "closed": 0,
    }
    assert kinds() == []


def test_after_three_working_days_the_company_is_reminded_once(waiting, other_company_member):
    at = datetime(2026, 4, 9, 8, 0, tzinfo=UTC)
    interests_chase_unanswered(now=at)
    interests_chase_unanswered(now=at + timedelta(hours=1))
    assert kinds() == [("email", Kind.INTEREST_UNANSWERED)]
    row = OutboxMessage.objects.get()
    assert row.user.username == "baker"
    assert row.payload["days"] == 3


def test_after_five_the_consultant_is_alerted_and_the_youth_told_with_buttons(waiting, consultant):
    at = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)
    assert interests_chase_unanswered(now=at)["alerted"] == 1
    assert interests_chase_unanswered(now=at + timedelta(hours=1))["alerted"] == 0
    assert kinds() == [
        ("email", Kind.INTEREST_UNANSWERED),
        ("email", Kind.INTEREST_OVERDUE),
        ("telegram", Kind.INTEREST_WAITING),
    ]
    waiting.refresh_from_db()
    assert waiting.overdue_at == at
    assert overdue_interests(user=consultant.user) == [waiting]
    assert AuditEntry.objects.filter(action="interest.overdue", actor=None).count() == 1
    alert = OutboxMessage.objects.get(kind=Kind.INTEREST_OVERDUE)
    assert alert.user == consultant.user

    from bot.delivery import render

    _text, keyboard = render(OutboxMessage.objects.get(kind=Kind.INTEREST_WAITING))
    buttons = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert f"v1:int:wait:{waiting.pk}" in buttons
    assert f"v1:int:withdraw:{waiting.pk}" in buttons


def test_a_consultant_of_another_municipality_sees_no_alert(waiting, other_consultant):
    interests_chase_unanswered(now=datetime(2026, 4, 13, 8, 0, tzinfo=UTC))
    assert overdue_interests(user=other_consultant.user) == []
    assert not OutboxMessage.objects.filter(user=other_consultant.user).exists()


def test_after_fifteen_the_interest_closes_and_youth_and_company_are_told(waiting):
    at = datetime(2026, 4, 27, 8, 0, tzinfo=UTC)
    assert interests_chase_unanswered(now=at)["closed"] == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.EXPIRED
    assert kinds() == [("email", Kind.INTEREST_CLOSED), ("telegram", Kind.INTEREST_CLOSED)]
    assert interests_chase_unanswered(now=at + timedelta(days=1))["closed"] == 0
    # Closed, the youth may show interest in the slot again.
    f.InterestFactory(youth=waiting.youth, slot=waiting.slot)


def test_an_answered_interest_is_left_alone(waiting, company_member):
    interest_accept(
        interest=waiting,
        actor=company_member.user,
        intro_meeting_at=datetime(2026, 4, 30, 8, 0, tzinfo=UTC),
        intro_meeting_place="Bageriet",
        now=datetime(2026, 4, 8, 8, 0, tzinfo=UTC),
    )
    before = OutboxMessage.objects.count()
    interests_chase_unanswered(now=datetime(2026, 4, 27, 8, 0, tzinfo=UTC))
    assert OutboxMessage.objects.count() == before
    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED


def test_lead_times_are_the_municipalitys(waiting, municipality):
    municipality.answer_reminder_days = 1
    municipality.answer_alert_days = 2
    municipality.answer_close_days = 4
    municipality.save()
    # Tuesday 7 April is the first working day after the Easter Wednesday.
    interests_chase_unanswered(now=datetime(2026, 4, 7, 8, 0, tzinfo=UTC))
    assert kinds() == [("email", Kind.INTEREST_UNANSWERED)]
    interests_chase_unanswered(now=datetime(2026, 4, 13, 8, 0, tzinfo=UTC))  # the 4th
    waiting.refresh_from_db()
    assert waiting.status == Status.EXPIRED


def test_the_housekeeping_run_chases_them_too(waiting):
    done = housekeeping_run(now=datetime(2026, 4, 9, 8, 0, tzinfo=UTC))
    assert done["unanswered interests chased"] == 1


def test_the_youth_may_keep_waiting_but_only_while_it_waits(waiting, youth):
    at = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)
    kept = interest_keep_waiting(interest=waiting, actor=youth, now=at)
    assert kept.keep_waiting_at == at
    with pytest.raises(DomainError) as refused:
        interest_keep_waiting(interest=waiting, actor=f.YouthFactory(), now=at)
    assert refused.value.kind == "forbidden"
    interests_chase_unanswered(now=datetime(2026, 4, 27, 8, 0, tzinfo=UTC))
    with pytest.raises(DomainError) as closed:
        interest_keep_waiting(interest=waiting, actor=youth, now=at)
    assert closed.value.code == "invalid_state"


def test_the_admin_refuses_lead_times_out_of_order(admin_client, municipality):
    from django.urls import reverse

    url = reverse("admin:portal_municipality_change", args=[municipality.pk])
    form = {
        "name": municipality.name,
        "slug": municipality.slug,
        "timezone": "Europe/Copenhagen",
        "reminder_settings": "{}",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        "answer_reminder_days": 5,
        "answer_alert_days": 3,
        "answer_close_days": 15,
    }
    refused = admin_client.post(url, form)
    assert refused.status_code == 200
    assert "arbejdsdage" in refused.content.decode()
    municipality.refresh_from_db()
    assert municipality.answer_reminder_days == 3
    accepted = admin_client.post(url, {**form, "answer_reminder_days": 2, "answer_alert_days": 4})
    assert accepted.status_code == 302
    municipality.refresh_from_db()
    assert (municipality.answer_reminder_days, municipality.answer_alert_days) == (2, 4)
