"""Invites: unguessable single-use tokens, stored only as hashes, redeemed together with consent."""

import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from domain.exceptions import DomainError
from domain.models import AuditEntry, Invite, Youth
from domain.services import invites as invites_module
from domain.services.invites import invite_check, invite_create, invite_redeem
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CONSENT = "2026-1"


@pytest.fixture
def invited(municipality):
    return f.InvitedYouthFactory(municipality=municipality, first_name="Emil")


@pytest.fixture
def issued(invited, consultant):
    return invite_create(youth=invited, actor=consultant.user, now=NOW)


def redeem(token, *, user_id=555001, consent=CONSENT, now=NOW, **kwargs):
    return invite_redeem(
        token=token,
        telegram_user_id=user_id,
        telegram_chat_id=user_id,
        telegram_username=kwargs.pop("username", "emil_t"),
        consent_version=consent,
        now=now,
        **kwargs,
    )


# --- the token ---------------------------------------------------------------------------------


def test_invite_token_is_long_url_safe_and_fits_a_deep_link(issued, settings):
    token = issued.token
    # 32 random bytes → 43 base64url characters: 256 bits, far above 128.
    assert 22 <= len(token) <= 64
    assert len(token) == 43
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert issued.deep_link == f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


def test_invite_token_comes_from_secrets_with_at_least_128_bits(invited, consultant, monkeypatch):
    calls = []
    real = invites_module.secrets.token_urlsafe

    def spy(nbytes=None):
        calls.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(invites_module.secrets, "token_urlsafe", spy)
    invite_create(youth=invited, actor=consultant.user)
    assert calls and calls[0] * 8 >= 128


def test_invite_tokens_do_not_repeat(invited, consultant):
    tokens = {invite_create(youth=invited, actor=consultant.user).token for _ in range(30)}
    assert len(tokens) == 30


def test_only_the_hash_is_stored_and_the_token_appears_nowhere_in_the_database(issued):
    invite = Invite.objects.get(pk=issued.invite.pk)
    assert invite.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert issued.token not in dump.getvalue()
    assert invite.token_hash in dump.getvalue()


def test_invite_create_expires_after_the_configured_days_and_is_audited(
    issued, invited, consultant, settings, published, django_capture_on_commit_callbacks
):
    assert issued.invite.expires_at == NOW + timedelta(days=settings.NEXTWORK_INVITE_TTL_DAYS)
    assert issued.invite.created_by == consultant.user
    entry = AuditEntry.objects.get(action="invite.create")
    assert entry.data == {"youth_id": invited.pk, "revoked": 0}
    with django_capture_on_commit_callbacks(execute=True):
        again = invite_create(youth=invited, actor=consultant.user, now=NOW)
    assert [e.type for e in published] == ["invite.created"]
    assert published[0].data == {
        "id": again.invite.pk,
        "municipality_id": invited.municipality_id,
        "youth_id": invited.pk,
    }


