"""The e-mail preferences page in a real browser: a company member puts new interests in the
daily summary at 15:00, turns another kind off, and finds the choice saved."""

import pytest
from playwright.sync_api import expect

from domain.models import EmailPreferences

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]


def _preferences(user_id: int) -> tuple:
    prefs = EmailPreferences.objects.get(user_id=user_id)
    return prefs.language, prefs.digest_hour, prefs.modes


def test_a_company_member_chooses_a_digest_and_turns_a_kind_off(new_page, server, company_member):
    page = new_page(company_member.user)
    page.goto("/")
    page.get_by_role("link", name="E-mail", exact=True).click()
    expect(page.get_by_role("heading", name="E-mail-indstillinger")).to_be_visible()
    page.get_by_role("group", name="Ny interesse").get_by_label("i en daglig oversigt").check()
    page.get_by_role("group", name="Matchdag ændret").get_by_label("fra").check()
    page.get_by_label("Daglig oversigt kl.").select_option("15")
    page.get_by_label("Sprog i e-mails").select_option("en")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dine e-mail-indstillinger er gemt.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Ny interesse").get_by_label("i en daglig oversigt")
    ).to_be_checked()
    language, hour, modes = server.call(_preferences, user_id=company_member.user_id)
    assert (language, hour) == ("en", 15)
    assert modes["interest_received"] == "digest"
    assert modes["event_changed"] == "off"
    assert modes["placement_approved"] == "now"
