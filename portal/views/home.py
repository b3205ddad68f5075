"""The front door: each user to their area's start page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from domain import policy

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
