"""A company signs itself up (company, first user, a request to join a network) and asks to
join further municipalities' networks."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from domain.models import Municipality
from domain.selectors.network import networks_to_join
from domain.services.network import company_register, membership_request
from portal.access import company_admin_required
from portal.errors import attempt
from portal.forms.company import CompanyRegisterForm, MembershipRequestForm
from portal.ratelimit import limit_posts


@limit_posts("register")
def register(request: HttpRequest) -> HttpResponse:
    """Anyone not logged in may register a company; the new user is logged in at once."""
    if request.user.is_authenticated:
        return redirect("home")
    form = CompanyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        municipality = Municipality.objects.get(slug=data["municipality"])
        company = attempt(
            request,
            lambda: company_register(
                name=data["name"],
                cvr=data["cvr"],
                address=data["address"],
                postcode=data["postcode"],
                city=data["city"],
                sector=data["sector"],
                municipality=municipality,
                username=data["username"],
                email=data["email"],
                password=data["password"],
                actor=None,
            ),
            form=form,
            fields={"user": "username"},
        )
        if company is not None:
            user = company.members.get().user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! %(company)s is registered and has asked to join %(network)s's network.")
                % {"company": company.name, "network": municipality.name},
            )
            return redirect("company_dashboard")
    return render(request, "portal/company/register.html", {"form": form})


@company_admin_required
def membership_request_view(request: HttpRequest) -> HttpResponse:
    """Ask to join another municipality's network: the list of the others on a page of its own,
    so the front page does not grow with the number of municipalities."""
    company = request.user.company_member.company
    municipalities = networks_to_join(user=request.user)
    if request.method != "POST":
        form = MembershipRequestForm(municipalities=municipalities)
        return render(request, "portal/company/join.html", {"form": form, "company": company})
    form = MembershipRequestForm(request.POST, municipalities=municipalities)
    if not form.is_valid():
        messages.error(request, _("Choose a municipality from the list."))
        return render(
            request, "portal/company/join.html", {"form": form, "company": company}, status=400
        )
    municipality = Municipality.objects.get(slug=form.cleaned_data["municipality"])
    attempt(
        request,
        lambda: membership_request(company=company, municipality=municipality, actor=request.user),
        success=_("You have asked to join %(network)s's network. A consultant there will answer.")
        % {"network": municipality.name},
    )
    return redirect("company_dashboard")
