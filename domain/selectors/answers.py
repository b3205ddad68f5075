"""How well companies answer the young people who show interest: the answer rate and the median
time to answer, per company, as a consultant sees them (their municipality's youth only).

An interest counts once it is owed an answer: answered (accepted or declined), closed
unanswered (``expired``), or still pending past the alert time (``overdue_at``). A pending one
still within its time, or one the youth withdrew before any answer, does not count either way.
The time to answer is calendar time from the interest to the company's decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Q

from domain.models import Interest
from domain.selectors.placements import interests_visible_to_user

Status = Interest.Status
ANSWERED = (Status.ACCEPTED, Status.DECLINED)


@dataclass(frozen=True)
class AnswerStats:
    owed: int
    answered: int
    median_time: timedelta | None

    @property
    def rate(self) -> float | None:
        """Answered / owed, 0–1; None when nothing is owed yet."""
        return self.answered / self.owed if self.owed else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)

    @property
    def median_hours(self) -> float | None:
        return None if self.median_time is None else self.median_time.total_seconds() / 3600

    @property
    def median_days(self) -> float | None:
        return None if self.median_time is None else self.median_time.total_seconds() / 86400


def company_answer_stats(*, user: object, company_ids: list[int]) -> dict[int, AnswerStats]:
    """``{company id: AnswerStats}`` for the given companies, over the interests ``user`` may
    see. One query."""
    owed = Q(status__in=[*ANSWERED, Status.EXPIRED]) | Q(
        status=Status.PENDING, overdue_at__isnull=False
    )
    rows = (
        interests_visible_to_user(user=user)
        .filter(owed, slot__company_id__in=company_ids)
        .order_by()
        .values_list("slot__company_id", "status", "created_at", "decided_at")
    )
    counted: dict[int, list] = defaultdict(lambda: [0, []])
    for company_id, status, created_at, decided_at in rows:
        entry = counted[company_id]
        entry[0] += 1
        if status in ANSWERED and decided_at is not None:
            entry[1].append(decided_at - created_at)
    return {
        company_id: AnswerStats(
            owed=counted[company_id][0] if company_id in counted else 0,
            answered=len(counted[company_id][1]) if company_id in counted else 0,
            median_time=median(counted[company_id][1])
            if company_id in counted and counted[company_id][1]
            else None,
        )
        for company_id in company_ids
    }
