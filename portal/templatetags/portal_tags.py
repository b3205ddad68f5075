"""Template helpers for the portal's pages: the user's role for the navigation."""

from django import template

from domain import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_role(context) -> str:
    """``policy.role_of`` the request's user: "company", "consultant", "admin" or "none"."""
    request = context.get("request")
    return policy.role_of(request.user) if request is not None else "none"
