"""The research export page: admins only, a POST that answers with the package's zip."""

import io
import zipfile

from django.urls import reverse

from domain.models import AuditEntry, Study
from tests import factories as f

PAGE = reverse("consultant:research")


def test_an_admin_downloads_the_package(client_for, admin_user, municipality):
    study = Study.objects.create(name="Effekt")
    f.YouthFactory(municipality=municipality)
    client = client_for(admin_user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.content.decode()
    response = client.post(PAGE, {"study": study.pk, "municipality": municipality.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nextwork-{municipality.slug}-research.zip"'
    )
    assert response["Cache-Control"] == "no-store"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["datapackage.json", "youth.csv"]
    assert AuditEntry.objects.filter(action="research.export", target_id=study.pk).count() == 1


def test_a_missing_choice_is_shown_at_the_field(client_for, admin_user):
    response = client_for(admin_user).post(PAGE, {})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="research.export").exists()


def test_consultants_and_companies_are_refused(
    client_for, consultant, company_member, municipality
):
    study = Study.objects.create(name="Effekt")
    for who in (consultant, company_member):
        client = client_for(who)
        assert client.get(PAGE).status_code == 403
        data = {"study": study.pk, "municipality": municipality.pk}
        assert client.post(PAGE, data).status_code == 403
    assert (
        f'href="{PAGE}"'
        not in client_for(consultant).get(reverse("consultant:statistics")).content.decode()
    )
    assert not AuditEntry.objects.filter(action="research.export").exists()


def test_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
