"""Keyboard only (WCAG 2.1.1, 2.4.7): a company accepts an interest with an intro meeting, and
a consultant approves a placement, without touching the mouse. Each step tabs to the control,
checks that the focus can be seen on every control it passes, and presses or types keys.

The intro meeting's date-time field (``<input type="datetime-local">``) is typed part by part,
as a person does: Chromium jumps to the next part when one is full, and Tab (or the right arrow)
moves on from the year, which takes up to six digits. The parts follow the page's language
(``--enable-blink-features=LangAttributeAwareFormControlUI`` in conftest.py): a Danish page
reads dd.mm.åååå, tt.mm. Without it the field follows the browser's own language, en-US in
Debian's Chromium (mm/dd/yyyy, hh:mm AM/PM): digits typed in the Danish order, with no AM/PM,
left it empty, which is why this walk once seemed impossible.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from domain.models import Interest, Placement
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]
MOST_TABS = 60


def da(text: str) -> str:
    """The Danish a page shows for an English source text."""
    with translation.override("da"):
        return gettext(text)


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const visible = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
        || style.boxShadow !== "none";
    return {text: (el.innerText || el.value || "").trim(), name: el.name || "",
            href: el.getAttribute("href") || "", tag: el.tagName, visible};
}"""


def tab_to(
    page, *, text: str | None = None, name: str | None = None, href: str | None = None
) -> dict:
    """Press Tab until the focus is on the control with this text, field name or link; the
    focus must be visible on every control on the way."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused:
            assert focused["visible"], f"the focus on {focused} cannot be seen"
        if focused and (
            (text is not None and focused["text"] == text)
            or (name is not None and focused["name"] == name)
            or (href is not None and focused["href"].endswith(href))
        ):
            return focused
    raise AssertionError(f"Tab never reached {text or name or href!r}")


def test_a_company_accepts_an_interest_with_the_keyboard_alone(
    new_page, server, company_member, slot, youth
):
    interest = f.InterestFactory(youth=youth, slot=slot)
    tz = ZoneInfo(youth.municipality.timezone)
    day = timezone.localdate(timezone=tz) + timedelta(days=9)
    meeting = datetime.combine(day, time(14, 30), tzinfo=tz)
    page = new_page(company_member.user)
    page.goto("/virksomhed/")
    tab_to(page, href="/virksomhed/indbakke/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, href=f"/virksomhed/interesser/{interest.pk}/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, name="intro_meeting_at")
    # Day and month move on by themselves when full; the year needs Tab.
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("1430")
    assert page.input_value("[name=intro_meeting_at]") == f"{day.isoformat()}T14:30"
    tab_to(page, name="intro_meeting_place")
    page.keyboard.type("Algade 1, 4000 Roskilde")
    tab_to(page, text=da("Accept and propose the meeting"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/virksomhed/indbakke/")

    def saved():
        interest.refresh_from_db()
        return interest.status, interest.intro_meeting_at, interest.intro_meeting_place

    assert server.call(saved) == (Interest.Status.ACCEPTED, meeting, "Algade 1, 4000 Roskilde")


def test_a_consultant_approves_a_placement_with_the_keyboard_alone(
    new_page, server, consultant, slot, youth
):
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    placement = f.PlacementFactory(
        youth=youth,
        slot=slot,
        interest=interest,
        status=Placement.Status.PROPOSED,
        start_date=timezone.localdate() + timedelta(days=7),
    )
    page = new_page(consultant.user)
    page.goto("/konsulent/godkendelser/")
    tab_to(page, text=f"{youth.first_name} {youth.last_name}".strip())
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{placement.pk}/")
    tab_to(page, text=da("Approve"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = server.call(lambda: Placement.objects.get(pk=placement.pk).status)
    assert status == Placement.Status.APPROVED
