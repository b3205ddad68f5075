"""Seats taken at an event: one selector counts them for the services, the bot, the consultant's
pages and the admin."""

from django.db.models import Count
from django.utils import timezone

from domain.models import CompanySignup, MatchEvent, YouthSignup
from domain.selectors.events import event_seats_taken, seats_taken_count
from tests import factories as f

Status = YouthSignup.Status


def _signups(event, municipality, statuses) -> None:
    for sequence, status in enumerate(statuses, start=1):
        YouthSignup.objects.create(
            event=event,
            youth=f.YouthFactory(municipality=municipality),
            status=status,
            sequence=sequence,
            created_at=timezone.now(),
        )


def test_confirmed_and_attended_sign_ups_take_the_seats(municipality):
    event = f.EventFactory(municipality=municipality)
    other = f.EventFactory(municipality=municipality)
    seated = [Status.CONFIRMED, Status.CONFIRMED, Status.ATTENDED]
    _signups(event, municipality, [*seated, Status.WAITLISTED, Status.CANCELLED, Status.NO_SHOW])
    _signups(other, municipality, [Status.CONFIRMED])

    assert event_seats_taken(event=event) == 3
    # The same count from sign-ups the caller has already loaded, without a query.
    loaded = list(YouthSignup.objects.all())
    assert event_seats_taken(event=event, signups=loaded) == 3
    assert event_seats_taken(event=other, signups=loaded) == 1
    assert event_seats_taken(event=other) == 1
    assert event_seats_taken(event=f.EventFactory(municipality=municipality)) == 0


def test_the_annotation_counts_the_same_for_many_events_in_one_query(
    municipality, company, django_assert_num_queries
):
    events = [f.EventFactory(municipality=municipality) for _ in range(3)]
    second_company = f.CompanyFactory()
    for n, event in enumerate(events):
        _signups(event, municipality, [Status.CONFIRMED] * n + [Status.WAITLISTED])
        # Another to-many join in the same query (as in the admin) must not multiply the count.
        for attending in (company, second_company):
            CompanySignup.objects.create(
                event=event, company=attending, attendees=2, created_at=timezone.now()
            )
    with django_assert_num_queries(1):
        rows = list(
            MatchEvent.objects.filter(pk__in=[e.pk for e in events])
            .annotate(taken=seats_taken_count(), companies=Count("company_signups"))
            .values_list("pk", "taken", "companies")
        )
    assert {pk: taken for pk, taken, _ in rows} == {
        event.pk: event_seats_taken(event=event) for event in events
    }
    assert sorted(taken for _, taken, _ in rows) == [0, 1, 2]
    # Without ``distinct`` the join multiplies, as the plain count of companies shows.
    assert sorted(companies for *_, companies in rows) == [2, 4, 6]
