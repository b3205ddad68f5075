"""New slots come to the youth who asked: one message a day through the outbox, only slots that
suit them, quiet hours kept."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from domain.models import OutboxMessage
from domain.services.slot_alerts import slot_alerts_schedule
from domain.services.slots import slot_publish
from domain.services.youth import youth_set_preferences
from tests import factories as f

MORNING = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
EVENING = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # 20:00 in Copenhagen
Kind = OutboxMessage.Kind


@pytest.fixture
def alerted(youth):
    youth.sectors.set([f.sector("retail")])
    return youth_set_preferences(youth=youth, actor=youth, slot_alerts=True, preferred_hours=15)


def _draft(company, **fields):
    return f.SlotFactory(company=company, status="draft", published_at=None, **fields)


def _rows(youth):
    return list(OutboxMessage.objects.filter(recipient=youth, kind=Kind.NEW_SLOTS))


def test_two_slots_published_the_same_day_make_one_message_at_16(alerted, company, company_member):
    with time_machine.travel(MORNING, tick=False):
        slot_publish(slot=_draft(company, title="Kasse"), actor=company_member.user)
        slot_publish(slot=_draft(company, title="Lager"), actor=company_member.user)
    (row,) = _rows(alerted)
    assert row.status == OutboxMessage.Status.PENDING
    assert row.due_at == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 16:00 local
    assert [slot["title"] for slot in row.payload["slots"]] == ["Kasse", "Lager"]


def test_after_the_days_message_a_new_slot_waits_for_tomorrows(alerted, company, company_member):
    with time_machine.travel(MORNING, tick=False):
        slot_publish(slot=_draft(company), actor=company_member.user)
    OutboxMessage.objects.filter(recipient=alerted).update(status=OutboxMessage.Status.SENT)
    with time_machine.travel(EVENING, tick=False):
        slot_publish(slot=_draft(company), actor=company_member.user)
    rows = sorted(_rows(alerted), key=lambda r: r.due_at)
    assert len(rows) == 2
    assert rows[1].due_at - rows[0].due_at == timedelta(days=1)
    assert rows[1].status == OutboxMessage.Status.PENDING


def test_only_slots_that_suit_the_youth_and_only_when_asked(
    alerted, youth, company, company_member, municipality
):
    silent = f.YouthFactory(municipality=municipality)  # never asked
    with time_machine.travel(MORNING, tick=False):
        slot_publish(slot=_draft(company, sector=f.sector("it")), actor=company_member.user)
        slot_publish(slot=_draft(company, hours_min=25, hours_max=37), actor=company_member.user)
    assert _rows(alerted) == [] and _rows(silent) == []


def test_quiet_hours_move_the_message_out_of_the_night(
    alerted, company, company_member, municipality
):
    municipality.quiet_hours_start = datetime(2026, 1, 1, 15, 0).time()
    municipality.quiet_hours_end = datetime(2026, 1, 1, 18, 0).time()
    municipality.save()
    alerted.refresh_from_db()
    with time_machine.travel(MORNING, tick=False):
        slot_publish(slot=_draft(company), actor=company_member.user)
    (row,) = _rows(alerted)
    assert row.due_at == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # 18:00 local, after quiet


def test_turning_alerts_off_stops_new_messages(alerted, company, company_member):
    youth_set_preferences(youth=alerted, actor=alerted, slot_alerts=False)
    with time_machine.travel(MORNING, tick=False):
        slot = _draft(company)
        slot_publish(slot=slot, actor=company_member.user)
        assert slot_alerts_schedule(slot=slot) == 0
    assert _rows(alerted) == []
