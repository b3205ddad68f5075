"""A portal user's e-mail preferences: which news comes at once, in the daily summary, or not
at all (the ``List-Unsubscribe`` link of every notification e-mail opens this page)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from domain import policy
from domain.services.mail import (
    COMPANY_KINDS,
    CONSULTANT_KINDS,
    email_preferences_of,
    email_preferences_save,
)
from portal.access import role_required
from portal.forms.email import EmailPreferencesForm

KINDS_BY_ROLE = {
    "company": COMPANY_KINDS,
    "consultant": CONSULTANT_KINDS,
    "admin": (*CONSULTANT_KINDS, *COMPANY_KINDS),
}


@role_required("company", "consultant", "admin")
def email_preferences(request: HttpRequest) -> HttpResponse:
    kinds = KINDS_BY_ROLE[policy.role_of(request.user)]
    prefs = email_preferences_of(request.user)
    form = EmailPreferencesForm(request.POST or None, kinds=kinds, prefs=prefs)
    if request.method == "POST" and form.is_valid():
        email_preferences_save(
            user=request.user,
            language=form.cleaned_data["language"],
            digest_hour=form.cleaned_data["digest_hour"],
            modes=form.modes(),
        )
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("email_preferences")
    context = {"form": form, "address": request.user.email}
    return render(request, "portal/email_preferences.html", context)
