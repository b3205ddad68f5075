"""Who may open a page: role decorators for views, built on ``domain.policy``.

Anonymous visitors go to the login page; a logged-in user of another role gets 403. Which
*objects* a user may see is never decided here but by the selectors (404 for objects the user
may not know, 403 for known ones they may not change; see ``portal.errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from domain import policy

View = Callable[..., HttpResponse]


def role_required(*roles: policy.Role) -> Callable[[View], View]:
    """Let only users whose ``policy.role_of`` is one of ``roles`` in."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if policy.role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# A company member acts for their own company only; admins have no company of their own.
company_required = role_required("company")
# Consultants see their municipality; admins everything (the selectors scope both).
consultant_required = role_required("consultant", "admin")


def company_admin_required(view: View) -> View:
    """A company member who may invite colleagues (``CompanyMember.is_company_admin``)."""

    @company_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.company_member.is_company_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
