"""A young person leaves the programme, gets a copy of their data, or has it erased: each a
POST with CSRF from the youth page; the erasure only after a confirmation page that says what
it means."""

import json

import pytest
from django.urls import reverse

from domain.models import AuditEntry, Invite, Youth
from domain.services.invites import invite_create
from tests import factories as f
from tests.helpers import snapshot


def url(name: str, youth) -> str:
    return reverse(f"consultant:{name}", args=[youth.pk])


POSTS = ("youth_leave", "youth_export", "youth_erase")


LEAVING = {"destination": "supported_job", "destination_date": "2026-03-01"}


def test_the_youth_page_offers_leave_export_and_erase(client_for, consultant, youth):
    page = client_for(consultant).get(url("youth_detail", youth)).content.decode()
    assert f'action="{url("youth_export", youth)}"' in page
    assert f'href="{url("youth_leave", youth)}"' in page
    assert f'href="{url("youth_erase", youth)}"' in page


def test_the_leaving_page_asks_where_they_went(client_for, consultant, youth):
    response = client_for(consultant).get(url("youth_leave", youth))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="destination"' in page and 'name="destination_date"' in page
    assert 'value="supported_job"' in page
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.ACTIVE


def test_leaving(client_for, consultant, municipality):
    youth = f.InvitedYouthFactory(municipality=municipality)
    invite_create(youth=youth, actor=consultant.user)
    response = client_for(consultant).post(url("youth_leave", youth), LEAVING, follow=True)
    youth.refresh_from_db()
    assert youth.status == Youth.Status.LEFT
    assert (youth.destination, youth.destination_date.isoformat()) == (
        "supported_job",
        "2026-03-01",
    )
    assert Invite.objects.get(youth=youth).revoked_at is not None
    assert "message--success" in response.content.decode()
    page = client_for(consultant).get(url("youth_detail", youth)).content.decode()
    assert 'id="destination"' in page


def test_leaving_without_a_destination_is_refused_at_the_field(client_for, consultant, youth):
    response = client_for(consultant).post(url("youth_leave", youth), {})
    assert response.status_code == 400
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.ACTIVE
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )


def test_a_future_destination_date_is_refused_at_the_field(client_for, consultant, youth):
    response = client_for(consultant).post(
        url("youth_leave", youth), {"destination": "education", "destination_date": "2999-01-01"}
    )
    assert response.status_code == 400
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.ACTIVE


def test_the_same_page_corrects_the_destination_after_leaving(client_for, consultant, youth):
    client = client_for(consultant)
    client.post(url("youth_leave", youth), LEAVING)
    response = client.post(url("youth_leave", youth), {"destination": "education"}, follow=True)
    assert "message--success" in response.content.decode()
    youth.refresh_from_db()
    assert youth.destination == "education"
    assert AuditEntry.objects.filter(action="youth.destination", target_id=youth.pk).exists()


def test_the_export_is_a_json_file_and_is_audited(client_for, consultant, youth, slot):
    f.InterestFactory(youth=youth, slot=slot, message="Jeg vil gerne")
    response = client_for(consultant).post(url("youth_export", youth))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nextwork-ung-{youth.pk}.json"'
    )
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["profile"]["first_name"] == youth.first_name
    assert data["interests"][0]["message"] == "Jeg vil gerne"
    assert AuditEntry.objects.filter(action="youth.export", target_id=youth.pk).count() == 1


def test_the_export_is_no_get_link(client_for, consultant, youth):
    assert client_for(consultant).get(url("youth_export", youth)).status_code == 405
    assert not AuditEntry.objects.filter(action="youth.export").exists()


def test_the_confirmation_page_names_the_consequence(client_for, consultant, youth):
    response = client_for(consultant).get(url("youth_erase", youth))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be undone" in page or "kan ikke fortrydes" in page
    assert 'name="confirm"' in page
    assert Youth.objects.get(pk=youth.pk).erased_at is None


def test_erasing_without_the_box_ticked_is_shown_at_the_field(client_for, consultant, youth):
    response = client_for(consultant).post(url("youth_erase", youth), {})
    assert response.status_code == 400
    assert 'id="id_confirm_error"' in response.content.decode()
    assert Youth.objects.get(pk=youth.pk).erased_at is None


