"""Layout defects the newcomer walk found, measured in Chromium: the consultants' menu on one
line at 1280 px, the statistics charts inside their cards on a 390 px phone, and numbers
aligned like their column headings."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator (evansd/whitenoise#531).
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]


def test_the_consultants_menu_stays_on_one_line_at_1280_px(new_page, consultant):
    page = new_page(consultant.user, width=1280)
    page.goto("/konsulent/")
    tops = page.eval_on_selector_all(
        ".site-nav a", "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
    )
    # Ten links since the messages and the e-mail preferences joined the menu.
    assert len(tops) == 10 and len(set(tops)) == 1, tops
    header = page.eval_on_selector(".site-header", "h => h.getBoundingClientRect().height")
    assert header < 70, header


def test_statistics_charts_fit_their_cards_on_a_phone(new_page, consultant, slot, youth):
    f.InterestFactory(slot=slot, youth=youth)
    page = new_page(consultant.user, width=390, height=844)
    page.goto("/konsulent/statistik/")
    overflow = page.eval_on_selector_all(
        "figure",
        """figures => figures.map(figure => {
            const chart = figure.querySelector("svg");
            if (!chart) return 0;
            return chart.getBoundingClientRect().right - figure.getBoundingClientRect().right;
        })""",
    )
    assert overflow and all(right <= 0 for right in overflow), overflow
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390, scroll


@pytest.mark.parametrize("width", [1280, 390])
def test_numbers_sit_under_their_heading(new_page, consultant, slot, youth, width):
    f.InterestFactory(slot=slot, youth=youth)
    page = new_page(consultant.user, width=width, height=900)
    page.goto("/konsulent/statistik/")
    pairs = page.eval_on_selector_all(
        "table",
        """tables => tables.flatMap(table => {
            const heading = table.querySelector("thead th.num");
            const cell = table.querySelector("tbody td.num");
            if (!heading || !cell || getComputedStyle(heading).display === "none"
                || table.querySelector("thead").getBoundingClientRect().left < 0) return [];
            return [[getComputedStyle(heading).textAlign, getComputedStyle(cell).textAlign]];
        })""",
    )
    assert pairs and all(heading == cell for heading, cell in pairs), pairs
