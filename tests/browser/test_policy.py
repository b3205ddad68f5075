"""The API docs under the Content-Security-Policy in Chromium, and a control that proves a
violation is seen (every browser test fails on one: see ``new_page`` in conftest.py)."""

import pytest

from tests.browser.policy import watch_policy

pytestmark = [
    # WhiteNoise serves static files with a sync iterator, which Django under ASGI reads whole
    # and warns about (evansd/whitenoise#531); harmless here.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous:Warning"),
]


def test_the_api_docs_work_under_the_policy(new_page, consultant):
    page = new_page(consultant.user)
    page.goto("/api/docs/")
    # Swagger UI built the operations from the schema: its script and styles all loaded.
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10


def test_an_inline_script_is_refused_and_reported(new_page, server, consultant):
    page = new_page(consultant.user)
    context = page.context.browser.new_context(base_url=server.url)
    violations = watch_policy(context)
    other = context.new_page()
    other.goto("/login/")
    other.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true"; document.body.append(s); }"""
    )
    other.wait_for_timeout(200)

    assert other.evaluate("() => window.injected === undefined")
    assert any("script-src" in line for line in violations), violations
    context.close()
