"""Follow-up notes: written and read by the youth's consultants only, never by companies."""

from datetime import UTC, datetime
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, CheckIn, FollowUpNote, Interest, OutboxMessage, Placement
from domain.selectors.placements import notes_for_placement
from domain.services.notes import note_create
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)
Status = Placement.Status

MATRIX = [
    ("youth_self", False),
    ("other_youth", False),
    ("own_company", False),
    ("other_company", False),
    ("own_consultant", True),
    ("other_consultant", False),
    ("admin", True),
    ("system", False),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


MODELS = (Interest, Placement, OutboxMessage, AuditEntry, CheckIn, FollowUpNote)
refused = partial(helpers.refused, models=MODELS)


@pytest.fixture
def placement(youth, slot):
    return f.PlacementFactory(youth=youth, slot=slot, status=Status.ACTIVE)


def test_note_create_by_the_youths_consultant(
    placement, youth, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = note_create(
            placement=placement,
            actor=consultant.user,
            text="  Mødtes med Hanne; aftalt tirsdage.  ",
            met_workplace_contact=True,
        )
    assert note.text == "Mødtes med Hanne; aftalt tirsdage."
    assert note.met_workplace_contact is True
    assert note.author == consultant.user
    assert note.created_at == NOW
    # No company_id: a note must never be routed to a company, not even as an event.
    assert [e.data for e in published if e.type == "note.created"] == [
        {
            "id": note.pk,
            "municipality_id": youth.municipality_id,
            "youth_id": youth.pk,
            "placement_id": placement.pk,
        }
    ]


@pytest.mark.parametrize(("role", "allowed"), MATRIX)
def test_note_create_permissions(placement, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        note = note_create(placement=placement, actor=actor, text="Opfølgning")
        assert FollowUpNote.objects.get(pk=note.pk).placement == placement
    else:
        refused("forbidden", lambda: note_create(placement=placement, actor=actor, text="Hej"))


@pytest.mark.parametrize("status", list(Status))
def test_note_create_on_a_placement_in_any_state(youth, slot, consultant, status):
    placement = f.PlacementFactory(youth=youth, slot=slot, status=status, reject_reason="n")
    assert note_create(placement=placement, actor=consultant.user, text="Noteret").pk


@pytest.mark.parametrize(
    ("text", "code"), [("", "text_required"), ("   \n ", "text_required"), (None, "text_required")]
)
def test_note_create_requires_text(placement, consultant, text, code):
    refused(
        code,
        lambda: note_create(placement=placement, actor=consultant.user, text=text),
        field="text",
    )


def test_note_create_limits_the_text_to_5000_characters(placement, consultant):
    refused(
        "text_too_long",
        lambda: note_create(placement=placement, actor=consultant.user, text="x" * 5001),
        field="text",
    )
    note = note_create(placement=placement, actor=consultant.user, text="x" * 5000)
    assert len(note.text) == 5000


@pytest.mark.parametrize(("role", "allowed"), MATRIX)
def test_notes_for_placement_are_invisible_to_everyone_but_the_youths_consultants(
    placement, actor_of, role, allowed
):
    note = f.FollowUpNoteFactory(placement=placement)
    user = actor_of(role)
    if allowed:
        assert list(notes_for_placement(user=user, placement=placement)) == [note]
    else:
        # "not found" rather than "forbidden": a company must not learn that notes exist.
        with pytest.raises(DomainError) as info:
            notes_for_placement(user=user, placement=placement)
        assert info.value.code == "not_found"


def test_notes_for_placement_newest_first_in_one_query(
    placement, consultant, django_assert_num_queries
):
    older = f.FollowUpNoteFactory(placement=placement, created_at=datetime(2026, 11, 2, tzinfo=UTC))
    newer = f.FollowUpNoteFactory(placement=placement, created_at=datetime(2026, 11, 9, tzinfo=UTC))
    f.FollowUpNoteFactory()  # another placement's note
    user = consultant.user
    # As an interface has it: fetched through a selector, with its youth.
    placement = Placement.objects.select_related("youth").get(pk=placement.pk)
    with django_assert_num_queries(1):
        notes = list(notes_for_placement(user=user, placement=placement))
        assert [n.author.username for n in notes] == [newer.author.username, older.author.username]
    assert notes == [newer, older]
