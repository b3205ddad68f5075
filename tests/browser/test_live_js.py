"""live.js in a real browser: the page's socket, fragment reloads and the polite announcement.

The page under test is a minimal one written by the test into a page of the server's origin,
with its fragment answered by Playwright's routing, so live.js is checked on its own; the
portal's pages use it the same way.
"""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from domain.services.interests import interest_show
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator, which Django under ASGI reads whole
    # and warns about (evansd/whitenoise#531); harmless for a 4 kB script.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]

PAGE = """<!doctype html>
<html lang="da"><head><title>live.js</title></head>
<body data-ws="/ws/company/" data-live-message="Indbakken er opdateret">
  <main>
    <label for="note">Note</label><input id="note">
    <section data-live data-live-url="/live-test/fragment/" id="inbox">0 interesser</section>
    <section data-live="counts" data-hx-get="/live-test/counts/" id="counts">0</section>
  </main>
  <script src="/static/portal/js/live.js"></script>
</body></html>"""


def open_live_page(new_page, user):
    page = new_page(user)
    served = {"count": 0}

    def fragment(route):
        served["count"] += 1
        route.fulfill(body=f"{served['count']} interesser", content_type="text/html")

    page.route("**/live-test/fragment/", fragment)
    page.route("**/live-test/counts/", lambda route: route.fulfill(body="1 ny"))
    # A page of the server's own (loopback) origin: Chromium's local-network checks refuse a
    # socket to 127.0.0.1 from a page that came from nowhere in particular.
    page.goto("/health/")
    page.set_content(PAGE)
    expect(page.locator("body")).to_have_attribute("data-ws-state", "open")
    return page


def test_an_event_on_the_socket_reloads_the_fragment_and_announces_it(
    new_page, server, company_member, slot, youth
):
    live_page = open_live_page(new_page, company_member.user)
    server.call(interest_show, youth=youth, slot=slot, actor=youth)

    expect(live_page.locator("#inbox")).to_have_text("1 interesser")
    expect(live_page.locator("#counts")).to_have_text("1 ny")  # its URL from hx-get
    status = live_page.locator("[data-live-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("Indbakken er opdateret")


def test_a_burst_of_events_reloads_once(
    new_page, server, company_member, slot, youth, municipality
):
    other = f.YouthFactory(municipality=municipality)
    live_page = open_live_page(new_page, company_member.user)

    def two_interests_in_one_commit() -> None:
        with transaction.atomic():
            interest_show(youth=youth, slot=slot, actor=youth)
            interest_show(youth=other, slot=slot, actor=other)

    server.call(two_interests_in_one_commit)

    expect(live_page.locator("#inbox")).to_have_text("1 interesser")
    live_page.wait_for_timeout(500)
    expect(live_page.locator("#inbox")).to_have_text("1 interesser")


def test_the_container_being_typed_in_waits_until_focus_leaves(
    new_page, server, company_member, slot, youth
):
    live_page = open_live_page(new_page, company_member.user)
    live_page.evaluate(
        "document.getElementById('inbox').innerHTML = '<input id=inside aria-label=x>'"
    )
    live_page.locator("#inside").focus()

    server.call(interest_show, youth=youth, slot=slot, actor=youth)

    expect(live_page.locator("#inbox")).to_have_attribute("data-live-stale", "")
    expect(live_page.locator("#inside")).to_be_focused()
    live_page.locator("#note").focus()
    expect(live_page.locator("#inbox")).to_have_text("1 interesser")


def test_a_dropped_connection_comes_back_and_catches_up(new_page, company_member):
    page = new_page(company_member.user)
    sockets = []

    def through_playwright(socket_route):
        socket_route.connect_to_server()
        sockets.append(socket_route)

    page.route_web_socket("**/ws/company/", through_playwright)
    page.route("**/live-test/fragment/", lambda route: route.fulfill(body="oppe igen"))
    page.goto("/health/")
    page.set_content(PAGE)
    expect(page.locator("body")).to_have_attribute("data-ws-state", "open")

    sockets[0].close(code=1012, reason="server restart")

    expect(page.locator("body")).to_have_attribute("data-ws-state", "closed")
    # Back within the first backoff step, and the page reloads what it may have missed.
    expect(page.locator("body")).to_have_attribute("data-ws-state", "open")
    expect(page.locator("#inbox")).to_have_text("oppe igen")
    assert len(sockets) == 2


def test_after_logging_out_the_page_stops_listening(new_page, company_member):
    page = new_page(company_member.user)
    sockets = []

    def through_playwright(socket_route):
        socket_route.connect_to_server()
        sockets.append(socket_route)

    page.route_web_socket("**/ws/company/", through_playwright)
    page.goto("/health/")
    page.set_content(PAGE)
    expect(page.locator("body")).to_have_attribute("data-ws-state", "open")

    sockets[0].close(code=4401, reason="logged out")  # portal.consumers.LOGGED_OUT

    expect(page.locator("body")).to_have_attribute("data-ws-state", "closed")
    page.wait_for_timeout(1500)  # longer than the first reconnect delay
    assert len(sockets) == 1
