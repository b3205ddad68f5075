"""The company's inbox: the youth card's fields only, accept with an intro meeting, decline."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Interest, OutboxMessage, Placement
from tests import factories as f


@pytest.fixture
def interest(slot, youth):
    youth.last_name = "Hemmeligsen"
    youth.telegram_username = "secret_handle"
    youth.save()
    return f.InterestFactory(slot=slot, youth=youth, message="Jeg kan godt lide at bage.")


def _when(days=3, hour=10):
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_inbox_shows_first_name_age_and_message_but_no_contact(
    client_for, company_member, interest
):
    html = client_for(company_member).get(reverse("company_inbox")).text
    assert interest.youth.first_name in html
    assert "Jeg kan godt lide at bage." in html
    assert "Hemmeligsen" not in html
    assert "secret_handle" not in html
    assert 'data-live="company-inbox"' in html
    assert f'data-live-url="{reverse("company_inbox_fragment")}"' in html
    assert 'data-ws="/ws/company/"' in html


def test_inbox_fragment_is_just_the_list(client_for, company_member, interest):
    response = client_for(company_member).get(reverse("company_inbox_fragment"))
    assert response.status_code == 200
    assert "<html" not in response.text
    assert interest.youth.first_name in response.text


def test_inbox_never_shows_another_companys_interests(client_for, other_company_member, interest):
    client = client_for(other_company_member)
    assert interest.youth.first_name not in client.get(reverse("company_inbox_fragment")).text
    url = reverse("company_interest_detail", args=[interest.pk])
    assert client.get(url).status_code == 404
    accept = reverse("company_interest_accept", args=[interest.pk])
    data = {"intro_meeting_at": _when(), "intro_meeting_place": "Algade 1"}
    assert client.post(accept, data).status_code == 404
    interest.refresh_from_db()
    assert interest.status == "pending"


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_inbox_is_for_company_members(client_for, request, who, interest):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("company_inbox")).status_code == 403
    assert client.get(reverse("company_interest_detail", args=[interest.pk])).status_code == 403


def test_inbox_queries_are_the_same_for_1_and_30_interests(
    client_for, company_member, slot, municipality, queries_for
):
    def add(n):
        for _ in range(n):
            youth = f.YouthFactory(municipality=municipality, telegram_username="u")
            interest = f.InterestFactory(slot=slot, youth=youth)
            f.PlacementFactory(slot=slot, youth=youth, interest=interest, status="approved")

    client = client_for(company_member)
    for url in (reverse("company_inbox"), reverse("company_inbox_fragment")):
        add(1)
        client.get(url)
        one = queries_for(client, url)
        add(29)
        assert queries_for(client, url) == one


def test_interest_page_shows_contact_only_with_an_approved_placement(
    client_for, company_member, interest
):
    client = client_for(company_member)
    url = reverse("company_interest_detail", args=[interest.pk])
    assert "secret_handle" not in client.get(url).text
    f.PlacementFactory(
        youth=interest.youth, slot=interest.slot, interest=interest, status="approved"
    )
    assert "secret_handle" in client.get(url).text


def test_accept_proposes_the_meeting_in_the_municipalitys_time_zone(
    client_for, company_member, interest
):
    response = client_for(company_member).post(
        reverse("company_interest_accept", args=[interest.pk]),
        {"intro_meeting_at": _when(hour=10), "intro_meeting_place": "Algade 1, bagdøren"},
    )
    assert response.url == reverse("company_inbox")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED
    local = interest.intro_meeting_at.astimezone(ZoneInfo(interest.youth.municipality.timezone))
    assert (local.hour, local.minute) == (10, 0)
    assert interest.intro_meeting_place == "Algade 1, bagdøren"
    assert OutboxMessage.objects.filter(kind="interest_accepted").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"intro_meeting_at": "2020-01-01T10:00", "intro_meeting_place": "Algade"},
            "intro_meeting_at",
        ),
        ({"intro_meeting_at": "not a time", "intro_meeting_place": "Algade"}, "intro_meeting_at"),
        ({"intro_meeting_place": "   "}, "intro_meeting_place"),
    ],
)
def test_accept_shows_errors_at_the_field(client_for, company_member, interest, data, field):
    data = {"intro_meeting_at": _when(), **data}
    response = client_for(company_member).post(
        reverse("company_interest_accept", args=[interest.pk]), data
    )
    assert response.status_code == 200
    assert field in response.context["accept_form"].errors
    assert f'id="id_{field}_error"' in response.text
    interest.refresh_from_db()
    assert interest.status == "pending"


def test_decline_with_a_ready_kind_reason(client_for, company_member, interest):
    response = client_for(company_member).post(
        reverse("company_interest_decline", args=[interest.pk]), {"choice": "filled"}
    )
    assert response.url == reverse("company_inbox")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.DECLINED
    assert interest.decline_reason.startswith("Tak for din interesse")  # Danish youth


def test_decline_in_own_words_needs_words(client_for, company_member, interest):
    client = client_for(company_member)
    url = reverse("company_interest_decline", args=[interest.pk])
    response = client.post(url, {"choice": "own", "reason": ""})
    assert "reason" in response.context["decline_form"].errors
    client.post(url, {"choice": "own", "reason": "Vi har desværre lukket for i år."})
    interest.refresh_from_db()
    assert interest.decline_reason == "Vi har desværre lukket for i år."


def test_answering_twice_is_a_page_message(client_for, company_member, interest):
    client = client_for(company_member)
    url = reverse("company_interest_decline", args=[interest.pk])
    client.post(url, {"choice": "filled"})
    response = client.post(url, {"choice": "hours"})
    assert "allerede" in response.text  # "already been answered", at the form
    interest.refresh_from_db()
    assert interest.decline_reason.startswith("Tak for din interesse")  # Danish youth


def test_accept_and_decline_enforce_csrf(client_for, company_member, interest):
    client = client_for(company_member, csrf=True)
    data = {"intro_meeting_at": _when(), "intro_meeting_place": "Algade 1"}
    assert (
        client.post(reverse("company_interest_accept", args=[interest.pk]), data).status_code == 403
    )
    assert (
        client.post(
            reverse("company_interest_decline", args=[interest.pk]), {"choice": "filled"}
        ).status_code
        == 403
    )


def test_youth_message_with_script_renders_inert(client_for, company_member, slot, youth):
    interest = f.InterestFactory(slot=slot, youth=youth, message="<script>alert(1)</script>")
    for url in (
        reverse("company_inbox"),
        reverse("company_interest_detail", args=[interest.pk]),
    ):
        html = client_for(company_member).get(url).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_accepted_interest_shows_in_intro_meetings_and_can_still_be_declined(
    client_for, company_member, slot, youth
):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth)
    client = client_for(company_member)
    assert client.get(reverse("company_inbox")).context["accepted"][0][0] == interest
    page = client.get(reverse("company_interest_detail", args=[interest.pk])).text
    assert reverse("company_interest_accept", args=[interest.pk]) not in page
    assert reverse("company_interest_decline", args=[interest.pk]) in page
    assert Placement.objects.count() == 0


def test_ready_reason_is_written_in_the_youths_language(client_for, company_member, interest):
    interest.youth.language = "en"
    interest.youth.save()
    client_for(company_member).post(
        reverse("company_interest_decline", args=[interest.pk]), {"choice": "hours"}
    )
    interest.refresh_from_db()
    assert interest.decline_reason.startswith("Thank you for your interest!")


def test_move_an_agreed_intro_meeting(client_for, company_member, slot, youth):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth, intro_meeting_place="Algade 1")
    client = client_for(company_member)
    page = client.get(reverse("company_interest_detail", args=[interest.pk]))
    assert 'id="id_move_intro_meeting_at"' in page.text
    url = reverse("company_interest_move", args=[interest.pk])
    response = client.post(url, {"intro_meeting_at": _when(days=5, hour=13)})
    assert response.url == reverse("company_interest_detail", args=[interest.pk])
    interest.refresh_from_db()
    local = interest.intro_meeting_at.astimezone(ZoneInfo(youth.municipality.timezone))
    assert (local.date(), local.hour) == (timezone.localdate() + timedelta(days=5), 13)
    assert interest.intro_meeting_place == "Algade 1"


@pytest.mark.parametrize("place", ["", "   "])
def test_move_with_a_blank_place_keeps_the_place(client_for, company_member, slot, youth, place):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth, intro_meeting_place="Algade 1")
    response = client_for(company_member).post(
        reverse("company_interest_move", args=[interest.pk]),
        {"intro_meeting_at": _when(days=5, hour=13), "intro_meeting_place": place},
    )
    assert response.url == reverse("company_interest_detail", args=[interest.pk])
    interest.refresh_from_db()
    assert interest.intro_meeting_place == "Algade 1"


def test_a_refused_place_on_a_move_is_shown_at_the_place_field(
    client_for, company_member, slot, youth
):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth, intro_meeting_place="Algade 1")
    response = client_for(company_member).post(
        reverse("company_interest_move", args=[interest.pk]),
        {"intro_meeting_at": _when(days=5, hour=13), "intro_meeting_place": "Algade 010190-1234"},
    )
    assert "intro_meeting_place" in response.context["move_form"].errors
    interest.refresh_from_db()
    assert interest.intro_meeting_place == "Algade 1"


def test_move_into_the_past_shows_the_error_at_the_field(client_for, company_member, slot, youth):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth)
    before = interest.intro_meeting_at
    response = client_for(company_member).post(
        reverse("company_interest_move", args=[interest.pk]),
        {"intro_meeting_at": "2020-05-01T10:00"},
    )
    assert "intro_meeting_at" in response.context["move_form"].errors
    assert 'id="id_move_intro_meeting_at_error"' in response.text
    interest.refresh_from_db()
    assert interest.intro_meeting_at == before


def test_move_of_another_companys_interest_is_not_found(
    client_for, other_company_member, slot, youth
):
    interest = f.AcceptedInterestFactory(slot=slot, youth=youth)
    response = client_for(other_company_member).post(
        reverse("company_interest_move", args=[interest.pk]), {"intro_meeting_at": _when()}
    )
    assert response.status_code == 404
