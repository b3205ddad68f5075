"""Young people's pages: scoped lists and records, register and edit through the services,
pause/resume, invites with a QR code, the audited timeline and follow-up notes."""

from datetime import date

import pytest
import segno
from django.urls import reverse

from domain.models import AuditEntry, FollowUpNote, Invite, Placement, Youth
from tests import factories as f

LIST = reverse("consultant:youth_list")
NEW = reverse("consultant:youth_new")


def url(name: str, youth) -> str:
    return reverse(f"consultant:{name}", args=[youth.pk])


def valid(**overrides) -> dict:
    data = {
        "first_name": "Sara",
        "last_name": "",
        "birth_date": "2006-03-01",
        "language": "da",
        "preferred_hours": "15",
    }
    return {**data, **overrides}


# --- permissions ---------------------------------------------------------------------------


def test_list_shows_the_own_municipalitys_youth_only(client_for, consultant, youth, other_youth):
    page = client_for(consultant).get(LIST).content.decode()
    assert url("youth_detail", youth) in page
    assert url("youth_detail", other_youth) not in page


def test_admin_sees_all_youth(client_for, admin_user, youth, other_youth):
    page = client_for(admin_user).get(LIST).content.decode()
    assert url("youth_detail", youth) in page and url("youth_detail", other_youth) in page


@pytest.mark.parametrize("name", ["youth_detail", "youth_edit"])
def test_another_municipalitys_youth_is_not_found(client_for, consultant, other_youth, name):
    assert client_for(consultant).get(url(name, other_youth)).status_code == 404


@pytest.mark.parametrize("name", ["youth_pause", "youth_resume", "youth_invite", "youth_note"])
def test_posts_about_another_municipalitys_youth_are_not_found(
    client_for, consultant, other_youth, name
):
    assert client_for(consultant).post(url(name, other_youth)).status_code == 404


def test_company_members_may_not_see_youth(client_for, company_member, youth):
    client = client_for(company_member)
    assert client.get(LIST).status_code == 403
    assert client.get(url("youth_detail", youth)).status_code == 403
    assert client.post(NEW, valid()).status_code == 403


def test_anonymous_is_sent_to_login(client_for, youth):
    assert client_for(None).get(url("youth_detail", youth)).status_code == 302


# --- register and edit ---------------------------------------------------------------------


def test_registering_a_youth(client_for, consultant, municipality):
    response = client_for(consultant).post(NEW, valid(sectors=["retail"]))
    created = Youth.objects.get(first_name="Sara")
    assert response.status_code == 302
    assert response["Location"] == url("youth_detail", created)
    assert created.municipality == municipality
    assert created.status == Youth.Status.INVITED
    assert [s.code for s in created.sectors.all()] == ["retail"]


def test_admin_picks_the_municipality(client_for, admin_user, other_municipality):
    form_page = client_for(admin_user).get(NEW).content.decode()
    assert 'name="municipality"' in form_page
    client_for(admin_user).post(NEW, valid(municipality=other_municipality.pk))
    assert Youth.objects.get(first_name="Sara").municipality == other_municipality


def test_a_consultant_gets_no_municipality_choice(client_for, consultant):
    assert 'name="municipality"' not in client_for(consultant).get(NEW).content.decode()


