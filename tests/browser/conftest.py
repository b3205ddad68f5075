"""Browser tests: Playwright's sync API driving Debian's Chromium against the real ASGI app.

Playwright runs an event loop in the test's thread once started, so database work after
``new_page()`` goes through ``server.call`` (the server's own sync thread).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from config.asgi import application
from tests.asgi_server import AsgiServer
from tests.browser.policy import watch_policy
from tests.portal.live_support import session_cookie

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Date and time fields lay out their parts (day, month, year, hour, minute) in the page's
    # language, as a browser set to that language does: Debian's Chromium ships only the
    # en-US language pack, so without this a Danish page's field reads mm/dd/yyyy, hh:mm AM.
    "--enable-blink-features=LangAttributeAwareFormControlUI",
]
ROOT = Path(__file__).resolve().parents[2]
# The committed screenshots (docs/screenshots/, shown in the README) change with every run's
# dates, so a run writes to var/screenshots/ unless asked to refresh them:
# NEXTWORK_SCREENSHOTS=docs/screenshots python3 dev.py test tests/browser
SCREENSHOTS = ROOT / os.environ.get("NEXTWORK_SCREENSHOTS", "var/screenshots")
# Playwright's default of 30 s hides a hang for too long; pages here answer in milliseconds.
TIMEOUT_MS = 10_000


@pytest.fixture
def server(transactional_db):
    with AsgiServer(application) as running:
        yield running


@pytest.fixture
def new_page(transactional_db, server):
    """``new_page(user=None, width=1280)``: a page in a fresh browser context (its own cookies),
    logged in as ``user`` when given.

    Call it in the test's body, after the fixtures have written their rows: Chromium starts on
    the first call, and from then on this thread runs Playwright's event loop. It is closed
    again before the database is flushed."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    running: dict = {}
    violations: list[str] = []

    def make(user=None, *, width: int = 1280, height: int = 900):
        if not running:
            running["playwright"] = sync_playwright().start()
            running["browser"] = running["playwright"].chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        context = running["browser"].new_context(
            base_url=server.url, viewport={"width": width, "height": height}, locale="da-DK"
        )
        context.set_default_timeout(TIMEOUT_MS)
        # The same list for every context of the test: checked once the test is over.
        watch_policy(context, into=violations)
        if user is not None:
            name, value = server.call(session_cookie, user=user).split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": server.url}])
        return context.new_page()

    yield make
    if running:
        running["browser"].close()  # closes its contexts and pages too
        running["playwright"].stop()
    assert not violations, "the page broke its own security policy:\n" + "\n".join(violations)


def screenshot(page, name: str) -> None:
    """Saves the whole page as <SCREENSHOTS>/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
