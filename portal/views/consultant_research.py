"""The research export (admins only): a study's pseudonymised package for one municipality,
downloaded as a Frictionless Data Package zip (the selector audits it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain import policy
from domain.selectors.research import research_export
from domain.tabular import data_package_zip
from portal.errors import get_or_404
from portal.forms.consultant import ResearchExportForm
from portal.views.consultant_common import consultant_page


@consultant_page
def research(request: HttpRequest) -> HttpResponse:
    """GET: choose the study and the municipality; POST: the zip. A POST, since an export is
    an act with a trace, not a link to follow or prefetch."""
    if policy.role_of(request.user) != "admin":
        raise PermissionDenied
    posted = request.method == "POST"
    form = ResearchExportForm(request.POST if posted else None)
    if posted and form.is_valid():
        study, municipality = form.cleaned_data["study"], form.cleaned_data["municipality"]
        descriptor, tables = get_or_404(
            research_export,
            user=request.user,
            study_id=study.pk,
            municipality_id=municipality.pk,
        )
        response = HttpResponse(
            data_package_zip(descriptor, tables), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="{descriptor["name"]}.zip"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "portal/consultant/research.html",
        {"form": form},
        status=400 if posted else 200,
    )
