"""Match events for companies: the list, signing up with attendees and slots, cancelling."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import CompanySignup
from tests import factories as f


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality, title="Matchdag i Roskilde")


def test_list_shows_upcoming_published_events_of_own_networks(
    client_for, company_member, event, municipality, other_municipality
):
    f.EventFactory(municipality=municipality, title="Kladde", status="draft")
    f.EventFactory(municipality=other_municipality, title="Vejle-dag")
    past = timezone.now() - timedelta(days=3)
    f.EventFactory(
        municipality=municipality,
        title="Gammel dag",
        starts_at=past,
        ends_at=past + timedelta(hours=2),
        signup_deadline=past - timedelta(days=1),
    )
    html = client_for(company_member).get(reverse("company_events")).text
    assert "Matchdag i Roskilde" in html
    for hidden in ("Kladde", "Vejle-dag", "Gammel dag"):
        assert hidden not in html


def test_list_queries_are_the_same_for_1_and_30_events(
    client_for, company_member, company, municipality, slot, queries_for
):
    def add(n):
        for _ in range(n):
            event = f.EventFactory(municipality=municipality)
            signup = CompanySignup.objects.create(
                event=event, company=company, created_at=timezone.now()
            )
            signup.slots.add(slot)

    client = client_for(company_member)
    url = reverse("company_events")
    add(1)
    client.get(url)
    one = queries_for(client, url)
    add(29)
    assert queries_for(client, url) == one


def test_sign_up_with_attendees_and_open_slots_then_cancel(
    client_for, company_member, company, event, slot
):
    client = client_for(company_member)
    page = client.get(reverse("company_event_detail", args=[event.pk]))
    assert slot.title in page.text
    response = client.post(
        reverse("company_event_signup", args=[event.pk]),
        {"attendees": "3", "slot_ids": [str(slot.pk)]},
    )
    assert response.url == reverse("company_event_detail", args=[event.pk])
    signup = CompanySignup.objects.get(event=event, company=company)
    assert signup.status == "confirmed" and signup.attendees == 3
    assert list(signup.slots.all()) == [slot]
    page = client.get(reverse("company_event_detail", args=[event.pk])).text
    assert reverse("company_event_cancel", args=[event.pk]) in page

    client.post(reverse("company_event_cancel", args=[event.pk]))
    signup.refresh_from_db()
    assert signup.status == "cancelled"


@pytest.mark.parametrize("attendees", ["0", "21"])
def test_sign_up_shows_attendee_errors_at_the_field(client_for, company_member, event, attendees):
    response = client_for(company_member).post(
        reverse("company_event_signup", args=[event.pk]), {"attendees": attendees}
    )
    assert "attendees" in response.context["form"].errors
    assert 'id="id_attendees_error"' in response.text
    assert not CompanySignup.objects.exists()


def test_sign_up_cannot_bring_a_draft_slot(client_for, company_member, company, event):
    draft = f.SlotFactory(company=company, status="draft", published_at=None)
    response = client_for(company_member).post(
        reverse("company_event_signup", args=[event.pk]),
        {"attendees": "1", "slot_ids": [str(draft.pk)]},
    )
    assert "slot_ids" in response.context["form"].errors
    assert not CompanySignup.objects.exists()


def test_full_event_refuses_kindly(client_for, company_member, event, municipality):
    event.company_capacity = 1
    event.save()
    other = f.CompanyFactory()
    f.MembershipFactory(company=other, municipality=municipality)
    CompanySignup.objects.create(event=event, company=other, created_at=timezone.now())
    response = client_for(company_member).post(
        reverse("company_event_signup", args=[event.pk]), {"attendees": "1"}
    )
    assert "message--error" in response.text
    assert CompanySignup.objects.count() == 1


def test_after_the_deadline_the_form_is_gone(client_for, company_member, event):
    event.signup_deadline = timezone.now() - timedelta(minutes=1)
    event.save()
    page = client_for(company_member).get(reverse("company_event_detail", args=[event.pk])).text
    assert reverse("company_event_signup", args=[event.pk]) not in page


def test_events_of_other_networks_and_drafts_are_not_found(
    client_for, company_member, other_municipality, municipality
):
    client = client_for(company_member)
    for e in (
        f.EventFactory(municipality=other_municipality),
        f.EventFactory(municipality=municipality, status="draft"),
    ):
        assert client.get(reverse("company_event_detail", args=[e.pk])).status_code == 404
        assert (
            client.post(
                reverse("company_event_signup", args=[e.pk]), {"attendees": "1"}
            ).status_code
            == 404
        )
    assert not CompanySignup.objects.exists()


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_company_event_pages_are_for_company_members(client_for, request, who, event):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("company_events")).status_code == 403
    assert client.get(reverse("company_event_detail", args=[event.pk])).status_code == 403


def test_sign_up_and_cancel_enforce_csrf(client_for, company_member, event):
    client = client_for(company_member, csrf=True)
    assert (
        client.post(
            reverse("company_event_signup", args=[event.pk]), {"attendees": "1"}
        ).status_code
        == 403
    )
    assert client.post(reverse("company_event_cancel", args=[event.pk])).status_code == 403


def test_event_description_renders_inert(client_for, company_member, municipality):
    event = f.EventFactory(municipality=municipality, description="<script>x()</script>")
    html = client_for(company_member).get(reverse("company_event_detail", args=[event.pk])).text
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
