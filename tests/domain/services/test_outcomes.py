"""Where a youth went when they left, and what an ended placement led to: required, validated,
audited, scoped to the youth's municipality, and kept (as a category) after erasure."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, Destination, Placement, Youth
from domain.services.outcomes import placement_record_outcome, youth_record_destination
from domain.services.privacy import youth_erase
from domain.services.youth import youth_leave
from tests import factories as f
from tests.helpers import stored

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_leaving_records_the_destination_its_date_and_the_group(youth, consultant):
    group = f.GroupFactory(municipality=youth.municipality)
    Youth.objects.filter(pk=youth.pk).update(group=group)
    youth.refresh_from_db()
    left = youth_leave(
        youth=youth,
        actor=consultant.user,
        destination=Destination.SUPPORTED_JOB,
        destination_date=date(2026, 11, 1),
    )
    left.refresh_from_db()
    assert (left.status, left.destination, left.destination_date) == (
        Youth.Status.LEFT,
        "supported_job",
        date(2026, 11, 1),
    )
    assert (left.group_id, left.former_group_id) == (None, group.pk)
    entry = AuditEntry.objects.get(action="youth.leave", target_id=youth.pk)
    assert entry.data["destination"] == "supported_job"


def test_the_destination_date_defaults_to_the_local_day(youth, consultant):
    left = youth_leave(youth=youth, actor=consultant.user, destination="education")
    assert left.destination_date == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("destination", "when", "code", "field"),
    [
        (None, None, "required", "destination"),
        ("", None, "required", "destination"),
        ("holiday", None, "destination_invalid", "destination"),
        ("education", date(2026, 11, 24), "date_in_future", "destination_date"),
        ("education", "2026-11-01", "date_invalid", "destination_date"),
    ],
)
def test_leaving_refuses_a_missing_or_bad_destination(
    youth, consultant, destination, when, code, field
):
    before = stored(youth)
    with pytest.raises(DomainError) as exc:
        youth_leave(
            youth=youth, actor=consultant.user, destination=destination, destination_date=when
        )
    assert (exc.value.code, exc.value.field) == (code, field)
    assert stored(youth) == before


def test_a_destination_is_corrected_after_leaving_and_audited(youth, consultant):
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    corrected = youth_record_destination(
        youth=youth, actor=consultant.user, destination="ordinary_job"
    )
    assert corrected.destination == "ordinary_job"
    assert AuditEntry.objects.filter(action="youth.destination", target_id=youth.pk).exists()


def test_a_destination_is_only_corrected_for_youth_who_left(youth, consultant):
    with pytest.raises(DomainError) as exc:
        youth_record_destination(youth=youth, actor=consultant.user, destination="education")
    assert exc.value.code == "invalid_state"


def test_another_municipalitys_consultant_may_not_record_a_destination(
    youth, consultant, other_consultant
):
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    with pytest.raises(DomainError) as exc:
        youth_record_destination(youth=youth, actor=other_consultant.user, destination="other")
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        youth_leave(youth=f.YouthFactory(), actor=other_consultant.user, destination="other")
    assert exc.value.code == "forbidden"


def test_erasure_keeps_the_destination_as_a_category(youth, consultant):
    youth_leave(youth=youth, actor=consultant.user, destination="education")
    youth_erase(youth=youth, actor=consultant.user)
    youth.refresh_from_db()
    assert (youth.first_name, youth.destination) == ("", "education")


def test_erasure_before_leaving_derives_unknown_never_a_guess(youth, consultant):
    group = f.GroupFactory(municipality=youth.municipality)
    Youth.objects.filter(pk=youth.pk).update(group=group)
    youth_erase(youth=youth, actor=youth)
    youth.refresh_from_db()
    assert (youth.destination, youth.destination_date) == ("unknown", date(2026, 11, 23))
    assert youth.former_group_id == group.pk
    with pytest.raises(DomainError) as exc:
        youth_record_destination(youth=youth, actor=consultant.user, destination="education")
    assert exc.value.code == "invalid_state"


@pytest.mark.parametrize("status", [Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY])
def test_an_ended_placement_records_what_it_led_to(youth, slot, consultant, status):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=status)
    placement_record_outcome(placement=placement, actor=consultant.user, outcome="job_offer")
    placement.refresh_from_db()
    assert placement.outcome == "job_offer"
    entry = AuditEntry.objects.get(action="placement.outcome", target_id=placement.pk)
    assert entry.data == {"outcome": "job_offer"}


@pytest.mark.parametrize(
    "status", [Placement.Status.PROPOSED, Placement.Status.APPROVED, Placement.Status.ACTIVE]
)
def test_a_running_or_unstarted_placement_has_no_outcome_yet(youth, slot, consultant, status):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=status)
    with pytest.raises(DomainError) as exc:
        placement_record_outcome(placement=placement, actor=consultant.user, outcome="nothing")
    assert exc.value.code == "invalid_state"


@pytest.mark.parametrize(("outcome", "code"), [("", "required"), ("a job", "outcome_invalid")])
def test_a_bad_outcome_is_refused(youth, slot, consultant, outcome, code):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.COMPLETED)
    with pytest.raises(DomainError) as exc:
        placement_record_outcome(placement=placement, actor=consultant.user, outcome=outcome)
    assert (exc.value.code, exc.value.field) == (code, "outcome")


def test_only_staff_of_the_youths_municipality_record_an_outcome(
    youth, slot, other_consultant, company_member
):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.COMPLETED)
    for actor in (other_consultant.user, company_member.user, youth):
        with pytest.raises(DomainError) as exc:
            placement_record_outcome(placement=placement, actor=actor, outcome="paid_hours")
        assert exc.value.code == "forbidden"
    placement.refresh_from_db()
    assert placement.outcome == ""
