"""The portal end to end in Chromium: from a company's registration to an approved placement.

A company registers and posts a slot; a consultant accepts the company into the network; a
young person (through the services layer, as the bot would) shows interest; the company's inbox
and the consultant's dashboard show it without a reload; the company accepts; the consultant
approves; the charts page renders; the event board counts a check-in by itself. The main
pages are saved as screenshots on the way (see conftest.SCREENSHOTS).

The pages are Danish, as users see them; button names are looked up through gettext from their
English source texts, so the test follows the catalogue instead of copying its words.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from domain.models import Interest, Placement, Slot
from domain.services.interests import interest_show
from domain.services.placements import placement_propose
from domain.services.signups import company_signup, signup_check_in, youth_signup
from tests import factories as f
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator, which Django under ASGI reads whole
    # and warns about (evansd/whitenoise#531).
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]

COMPANY = "Bageriet Roskilde ApS"
SLOT = "Bagerlærling om morgenen"
PASSWORD = "Surdej-og-kanel-2026"


def da(text: str) -> str:
    """The Danish text a page shows for an English source text."""
    with translation.override("da"):
        return gettext(text)


def button(page, text: str):
    return page.get_by_role("button", name=da(text), exact=True)


def wait_until_live(page) -> None:
    """The page's socket is open, and the page is marked so a reload would show."""
    expect(page.locator("[data-ws]")).to_have_attribute("data-ws-state", "open")
    page.evaluate("window.__notReloaded = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"


def slot_of(name: str) -> Slot:
    return Slot.objects.select_related("company").get(company__name=name)


def the_interest(slot: Slot) -> Interest:
    return Interest.objects.select_related("slot", "youth").get(slot=slot)


@pytest.fixture
def people(municipality, consultant):
    youth = f.YouthFactory(
        municipality=municipality, contact_consultant=consultant, first_name="Sofie"
    )
    # Starting within the hour: sign-ups are still open and the door (check-in) is too.
    starts_at = timezone.now() + timedelta(hours=1)
    event = f.EventFactory(
        municipality=municipality,
        title="Matchdag i Roskilde",
        starts_at=starts_at,
        signup_deadline=starts_at - timedelta(minutes=30),
    )
    return {"youth": youth, "event": event}


def test_from_registration_to_an_approved_placement(
    new_page, server, municipality, consultant, people
):
    youth, event = people["youth"], people["event"]

    # --- a company registers and posts a slot ---------------------------------------------------
    company_page = new_page()
    company_page.goto("/virksomhed/tilmeld/")
    company_page.fill("#id_name", COMPANY)
    company_page.fill("#id_cvr", f.valid_cvr("3141592"))
    company_page.fill("#id_address", "Algade 12")
    company_page.fill("#id_postcode", "4000")
    company_page.fill("#id_city", "Roskilde")
    company_page.select_option("#id_sector", "retail")
    company_page.select_option("#id_municipality", municipality.slug)
    company_page.fill("#id_username", "bente")
    company_page.fill("#id_email", "bente@bageriet.example")
    company_page.fill("#id_password", PASSWORD)
    company_page.fill("#id_password_again", PASSWORD)
    screenshot(company_page, "company-register")
    button(company_page, "Register the company").click()
    expect(company_page).to_have_url(f"{server.url}/virksomhed/")

    company_page.goto("/virksomhed/pladser/ny/")
    company_page.fill("#id_title", SLOT)
    company_page.fill(
        "#id_description",
        "Du hjælper med dej, ovne og morgenbrød fra kl. 6. <script>alert(1)</script>",
    )
    company_page.check("input[name=kind][value=internship]")
    company_page.select_option("#id_sector", "retail")
    company_page.fill("#id_address", "Algade 12")
    company_page.fill("#id_postcode", "4000")
    company_page.fill("#id_hours_min", "10")
    company_page.fill("#id_hours_max", "20")
    company_page.fill("#id_earliest_start", timezone.localdate().isoformat())
    company_page.fill("#id_seats", "2")
    company_page.locator("form.form button[type=submit]").click()
    expect(company_page.get_by_role("heading", level=1)).to_contain_text(SLOT)
    # The description is shown as text, never run.
    expect(company_page.locator(".preview")).to_contain_text("<script>alert(1)</script>")

    # --- a consultant accepts the company into the network ---------------------------------------
    consultant_page = new_page(consultant.user)
    consultant_page.goto("/konsulent/netvaerk/")
    screenshot(consultant_page, "consultant-network")
    consultant_page.get_by_role("button", name=COMPANY).click()
    expect(consultant_page.locator(".badge--accepted").first).to_be_visible()

    company_page.reload()
    button(company_page, "Publish").click()
    expect(company_page.locator(".badge--open")).to_be_visible()
    screenshot(company_page, "company-slot")

    # --- a young person shows interest; both pages show it by themselves -------------------------
    company_page.goto("/virksomhed/indbakke/")
    wait_until_live(company_page)
    consultant_page.goto("/konsulent/")
    wait_until_live(consultant_page)

    slot = server.call(slot_of, name=COMPANY)
    server.call(
        interest_show, youth=youth, slot=slot, actor=youth, message="Jeg står gerne tidligt op."
    )

    expect(company_page.locator("#inbox-list")).to_contain_text("Sofie")
    expect(company_page.locator("#inbox-list")).to_contain_text("Jeg står gerne tidligt op.")
    assert_not_reloaded(company_page)
    expect(consultant_page.locator("#dashboard-interests")).to_contain_text("Sofie")
    assert_not_reloaded(consultant_page)
    screenshot(company_page, "company-inbox")

    # --- the company accepts and proposes an intro meeting --------------------------------------
    company_page.get_by_role("link", name="Sofie").first.click()
    meeting = timezone.localtime() + timedelta(days=3)
    company_page.fill("#id_intro_meeting_at", meeting.strftime("%Y-%m-%dT10:00"))
    company_page.fill("#id_intro_meeting_place", "Algade 12, spørg efter Bente")
    screenshot(company_page, "company-interest")
    button(company_page, "Accept and propose the meeting").click()
    agreed = company_page.locator("section[aria-labelledby=inbox-accepted]")
    expect(agreed).to_contain_text("Sofie")

    # --- the young person proposes the placement; the consultant sees it come in ---------------
    interest = server.call(the_interest, slot=slot)
    server.call(
        placement_propose,
        interest=interest,
        actor=youth,
        hours_per_week=15,
        start_date=timezone.localdate() + timedelta(days=7),
    )
    expect(consultant_page.locator("#dashboard-approvals")).to_contain_text("Sofie")
    assert_not_reloaded(consultant_page)
    screenshot(consultant_page, "consultant-dashboard")

    # --- the consultant approves -----------------------------------------------------------------
    consultant_page.goto("/konsulent/godkendelser/")
    screenshot(consultant_page, "consultant-approvals")
    consultant_page.get_by_role("link", name="Sofie").first.click()
    screenshot(consultant_page, "consultant-approval")
    button(consultant_page, "Approve").click()
    placement = server.call(lambda: Placement.objects.get(slot=slot))
    assert placement.status == Placement.Status.APPROVED

    # --- the charts render --------------------------------------------------------------------
    consultant_page.goto("/konsulent/statistik/")
    expect(consultant_page.locator("svg").first).to_be_visible()
    expect(consultant_page.locator("table").first).to_be_visible()
    screenshot(consultant_page, "consultant-statistics")

    # --- the event's big-screen board counts a check-in by itself ------------------------------
    server.call(
        company_signup,
        event=event,
        company=slot.company,
        actor=consultant.user,
        attendees=2,
        slot_ids=[slot.pk],
    )
    consultant_page.goto(f"/konsulent/arrangementer/{event.pk}/tavle/")
    wait_until_live(consultant_page)
    board = consultant_page.locator("#event-board")
    expect(board).to_contain_text(COMPANY)
    expect(board).to_contain_text(SLOT)
    before = board.inner_text()

    server.call(check_in_at_the_door, event=event, youth=youth, actor=consultant.user)

    expect(board).not_to_have_text(before)
    expect(board.locator(".board__count strong")).to_have_text("1")
    expect(board).not_to_contain_text("Sofie")  # the board names no young person
    assert_not_reloaded(consultant_page)
    screenshot(consultant_page, "event-board")


def check_in_at_the_door(*, event, youth, actor) -> None:
    signup = youth_signup(event=event, youth=youth, actor=actor)
    signup_check_in(signup=signup, actor=actor)


def test_the_inbox_works_on_a_phone(new_page, server, company_member, municipality):
    slot = f.SlotFactory(company=company_member.company, title="Kasseassistent", seats=2)
    youth = f.YouthFactory(municipality=municipality, first_name="Mads")
    page = new_page(company_member.user, width=390, height=844)
    page.goto("/virksomhed/indbakke/")
    wait_until_live(page)

    server.call(interest_show, youth=youth, slot=slot, actor=youth, message="Jeg kan fra 8.")

    expect(page.locator("#inbox-list .card")).to_have_count(1)
    assert_not_reloaded(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "company-inbox-phone")
