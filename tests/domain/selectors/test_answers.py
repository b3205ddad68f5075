"""The answer rate and median time to answer per company, as a consultant sees them."""

from datetime import UTC, datetime, timedelta

from domain.models import Interest
from domain.selectors.answers import company_answer_stats
from tests import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
Status = Interest.Status


def _interest(youth, slot, status, hours=None, **extra):
    decided = T0 + timedelta(hours=hours) if hours is not None else None
    return f.InterestFactory(
        youth=youth, slot=slot, status=status, created_at=T0, decided_at=decided, **extra
    )


def test_rate_and_median_count_only_what_was_owed_an_answer(
    consultant, municipality, company, slot, other_consultant
):
    youth = [f.YouthFactory(municipality=municipality) for _ in range(6)]
    _interest(youth[0], slot, Status.DECLINED, hours=2)
    _interest(youth[1], slot, Status.DECLINED, hours=10)
    f.AcceptedInterestFactory(
        youth=youth[2], slot=slot, created_at=T0, decided_at=T0 + timedelta(hours=30)
    )
    _interest(youth[3], slot, Status.EXPIRED, hours=24 * 21)  # closed unanswered
    _interest(youth[4], slot, Status.PENDING)  # still within its time: not counted
    _interest(youth[5], slot, Status.WITHDRAWN)  # withdrawn before an answer: not counted
    overdue = f.YouthFactory(municipality=municipality)
    _interest(overdue, slot, Status.PENDING, overdue_at=T0 + timedelta(days=7))

    stats = company_answer_stats(user=consultant.user, company_ids=[company.pk])[company.pk]
    assert (stats.owed, stats.answered, stats.percent) == (5, 3, 60)
    assert stats.median_time == timedelta(hours=10)

    # Another municipality's consultant sees none of this municipality's youth.
    theirs = company_answer_stats(user=other_consultant.user, company_ids=[company.pk])
    assert (theirs[company.pk].owed, theirs[company.pk].rate) == (0, None)
