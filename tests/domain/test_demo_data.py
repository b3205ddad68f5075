"""The demo command fills an empty database once; a second run changes nothing."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from domain.exceptions import DomainError
from domain.management.commands import demo_data
from domain.models import (
    Draw,
    FollowUp,
    Interest,
    MatchEvent,
    Municipality,
    Placement,
    Referral,
    Slot,
    Youth,
    YouthSignup,
)
from domain.selectors.intake import draw_reproduce, draw_stored_arms
from domain.services.invites import invite_redeem
from tests import factories as f

# Taken before the autouse fixture below replaces it on the module.
real_invites_file = demo_data.invites_file
LINK = re.compile(r"https://t\.me/\S+\?start=(\S+)")


def counts() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count() for m in apps.get_app_config("portal").get_models()
    }


def run_demo() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def invites_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-invites.txt"
    monkeypatch.setattr(demo_data, "invites_file", lambda: path)
    return path


@pytest.fixture(autouse=True)
def standin_users(tmp_path, monkeypatch):
    path = tmp_path / "standin-users.json"
    monkeypatch.setattr(demo_data, "standin_chats_file", lambda: path)
    return path


@pytest.fixture
def small_demo(monkeypatch):
    """The demo with five companies (the event's four among them) and four youth, both invited
    ones included, for the tests about the command rather than its contents: a fifth of the
    full demo's work."""
    monkeypatch.setattr(demo_data, "COMPANIES", demo_data.COMPANIES[:5])
    keep = {"Asta", "Malik", "Noah", "Karl"}  # invited, browsing, intro, invited (in Vejle)
    monkeypatch.setattr(demo_data, "YOUTH", [y for y in demo_data.YOUTH if y[0] in keep])
    monkeypatch.setattr(demo_data, "ALUMNI", demo_data.ALUMNI[:1])


def test_demo_data_loads_a_believable_network_and_is_idempotent(db, invites_file):
    first = run_demo()
    after_first = counts()

    second = run_demo()
    assert counts() == after_first
    assert "already loaded" in second

    assert after_first["Municipality"] == 2
    assert after_first["Company"] == 12
    assert after_first["NetworkGroup"] == 2
    assert set(Slot.objects.values_list("kind", flat=True)) == {"internship", "paid_hours"}
    assert Slot.objects.values("sector").distinct().count() >= 10
    assert set(Youth.objects.values_list("status", flat=True)) == {
        "invited",
        "active",
        "paused",
        "left",
    }
    assert set(Interest.objects.values_list("status", flat=True)) >= {
        "pending",
        "company_accepted",
        "company_declined",
    }
    assert set(Placement.objects.values_list("status", flat=True)) >= {
        "proposed",
        "approved",
        "active",
        "completed",
        "ended_early",
    }
    # Youth who left a year ago, with destinations and answered follow-ups: the measures show
    # figures, not only "< 5".
    left = Youth.objects.filter(status="left")
    assert left.exclude(destination="").count() == left.count() >= 10
    assert FollowUp.objects.exclude(answer="").count() >= 20
    assert Placement.objects.exclude(outcome="").count() >= 10
    # Vejle randomises its intake: one draw, both arms with figures (not "< 5"), and three
    # NExTWORK referrals registered as young people; none from usual service.
    draw = Draw.objects.get()
    assert draw.municipality.slug == "vejle" and draw.municipality.intake_randomised
    assert draw.referrals.count() == 12
    assert draw.referrals.filter(arm="nextwork").count() >= 5
    assert draw.referrals.filter(arm="usual").count() >= 5
    assert set(Referral.objects.filter(youth__isnull=False).values_list("arm", flat=True)) == {
        "nextwork"
    }
    assert Referral.objects.filter(youth__isnull=False).count() == 3
    assert draw_reproduce(draw) == draw_stored_arms(draw)
    event = MatchEvent.objects.get()
    assert event.status == "published"
    assert YouthSignup.objects.filter(event=event, status="waitlisted").exists()
    for login in ["mette", "sofie", "bageriet", "admin"]:
        assert login in first
    assert "start=" in invites_file.read_text()
    assert len(LINK.findall(first)) == 2
    assert LINK.findall(second) == LINK.findall(first)


def test_the_invites_file_is_named_after_the_database():
    one = real_invites_file({"NAME": "/srv/a/nextwork.sqlite3"})
    other = real_invites_file({"NAME": "/srv/b/nextwork.sqlite3"})
    remote = real_invites_file({"NAME": "nextwork", "HOST": "db.internal", "PORT": "5432"})
    assert len({one, other, remote}) == 3
    for path in (one, other, remote):
        assert path.parent == Path(settings.BASE_DIR) / "var"
        assert re.fullmatch(r"demo-invites-[0-9a-f]{12}\.txt", path.name)
    assert one == real_invites_file({"NAME": Path("/srv/a/nextwork.sqlite3")})
    assert real_invites_file().name.startswith("demo-invites-")  # this database's


def test_only_invites_still_valid_in_this_database_are_printed(db, small_demo, invites_file):
    first = run_demo()
    (asta_token, karl_token) = LINK.findall(first)
    # A line from another database (or a hand-edited one) is not this database's invite.
    with invites_file.open("a") as lines:
        lines.write("Fremmed\thttps://t.me/nextwork_demo_bot?start=NotAnInviteOfThisDatabase1\n")
        lines.write("garbage without a tab\n")

    invite_redeem(
        token=asta_token,
        telegram_user_id=8_000_000_001,
        telegram_chat_id=8_000_000_001,
        consent_version=settings.NEXTWORK_CONSENT_VERSION,
    )
    second = run_demo()
    assert LINK.findall(second) == [karl_token]
    assert "Fremmed" not in second

    invite_redeem(
        token=karl_token,
        telegram_user_id=8_000_000_002,
        telegram_chat_id=8_000_000_002,
        consent_version=settings.NEXTWORK_CONSENT_VERSION,
    )
    third = run_demo()
    assert LINK.findall(third) == []
    assert "create a new invite" in third


def test_without_an_invites_file_the_command_says_how_to_get_an_invite(
    db, small_demo, invites_file
):
    run_demo()
    invites_file.unlink()
    assert "create a new invite" in run_demo()


def test_an_existing_superuser_named_admin_is_reused_as_the_acting_admin(db, small_demo):
    admin = f.AdminUserFactory(username="admin", password="my-own-password-42")

    out = run_demo()
    assert Municipality.objects.count() == 2
    assert get_user_model().objects.filter(username="admin").count() == 1
    admin.refresh_from_db()
    assert admin.check_password("my-own-password-42")  # not reset to the demo password
    assert "your own password" in out


@pytest.mark.parametrize(
    ("taken", "superuser"),
    [(["mette"], False), (["admin"], False), (["admin", "bageriet", "sofie"], True)],
)
def test_taken_demo_usernames_stop_the_command_with_a_clear_message(db, taken, superuser):
    for username in taken:
        factory = f.AdminUserFactory if superuser and username == "admin" else f.UserFactory
        factory(username=username)
    expected = sorted(u for u in taken if not (superuser and u == "admin"))

    with pytest.raises(CommandError) as raised:
        run_demo()
    message = str(raised.value)
    assert ", ".join(expected) in message
    if superuser:  # the superuser is reused, not in the way
        assert "admin" not in message
    assert not Municipality.objects.exists()


def test_a_domain_error_while_loading_becomes_a_command_error_and_rolls_back(
    db, small_demo, invites_file, monkeypatch
):
    def refuse(**_kwargs):
        raise DomainError("The outbox refused.", code="invalid_state")

    monkeypatch.setattr(demo_data, "outbox_skip_overdue", refuse)
    with pytest.raises(CommandError, match=r"The outbox refused\."):
        run_demo()
    assert not Municipality.objects.exists()
    assert not get_user_model().objects.exists()
    assert not invites_file.exists()


def test_the_linked_demo_youth_are_written_for_the_standin(db, small_demo, standin_users):
    """So that approving a demo youth's placement reaches a chat, not "400 Chat not found"."""
    run_demo()
    users = json.loads(standin_users.read_text(encoding="utf-8"))
    linked = Youth.objects.filter(telegram_chat_id__isnull=False).order_by("telegram_chat_id")
    assert users == [
        {"id": y.telegram_chat_id, "first_name": y.first_name, "language_code": y.language}
        for y in linked
    ]
    assert {u["first_name"] for u in users} == {"Malik", "Noah"}  # the invited two are not linked
