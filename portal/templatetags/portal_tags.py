"""Template helpers for the portal's pages: the user's role for the navigation, page links,
and places and slot starts as ``domain.display`` writes them."""

from django import template
from django.utils import timezone

from domain import display, policy

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_role(context) -> str:
    """``policy.role_of`` the request's user: "company", "consultant", "admin" or "none"."""
    request = context.get("request")
    return policy.role_of(request.user) if request is not None else "none"


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    """This page's query string with ``param`` set to ``number`` (other filters and the other
    lists' page numbers kept)."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def live_url(context, url: str) -> str:
    """A fragment's URL with this page's query string, so a live reload keeps the page the
    reader is on."""
    query = context["request"].GET.urlencode()
    return f"{url}?{query}" if query else url


@register.filter
def place(thing: object) -> str:
    """Anything with an ``address`` and a ``postcode`` (a slot, a company): "Hovedgaden 1,
    4000 Roskilde", the town taken from the postcode list (a company's own ``city`` only when
    the postcode is not in it)."""
    address, postcode = getattr(thing, "address", ""), getattr(thing, "postcode", "")
    if not display.town(postcode) and getattr(thing, "city", ""):
        return ", ".join(p for p in (address, f"{postcode} {thing.city}".strip()) if p)
    return display.place(address, postcode)


@register.filter
def slot_start(earliest) -> str:
    """ "from 14. december 2026", or "flexible start" once that day has come."""
    return display.start(earliest, today=timezone.localdate()) if earliest else ""


@register.filter
def youth_label(youth: object) -> str:
    """ "Asta Holm, 22 år": how staff lists name a young person (never "Asta #1")."""
    return display.youth_label(youth, today=timezone.localdate())
