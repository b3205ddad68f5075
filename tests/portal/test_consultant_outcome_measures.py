"""The statistics page's measures section: the trial's measures, small cells as "< 5"."""

import re

from django.urls import reverse

from domain.models import Placement
from tests import factories as f

PAGE = reverse("consultant:statistics")


def _cells(page: str, table_id: str) -> list[str]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', table)


def test_few_youth_show_as_less_than_five(client_for, consultant, municipality, slot):
    for _ in range(3):
        youth = f.YouthFactory(municipality=municipality)
        f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE)
    page = client_for(consultant).get(PAGE).content.decode()
    assert 'id="measures"' in page
    assert set(_cells(page, "measures-summary")) == {"&lt; 5"}


def test_five_youth_show_their_figures(client_for, consultant, municipality, slot):
    group = f.GroupFactory(municipality=municipality, name="Onsdagsholdet")
    group.facilitators.add(consultant)
    for _ in range(5):
        f.YouthFactory(municipality=municipality, group=group)
    page = client_for(consultant).get(PAGE).content.decode()
    summary = _cells(page, "measures-summary")
    assert summary[:3] == ["5", "0,0", "0,0"]  # Danish decimals
    assert "Onsdagsholdet" in page
    assert _cells(page, "measures-groups")[0] == "5"
    assert _cells(page, "measures-facilitators")[0] == "5"
