"""DomainError's kind: every code the project raises has one, found in the source itself, so a
new code cannot silently get the wrong answer; ``invalid_state`` is one helper."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from domain.exceptions import KINDS, DomainError, Kind, invalid_state
from domain.models import MatchEvent, Slot
from domain.services.events import event_update
from domain.services.privacy import youth_erase
from domain.services.slots import slot_publish
from domain.services.youth import youth_update
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
# Every package that may raise a DomainError (the domain and the interfaces).
PACKAGES = ("domain", "api", "portal", "bot", "worker")


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _code_argument(call: ast.Call) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == "code"), None)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    return {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}


def _calls_with_their_function(tree: ast.AST):
    """(call, the parameters of the function the call is in) for every call in ``tree``."""

    def walk(node: ast.AST, parameters: set[str]):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from walk(child, _parameters(child))
                continue
            if isinstance(child, ast.Call):
                yield child, parameters
            yield from walk(child, parameters)

    yield from walk(tree, set())


def _scan() -> tuple[dict[str, str], list[str]]:
    """The codes the source raises ({code: first place}) and the places whose code is not
    known from the source.

    A code is raised where ``code="…"`` is given to ``DomainError`` (no ``code`` at all is the
    default ``"invalid"``), or to a helper that hands its own ``code`` parameter on to one
    (``slots._int``, ``invites._error``, …)."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    forwarders: set[str] = set()
    for tree in trees.values():
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _called_name(call) == "DomainError":
                    value = _code_argument(call)
                    if isinstance(value, ast.Name) and value.id in _parameters(function):
                        forwarders.add(function.name)
    codes: dict[str, str] = {}
    unknown: list[str] = []
    for path, tree in trees.items():
        for call, parameters in _calls_with_their_function(tree):
            name = _called_name(call)
            if name != "DomainError" and name not in forwarders:
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            value = _code_argument(call)
            if value is None:
                if name == "DomainError":
                    codes.setdefault("invalid", where)
            elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                codes.setdefault(value.value, where)
            elif not (isinstance(value, ast.Name) and value.id in parameters):
                unknown.append(where)
    return codes, unknown


RAISED, UNKNOWN = _scan()


def test_the_scan_finds_codes_raised_directly_and_through_helpers():
    # A guard on the scan: codes raised in each way it must see.
    assert {
        "not_found",  # domain/locking.py, domain/policy.py
        "busy",  # domain/locking.py
        "invalid_state",  # domain.exceptions.invalid_state
        "hours_out_of_range",  # DomainError(code=…) in a service
        "seats_out_of_range",  # only through slots._int(code=…)
        "invite_used",  # only through invites._error(code=…)
        "municipality_invalid",  # raised by an API view, not the domain
    } <= set(RAISED)


def test_every_code_comes_from_the_source_as_written():
    """A code built at run time (``code=some_variable``) could not be checked here."""
    assert UNKNOWN == []


@pytest.mark.parametrize("code", sorted(RAISED))
def test_every_raised_code_has_a_kind(code):
    error = DomainError("x", code=code)
    assert error.kind is KINDS[code]
    assert error.kind in Kind


def test_every_code_with_a_kind_is_still_raised():
    """KINDS lists the codes in use (the API's clients read them), no more."""
    assert sorted(set(KINDS) - set(RAISED)) == []


def test_a_code_without_a_kind_is_refused_when_the_error_is_built():
    with pytest.raises(LookupError, match="'slot_on_fire' has no kind"):
        DomainError("x", code="slot_on_fire")


def test_the_default_code_is_bad_input():
    error = DomainError("x")
    assert (error.code, error.kind) == ("invalid", Kind.INVALID)


def test_the_kind_follows_the_registry(monkeypatch):
    monkeypatch.setitem(KINDS, "slot_on_fire", Kind.CONFLICT)
    assert DomainError("x", code="slot_on_fire").kind == Kind.CONFLICT


def test_invalid_state_is_a_conflict_with_the_given_message():
    error = invalid_state("Only a draft event can be published.")
    assert (error.code, error.kind, error.field) == ("invalid_state", Kind.CONFLICT, None)
    assert str(error) == "Only a draft event can be published."


def _refusal(call) -> tuple[str, str]:
    """The English and Danish message of the state refusal ``call`` raises."""
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.kind) == ("invalid_state", Kind.CONFLICT)
    with translation.override("en"):
        english = str(info.value.message)
    with translation.override("da"):
        return english, str(info.value.message)


# The services that refuse a transition without a reason of its own kept their wording (and with
# it their translations) when each module's ``_invalid_state`` became the one helper.


@pytest.mark.django_db
def test_a_slot_refuses_with_the_slots_text(company_member):
    slot = f.SlotFactory(company=company_member.company, status=Slot.Status.CLOSED)
    assert _refusal(lambda: slot_publish(slot=slot, actor=company_member.user)) == (
        "This cannot be done in the slot's current state.",
        "Det kan ikke lade sig gøre, som praktikpladsen står nu.",
    )


@pytest.mark.django_db
def test_an_event_refuses_with_the_events_text(municipality, consultant):
    event = f.EventFactory(municipality=municipality, status=MatchEvent.Status.CANCELLED)
    assert _refusal(lambda: event_update(event=event, actor=consultant.user, title="New")) == (
        "This cannot be done to the event now.",
        "Det kan ikke lade sig gøre for matchdagen lige nu.",
    )


@pytest.mark.django_db
def test_a_young_person_refuses_with_the_young_persons_text(youth, consultant):
    youth_erase(youth=youth, actor=consultant.user)
    for call in (
        lambda: youth_erase(youth=youth, actor=consultant.user),  # domain/services/privacy.py
        lambda: youth_update(youth=youth, actor=consultant.user, first_name="Back"),  # youth.py
    ):
        assert _refusal(call) == (
            "This cannot be done in the young person's current state.",
            "Det kan ikke lade sig gøre, som den unges status er nu.",
        )
