"""Companies, their network memberships and members: services and the network selectors."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from domain.exceptions import DomainError
from domain.models import AuditEntry, Company, CompanyMember, NetworkMembership
from domain.selectors.network import (
    companies_visible_to_user,
    company_get_for_user,
    membership_get_for_user,
    memberships_pending_for,
)
from domain.services.network import (
    company_member_add,
    company_member_remove,
    company_register,
    company_update,
    membership_accept,
    membership_reject,
    membership_request,
)
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
Status = NetworkMembership.Status
User = get_user_model()


@pytest.fixture
def company_admin(company):
    return f.CompanyMemberFactory(company=company, is_company_admin=True, user__username="boss")


@pytest.fixture
def other_company_admin(other_company):
    return f.CompanyMemberFactory(
        company=other_company, is_company_admin=True, user__username="other_boss"
    )


def register(municipality, **overrides):
    values = {
        "name": "Ny Virksomhed ApS",
        "cvr": "10150817",
        "address": "Torvet 2",
        "postcode": "4000",
        "city": "Roskilde",
        "sector": "retail",
        "municipality": municipality,
        "username": "newco",
        "email": "newco@example.dk",
        "password": "a long and unusual passphrase 42",
        "now": NOW,
    }
    values.update(overrides)
    return company_register(**values)


# --- company_register --------------------------------------------------------------------------


def test_company_register_creates_company_admin_member_and_pending_membership(
    municipality, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        company = register(municipality)

    assert company.cvr == "10150817"
    member = CompanyMember.objects.get(company=company)
    assert member.is_company_admin
    assert member.user.username == "newco"
    assert member.user.check_password("a long and unusual passphrase 42")
    membership = NetworkMembership.objects.get(company=company)
    assert membership.municipality == municipality
    assert membership.status == Status.PENDING
    entry = AuditEntry.objects.get(action="company.register")
    assert entry.target_id == company.pk
    assert entry.actor == member.user
    assert {e.type for e in published} >= {"company.registered", "membership.requested"}
    registered = next(e for e in published if e.type == "company.registered")
    assert registered.data == {
        "id": company.pk,
        "company_id": company.pk,
        "municipality_id": municipality.pk,
    }


def test_company_register_with_an_existing_user_without_a_role(municipality):
    user = f.UserFactory(username="kim")
    company = register(municipality, user=user, username="", email="", password="")
    assert CompanyMember.objects.get(user=user).company == company


def test_company_register_accepts_cvr_written_in_groups(municipality):
    assert register(municipality, cvr="1015 0817").cvr == "10150817"


@pytest.mark.parametrize(
    "cvr", ["10150818", "1015081", "101508170", "1015081A", "１０１５０８１７"]
)
def test_company_register_refuses_invalid_cvr_and_stores_nothing(municipality, cvr):
    users = User.objects.count()
    with pytest.raises(DomainError) as exc:
        register(municipality, cvr=cvr)
    assert (exc.value.code, exc.value.field) == ("cvr_invalid", "cvr")
    assert not Company.objects.exists()
    assert User.objects.count() == users


def test_company_register_refuses_duplicate_cvr(municipality):
    f.CompanyFactory(cvr="29189447")
    with pytest.raises(DomainError) as exc:
        register(municipality, cvr="29189447")
    assert (exc.value.code, exc.value.field) == ("conflict", "cvr")
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"postcode": "400"}, "postcode_invalid", "postcode"),
        ({"sector": "no-such-sector"}, "sector_invalid", "sector"),
        ({"name": "  "}, "required", "name"),
        ({"address": "x" * 201}, "too_long", "address"),
        ({"email": "not-an-address"}, "email_invalid", "email"),
        ({"password": "123"}, "password_invalid", "password"),
    ],
)
def test_company_register_validates_input(municipality, overrides, code, field):
    with pytest.raises(DomainError) as exc:
        register(municipality, **overrides)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Company.objects.exists()


def test_company_register_refuses_taken_username(municipality):
    f.UserFactory(username="newco")
    with pytest.raises(DomainError) as exc:
        register(municipality)
    assert (exc.value.code, exc.value.field) == ("conflict", "username")


def test_company_register_refuses_a_user_who_already_has_a_role(municipality, company_member):
    with pytest.raises(DomainError) as exc:
        register(municipality, user=company_member.user)
    assert (exc.value.code, exc.value.field) == ("conflict", "user")
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        (None, True),  # the public sign-up form
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_company_register_permissions(request, municipality, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    companies = Company.objects.count()
    if allowed:
        register(municipality, actor=actor)
        assert Company.objects.count() == companies + 1
    else:
        with pytest.raises(DomainError) as exc:
            register(municipality, actor=actor)
        assert exc.value.code == "forbidden"
        assert Company.objects.count() == companies


# --- membership_request ------------------------------------------------------------------------


def test_membership_request_creates_a_pending_membership(
    company, company_admin, other_municipality, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_request(
            company=company, municipality=other_municipality, actor=company_admin.user, now=NOW
        )
    assert membership.status == Status.PENDING
    assert AuditEntry.objects.filter(action="membership.request", target_id=membership.pk).exists()
    assert [e.type for e in published] == ["membership.requested"]
    assert published[0].data["municipality_id"] == other_municipality.pk


def test_membership_request_again_after_rejection_is_pending_again(
    company, company_admin, other_municipality
):
    membership = f.MembershipFactory(
        company=company,
        municipality=other_municipality,
        status=Status.REJECTED,
        reason="Not now",
    )
    again = membership_request(
        company=company, municipality=other_municipality, actor=company_admin.user, now=NOW
    )
    assert again.pk == membership.pk
    membership.refresh_from_db()
    assert membership.status == Status.PENDING
    assert membership.reason == ""
    assert membership.decided_at is None
    assert membership.requested_at == NOW


@pytest.mark.parametrize("status", [Status.PENDING, Status.ACCEPTED])
def test_membership_request_refuses_when_pending_or_accepted(
    company, company_admin, other_municipality, status
):
    f.MembershipFactory(company=company, municipality=other_municipality, status=status)
    with pytest.raises(DomainError) as exc:
        membership_request(
            company=company, municipality=other_municipality, actor=company_admin.user
        )
    assert exc.value.code == "conflict"
    assert (
        NetworkMembership.objects.get(company=company, municipality=other_municipality).status
        == status
    )


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_admin", True),
        ("company_member", False),  # not a company admin
        ("other_company_admin", False),
        ("other_consultant", True),  # consultant of the municipality asked to join
        ("consultant", False),
        ("admin_user", True),
        ("youth", False),
    ],
)
def test_membership_request_permissions(request, company, other_municipality, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        membership_request(company=company, municipality=other_municipality, actor=actor)
        assert NetworkMembership.objects.filter(
            company=company, municipality=other_municipality, status=Status.PENDING
        ).exists()
    else:
        with pytest.raises(DomainError) as exc:
            membership_request(company=company, municipality=other_municipality, actor=actor)
        assert exc.value.code == "forbidden"
        assert not NetworkMembership.objects.filter(
            company=company, municipality=other_municipality
        ).exists()


# --- membership_accept / membership_reject -----------------------------------------------------


@pytest.fixture
def pending(municipality):
    return f.MembershipFactory(municipality=municipality, status=Status.PENDING)


def test_membership_accept_accepts_and_audits(
    pending, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_accept(membership=pending, actor=consultant.user, now=NOW)
    assert membership.status == Status.ACCEPTED
    pending.refresh_from_db()
    assert (pending.status, pending.decided_at, pending.decided_by) == (
        Status.ACCEPTED,
        NOW,
        consultant.user,
    )
    entry = AuditEntry.objects.get(action="membership.accept")
    assert entry.target_id == pending.pk
    assert entry.municipality_id == pending.municipality_id
    assert entry.data == {
        "company_id": pending.company_id,
        "from": "pending",
        "to": "accepted",
        "has_reason": False,
    }
    assert [e.type for e in published] == ["membership.accepted"]
    assert published[0].data == {
        "id": pending.pk,
        "company_id": pending.company_id,
        "municipality_id": pending.municipality_id,
    }


def test_membership_reject_stores_reason_and_audits(pending, consultant):
    membership_reject(membership=pending, actor=consultant.user, reason="Full network", now=NOW)
    pending.refresh_from_db()
    assert (pending.status, pending.reason, pending.decided_at) == (
        Status.REJECTED,
        "Full network",
        NOW,
    )
    entry = AuditEntry.objects.get(action="membership.reject")
    assert entry.data["has_reason"] is True
    assert "Full network" not in str(entry.data)


def test_membership_reject_requires_a_reason(pending, consultant):
    with pytest.raises(DomainError) as exc:
        membership_reject(membership=pending, actor=consultant.user, reason=" ")
    assert (exc.value.code, exc.value.field) == ("required", "reason")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.REJECTED])
@pytest.mark.parametrize("decide", ["accept", "reject"])
def test_membership_decisions_only_on_pending(municipality, consultant, status, decide):
    membership = f.MembershipFactory(municipality=municipality, status=status, reason="r")
    with pytest.raises(DomainError) as exc:
        if decide == "accept":
            membership_accept(membership=membership, actor=consultant.user)
        else:
            membership_reject(membership=membership, actor=consultant.user, reason="No")
    assert exc.value.code == "invalid_state"
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == (status, "r")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("consultant", True),
        ("admin_user", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
@pytest.mark.parametrize("decide", ["accept", "reject"])
def test_membership_decision_permissions(request, pending, actor_name, allowed, decide):
    actor = helpers.actor(request, actor_name)

    def call():
        if decide == "accept":
            return membership_accept(membership=pending, actor=actor)
        return membership_reject(membership=pending, actor=actor, reason="No")

    if allowed:
        assert call().status == (Status.ACCEPTED if decide == "accept" else Status.REJECTED)
    else:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "forbidden"
        pending.refresh_from_db()
        assert pending.status == Status.PENDING


# --- company members ---------------------------------------------------------------------------


def test_company_member_add_by_company_admin_is_audited(company, company_admin):
    user = f.UserFactory(username="colleague")
    member = company_member_add(
        company=company, user=user, actor=company_admin.user, is_company_admin=True, now=NOW
    )
    assert member.company == company and member.is_company_admin
    entry = AuditEntry.objects.get(action="company_member.add")
    assert entry.data == {"company_id": company.pk, "user_id": user.pk, "is_company_admin": True}


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_admin", True),
        ("admin_user", True),
        ("company_member", False),
        ("other_company_admin", False),
        ("consultant", False),
        ("youth", False),
    ],
)
def test_company_member_add_permissions(request, company, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    user = f.UserFactory(username="colleague")
    if allowed:
        company_member_add(company=company, user=user, actor=actor)
        assert CompanyMember.objects.filter(user=user, company=company).exists()
    else:
        with pytest.raises(DomainError) as exc:
            company_member_add(company=company, user=user, actor=actor)
        assert exc.value.code == "forbidden"
        assert not CompanyMember.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", ["other_company_member", "other_consultant", "admin_user"])
def test_company_member_add_refuses_users_who_have_a_role(request, company, company_admin, who):
    user = helpers.actor(request, who)
    with pytest.raises(DomainError) as exc:
        company_member_add(company=company, user=user, actor=company_admin.user)
    assert (exc.value.code, exc.value.field) == ("conflict", "user")
    assert not CompanyMember.objects.filter(user=user, company=company).exists()


def test_company_member_remove_by_company_admin_is_audited(company, company_admin, company_member):
    company_member_remove(member=company_member, actor=company_admin.user, now=NOW)
    assert not CompanyMember.objects.filter(pk=company_member.pk).exists()
    assert User.objects.filter(pk=company_member.user_id).exists()
    entry = AuditEntry.objects.get(action="company_member.remove")
    assert entry.target_id == company_member.pk
    assert entry.data == {"company_id": company.pk, "user_id": company_member.user_id}


def test_company_member_remove_refuses_the_last_company_admin(company, company_admin, admin_user):
    with pytest.raises(DomainError) as exc:
        company_member_remove(member=company_admin, actor=admin_user)
    assert exc.value.code == "invalid_state"
    assert CompanyMember.objects.filter(pk=company_admin.pk).exists()


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_admin", True),
        ("admin_user", True),
        ("company_member", False),
        ("other_company_admin", False),
        ("consultant", False),
        ("youth", False),
    ],
)
def test_company_member_remove_permissions(request, company, actor_name, allowed):
    target = f.CompanyMemberFactory(company=company, user__username="leaving")
    actor = helpers.actor(request, actor_name)
    if allowed:
        company_member_remove(member=target, actor=actor)
        assert not CompanyMember.objects.filter(pk=target.pk).exists()
    else:
        with pytest.raises(DomainError) as exc:
            company_member_remove(member=target, actor=actor)
        assert exc.value.code == "forbidden"
        assert CompanyMember.objects.filter(pk=target.pk).exists()


# --- company_update ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),  # the company is in the consultant's municipality's network
        ("admin_user", True),
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
def test_company_update_permissions(request, company, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        company_update(company=company, actor=actor, name="Bageriet & Co ApS", postcode="4100")
        company.refresh_from_db()
        assert (company.name, company.postcode) == ("Bageriet & Co ApS", "4100")
        assert AuditEntry.objects.filter(action="company.update").exists()
    else:
        with pytest.raises(DomainError) as exc:
            company_update(company=company, actor=actor, name="Hijacked")
        assert exc.value.code == "forbidden"
        company.refresh_from_db()
        assert company.name == "Bageriet ApS"


def test_company_update_cvr_only_by_admin(company, company_member, admin_user):
    with pytest.raises(DomainError) as exc:
        company_update(company=company, actor=company_member.user, cvr="10150817")
    assert exc.value.code == "forbidden"
    company_update(company=company, actor=admin_user, cvr="10150817")
    company.refresh_from_db()
    assert company.cvr == "10150817"


def test_company_update_refuses_another_companys_cvr(company, other_company, admin_user):
    with pytest.raises(DomainError) as exc:
        company_update(company=company, actor=admin_user, cvr=other_company.cvr)
    assert (exc.value.code, exc.value.field) == ("conflict", "cvr")


def test_company_update_validates_fields(company, company_member):
    with pytest.raises(DomainError) as exc:
        company_update(company=company, actor=company_member.user, postcode="40000")
    assert (exc.value.code, exc.value.field) == ("postcode_invalid", "postcode")
    with pytest.raises(TypeError):
        company_update(company=company, actor=company_member.user, created_at=NOW)


# --- selectors ---------------------------------------------------------------------------------


def test_companies_visible_to_user_by_role(
    request,
    company,
    other_company,
    company_member,
    consultant,
    other_consultant,
    admin_user,
    municipality,
):
    asking = f.CompanyFactory(name="Ansøger ApS")
    f.MembershipFactory(company=asking, municipality=municipality, status=Status.PENDING)

    assert list(companies_visible_to_user(user=company_member.user)) == [company]
    assert set(companies_visible_to_user(user=consultant.user)) == {company, asking}
    assert set(companies_visible_to_user(user=other_consultant.user)) == {other_company}
    assert set(companies_visible_to_user(user=admin_user)) == {company, other_company, asking}
    assert not companies_visible_to_user(user=f.UserFactory()).exists()
    assert not companies_visible_to_user(user=request.getfixturevalue("youth")).exists()

    with pytest.raises(DomainError) as exc:
        company_get_for_user(user=company_member.user, company_id=other_company.pk)
    assert exc.value.code == "not_found"
    assert company_get_for_user(user=consultant.user, company_id=asking.pk) == asking


def test_memberships_pending_for_consultant_admin_and_company(
    municipality, other_municipality, consultant, admin_user, company_member
):
    mine = f.MembershipFactory(municipality=municipality, status=Status.PENDING)
    theirs = f.MembershipFactory(municipality=other_municipality, status=Status.PENDING)
    f.MembershipFactory(municipality=municipality, status=Status.REJECTED)

    assert list(memberships_pending_for(user=consultant.user)) == [mine]
    assert set(memberships_pending_for(user=admin_user)) == {mine, theirs}
    assert not memberships_pending_for(user=company_member.user).exists()

    with pytest.raises(DomainError) as exc:
        membership_get_for_user(user=consultant.user, membership_id=theirs.pk)
    assert exc.value.code == "not_found"
    assert membership_get_for_user(user=consultant.user, membership_id=mine.pk) == mine
