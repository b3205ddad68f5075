"""The Django admin: every table has a working page, change lists stay O(1) in queries, the
audit trail cannot be written, invite hashes are never shown, and rows with a lifecycle move only
through the services (as admin actions)."""

from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from domain.models import (
    Attendance,
    AuditEntry,
    CalendarFeed,
    CheckIn,
    Company,
    CompanyMember,
    CompanySignup,
    Consultant,
    Draw,
    EmailPreferences,
    FollowUp,
    FollowUpNote,
    GroupSchedule,
    Interest,
    Invite,
    MatchEvent,
    Meeting,
    MunicipalIdentity,
    Municipality,
    MunicipalSignIn,
    NetworkGroup,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Referral,
    Sector,
    Slot,
    Study,
    Youth,
    YouthMessage,
    YouthSignup,
)
from tests import factories as f

PORTAL_MODELS = sorted(apps.get_app_config("portal").get_models(), key=lambda m: m.__name__)
# Reference data a superuser may add by hand; every other row is born in a service.
ADDABLE = {Municipality, Sector, Study, MunicipalSignIn}
INVITE_HASH = "5f" * 32
FEED_HASH = "6e" * 32


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:portal_{model._meta.model_name}_{view}", args=args)


def _outbox(recipient: Youth, subject: Model, key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        recipient=recipient,
        kind=OutboxMessage.Kind.MEETING_REMINDER,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        dedupe_key=key,
        due_at=timezone.now() + timedelta(days=1),
    )


@pytest.fixture
def one_of_each(municipality, consultant, company, company_member, slot) -> dict:
    """One row of every portal table, linked the way the services would link them."""
    now = timezone.now()
    group = f.GroupFactory(municipality=municipality)
    group.facilitators.add(consultant)
    youth = f.YouthFactory(municipality=municipality, contact_consultant=consultant, group=group)
    interest = f.InterestFactory(youth=youth, slot=slot)
    placement = f.PlacementFactory(youth=youth, slot=slot, interest=interest)
    meeting = f.MeetingFactory(group=group)
    event = f.EventFactory(municipality=municipality)
    company_signup = CompanySignup.objects.create(event=event, company=company, created_at=now)
    company_signup.slots.add(slot)
    return {
        Municipality: municipality,
        Sector: f.sector(),
        Company: company,
        NetworkMembership: company.memberships.get(),
        CompanyMember: company_member,
        Consultant: consultant,
        Youth: youth,
        Study: Study.objects.create(name="Opfølgning 2027"),
        FollowUp: FollowUp.objects.create(youth=youth, months=3, due_at=now),
        Invite: Invite.objects.create(
            youth=youth, token_hash=INVITE_HASH, expires_at=now + timedelta(days=14)
        ),
        Slot: slot,
        Interest: interest,
        Placement: placement,
        CheckIn: CheckIn.objects.create(
            placement=placement, week=date(2026, 11, 16), score=4, text="Godt.", created_at=now
        ),
        FollowUpNote: FollowUpNote.objects.create(
            placement=placement,
            author=consultant.user,
            text="Mødte kontaktpersonen.",
            created_at=now,
        ),
        NetworkGroup: group,
        GroupSchedule: GroupSchedule.objects.create(
            group=group, weekday=1, start_time=time(15), place="Ungehuset", starts_on=f.TODAY
        ),
        Meeting: meeting,
        Attendance: Attendance.objects.create(
            meeting=meeting, youth=youth, status=Attendance.Status.PRESENT, recorded_at=now
        ),
        MatchEvent: event,
        CompanySignup: company_signup,
        YouthSignup: YouthSignup.objects.create(
            event=event,
            youth=youth,
            status=YouthSignup.Status.CONFIRMED,
            sequence=1,
            created_at=now,
        ),
        OutboxMessage: _outbox(youth, meeting, "meeting_reminder:test"),
        EmailPreferences: EmailPreferences.objects.create(user=company_member.user),
        YouthMessage: f.YouthMessageFactory(youth=youth, author=consultant.user),
        CalendarFeed: CalendarFeed.objects.create(
            user=company_member.user, token_hash=FEED_HASH, created_at=now
        ),
        MunicipalSignIn: (
            sign_in := MunicipalSignIn.objects.create(
                municipality=municipality,
                issuer="https://login.example.dk",
                client_id="nextwork",
                client_secret="s3cret",
            )
        ),
        MunicipalIdentity: MunicipalIdentity.objects.create(
            sign_in=sign_in, subject="abc-123", user=consultant.user, created_at=now
        ),
        Draw: (draw := f.DrawFactory(municipality=municipality)),
        Referral: f.ReferralFactory(municipality=municipality, draw=draw, arm="usual"),
        AuditEntry: AuditEntry.objects.create(
            actor_label="system",
            action="placement.approve",
            target_type="placement",
            target_id=placement.pk,
            municipality=municipality,
            data={"status": "approved"},
            created_at=now,
        ),
    }


