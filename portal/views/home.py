"""The front door: each user to their area's start page."""

from datetime import date
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from domain import policy

# Browsers ask for /favicon.ico on every page whatever the page links to.
FAVICON = Path(__file__).resolve().parent.parent / "static" / "portal" / "img" / "favicon.ico"

# The root of the consultants' include in portal/urls.py.
CONSULTANT_START = "/konsulent/"


def home(request: HttpRequest) -> HttpResponse:
    """Company members to their dashboard, consultants and admins to theirs, anonymous
    visitors to the login page; a login without a role gets a page that says so."""
    role = policy.role_of(request.user)
    if role == "company":
        return redirect("company_dashboard")
    if role in ("consultant", "admin"):
        return redirect(CONSULTANT_START)
    if not request.user.is_authenticated:
        return redirect(reverse("login"))
    return render(request, "portal/no_role.html")


@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon at the address browsers ask for (the pages link the SVG one)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


# When the statement was last reviewed against the portal (update it with the text).
STATEMENT_REVIEWED = date(2026, 12, 7)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the web accessibility act asks for; open to everyone."""
    return render(request, "portal/accessibility.html", {"updated": STATEMENT_REVIEWED})
