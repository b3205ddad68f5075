"""Weekly check-ins and the anonymised experiences other youth see on a slot card."""

from datetime import UTC, date, datetime
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, CheckIn, FollowUpNote, Interest, OutboxMessage, Placement
from domain.selectors.placements import checkins_for_placement, shared_experiences_for_company
from domain.services import checkins as checkin_services
from domain.services.checkins import checkin_set_shared, checkin_submit
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # Friday 14:30 in Copenhagen
MONDAY = date(2026, 11, 23)
Status = Placement.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


MODELS = (Interest, Placement, OutboxMessage, AuditEntry, CheckIn, FollowUpNote)
refused = partial(helpers.refused, models=MODELS)


@pytest.fixture
def active(youth, slot):
    return f.PlacementFactory(youth=youth, slot=slot, status=Status.ACTIVE, start_date=MONDAY)


# --- submit ---------------------------------------------------------------------------------------


def test_checkin_submit_records_this_weeks_answer_and_announces_it(
    youth, slot, active, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            placement=active, actor=youth, score=4, text="  Søde kolleger ", share=True
        )
    assert (checkin.week, checkin.score, checkin.text, checkin.shared) == (
        MONDAY,
        4,
        "Søde kolleger",
        True,
    )
    assert checkin.created_at == NOW
    assert [e.data for e in published if e.type == "checkin.created"] == [
        {
            "id": checkin.pk,
            "municipality_id": youth.municipality_id,
            # no company_id: companies never see check-ins
            "youth_id": youth.pk,
            "placement_id": active.pk,
        }
    ]


def test_checkin_submit_without_a_sentence_is_never_shared(youth, active):
    checkin = checkin_submit(placement=active, actor=youth, score=2, share=True)
    assert (checkin.text, checkin.shared) == ("", False)


def test_checkin_submit_is_private_unless_the_youth_chooses_to_share(youth, active):
    checkin = checkin_submit(placement=active, actor=youth, score=5, text="Fedt")
    assert checkin.shared is False


def test_checkin_submit_once_per_week(youth, active):
    checkin_submit(placement=active, actor=youth, score=3)
    refused("conflict", lambda: checkin_submit(placement=active, actor=youth, score=4))
    # Sunday 23:30 local is still the same week; Monday 00:00 local is the next.
    refused(
        "conflict",
        lambda: checkin_submit(
            placement=active, actor=youth, score=4, now=datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
        ),
    )
    next_week = checkin_submit(
        placement=active, actor=youth, score=4, now=datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    )
    assert next_week.week == date(2026, 11, 30)


def test_checkin_submit_turns_a_double_tap_race_into_a_conflict(youth, active, monkeypatch):
    """The twin answer committed between our check and our insert."""
    f.CheckInFactory(placement=active, week=MONDAY)
    monkeypatch.setattr(checkin_services, "_checked_in", lambda *args: False)
    refused("conflict", lambda: checkin_submit(placement=active, actor=youth, score=4))


@pytest.mark.parametrize("score", [0, 6, -1, True, "3", 3.0, None])
def test_checkin_submit_score_from_1_to_5(youth, active, score):
    refused(
        "score_out_of_range",
        lambda: checkin_submit(placement=active, actor=youth, score=score),
        field="score",
    )


@pytest.mark.parametrize("score", [1, 5])
def test_checkin_submit_accepts_the_score_bounds(youth, active, score):
    assert checkin_submit(placement=active, actor=youth, score=score).score == score


def test_checkin_submit_limits_the_sentence(youth, active):
    refused(
        "text_too_long",
        lambda: checkin_submit(placement=active, actor=youth, score=3, text="x" * 501),
        field="text",
    )
    assert len(checkin_submit(placement=active, actor=youth, score=3, text="x" * 500).text) == 500


@pytest.mark.parametrize("status", [s for s in Status if s != Status.ACTIVE])
def test_checkin_submit_only_during_an_active_placement(youth, slot, status):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=status, reject_reason="n")
    refused("invalid_state", lambda: checkin_submit(placement=placement, actor=youth, score=3))


@pytest.mark.parametrize(
    "role",
    [
        "other_youth",
        "own_company",
        "other_company",
        "own_consultant",
        "other_consultant",
        "admin",
        "system",
    ],
)
def test_checkin_submit_only_by_the_placements_youth(active, actor_of, role):
    actor = actor_of(role)
    refused("forbidden", lambda: checkin_submit(placement=active, actor=actor, score=3))


# --- sharing --------------------------------------------------------------------------------------


def test_checkin_set_shared_toggles_one_sentence(
    youth, active, published, django_capture_on_commit_callbacks
):
    checkin = checkin_submit(placement=active, actor=youth, score=4, text="Godt")
    with django_capture_on_commit_callbacks(execute=True):
        checkin_set_shared(checkin=checkin, actor=youth, shared=True)
    assert CheckIn.objects.get(pk=checkin.pk).shared is True
    assert [e.data["id"] for e in published if e.type == "checkin.updated"] == [checkin.pk]
    checkin_set_shared(checkin=checkin, actor=youth, shared=False)
    assert CheckIn.objects.get(pk=checkin.pk).shared is False


