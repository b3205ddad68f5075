"""Colleagues: the company's logins; company admins invite and remove colleagues."""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.exceptions import DomainError
from domain.models import CompanyMember
from domain.services.mail import email_colleague_invitation
from domain.services.network import company_member_add, company_member_remove, portal_user_create
from portal.access import company_admin_required, company_required
from portal.errors import attempt, get_or_404
from portal.forms.company import MemberInviteForm


def _members(request: HttpRequest):
    # The user's own company only: CompanyMember rows carry no personal data beyond the login.
    return (
        CompanyMember.objects.filter(company_id=request.user.company_member.company_id)
        .select_related("user")
        .order_by("user__username", "pk")
    )


@company_required
def member_list(request: HttpRequest) -> HttpResponse:
    member = request.user.company_member
    form = MemberInviteForm(request.POST or None) if member.is_company_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied  # only company admins invite
        if form.is_valid():
            email = form.cleaned_data["email"].strip()

            @transaction.atomic
            def add() -> CompanyMember:
                # A random password nobody knows: the colleague chooses their own through the
                # link in the invitation (a password reset in all but name).
                user = portal_user_create(
                    username=email, email=email, password=secrets.token_urlsafe(32)
                )
                added = company_member_add(
                    company=member.company,
                    user=user,
                    actor=request.user,
                    is_company_admin=form.cleaned_data["is_company_admin"],
                )
                # Through the outbox: the worker sends it, no SMTP call in the request.
                email_colleague_invitation(user=user, company=member.company, inviter=request.user)
                return added

            added = attempt(request, add, form=form, fields={"username": "email"})
            if added is not None:
                messages.success(
                    request,
                    _("%(email)s is invited and gets an e-mail with a link to choose a password.")
                    % {"email": email},
                )
                return redirect("company_members")
    context = {"members": _members(request), "form": form, "me": member}
    return render(request, "portal/company/members.html", context)


@require_POST
@company_admin_required
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_or_404(_get_member, request=request, member_id=member_id)
    attempt(
        request,
        lambda: company_member_remove(member=member, actor=request.user),
        success=_("%(name)s no longer has access to the company.")
        % {"name": member.user.get_username()},
    )
    return redirect("company_members")


def _get_member(*, request: HttpRequest, member_id: int) -> CompanyMember:
    member = _members(request).filter(pk=member_id).first()
    if member is None:
        raise DomainError(_("Not found."), code="not_found")
    return member
