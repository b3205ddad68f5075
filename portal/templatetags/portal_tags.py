"""Template helpers for the portal's pages: the user's role for the navigation, page links."""

from django import template

from domain import policy

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
