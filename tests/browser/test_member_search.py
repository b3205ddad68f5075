"""The group page's member picker in a real browser: typing a name asks for the matches (htmx)
and adding one puts the young person in the group."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from domain.models import Youth
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator, which Django under ASGI reads whole
    # and warns about (evansd/whitenoise#531); harmless for the scripts.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]


def test_typing_a_name_finds_the_youth_and_adding_puts_them_in_the_group(
    new_page, server, consultant, municipality
):
    group = f.GroupFactory(municipality=municipality, name="Onsdagsgruppen")
    mikkel = f.YouthFactory(municipality=municipality, first_name="Mikkel", last_name="Holm")
    f.YouthFactory(municipality=municipality, first_name="Sofie")
    page = new_page(consultant.user)
    page.goto(reverse("consultant:group_detail", args=[group.pk]))

    matches = page.locator("#member-matches")
    expect(matches).not_to_contain_text("Mikkel")
    page.locator("#member-q").press_sequentially("mik")
    expect(matches).to_contain_text("Mikkel Holm")
    expect(matches).not_to_contain_text("Sofie")
    assert page.url.endswith(reverse("consultant:group_detail", args=[group.pk]))  # no reload

    matches.get_by_role("button").click()
    expect(page.locator("ul.members").first).to_contain_text("Mikkel")
    assert server.call(lambda: Youth.objects.get(pk=mikkel.pk).group_id) == group.pk