def test_checkin_set_shared_after_the_placement_ended(youth, slot):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=Status.COMPLETED)
    checkin = f.CheckInFactory(placement=placement, shared=True)
    checkin_set_shared(checkin=checkin, actor=youth, shared=False)
    assert CheckIn.objects.get(pk=checkin.pk).shared is False


def test_checkin_set_shared_refuses_a_check_in_without_a_sentence(youth, active):
    checkin = checkin_submit(placement=active, actor=youth, score=4)
    refused(
        "nothing_to_share",
        lambda: checkin_set_shared(checkin=checkin, actor=youth, shared=True),
        field="shared",
    )


@pytest.mark.parametrize("role", ["other_youth", "own_company", "own_consultant", "admin"])
def test_checkin_set_shared_only_by_the_youth(active, actor_of, role):
    checkin = f.CheckInFactory(placement=active)
    actor = actor_of(role)
    refused("forbidden", lambda: checkin_set_shared(checkin=checkin, actor=actor, shared=True))


# --- selectors ------------------------------------------------------------------------------------


def test_shared_experiences_show_only_consented_shared_sentences_anonymised(
    municipality, company, slot, other_company
):
    def checkin(*, text="Godt sted", shared=True, consents=True, erased=False, slot=slot, week):
        youth = f.YouthFactory(
            municipality=municipality,
            share_experiences=consents,
            first_name="Navn",
            erased_at=NOW if erased else None,
        )
        placement = f.PlacementFactory(youth=youth, slot=slot, status=Status.COMPLETED)
        return f.CheckInFactory(placement=placement, text=text, shared=shared, week=week, score=4)

    checkin(text="Nyeste", week=date(2026, 11, 16))
    checkin(text="Ældre", week=date(2026, 11, 2))
    checkin(text="Privat", shared=False, week=date(2026, 11, 16))
    checkin(text="Samtykke trukket", consents=False, week=date(2026, 11, 16))
    checkin(text="Slettet", erased=True, week=date(2026, 11, 16))
    checkin(text="", week=date(2026, 11, 16))
    checkin(text="Anden virksomhed", slot=f.SlotFactory(company=other_company), week=MONDAY)

    shown = shared_experiences_for_company(company=company)
    assert shown == [
        {"text": "Nyeste", "score": 4, "week": date(2026, 11, 16)},
        {"text": "Ældre", "score": 4, "week": date(2026, 11, 2)},
    ]
    assert shared_experiences_for_company(company=company, limit=1) == shown[:1]


def test_shared_experiences_show_nothing_until_two_different_youth_share(
    municipality, company, slot
):
    """The privacy threshold lives in the selector, so no slot card (the bot's, or the
    company's own page) can show the sentence of the only youth who shared one."""

    def author(consents=True):
        youth = f.YouthFactory(municipality=municipality, share_experiences=consents)
        return f.PlacementFactory(youth=youth, slot=slot, status=Status.COMPLETED)

    first = author()
    for week, text in ((date(2026, 11, 2), "En"), (date(2026, 11, 9), "To")):
        f.CheckInFactory(placement=first, text=text, shared=True, week=week)
    f.CheckInFactory(placement=author(consents=False), text="Uden samtykke", shared=True)
    # Several sentences, or a second youth who does not consent, are still one author.
    assert shared_experiences_for_company(company=company) == []

    second = author()
    f.CheckInFactory(placement=second, text="Tre", shared=True, week=date(2026, 11, 16))
    assert [row["text"] for row in shared_experiences_for_company(company=company)] == [
        "Tre",
        "To",
        "En",
    ]

    second.youth.share_experiences = False
    second.youth.save(update_fields=["share_experiences"])
    assert shared_experiences_for_company(company=company) == []


def test_shared_experiences_is_one_query(company, slot, municipality, django_assert_num_queries):
    for week in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)):
        youth = f.YouthFactory(municipality=municipality, share_experiences=True)
        placement = f.PlacementFactory(youth=youth, slot=slot, status=Status.COMPLETED)
        f.CheckInFactory(placement=placement, shared=True, week=week)
    with django_assert_num_queries(1):
        assert len(shared_experiences_for_company(company=company)) == 3


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("own_consultant", True),
        ("admin", True),
        ("other_consultant", False),
        ("own_company", False),
        ("youth_self", False),
        ("system", False),
    ],
)
def test_checkins_for_placement_for_the_youths_consultants_only(active, actor_of, role, allowed):
    checkin = f.CheckInFactory(placement=active)
    user = actor_of(role)
    if allowed:
        assert list(checkins_for_placement(user=user, placement=active)) == [checkin]
    else:
        with pytest.raises(DomainError) as info:
            checkins_for_placement(user=user, placement=active)
        assert info.value.code == "not_found"
