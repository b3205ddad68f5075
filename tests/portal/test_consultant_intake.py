"""The randomised intake's pages: the referrals with the register form (field errors), "Draw
now" with its confirmation, the draw's page, registering a youth from a NExTWORK referral, and
the arms on the statistics page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Arm, AuditEntry, Draw, Municipality, Referral, Youth
from tests import factories as f

REFERRALS = reverse("consultant:referrals")


@pytest.fixture
def client_for(client_for):
    """Pages in English, so the assertions read the source strings."""

    def make(who=None):
        client = client_for(who)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def randomising(municipality):
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    municipality.refresh_from_db()
    return municipality


def draw_url(municipality) -> str:
    return reverse("consultant:draw_new", args=[municipality.pk])


def valid(**overrides) -> dict:
    return {"reference": "SAG-2026-42", "birth_year": "2005", "referral_date": "2026-11-02"} | (
        overrides
    )


def test_the_page_lists_the_own_municipalitys_referrals_only(
    client_for, consultant, randomising, other_municipality
):
    f.ReferralFactory(municipality=randomising, reference="SAG-OWN-1")
    f.ReferralFactory(municipality=other_municipality, reference="SAG-OTHER-1")

    page = client_for(consultant).get(REFERRALS).content.decode()

    assert "SAG-OWN-1" in page and "SAG-OTHER-1" not in page
    assert draw_url(randomising) in page  # one waits: "Draw now" is offered


def test_the_menu_offers_the_intake_only_where_it_is_on(client_for, consultant, municipality):
    assert (
        REFERRALS
        not in client_for(consultant).get(reverse("consultant:youth_list")).content.decode()
    )
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    assert (
        REFERRALS in client_for(consultant).get(reverse("consultant:youth_list")).content.decode()
    )


def test_registering_a_referral(client_for, consultant, randomising):
    response = client_for(consultant).post(REFERRALS, valid())

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.reference, referral.birth_year, referral.age_band) == (
        "SAG-2026-42",
        2005,
        "18-24",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (valid(reference="Anna Hansen"), "reference", "no name"),
        (valid(birth_year="2013"), "birth_year", "aged 15 to 29"),
        (valid(referral_date="2030-01-01"), "referral_date", "cannot be in the future"),
        (valid(reference=""), "reference", "required"),
    ],
)
def test_register_form_shows_errors_at_their_fields(
    client_for, consultant, randomising, data, field, message
):
    response = client_for(consultant).post(REFERRALS, data)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Referral.objects.exists()


def test_a_taken_reference_is_refused_at_its_field(client_for, consultant, randomising):
    f.ReferralFactory(municipality=randomising, reference="SAG-2026-42")
    response = client_for(consultant).post(REFERRALS, valid())
    assert response.status_code == 400
    assert "already registered" in str(response.context["form"].errors["reference"])


def test_the_page_says_when_the_intake_is_off(client_for, consultant, municipality):
    page = client_for(consultant).get(REFERRALS).content.decode()
    assert "not turned on" in page
    assert client_for(consultant).post(REFERRALS, valid()).status_code == 400
    assert not Referral.objects.exists()


def test_draw_now_asks_for_confirmation_then_draws(client_for, consultant, randomising):
    f.ReferralFactory.create_batch(4, municipality=randomising)
    client = client_for(consultant)

    page = client.get(draw_url(randomising))
    assert page.status_code == 200 and "4 referrals wait" in page.content.decode()
    unconfirmed = client.post(draw_url(randomising), {})
    assert unconfirmed.status_code == 400 and not Draw.objects.exists()

    response = client.post(draw_url(randomising), {"confirm": "on"})

    draw = Draw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultant:draw_detail", args=[draw.pk])
    detail = client.get(response["Location"]).content.decode()
    assert draw.seed in detail
    assert "The seed gives the stored arms." in detail
    assert AuditEntry.objects.filter(action="draw.run").exists()


def test_draw_now_with_nothing_waiting_says_so(client_for, consultant, randomising):
    response = client_for(consultant).post(draw_url(randomising), {"confirm": "on"}, follow=True)
    assert "no referrals waiting" in response.content.decode()
    assert not Draw.objects.exists()


def test_another_municipalitys_draw_is_not_found(
    client_for, consultant, other_municipality, other_consultant
):
    Municipality.objects.filter(pk=other_municipality.pk).update(intake_randomised=True)
    draw = f.DrawFactory(municipality=other_municipality)
    client = client_for(consultant)
    assert client.get(reverse("consultant:draw_detail", args=[draw.pk])).status_code == 404
    assert client.post(draw_url(other_municipality), {"confirm": "on"}).status_code == 404


def test_company_members_may_not_see_the_intake(client_for, company_member, randomising):
    assert client_for(company_member).get(REFERRALS).status_code == 403


def test_admin_registers_for_a_chosen_municipality_and_draws(client_for, admin_user, randomising):
    client = client_for(admin_user)
    response = client.post(REFERRALS, valid(municipality=str(randomising.pk)))
    assert response.status_code == 302
    assert client.post(draw_url(randomising), {"confirm": "on"}).status_code == 302
    assert Referral.objects.get().draw is not None


# --- a youth from a referral ---------------------------------------------------------------------


def _drawn(municipality, arm):
    return f.ReferralFactory(
        municipality=municipality, draw=f.DrawFactory(municipality=municipality), arm=arm
    )


def youth_data() -> dict:
    return {"first_name": "Sara", "birth_date": "2006-03-01", "language": "da"}


def test_a_nextwork_referral_is_registered_as_a_youth(client_for, consultant, randomising):
    referral = _drawn(randomising, Arm.NEXTWORK)
    new = reverse("consultant:youth_new") + f"?referral={referral.pk}"
    client = client_for(consultant)
    assert referral.reference in client.get(new).content.decode()

    response = client.post(new, youth_data())

    youth = Youth.objects.get()
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.youth == youth


def test_a_usual_service_referral_is_never_offered_nor_registered(
    client_for, consultant, randomising
):
    referral = _drawn(randomising, Arm.USUAL)
    client = client_for(consultant)
    page = client.get(REFERRALS).content.decode()
    assert f"?referral={referral.pk}" not in page
    assert "Usual service: never invited" in page

    response = client.post(
        reverse("consultant:youth_new") + f"?referral={referral.pk}", youth_data(), follow=True
    )

    assert "drawn to usual service" in response.content.decode()
    assert not Youth.objects.exists()


def test_a_randomising_municipality_registers_youth_from_referrals_only(
    client_for, consultant, randomising
):
    response = client_for(consultant).post(reverse("consultant:youth_new"), youth_data())
    assert "register the young person from a referral" in response.content.decode()
    assert not Youth.objects.exists()


# --- the statistics page -------------------------------------------------------------------------


def test_the_statistics_page_compares_the_arms(client_for, consultant, randomising):
    draw = f.DrawFactory(municipality=randomising)
    for arm in (Arm.NEXTWORK, Arm.USUAL):
        f.ReferralFactory.create_batch(
            5, municipality=randomising, draw=draw, arm=arm, referral_date=timezone.localdate()
        )

    page = client_for(consultant).get(reverse("consultant:statistics")).content.decode()

    assert 'id="measures-arms"' in page
    assert "Referrals drawn" in page


def test_no_arms_on_the_statistics_page_without_randomisation(client_for, consultant):
    page = client_for(consultant).get(reverse("consultant:statistics")).content.decode()
    assert 'id="measures-arms"' not in page