def test_invite_ttl_follows_settings(invited, consultant, settings):
    settings.NEXTWORK_INVITE_TTL_DAYS = 3
    issued = invite_create(youth=invited, actor=consultant.user, now=NOW)
    assert issued.invite.expires_at == NOW + timedelta(days=3)


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
def test_invite_create_permissions(request, invited, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        assert invite_create(youth=invited, actor=actor).invite.youth == invited
    else:
        with pytest.raises(DomainError) as exc:
            invite_create(youth=invited, actor=actor)
        assert exc.value.code == "forbidden"
        assert not Invite.objects.exists()


def test_invite_create_refuses_youth_who_left_or_are_linked(municipality, consultant, youth):
    left = f.InvitedYouthFactory(municipality=municipality, status=Youth.Status.LEFT, left_at=NOW)
    with pytest.raises(DomainError) as exc:
        invite_create(youth=left, actor=consultant.user)
    assert exc.value.code == "invalid_state"
    with pytest.raises(DomainError) as exc:
        invite_create(youth=youth, actor=consultant.user)  # already linked
    assert exc.value.code == "youth_already_linked"
    assert not Invite.objects.exists()


# --- check -------------------------------------------------------------------------------------


def test_invite_check_returns_the_invite_and_changes_nothing(issued, invited):
    before = helpers.stored(invited)
    invite = invite_check(token=issued.token, now=NOW)
    assert invite.pk == issued.invite.pk and invite.youth == invited
    assert helpers.stored(invited) == before
    invite.refresh_from_db()
    assert invite.used_at is None


@pytest.mark.parametrize(
    "token",
    [
        "",
        "unknown-token-unknown-token-unknown-token-1",
        "a" * 65,  # longer than Telegram allows
        "abc$def",
        "abc def",
        "abc/def+ghi=",  # standard base64, not URL-safe
        "ü" * 43,
        "٣" * 43,
        None,
        12345,
    ],
)
def test_invite_check_refuses_unknown_or_malformed_tokens(issued, token):
    with pytest.raises(DomainError) as exc:
        invite_check(token=token, now=NOW)
    assert exc.value.code == "invite_invalid"


def test_invite_expires_after_14_days(invited, consultant):
    with time_machine.travel(NOW, tick=False):
        issued = invite_create(youth=invited, actor=consultant.user)
    with time_machine.travel(NOW + timedelta(days=14) - timedelta(seconds=1), tick=False):
        assert invite_check(token=issued.token).pk == issued.invite.pk
    with time_machine.travel(NOW + timedelta(days=14, seconds=1), tick=False):
        with pytest.raises(DomainError) as exc:
            invite_check(token=issued.token)
        assert exc.value.code == "invite_expired"
        with pytest.raises(DomainError) as exc:
            redeem(issued.token, now=None)
        assert exc.value.code == "invite_expired"
    invited.refresh_from_db()
    assert not invited.is_linked


def test_a_newer_invite_revokes_the_older_one(issued, invited, consultant):
    newer = invite_create(youth=invited, actor=consultant.user, now=NOW + timedelta(minutes=5))
    old = Invite.objects.get(pk=issued.invite.pk)
    assert old.revoked_at == NOW + timedelta(minutes=5)
    assert AuditEntry.objects.filter(action="invite.create").first().data["revoked"] == 1
    with pytest.raises(DomainError) as exc:
        redeem(issued.token)
    assert exc.value.code == "invite_revoked"
    assert redeem(newer.token).is_linked


def test_invite_of_a_youth_who_left_is_closed(issued, invited, consultant):
    from domain.services.youth import youth_leave

    youth_leave(youth=invited, actor=consultant.user, destination="unknown", now=NOW)
    with pytest.raises(DomainError) as exc:
        invite_check(token=issued.token, now=NOW)
    # Not "replaced by a newer link": there is none; the youth should talk to their consultant.
    assert exc.value.code == "invite_closed"


def test_youth_already_linked_is_refused(issued, invited):
    # Linked meanwhile by another way (e.g. an admin): the invite must not re-link the record.
    Youth.objects.filter(pk=invited.pk).update(telegram_user_id=999, telegram_chat_id=999)
    for call in (lambda: invite_check(token=issued.token, now=NOW), lambda: redeem(issued.token)):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "youth_already_linked"
    invited.refresh_from_db()
    assert invited.telegram_user_id == 999


# --- redeem ------------------------------------------------------------------------------------


def test_invite_redeem_links_telegram_and_records_consent_together(
    issued, invited, published, django_capture_on_commit_callbacks
):
    later = NOW + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        youth = redeem(issued.token, username="@emil_t", now=later)
    youth.refresh_from_db()
    assert (youth.telegram_user_id, youth.telegram_chat_id, youth.telegram_username) == (
        555001,
        555001,
        "emil_t",
    )
    assert (youth.consent_version, youth.consent_at) == (CONSENT, later)
    assert youth.status == Youth.Status.ACTIVE
    invite = Invite.objects.get(pk=issued.invite.pk)
    assert (invite.used_at, invite.used_by_telegram_id) == (later, 555001)
    entry = AuditEntry.objects.get(action="invite.redeem")
    assert entry.actor_label == f"youth:{youth.pk}"
    assert entry.data["consent_version"] == CONSENT
    assert [e.type for e in published] == ["youth.linked", "youth.consented"]
    assert published[0].data == {
        "id": youth.pk,
        "municipality_id": youth.municipality_id,
        "youth_id": youth.pk,
    }


def test_invite_is_single_use(issued):
    redeem(issued.token)
    for call in (
        lambda: redeem(issued.token),
        lambda: redeem(issued.token, user_id=555002),
        lambda: invite_check(token=issued.token, now=NOW),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "invite_used"


@pytest.mark.parametrize("consent", ["", "   ", None])
def test_redeem_without_consent_stores_nothing(issued, invited, consent):
    before = helpers.stored(invited)
    with pytest.raises(DomainError) as exc:
        redeem(issued.token, consent=consent)
    assert exc.value.code == "consent_required"
    assert helpers.stored(invited) == before
    invited.refresh_from_db()
    assert not invited.is_linked and invited.consent_at is None
    assert invited.status == Youth.Status.INVITED
    invite = Invite.objects.get(pk=issued.invite.pk)
    assert (invite.used_at, invite.used_by_telegram_id) == (None, None)
    assert not AuditEntry.objects.filter(action="invite.redeem").exists()
    # The invite still works once the youth accepts.
    assert redeem(issued.token).consent_version == CONSENT


def test_telegram_account_already_linked_to_another_youth_is_refused(issued, invited, youth):
    before = helpers.stored(invited)
    with pytest.raises(DomainError) as exc:
        redeem(issued.token, user_id=youth.telegram_user_id)
    assert exc.value.code == "telegram_already_linked"
    assert helpers.stored(invited) == before
    assert Invite.objects.get(pk=issued.invite.pk).used_at is None


def test_redeem_refuses_a_nonsense_telegram_id(issued, invited):
    with pytest.raises(DomainError) as exc:
        redeem(issued.token, user_id=0)
    assert exc.value.code == "telegram_invalid"
    assert not Youth.objects.get(pk=invited.pk).is_linked


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_telegram_accounts_racing_for_one_invite_link_only_one():
    municipality = f.MunicipalityFactory()
    consultant = f.ConsultantFactory(municipality=municipality)
    invited = f.InvitedYouthFactory(municipality=municipality)
    token = invite_create(youth=invited, actor=consultant.user).token

    results = helpers.run_together(
        [lambda uid=uid: redeem(token, user_id=uid, now=None) for uid in (7001, 7002)]
    )

    assert sorted(results) == ["invite_used", "ok"]
    invited.refresh_from_db()
    invite = Invite.objects.get(youth=invited)
    assert invited.telegram_user_id == invite.used_by_telegram_id
    assert invited.telegram_user_id in (7001, 7002)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_telegram_account_racing_for_two_youth_links_only_one():
    municipality = f.MunicipalityFactory()
    consultant = f.ConsultantFactory(municipality=municipality)
    youth = [f.InvitedYouthFactory(municipality=municipality) for _ in range(2)]
    tokens = [invite_create(youth=y, actor=consultant.user).token for y in youth]

    results = helpers.run_together([lambda t=t: redeem(t, user_id=8001, now=None) for t in tokens])

    assert sorted(results) == ["ok", "telegram_already_linked"]
    assert Youth.objects.filter(telegram_user_id=8001).count() == 1
    assert Invite.objects.filter(used_at__isnull=False).count() == 1
