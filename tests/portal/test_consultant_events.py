"""Match events: create, edit, publish, cancel, complete; sign-ups and the waitlist; door
check-in; the live board without names."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import CompanySignup, MatchEvent, YouthSignup
from tests import factories as f

LIST = reverse("consultant:events")
NEW = reverse("consultant:event_new")
E = MatchEvent.Status


def url(name: str, *args) -> str:
    return reverse(f"consultant:{name}", args=[getattr(a, "pk", a) for a in args])


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    start = timezone.now() + timedelta(days=10)
    data = {
        "title": "Matchdag i hallen",
        "description": "Mød virksomheder",
        "place": "Hallen",
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=3)),
        "signup_deadline": local(start - timedelta(days=1)),
        "youth_capacity": "2",
        "company_capacity": "5",
    }
    return {**data, **overrides}


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality, youth_capacity=1)


@pytest.fixture
def foreign_event(other_municipality):
    return f.EventFactory(municipality=other_municipality, title="Fremmed event")


def signup(event, youth, status, sequence, **kwargs):
    return YouthSignup.objects.create(
        event=event,
        youth=youth,
        status=status,
        sequence=sequence,
        created_at=timezone.now(),
        **kwargs,
    )


# --- permissions ---------------------------------------------------------------------------


def test_list_shows_own_events_only(client_for, consultant, event, foreign_event):
    page = client_for(consultant).get(LIST).content.decode()
    assert event.title in page and "Fremmed event" not in page


@pytest.mark.parametrize(
    "name", ["event_detail", "event_edit", "event_cancel", "event_board", "event_board_part"]
)
def test_another_municipalitys_event_is_not_found(client_for, consultant, foreign_event, name):
    assert client_for(consultant).get(url(name, foreign_event)).status_code == 404


def test_posts_on_another_municipalitys_event_are_not_found(client_for, consultant, foreign_event):
    client = client_for(consultant)
    assert client.post(url("event_action", foreign_event, "publish")).status_code == 404
    assert client.post(url("event_check_in", foreign_event, 1)).status_code == 404


def test_company_members_may_not_manage_events(client_for, company_member, event):
    client = client_for(company_member)
    assert client.get(url("event_detail", event)).status_code == 403
    assert client.get(url("event_board", event)).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403


def test_anonymous_is_sent_to_login(client_for, event):
    assert client_for(None).get(url("event_board", event)).status_code == 302


def test_admin_opens_any_event(client_for, admin_user, foreign_event):
    assert client_for(admin_user).get(url("event_detail", foreign_event)).status_code == 200


# --- create, edit, transitions -------------------------------------------------------------


def test_creating_an_event_makes_a_draft_in_local_time(client_for, consultant, municipality):
    data = form_data()
    response = client_for(consultant).post(NEW, data)
    created = MatchEvent.objects.get(title="Matchdag i hallen")
    assert response.status_code == 302
    assert created.status == E.DRAFT
    assert created.municipality == municipality
    assert local(created.starts_at) == data["starts_at"]


def test_an_end_before_the_start_is_shown_at_the_field(client_for, consultant):
    data = form_data()
    response = client_for(consultant).post(NEW, {**data, "ends_at": data["signup_deadline"]})
    assert response.status_code == 400
    assert 'id="id_ends_at_error"' in response.content.decode()
    assert not MatchEvent.objects.exists()


def test_a_missing_title_is_shown_at_the_field(client_for, consultant):
    response = client_for(consultant).post(NEW, form_data(title=""))
    assert response.status_code == 400
    assert 'id="id_title_error"' in response.content.decode()


def test_editing_an_event(client_for, consultant, event):
    data = form_data(title="Ny titel")
    response = client_for(consultant).post(url("event_edit", event), data)
    assert response.status_code == 302
    assert MatchEvent.objects.get(pk=event.pk).title == "Ny titel"


def test_publishing_a_draft(client_for, consultant, municipality):
    draft = f.EventFactory(municipality=municipality, status=E.DRAFT)
    client_for(consultant).post(url("event_action", draft, "publish"))
    assert MatchEvent.objects.get(pk=draft.pk).status == E.PUBLISHED


def test_an_unknown_action_is_not_found(client_for, consultant, event):
    assert client_for(consultant).post(url("event_action", event, "explode")).status_code == 404


def test_completing_an_event_before_it_starts_says_why_not(client_for, consultant, event):
    response = client_for(consultant).post(url("event_action", event, "complete"), follow=True)
    assert "message--error" in response.content.decode()
    assert MatchEvent.objects.get(pk=event.pk).status == E.PUBLISHED


def test_completing_a_started_event_marks_no_shows(client_for, consultant, municipality, youth):
    started = f.EventFactory(
        municipality=municipality,
        starts_at=timezone.now() - timedelta(hours=1),
        signup_deadline=timezone.now() - timedelta(days=1),
    )
    signup(started, youth, YouthSignup.Status.CONFIRMED, 1)
    client_for(consultant).post(url("event_action", started, "complete"))
    assert MatchEvent.objects.get(pk=started.pk).status == E.COMPLETED
    assert YouthSignup.objects.get(event=started).status == YouthSignup.Status.NO_SHOW


def test_cancelling_with_a_reason(client_for, consultant, event):
    response = client_for(consultant).post(url("event_cancel", event), {"reason": "Storm"})
    assert response.status_code == 302
    assert MatchEvent.objects.get(pk=event.pk).status == E.CANCELLED


def test_csrf_is_enforced(client_for, consultant, event):
    client = client_for(consultant, csrf=True)
    assert client.post(NEW, form_data()).status_code == 403
    assert client.post(url("event_cancel", event), {"reason": "x"}).status_code == 403
    assert client.post(url("event_action", event, "publish")).status_code == 403


# --- sign-ups and the door -----------------------------------------------------------------


def test_detail_shows_companies_the_confirmed_and_the_waitlist(
    client_for, consultant, event, youth, company, slot, municipality
):
    signup(event, youth, YouthSignup.Status.CONFIRMED, 1)
    waiting = f.YouthFactory(municipality=municipality, first_name="Venter")
    signup(event, waiting, YouthSignup.Status.WAITLISTED, 2)
    company_signup = CompanySignup.objects.create(
        event=event, company=company, attendees=2, created_at=timezone.now()
    )
    company_signup.slots.add(slot)
    page = client_for(consultant).get(url("event_detail", event)).content.decode()
    assert youth.first_name in page and "Venter" in page
    assert company.name in page and slot.title in page
    assert "1 of 1 taken" in page or "1 af 1 optaget" in page


def test_checking_in_at_the_door(client_for, consultant, municipality, youth):
    soon = f.EventFactory(
        municipality=municipality,
        starts_at=timezone.now() + timedelta(hours=1),
        signup_deadline=timezone.now(),
    )
    row = signup(soon, youth, YouthSignup.Status.CONFIRMED, 1)
    response = client_for(consultant).post(url("event_check_in", soon, row.pk))
    assert response.status_code == 302
    assert YouthSignup.objects.get(pk=row.pk).status == YouthSignup.Status.ATTENDED


def test_check_in_before_it_opens_says_why_not(client_for, consultant, event, youth):
    row = signup(event, youth, YouthSignup.Status.CONFIRMED, 1)
    response = client_for(consultant).post(url("event_check_in", event, row.pk), follow=True)
    assert "message--error" in response.content.decode()
    assert YouthSignup.objects.get(pk=row.pk).status == YouthSignup.Status.CONFIRMED


def test_a_sign_up_of_another_event_cannot_be_checked_in_here(
    client_for, consultant, event, municipality, youth
):
    other = f.EventFactory(municipality=municipality)
    row = signup(other, youth, YouthSignup.Status.CONFIRMED, 1)
    assert client_for(consultant).post(url("event_check_in", event, row.pk)).status_code == 404


# --- the live board ------------------------------------------------------------------------


def test_board_shows_companies_slots_and_a_count_but_no_names(
    client_for, consultant, event, youth, company, slot
):
    signup(event, youth, YouthSignup.Status.ATTENDED, 1, checked_in_at=timezone.now())
    company_signup = CompanySignup.objects.create(
        event=event, company=company, attendees=1, created_at=timezone.now()
    )
    company_signup.slots.add(slot)
    response = client_for(consultant).get(url("event_board", event))
    page = response.content.decode()
    assert 'data-live="event-board"' in page
    assert url("event_board_part", event) in page
    assert f'data-ws="/ws/events/{event.pk}/board/"' in page
    assert company.name in page and slot.title in page
    assert youth.first_name not in page
    assert response.context["checked_in"] == 1


def test_board_fragment_is_the_board_alone(client_for, consultant, event):
    response = client_for(consultant).get(url("event_board_part", event))
    assert response.status_code == 200
    assert b"<html" not in response.content


def test_texts_render_inert(client_for, consultant, municipality, company):
    event = f.EventFactory(municipality=municipality, title="<script>alert(1)</script>")
    slot = f.SlotFactory(company=company, title="<script>alert(2)</script>")
    company_signup = CompanySignup.objects.create(
        event=event, company=company, attendees=1, created_at=timezone.now()
    )
    company_signup.slots.add(slot)
    for name in ("event_detail", "event_board"):
        page = client_for(consultant).get(url(name, event)).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page


@pytest.mark.parametrize("n", [1, 30])
def test_event_pages_queries_do_not_grow(
    client_for, consultant, event, municipality, n, django_assert_max_num_queries
):
    for i in range(n):
        signup(event, f.YouthFactory(municipality=municipality), "waitlisted", i + 1)
        company = f.CompanyFactory()
        f.MembershipFactory(company=company, municipality=municipality)
        row = CompanySignup.objects.create(
            event=event, company=company, attendees=1, created_at=timezone.now()
        )
        row.slots.add(f.SlotFactory(company=company))
        f.EventFactory(municipality=municipality)
    client = client_for(consultant)
    # 13: two of them fill the company sign-up form (the candidate companies, their slots).
    with django_assert_max_num_queries(14):
        assert client.get(url("event_detail", event)).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(url("event_board", event)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


# --- signing up on a youth's behalf --------------------------------------------------------


def test_signing_a_youth_up_on_their_behalf(client_for, consultant, event, youth):
    response = client_for(consultant).post(url("event_signup_add", event), {"youth": youth.pk})
    assert response.status_code == 302
    assert YouthSignup.objects.get(event=event, youth=youth).status == "confirmed"


def test_a_full_event_puts_the_youth_on_the_waitlist(
    client_for, consultant, event, youth, municipality
):
    signup(event, f.YouthFactory(municipality=municipality), YouthSignup.Status.CONFIRMED, 1)
    response = client_for(consultant).post(
        url("event_signup_add", event), {"youth": youth.pk}, follow=True
    )
    assert YouthSignup.objects.get(event=event, youth=youth).status == "waitlisted"
    assert "message--warning" in response.content.decode()


def test_a_youth_of_another_municipality_cannot_be_signed_up(
    client_for, consultant, event, other_youth
):
    response = client_for(consultant).post(
        url("event_signup_add", event), {"youth": other_youth.pk}
    )
    assert response.status_code == 400
    assert 'id="id_youth_error"' in response.content.decode()
    assert not YouthSignup.objects.exists()


def test_cancelling_a_sign_up_promotes_the_waitlist(
    client_for, consultant, event, youth, municipality
):
    seated = signup(event, youth, YouthSignup.Status.CONFIRMED, 1)
    waiting = signup(event, f.YouthFactory(municipality=municipality), "waitlisted", 2)
    response = client_for(consultant).post(url("event_signup_cancel", event, seated.pk))
    assert response.status_code == 302
    assert YouthSignup.objects.get(pk=seated.pk).status == YouthSignup.Status.CANCELLED
    assert YouthSignup.objects.get(pk=waiting.pk).status == YouthSignup.Status.CONFIRMED


def test_sign_up_posts_need_csrf_and_the_right_event(
    client_for, consultant, event, foreign_event, youth
):
    row = signup(event, youth, YouthSignup.Status.CONFIRMED, 1)
    client = client_for(consultant, csrf=True)
    assert client.post(url("event_signup_add", event), {"youth": youth.pk}).status_code == 403
    assert client.post(url("event_signup_cancel", event, row.pk)).status_code == 403
    other = client_for(consultant)
    assert other.post(url("event_signup_cancel", foreign_event, row.pk)).status_code == 404
    assert YouthSignup.objects.get(pk=row.pk).status == YouthSignup.Status.CONFIRMED


def test_admin_creates_an_event_in_a_chosen_municipality(
    client_for, admin_user, other_municipality
):
    client_for(admin_user).post(NEW, {**form_data(), "municipality": other_municipality.pk})
    assert MatchEvent.objects.get(title="Matchdag i hallen").municipality == other_municipality
