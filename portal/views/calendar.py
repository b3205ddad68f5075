"""A portal user's private calendar feed (companies and consultants): the page to create, renew
or turn off its secret URL, and the feed itself (iCalendar), which calendar apps fetch without
a session."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from domain.selectors.calendar import (
    calendar_feed_by_token,
    calendar_feed_get,
    calendar_items_for_user,
)
from domain.services.calendar import calendar_feed_regenerate, calendar_feed_revoke
from portal.access import role_required
from portal.ical import calendar_ics

# Admins have no calendar of their own: "everything" is nobody's diary.
calendar_user_required = role_required("company", "consultant")

# The new URL is shown once, on the page the regeneration redirects to.
SESSION_KEY = "portal_calendar_url"


@calendar_user_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    new_url = request.session.pop(SESSION_KEY, None)
    context = {
        "feed": calendar_feed_get(user=request.user),
        "new_url": new_url,
        # Apple Calendar, Outlook and Thunderbird open a webcal:// link as "subscribe".
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else None,
    }
    return render(request, "portal/calendar.html", context)


@require_POST
@calendar_user_required
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    # The feed speaks the language the owner reads this page in, whoever fetches it later.
    token = calendar_feed_regenerate(
        user=request.user, actor=request.user, language=translation.get_language()
    )
    request.session[SESSION_KEY] = request.build_absolute_uri(
        reverse("calendar_feed", kwargs={"token": token})
    )
    messages.success(request, _("Your calendar link is ready. Any older link has stopped working."))
    return redirect("calendar")


@require_POST
@calendar_user_required
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    calendar_feed_revoke(user=request.user, actor=request.user)
    messages.success(request, _("Your calendar link is turned off."))
    return redirect("calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: the token is the only credential, so an unknown one is simply not found. Its
    texts are in the owner's language: a calendar app's Accept-Language says nothing about
    the person reading it."""
    feed = calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    now = timezone.now()
    with translation.override(feed.language):
        body = calendar_ics(
            calendar_items_for_user(user=feed.user, now=now),
            name=_("NExTWORK calendar"),
            now=now,
            language=feed.language,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = feed.language
    response["Content-Disposition"] = 'inline; filename="nextwork.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
