"""Creating and moving consultants: admins only, always audited."""

import pytest

from domain.exceptions import DomainError
from domain.models import AuditEntry, Consultant
from domain.services.staff import consultant_create, consultant_move
from tests import factories as f
from tests import helpers

PASSWORD = "a-Long-and-unusual-passphrase-42"


def test_admin_creates_a_consultant_and_it_is_audited(admin_user, municipality):
    consultant = consultant_create(
        municipality=municipality,
        actor=admin_user,
        username="mette",
        email="mette@roskilde.dk",
        password=PASSWORD,
        first_name="Mette",
    )
    assert consultant.user.check_password(PASSWORD)
    assert consultant.user.first_name == "Mette"
    entry = AuditEntry.objects.get(action="consultant.create")
    assert (entry.actor, entry.target_id, entry.municipality_id) == (
        admin_user,
        consultant.pk,
        municipality.pk,
    )


@pytest.mark.parametrize("who", ["consultant", "company_member", "youth"])
def test_only_admins_create_consultants(request, municipality, who):
    actor = helpers.actor(request, who)
    with pytest.raises(DomainError) as err:
        consultant_create(
            municipality=municipality,
            actor=actor,
            username="x",
            email="x@example.dk",
            password=PASSWORD,
        )
    assert err.value.code == "forbidden"
    assert not Consultant.objects.filter(user__username="x").exists()


def test_a_weak_password_is_refused_with_a_field_error(admin_user, municipality):
    with pytest.raises(DomainError) as err:
        consultant_create(
            municipality=municipality,
            actor=admin_user,
            username="x",
            email="x@example.dk",
            password="123",
        )
    assert err.value.field == "password"


def test_moving_a_consultant_is_an_audited_permission_change(
    admin_user, consultant, other_municipality
):
    old = consultant.municipality
    group = f.GroupFactory(municipality=old)
    group.facilitators.add(consultant)
    youth = f.YouthFactory(municipality=old, contact_consultant=consultant)

    consultant_move(consultant=consultant, municipality=other_municipality, actor=admin_user)

    consultant.refresh_from_db()
    assert consultant.municipality == other_municipality
    # No link into the old municipality is left to route its youth's data to them.
    assert not group.facilitators.exists()
    youth.refresh_from_db()
    assert youth.contact_consultant is None
    entries = AuditEntry.objects.filter(action="consultant.move")
    assert sorted(e.municipality_id for e in entries) == sorted([old.pk, other_municipality.pk])
    assert all(e.data["released_youth_ids"] == [youth.pk] for e in entries)


def test_a_consultant_cannot_move_themself(consultant, other_municipality):
    with pytest.raises(DomainError) as err:
        consultant_move(
            consultant=consultant, municipality=other_municipality, actor=consultant.user
        )
    assert err.value.code == "forbidden"
    consultant.refresh_from_db()
    assert consultant.municipality != other_municipality
