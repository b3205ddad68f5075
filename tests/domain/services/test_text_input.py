"""Free text from any interface: control characters and CPR numbers never reach the database,
while real-world text (emoji, right-to-left scripts, line breaks in notes) does."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import Interest, Placement
from domain.services.checkins import checkin_submit
from domain.services.cleaning import clean_text
from domain.services.interests import interest_show
from domain.services.notes import note_create
from domain.services.youth import youth_create
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("bad", ["Ann\x00a", "Ann\x07", "Ann\x1b[31m", "Ann\nBo"])
def test_single_line_text_refuses_control_characters(bad):
    with pytest.raises(DomainError) as err:
        clean_text(bad, field="title", max_length=100)
    assert (err.value.code, err.value.field) == ("invalid_characters", "title")


@pytest.mark.parametrize(
    "good", ["Café Fjordblik 😀", "عمل في مقهى", "👩‍💻 praktik", "Tlf. 12 34 56 78", "Algade 12"]
)
def test_real_world_text_is_accepted(good):
    assert clean_text(good, field="title", max_length=100) == good


@pytest.mark.parametrize(
    "cpr", ["170505-1234", "1705051234", "17 05 05 1234", "17.05.05-1234", "1705 05 1234"]
)
def test_a_cpr_number_is_refused_in_any_text(cpr):
    with pytest.raises(DomainError) as err:
        clean_text(f"mit cpr er {cpr}", field="description", max_length=500)
    assert err.value.code == "looks_like_cpr"


@pytest.mark.parametrize("name", ["Frederikke 17-05-05-1234", "Ann 17 05 05", "Bo 170505"])
def test_a_name_with_a_long_number_is_refused(municipality, consultant, name):
    with pytest.raises(DomainError) as err:
        youth_create(
            municipality=municipality,
            actor=consultant.user,
            first_name=name,
            birth_date=date(2005, 1, 1),
        )
    assert (err.value.code, err.value.field) == ("looks_like_cpr", "first_name")


def test_an_interest_message_with_nul_or_cpr_is_refused_and_nothing_stored(youth, slot):
    for message, code in [("Hej\x00", "invalid_characters"), ("cpr 170505-1234", "looks_like_cpr")]:
        with pytest.raises(DomainError) as err:
            interest_show(youth=youth, slot=slot, actor=youth, message=message)
        assert (err.value.code, err.value.field) == (code, "message")
    assert not Interest.objects.exists()


def test_checkin_text_and_notes_are_checked_too(youth, slot, consultant):
    placement = f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.ACTIVE, start_date=date(2026, 11, 2)
    )
    with pytest.raises(DomainError) as err:
        checkin_submit(placement=placement, actor=youth, score=4, text="ok\x00")
    assert err.value.code == "invalid_characters"
    with pytest.raises(DomainError) as err:
        note_create(placement=placement, actor=consultant.user, text="CPR: 1705051234")
    assert err.value.code == "looks_like_cpr"
    note = note_create(
        placement=placement, actor=consultant.user, text="Mødet gik godt.\nNæste uge."
    )
    assert note.text == "Mødet gik godt.\nNæste uge."