def test_an_age_outside_the_programme_is_shown_at_the_birth_date(client_for, consultant):
    response = client_for(consultant).post(NEW, valid(birth_date="1980-01-01"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_birth_date_error"' in page
    assert not Youth.objects.filter(first_name="Sara").exists()


def test_a_cpr_number_in_a_name_is_refused_at_the_field(client_for, consultant):
    response = client_for(consultant).post(NEW, valid(last_name="0101901234"))
    assert response.status_code == 400
    assert 'id="id_last_name_error"' in response.content.decode()


def test_a_missing_first_name_is_shown_at_the_field(client_for, consultant):
    response = client_for(consultant).post(NEW, valid(first_name=""))
    assert response.status_code == 400
    assert 'id="id_first_name_error"' in response.content.decode()


def test_editing_a_youth(client_for, consultant, youth):
    response = client_for(consultant).post(
        url("youth_edit", youth), valid(first_name="Mads", birth_date="2005-05-17")
    )
    assert response.status_code == 302
    assert Youth.objects.get(pk=youth.pk).first_name == "Mads"


def test_edit_form_is_filled_in(client_for, consultant, youth):
    page = client_for(consultant).get(url("youth_edit", youth)).content.decode()
    assert f'value="{youth.first_name}"' in page
    assert 'value="2005-05-17"' in page


def test_csrf_is_enforced(client_for, consultant, youth):
    client = client_for(consultant, csrf=True)
    assert client.post(NEW, valid()).status_code == 403
    assert client.post(url("youth_pause", youth)).status_code == 403
    assert client.post(url("youth_invite", youth)).status_code == 403


# --- status, invite ------------------------------------------------------------------------


def test_pause_and_resume(client_for, consultant, youth):
    client = client_for(consultant)
    assert client.post(url("youth_pause", youth)).status_code == 302
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.PAUSED
    client.post(url("youth_resume", youth))
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.ACTIVE


def test_resuming_an_active_youth_says_why_not(client_for, consultant, youth):
    response = client_for(consultant).post(url("youth_resume", youth), follow=True)
    assert "message--error" in response.content.decode()
    assert Youth.objects.get(pk=youth.pk).status == Youth.Status.ACTIVE


def test_an_invite_shows_its_deep_link_and_a_qr_code(client_for, consultant, municipality):
    invited = f.InvitedYouthFactory(municipality=municipality)
    response = client_for(consultant).post(url("youth_invite", invited))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    link = response.context["issued"].deep_link
    assert link.startswith("https://t.me/") and link in page
    assert "<svg" in page and "<title>" in page
    assert Invite.objects.filter(youth=invited).count() == 1
    # A quiet zone of 4 modules (6 px each) on every side, as the QR standard asks.
    modules = segno.make(link, error="m").symbol_size(scale=1, border=0)[0]
    assert f'width="{(modules + 8) * 6}"' in page
    assert 'd="M4 4.5h' in page  # the first dark module sits 4 modules in


def test_a_linked_youth_gets_no_new_invite(client_for, consultant, youth):
    response = client_for(consultant).post(url("youth_invite", youth), follow=True)
    assert "message--error" in response.content.decode()
    assert not Invite.objects.filter(youth=youth).exists()


# --- timeline and notes --------------------------------------------------------------------


def test_the_timeline_is_audited_and_shows_the_history(client_for, consultant, youth, company):
    slot = f.SlotFactory(company=company, title="<script>alert(1)</script>")
    f.InterestFactory(youth=youth, slot=slot)
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE)
    f.CheckInFactory(placement=placement, score=2, text="Hård uge")
    page = client_for(consultant).get(url("youth_detail", youth)).content.decode()
    assert "Hård uge" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert AuditEntry.objects.filter(action="youth.read", target_id=youth.pk).count() == 1


def test_adding_a_follow_up_note(client_for, consultant, youth, slot):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE)
    response = client_for(consultant).post(
        url("youth_note", youth),
        {"placement": placement.pk, "text": "Mødtes med Lone", "met_workplace_contact": "on"},
    )
    assert response.status_code == 302
    note = FollowUpNote.objects.get()
    assert note.placement == placement and note.met_workplace_contact
    assert note.author == consultant.user


def test_an_empty_note_is_shown_at_the_field(client_for, consultant, youth, slot):
    placement = f.PlacementFactory(youth=youth, slot=slot)
    response = client_for(consultant).post(
        url("youth_note", youth), {"placement": placement.pk, "text": ""}
    )
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not FollowUpNote.objects.exists()


def test_a_note_on_another_youths_placement_is_refused(client_for, consultant, youth, slot):
    f.PlacementFactory(youth=youth, slot=slot)
    other = f.PlacementFactory(youth=f.YouthFactory(municipality=youth.municipality), slot=slot)
    response = client_for(consultant).post(
        url("youth_note", youth), {"placement": other.pk, "text": "Forkert ung"}
    )
    assert response.status_code == 400
    assert not FollowUpNote.objects.exists()


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 30])
def test_list_queries_do_not_grow(
    client_for, consultant, municipality, n, django_assert_max_num_queries
):
    group = f.GroupFactory(municipality=municipality)
    for _ in range(n):
        f.YouthFactory(municipality=municipality, group=group, contact_consultant=consultant)
    client = client_for(consultant)
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


def test_timeline_queries_do_not_grow(
    client_for, consultant, youth, slot, django_assert_max_num_queries
):
    for _ in range(10):
        placement = f.PlacementFactory(
            youth=youth, slot=f.SlotFactory(company=slot.company), status="completed"
        )
        f.CheckInFactory(placement=placement, week=date(2026, 1, 5))
        f.FollowUpNoteFactory(placement=placement)
    client = client_for(consultant)
    with django_assert_max_num_queries(17):
        assert client.get(url("youth_detail", youth)).status_code == 200


def test_times_are_shown_in_the_consultants_municipality(client_for, company):
    from datetime import UTC, datetime

    reykjavik = f.MunicipalityFactory(timezone="Atlantic/Reykjavik")
    consultant = f.ConsultantFactory(municipality=reykjavik)
    youth = f.YouthFactory(municipality=reykjavik)
    f.InterestFactory(
        youth=youth,
        slot=f.SlotFactory(company=company),
        created_at=datetime(2026, 1, 10, 12, 0, tzinfo=UTC),
    )
    page = client_for(consultant).get(url("youth_detail", youth)).content.decode()
    # Danish writes "kl. 12.00"; Copenhagen would say 13.00.
    assert "kl. 12.00" in page and "13.00" not in page