def test_erasing(client_for, consultant, youth):
    response = client_for(consultant).post(url("youth_erase", youth), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consultant:youth_list")
    youth.refresh_from_db()
    assert youth.erased_at is not None
    assert youth.first_name == ""
    assert AuditEntry.objects.filter(action="youth.erase", target_id=youth.pk).exists()
    page = client_for(consultant).get(url("youth_detail", youth)).content.decode()
    assert url("youth_erase", youth) not in page


def test_erasing_twice_says_why_not(client_for, consultant, youth):
    client = client_for(consultant)
    client.post(url("youth_erase", youth), {"confirm": "on"})
    response = client.post(url("youth_erase", youth), {"confirm": "on"})
    assert response.status_code == 400
    assert "message--error" in response.content.decode()


@pytest.mark.parametrize("name", POSTS)
def test_another_municipalitys_youth_is_not_found(client_for, consultant, other_youth, name):
    before = snapshot(Youth, AuditEntry)
    response = client_for(consultant).post(url(name, other_youth), {"confirm": "on"})
    assert response.status_code == 404
    assert snapshot(Youth, AuditEntry) == before
    assert client_for(consultant).get(url("youth_erase", other_youth)).status_code == 404


def test_admin_may_erase_any_youth(client_for, admin_user, other_youth):
    client = client_for(admin_user)
    assert client.post(url("youth_export", other_youth)).status_code == 200
    assert client.post(url("youth_erase", other_youth), {"confirm": "on"}).status_code == 302
    assert Youth.objects.get(pk=other_youth.pk).erased_at is not None


@pytest.mark.parametrize("who", ["company_member", "other_company_member"])
@pytest.mark.parametrize("name", POSTS)
def test_company_members_are_refused(client_for, request, youth, who, name):
    before = snapshot(Youth)
    client = client_for(request.getfixturevalue(who))
    assert client.post(url(name, youth), {"confirm": "on"}).status_code == 403
    assert snapshot(Youth) == before


@pytest.mark.parametrize("name", POSTS)
def test_anonymous_is_sent_to_login(client_for, youth, name):
    before = snapshot(Youth)
    response = client_for(None).post(url(name, youth), {"confirm": "on"})
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert snapshot(Youth) == before


@pytest.mark.parametrize("name", POSTS)
def test_csrf_is_enforced_and_nothing_changes(client_for, consultant, youth, name):
    before = snapshot(Youth, AuditEntry, Invite)
    response = client_for(consultant, csrf=True).post(url(name, youth), {"confirm": "on"})
    assert response.status_code == 403
    assert snapshot(Youth, AuditEntry, Invite) == before


def test_names_render_inert_on_the_confirmation_page(client_for, consultant, youth):
    youth.first_name = "<script>alert(1)</script>"
    youth.save()
    page = client_for(consultant).get(url("youth_erase", youth)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_ended_placement_records_what_it_led_to_from_the_youth_page(
    client_for, consultant, youth, slot
):
    from domain.models import Placement

    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.COMPLETED)
    client = client_for(consultant)
    page = client.get(url("youth_detail", youth)).content.decode()
    outcome_url = reverse("consultant:placement_outcome", args=[placement.pk])
    assert f'action="{outcome_url}"' in page
    response = client.post(outcome_url, {"outcome": "job_offer"}, follow=True)
    assert "message--success" in response.content.decode()
    placement.refresh_from_db()
    assert placement.outcome == "job_offer"
    response = client.post(outcome_url, {"outcome": "maybe"}, follow=True)
    assert "message--error" in response.content.decode()
    placement.refresh_from_db()
    assert placement.outcome == "job_offer"


def test_another_municipalitys_placement_outcome_is_not_found(client_for, consultant, other_youth):
    from domain.models import Placement

    other_slot = f.SlotFactory()
    placement = f.PlacementFactory(
        youth=other_youth, slot=other_slot, status=Placement.Status.COMPLETED
    )
    outcome_url = reverse("consultant:placement_outcome", args=[placement.pk])
    assert client_for(consultant).post(outcome_url, {"outcome": "nothing"}).status_code == 404
    placement.refresh_from_db()
    assert placement.outcome == ""
