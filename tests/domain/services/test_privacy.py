"""GDPR: consent, export of everything stored, erasure that keeps counts, retention purge."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from domain.exceptions import DomainError
from domain.models import (
    Attendance,
    AuditEntry,
    CheckIn,
    FollowUpNote,
    Interest,
    Invite,
    OutboxMessage,
    Placement,
    Youth,
    YouthSignup,
)
from domain.selectors.youth import youth_get_for_user
from domain.services.outbox import outbox_push
from domain.services.privacy import (
    ERASED_REASON,
    consent_give,
    consent_withdraw,
    youth_erase,
    youth_export,
    youth_purge_expired,
)
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
Kind = OutboxMessage.Kind

# Everything personal the rich youth below carries; none may survive erasure anywhere.
PERSONAL = {
    "first_name": "Frederikke",
    "last_name": "Kjærsgaard",
    "birth_date": "2007-04-03",
    "telegram_id": "4242424242",
    "telegram_username": "fred_k_2007",
    "message": "Jeg vil gerne bage rugbrød",
    "decline_reason": "Vi har desværre ikke plads til Frederikke",
    "reject_reason": "Frederikke skal først til lægen",
    "end_reason": "Frederikke flyttede",
    "checkin": "Min mester Bent er sød",
    "note": "Talte med Bent om Frederikkes angst",
    "intro_place": "Bageriet bagindgang",
    "payload": "payload-secret-frederikke",
}


@pytest.fixture
def rich(municipality, consultant, company, slot):
    """A youth with one of every related object."""
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    youth = f.YouthFactory(
        municipality=municipality,
        first_name=PERSONAL["first_name"],
        last_name=PERSONAL["last_name"],
        birth_date=date.fromisoformat(PERSONAL["birth_date"]),
        telegram_user_id=int(PERSONAL["telegram_id"]),
        telegram_chat_id=int(PERSONAL["telegram_id"]),
        telegram_username=PERSONAL["telegram_username"],
        preferred_hours=15,
        contact_consultant=consultant,
        group=group,
        share_experiences=True,
        consent_at=NOW - timedelta(days=30),
    )
    youth.sectors.set([f.sector("retail"), f.sector("hospitality")])
    invite = Invite.objects.create(
        youth=youth,
        token_hash="f" * 64,
        expires_at=NOW - timedelta(days=10),
        used_at=NOW - timedelta(days=30),
        used_by_telegram_id=youth.telegram_user_id,
    )
    accepted = f.AcceptedInterestFactory(
        youth=youth,
        slot=slot,
        message=PERSONAL["message"],
        intro_meeting_place=PERSONAL["intro_place"],
    )
    declined = f.InterestFactory(
        youth=youth,
        status=Interest.Status.DECLINED,
        decline_reason=PERSONAL["decline_reason"],
        slot=f.SlotFactory(company=company),
    )
    active = f.PlacementFactory(
        youth=youth,
        slot=slot,
        interest=accepted,
        status=Placement.Status.ACTIVE,
        start_date=date(2026, 11, 2),
    )
    rejected = f.PlacementFactory(
        youth=youth,
        slot=declined.slot,
        status=Placement.Status.REJECTED,
        reject_reason=PERSONAL["reject_reason"],
    )
    ended = f.PlacementFactory(
        youth=youth,
        slot=f.SlotFactory(company=company),
        status=Placement.Status.ENDED_EARLY,
        end_reason=PERSONAL["end_reason"],
    )
    checkin = f.CheckInFactory(
        placement=active, week=date(2026, 11, 16), score=4, text=PERSONAL["checkin"], shared=True
    )
    note = f.FollowUpNoteFactory(placement=active, author=consultant.user, text=PERSONAL["note"])
    event = f.EventFactory(municipality=municipality, title="Matchdag i hallen")
    signup = YouthSignup.objects.create(
        event=event, youth=youth, status=YouthSignup.Status.CONFIRMED, sequence=1, created_at=NOW
    )
    meeting = f.MeetingFactory(group=group, starts_at=NOW - timedelta(days=7))
    attendance = Attendance.objects.create(
        meeting=meeting, youth=youth, status=Attendance.Status.PRESENT, recorded_at=NOW
    )
    message = outbox_push(
        recipient=youth,
        kind=Kind.INTEREST_ACCEPTED,
        subject=accepted,
        payload={"note": PERSONAL["payload"]},
        dedupe_key=f"interest_accepted:{accepted.pk}",
    )
    youth_get_for_user(user=consultant.user, youth_id=youth.pk)  # an audited read
    return {
        "youth": youth,
        "invite": invite,
        "interests": [accepted, declined],
        "placements": [active, rejected, ended],
        "checkin": checkin,
        "note": note,
        "signup": signup,
        "attendance": attendance,
        "message": message,
        "event": event,
    }


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


# --- export ------------------------------------------------------------------------------------


def test_export_contains_everything_stored_and_is_json(rich, consultant):
    youth = rich["youth"]
    data = youth_export(youth=youth, actor=youth, now=NOW)
    text = json.dumps(data, ensure_ascii=False)
    for value in PERSONAL.values():
        if value != PERSONAL["payload"]:  # payloads are rendering details, not the youth's data
            assert value in text, value

    profile = data["profile"]
    assert profile["first_name"] == PERSONAL["first_name"]
    assert profile["birth_date"] == PERSONAL["birth_date"]
    assert {s["code"] for s in profile["sectors"]} == {"retail", "hospitality"}
    assert profile["group"] == "Tirsdagsgruppen"
    assert profile["contact_consultant"] == consultant.user.get_full_name()
    assert profile["preferred_hours"] == 15
    assert data["consent"] == {
        "version": "2026-1",
        "given_at": (NOW - timedelta(days=30)).isoformat(),
    }
    assert data["telegram"]["username"] == PERSONAL["telegram_username"]
    assert data["invites"] == [
        {
            "created_at": rich["invite"].created_at.isoformat(),
            "expires_at": rich["invite"].expires_at.isoformat(),
            "used_at": rich["invite"].used_at.isoformat(),
            "revoked_at": None,
        }
    ]
    assert "f" * 64 not in text  # never the hash
    assert {i["id"] for i in data["interests"]} == {i.pk for i in rich["interests"]}
    accepted = next(i for i in data["interests"] if i["status"] == "company_accepted")
    assert accepted["intro_meeting_at"] == rich["interests"][0].intro_meeting_at.isoformat()
    assert {p["id"] for p in data["placements"]} == {p.pk for p in rich["placements"]}
    active = next(p for p in data["placements"] if p["status"] == "active")
    assert active["checkins"] == [
        {
            "week": "2026-11-16",
            "score": 4,
            "text": PERSONAL["checkin"],
            "shared": True,
            "created_at": rich["checkin"].created_at.isoformat(),
        }
    ]
    assert active["follow_up_notes"][0]["text"] == PERSONAL["note"]
    assert "author" not in active["follow_up_notes"][0]
    assert data["event_signups"][0]["event"] == "Matchdag i hallen"
    assert data["event_signups"][0]["status"] == "confirmed"
    assert data["attendance"][0]["status"] == "present"
    assert data["messages"] == [
        {
            "kind": "interest_accepted",
            "due_at": rich["message"].due_at.isoformat(),
            "status": "pending",
            "sent_at": None,
        }
    ]
    assert "youth.read" in [a["action"] for a in data["audit"]]
    assert all(a["by"] in ("staff", "you", "system") for a in data["audit"])


def test_export_is_audited(rich, consultant):
    youth_export(youth=rich["youth"], actor=consultant.user, now=NOW)
    entry = AuditEntry.objects.get(action="youth.export")
    assert (entry.actor, entry.target_id, entry.data) == (consultant.user, rich["youth"].pk, {})


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_youth", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_export_permissions(request, youth, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        assert youth_export(youth=youth, actor=actor)["profile"]["id"] == youth.pk
    else:
        with pytest.raises(DomainError) as exc:
            youth_export(youth=youth, actor=actor)
        assert exc.value.code == "forbidden"
        assert not AuditEntry.objects.filter(action="youth.export").exists()


# --- erasure -----------------------------------------------------------------------------------


def counts(youth: Youth) -> dict:
    return {
        "interests": Interest.objects.filter(youth=youth).count(),
        "interest_states": sorted(
            Interest.objects.filter(youth=youth).values_list("status", flat=True)
        ),
        "placements": sorted(
            Placement.objects.filter(youth=youth).values_list(
                "status", "hours_per_week", "start_date"
            )
        ),
        "signups": list(YouthSignup.objects.filter(youth=youth).values_list("status", flat=True)),
        "attendance": list(Attendance.objects.filter(youth=youth).values_list("status", flat=True)),
        "scores": list(
            CheckIn.objects.filter(placement__youth=youth).values_list("score", flat=True)
        ),
        "notes": FollowUpNote.objects.filter(placement__youth=youth).count(),
        "messages": OutboxMessage.objects.filter(recipient=youth).count(),
    }


def test_erasure_leaves_no_personal_data_but_keeps_the_counts(
    rich, published, django_capture_on_commit_callbacks
):
    youth = rich["youth"]
    before = counts(youth)
    assert all(value in dump() for value in PERSONAL.values())

    with django_capture_on_commit_callbacks(execute=True):
        youth_erase(youth=youth, actor=youth, now=NOW)

    youth.refresh_from_db()
    assert (youth.first_name, youth.last_name, youth.birth_date) == ("", "", None)
    assert (youth.telegram_user_id, youth.telegram_chat_id, youth.telegram_username) == (
        None,
        None,
        "",
    )
    assert youth.preferred_hours is None
    assert not youth.sectors.exists()
    assert youth.group is None
    assert (youth.consent_version, youth.consent_at) == ("", None)
    assert not youth.share_experiences
    assert (youth.status, youth.erased_at, youth.left_at) == (Youth.Status.LEFT, NOW, NOW)
    for interest in Interest.objects.filter(youth=youth):
        assert (interest.message, interest.decline_reason, interest.intro_meeting_place) == (
            "",
            "",
            "",
        )
    for placement in Placement.objects.filter(youth=youth):
        assert placement.end_reason == ""
        assert placement.reject_reason in ("", ERASED_REASON)
    checkin = CheckIn.objects.get(pk=rich["checkin"].pk)
    assert (checkin.text, checkin.shared, checkin.score) == ("", False, 4)
    assert FollowUpNote.objects.get(pk=rich["note"].pk).text == ""
    assert not Invite.objects.filter(youth=youth).exists()
    for message in OutboxMessage.objects.filter(recipient=youth):
        assert message.payload == {}
        assert message.status == OutboxMessage.Status.CANCELLED

    # Nothing personal is left anywhere in the database, yet every count is unchanged.
    everything = dump()
    for key, value in PERSONAL.items():
        assert value not in everything, key
    # Same rows; what the youth held is given back: the active placement ended early and the
    # seat at the coming event went to the waitlist.
    expected = {
        **before,
        "placements": sorted(
            ("ended_early" if status == "active" else status, hours, start)
            for status, hours, start in before["placements"]
        ),
        "signups": ["cancelled"],
    }
    assert counts(youth) == expected

    entry = AuditEntry.objects.get(action="youth.erase")
    assert entry.data == {"from": "active", "reason": "request"}
    assert entry.actor_label == f"youth:{youth.pk}"
    assert "youth.erased" in [e.type for e in published]


def test_erased_youth_exports_nothing_personal(rich, consultant):
    youth = rich["youth"]
    youth_erase(youth=youth, actor=consultant.user, now=NOW)
    text = json.dumps(youth_export(youth=youth, actor=consultant.user, now=NOW), ensure_ascii=False)
    for value in PERSONAL.values():
        assert value not in text


def test_erasing_twice_is_refused(youth, consultant):
    youth_erase(youth=youth, actor=consultant.user, now=NOW)
    erased_at = Youth.objects.get(pk=youth.pk).erased_at
    with pytest.raises(DomainError) as exc:
        youth_erase(youth=youth, actor=consultant.user, now=NOW + timedelta(days=1))
    assert exc.value.code == "invalid_state"
    assert Youth.objects.get(pk=youth.pk).erased_at == erased_at
    assert AuditEntry.objects.filter(action="youth.erase").count() == 1


def test_erasure_keeps_an_earlier_leaving_date(municipality, consultant):
    left_at = NOW - timedelta(days=100)
    youth = f.YouthFactory(municipality=municipality, status=Youth.Status.LEFT, left_at=left_at)
    youth_erase(youth=youth, actor=consultant.user, now=NOW)
    youth.refresh_from_db()
    assert (youth.left_at, youth.erased_at) == (left_at, NOW)


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        (None, True),  # the system (retention)
        ("other_youth", False),
        ("other_consultant", False),
        ("company_member", False),
    ],
)
def test_erase_permissions(request, youth, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        youth_erase(youth=youth, actor=actor)
        assert Youth.objects.get(pk=youth.pk).erased_at is not None
    else:
        with pytest.raises(DomainError) as exc:
            youth_erase(youth=youth, actor=actor)
        assert exc.value.code == "forbidden"
        youth.refresh_from_db()
        assert youth.erased_at is None and youth.first_name


# --- consent -----------------------------------------------------------------------------------


def test_consent_give_records_a_new_version(
    youth, published, django_capture_on_commit_callbacks, settings
):
    settings.NEXTWORK_CONSENT_VERSION = "2027-1"
    with django_capture_on_commit_callbacks(execute=True):
        consent_give(youth=youth, actor=youth, version="2027-1", now=NOW)
    youth.refresh_from_db()
    assert (youth.consent_version, youth.consent_at) == ("2027-1", NOW)
    assert AuditEntry.objects.get(action="youth.consent").data == {"from": "2026-1", "to": "2027-1"}
    assert [e.type for e in published] == ["youth.consented"]


def test_consent_give_refuses_empty_version_and_erased_youth(youth, municipality):
    with pytest.raises(DomainError) as exc:
        consent_give(youth=youth, actor=youth, version=" ")
    assert exc.value.code == "consent_required"
    erased = f.YouthFactory(
        municipality=municipality,
        first_name="",
        birth_date=None,
        erased_at=NOW,
        status=Youth.Status.LEFT,
        telegram_user_id=None,
        consent_at=None,
        consent_version="",
    )
    with pytest.raises(DomainError) as exc:
        consent_give(youth=erased, actor=erased, version="2026-1")
    assert exc.value.code == "invalid_state"
    erased.refresh_from_db()
    assert erased.consent_at is None


def test_consent_withdraw_erases(youth):
    consent_withdraw(youth=youth, actor=youth, now=NOW)
    youth.refresh_from_db()
    assert youth.erased_at == NOW and youth.consent_at is None and youth.first_name == ""
    assert AuditEntry.objects.get(action="youth.erase").data["reason"] == "consent_withdrawn"


def test_consent_withdraw_for_someone_else_is_refused(youth, other_youth):
    with pytest.raises(DomainError) as exc:
        consent_withdraw(youth=youth, actor=other_youth)
    assert exc.value.code == "forbidden"


# --- retention ---------------------------------------------------------------------------------


@pytest.fixture
def leavers(municipality, settings):
    settings.NEXTWORK_RETENTION_DAYS = 730
    now = timezone.now()

    def left(days, **extra):
        return f.YouthFactory(
            municipality=municipality,
            status=Youth.Status.LEFT,
            left_at=now - timedelta(days=days),
            **extra,
        )

    return {
        "expired": left(731),
        "also_expired": left(1000),
        "recent": left(729),
        "already_erased": left(
            900,
            first_name="",
            birth_date=None,
            erased_at=now - timedelta(days=100),
            telegram_user_id=None,
        ),
        "active": f.YouthFactory(municipality=municipality),
    }


def test_youth_purge_expired_erases_only_those_past_retention(leavers):
    assert youth_purge_expired() == 2
    for name, youth in leavers.items():
        youth.refresh_from_db()
        if name in ("expired", "also_expired"):
            assert youth.erased_at is not None and youth.first_name == ""
        elif name != "already_erased":
            assert youth.erased_at is None and youth.first_name
    entries = AuditEntry.objects.filter(action="youth.erase")
    assert entries.count() == 2
    assert all(e.actor_label == "system" and e.data["reason"] == "retention" for e in entries)
    assert youth_purge_expired() == 0


def test_youth_purge_expired_takes_retention_days(leavers):
    assert youth_purge_expired(retention_days=728, dry_run=True) == 3
    assert youth_purge_expired(retention_days=728) == 3


def test_purge_command_prints_the_count(leavers):
    out = io.StringIO()
    call_command("purge_expired_youth", "--dry-run", stdout=out)
    assert "2 youth would be erased" in out.getvalue()
    assert (
        not Youth.objects.filter(erased_at__isnull=False)
        .exclude(pk=leavers["already_erased"].pk)
        .exists()
    )

    out = io.StringIO()
    call_command("purge_expired_youth", stdout=out)
    assert "2 youth erased" in out.getvalue()
    leavers["expired"].refresh_from_db()
    assert leavers["expired"].erased_at is not None

    out = io.StringIO()
    call_command("purge_expired_youth", "--retention-days", "0", stdout=out)
    assert "1 youth erased" in out.getvalue()  # the one who left 729 days ago