def test_every_portal_model_is_registered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "portal"}
    assert registered == set(PORTAL_MODELS)


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_each_models_admin_lives_in_the_module_named_like_its_models_module(model):
    # portal/admin/ follows domain/models/: Youth (domain.models.youth) → portal.admin.youth.
    models_module = model.__module__.rpartition(".")[2]
    assert type(admin.site._registry[model]).__module__ == f"portal.admin.{models_module}"


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_changelist_renders_and_searches(admin_client, one_of_each, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_change_page_renders(admin_client, one_of_each, model):
    obj = one_of_each[model]
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_add_page_renders_only_for_reference_data(admin_client, db, model):
    response = admin_client.get(_url(model, "add"))
    assert response.status_code == (200 if model in ADDABLE else 403)


def test_audit_entries_cannot_be_added_changed_or_deleted_even_by_a_superuser(
    admin_client, one_of_each
):
    entry = one_of_each[AuditEntry]

    changelist = admin_client.get(_url(AuditEntry, "changelist"))
    assert _url(AuditEntry, "add") not in changelist.content.decode()
    assert "delete_selected" not in changelist.content.decode()
    assert admin_client.get(_url(AuditEntry, "add")).status_code == 403
    assert admin_client.get(_url(AuditEntry, "delete", entry.pk)).status_code == 403
    response = admin_client.post(
        _url(AuditEntry, "change", entry.pk), {"action": "forged", "actor_label": "x"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        _url(AuditEntry, "changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert (entry.action, AuditEntry.objects.count()) == ("placement.approve", 1)


def test_audit_entry_page_is_read_only(admin_client, one_of_each):
    entry = one_of_each[AuditEntry]
    page = admin_client.get(_url(AuditEntry, "change", entry.pk)).content.decode()
    assert "placement.approve" in page
    assert 'name="_save"' not in page


def test_invite_hash_is_never_shown(admin_client, one_of_each):
    invite = one_of_each[Invite]
    pages = [
        admin_client.get(_url(Invite, "changelist")),
        admin_client.get(_url(Invite, "change", invite.pk)),
    ]
    for page in pages:
        assert page.status_code == 200
        assert INVITE_HASH not in page.content.decode()
    assert "token_hash" not in pages[1].content.decode()
    # Nor can the hash be probed through the search box.
    found = admin_client.get(_url(Invite, "changelist"), {"q": INVITE_HASH}).context["cl"]
    assert list(found.result_list) == []


def test_outbox_delivery_state_cannot_be_edited_but_the_due_time_can(admin_client, one_of_each):
    message = one_of_each[OutboxMessage]
    response = admin_client.post(
        _url(OutboxMessage, "change", message.pk),
        {
            "due_at_0": "2026-12-01",
            "due_at_1": "09:00:00",
            "expires_at_0": "",
            "expires_at_1": "",
            "status": OutboxMessage.Status.SENT,
            "attempts": "3",
        },
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0
    assert timezone.localtime(message.due_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 09:00"


def test_moving_an_outbox_message_keeps_what_the_worker_did_meanwhile(
    admin_client, one_of_each, monkeypatch
):
    """The worker sends the message while the admin's save is under way: the save writes the
    new time and leaves the row sent."""
    message = one_of_each[OutboxMessage]
    model_admin = admin.site._registry[OutboxMessage]
    read = type(model_admin).get_object

    def read_then_sent(self, request, object_id, from_field=None):
        obj = read(self, request, object_id, from_field)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.SENT, attempts=1, telegram_message_id=77
        )
        return obj

    monkeypatch.setattr(type(model_admin), "get_object", read_then_sent)
    response = admin_client.post(
        _url(OutboxMessage, "change", message.pk),
        {"due_at_0": "2026-12-01", "due_at_1": "09:00:00", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts, message.telegram_message_id) == (
        OutboxMessage.Status.SENT,
        1,
        77,
    )
    assert timezone.localtime(message.due_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 09:00"


def test_service_born_rows_cannot_be_deleted(admin_client, one_of_each):
    placement = one_of_each[Placement]
    assert admin_client.get(_url(Placement, "delete", placement.pk)).status_code == 403
    admin_client.post(
        _url(Placement, "changelist"),
        {"action": "delete_selected", "_selected_action": [placement.pk], "post": "yes"},
    )
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_lifecycle_fields_are_read_only_but_the_plain_text_is_not(admin_client, one_of_each):
    slot = one_of_each[Slot]
    response = admin_client.post(
        _url(Slot, "change", slot.pk),
        {
            "title": "Ny titel",
            "description": slot.description,
            "kind": slot.kind,
            "sector": slot.sector_id,
            "address": slot.address,
            "postcode": slot.postcode,
            "hours_min": slot.hours_min,
            "hours_max": slot.hours_max,
            "earliest_start": slot.earliest_start.isoformat(),
            "end_date": "",
            "status": Slot.Status.CLOSED,
            "seats": 9,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    slot.refresh_from_db()
    assert slot.title == "Ny titel"
    assert (slot.status, slot.seats) == (Slot.Status.OPEN, 3)


def test_view_only_rows_show_without_a_save_button(admin_client, one_of_each):
    page = admin_client.get(_url(Placement, "change", one_of_each[Placement].pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def _run_action(admin_client, model, action: str, *objs) -> list[str]:
    response = admin_client.post(
        _url(model, "changelist"),
        {"action": action, "_selected_action": [o.pk for o in objs]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_admin_approval_goes_through_the_service_and_is_audited(admin_client, admin_user, slot):
    placement = f.PlacementFactory(slot=slot, youth=f.YouthFactory())
    notes = _run_action(admin_client, Placement, "placement_approve", placement)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.APPROVED
    entry = AuditEntry.objects.get(action="placement.approve")
    assert (entry.actor, entry.target_id) == (admin_user, placement.pk)
    assert notes == ["1 række er klaret."]


def test_admin_action_reports_the_services_refusal_and_changes_nothing(admin_client, company):
    full = f.SlotFactory(company=company, seats=1)
    f.PlacementFactory(slot=full, youth=f.YouthFactory(), status=Placement.Status.ACTIVE)
    waiting = f.PlacementFactory(slot=full, youth=f.YouthFactory())
    notes = _run_action(admin_client, Placement, "placement_approve", waiting)
    waiting.refresh_from_db()
    assert waiting.status == Placement.Status.PROPOSED
    assert len(notes) == 1
    # The service's own message, in the request's language (Danish by default).
    assert notes[0].endswith("Alle pladser på denne praktikplads er optaget.")
    assert not AuditEntry.objects.filter(action="placement.approve").exists()


def test_slot_actions_move_slots_through_their_states(admin_client, company):
    draft = f.SlotFactory(company=company, status=Slot.Status.DRAFT, published_at=None)
    _run_action(admin_client, Slot, "slot_publish", draft)
    draft.refresh_from_db()
    assert draft.status == Slot.Status.OPEN
    _run_action(admin_client, Slot, "slot_close", draft)
    draft.refresh_from_db()
    assert draft.status == Slot.Status.CLOSED


# --- Change lists cost the same number of queries for 1 row as for 20 ---------------------------


def _new_youth() -> Youth:
    return f.YouthFactory(contact_consultant=f.ConsultantFactory(), group=f.GroupFactory())


def _new_outbox() -> OutboxMessage:
    youth = f.YouthFactory()
    return _outbox(youth, f.MeetingFactory(), f"meeting_reminder:{youth.pk}")


def _new_event() -> MatchEvent:
    event = f.EventFactory()
    YouthSignup.objects.create(
        event=event,
        youth=f.YouthFactory(),
        status=YouthSignup.Status.CONFIRMED,
        sequence=1,
        created_at=timezone.now(),
    )
    return event


ROW_MAKERS: dict[type[Model], Callable[[], Model]] = {
    Slot: f.SlotFactory,
    Youth: _new_youth,
    Placement: f.PlacementFactory,
    OutboxMessage: _new_outbox,
    Interest: f.InterestFactory,
    MatchEvent: _new_event,
    Consultant: f.ConsultantFactory,
    NetworkMembership: f.MembershipFactory,
}


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, model
):
    make = ROW_MAKERS[model]
    url = _url(model, "changelist")
    make()
    admin_client.get(url)  # warm caches (content types, session) outside the measurement
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200

    for _ in range(19):
        make()
    assert model.objects.count() == 20
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 20


def test_calendar_feed_hash_is_never_shown(admin_client, one_of_each):
    feed = one_of_each[CalendarFeed]
    for url in (_url(CalendarFeed, "changelist"), _url(CalendarFeed, "change", feed.pk)):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert FEED_HASH not in page.content.decode()
    found = admin_client.get(_url(CalendarFeed, "changelist"), {"q": FEED_HASH}).context["cl"]
    assert list(found.result_list) == []


def test_rotating_a_studys_key_is_an_audited_admin_action(admin_client, db):
    study = Study.objects.create(name="Forsøg")
    old_key = study.key
    response = admin_client.post(
        _url(Study, "changelist"),
        {"action": "study_rotate_key", "_selected_action": [study.pk]},
        follow=True,
    )
    assert response.status_code == 200
    study.refresh_from_db()
    assert study.key != old_key and study.key_rotated_at is not None
    assert AuditEntry.objects.filter(action="study.rotate_key", target_id=study.pk).exists()
    page = admin_client.get(_url(Study, "change", study.pk)).content.decode()
    assert study.key not in page


@pytest.mark.parametrize("model", [Draw, Referral], ids=lambda m: m.__name__)
def test_draws_and_referrals_are_shown_never_changed(admin_client, one_of_each, model):
    obj = one_of_each[model]
    page = admin_client.get(_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(_url(model, "change", obj.pk), {"arm": "nextwork"}).status_code == 403
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    referral = one_of_each[Referral]
    referral.refresh_from_db()
    assert referral.arm == "usual"


def test_the_intake_switch_is_set_in_the_admin_through_the_service(admin_client, municipality):
    form = {
        "name": municipality.name,
        "slug": municipality.slug,
        "timezone": "Europe/Copenhagen",
        "reminder_settings": "{}",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        "answer_reminder_days": 3,
        "answer_alert_days": 5,
        "answer_close_days": 15,
        "intake_randomised": "on",
        "intake_ratio_nextwork": 2,
        "intake_ratio_usual": 1,
    }
    response = admin_client.post(_url(Municipality, "change", municipality.pk), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    municipality.refresh_from_db()
    assert municipality.intake_randomised
    assert (municipality.intake_ratio_nextwork, municipality.intake_ratio_usual) == (2, 1)
    entry = AuditEntry.objects.get(action="municipality.configure_intake")
    assert entry.data == {"randomised": True, "ratio": [2, 1]}

    refused = admin_client.post(
        _url(Municipality, "change", municipality.pk), {**form, "intake_ratio_usual": 0}
    )
    assert refused.status_code == 200
    municipality.refresh_from_db()
    assert municipality.intake_ratio_usual == 1
