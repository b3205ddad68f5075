"""Consent is the youth's own act; the export holds every audit entry about them; erasure
reaches the admin's log too."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from domain.exceptions import DomainError
from domain.models import Youth
from domain.services.groups import group_create, group_member_add
from domain.services.meetings import attendance_record
from domain.services.privacy import consent_give, youth_erase, youth_export
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("who", ["consultant", "admin_user", "other_youth"])
def test_nobody_consents_on_a_youths_behalf(request, youth, who):
    actor = request.getfixturevalue(who)
    actor = getattr(actor, "user", actor)
    with pytest.raises(DomainError) as err:
        consent_give(youth=youth, actor=actor, version="2026-1")
    assert err.value.code == "forbidden"


def test_only_the_current_privacy_text_can_be_accepted(youth):
    with pytest.raises(DomainError) as err:
        consent_give(youth=youth, actor=youth, version="whatever")
    assert err.value.code == "consent_invalid"


def test_the_export_holds_audit_entries_about_the_youths_attendance_and_group(
    youth, consultant, municipality
):
    group = group_create(municipality=municipality, actor=consultant.user, name="Holdet")
    group_member_add(group=group, youth=youth, actor=consultant.user)
    meeting = f.MeetingFactory(group=group, starts_at=NOW - timedelta(hours=3))
    attendance_record(meeting=meeting, youth=youth, status="present", actor=consultant.user)

    actions = {entry["action"] for entry in youth_export(youth=youth, actor=youth)["audit"]}
    assert {"group.member_add", "attendance.record"} <= actions


def test_erasure_scrubs_the_admin_log_of_the_youths_name(youth, admin_user):
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Youth),
        object_id=str(youth.pk),
        object_repr=str(youth),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["First name"]}}]',
    )
    name = youth.first_name
    youth_erase(youth=youth, actor=youth)
    entry = LogEntry.objects.get()
    assert name not in entry.object_repr
    assert entry.change_message == ""


def test_a_company_loses_the_contact_of_a_youth_who_left(youth, company_member, slot, consultant):
    from domain.models import Placement
    from domain.selectors.youth import youth_card_for_company
    from domain.services.youth import youth_leave

    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    f.PlacementFactory(youth=youth, slot=slot, interest=interest, status=Placement.Status.APPROVED)
    assert "contact" in youth_card_for_company(user=company_member.user, interest=interest)
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    interest.refresh_from_db()
    assert "contact" not in youth_card_for_company(user=company_member.user, interest=interest)
