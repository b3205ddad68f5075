"""Coarse, role-level permission classes. Object-level rules live in the selectors (scoped
querysets: 404 for what the caller may not know) and the services (403 for what they may not
change) — never here."""

from rest_framework.permissions import BasePermission

from domain.policy import role_of


class IsPortalUser(BasePermission):
    """A logged-in admin, consultant or company member (not a user without a role)."""

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) in ("admin", "consultant", "company")


class IsStaff(BasePermission):
    """A consultant or an admin."""

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) in ("admin", "consultant")


class IsAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        return role_of(request.user) == "admin"
