"""The company's own details (name, address, sector), kept up to date by its members."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from domain.services.network import company_update
from portal.access import company_required
from portal.errors import attempt
from portal.forms.company import CompanyProfileForm


@company_required
def profile(request: HttpRequest) -> HttpResponse:
    company = request.user.company_member.company
    initial = {name: getattr(company, name) for name in ("name", "address", "postcode", "city")}
    initial["sector"] = company.sector.code
    form = CompanyProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: company_update(company=company, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("The company's details are saved."),
        )
        if done is not None:
            return redirect("company_dashboard")
    return render(request, "portal/company/profile.html", {"form": form, "company": company})
