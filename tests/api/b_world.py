"""The objects the events, groups and placements tests act on, in both municipalities.

``build(world)`` adds to the shared API world (X = Roskilde with company A, Y = Vejle with
company B) one of each thing in each municipality, in the states the actions start from. The
``…_x`` objects belong to X / company A, the ``…_y`` ones to Y / company B.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from domain.models import MatchEvent, Placement
from domain.services.signups import company_signup, youth_signup
from tests import factories as f


def _side(world, municipality, company, consultant, tag: str) -> SimpleNamespace:
    now = timezone.now()
    today = timezone.localdate()
    youth = f.YouthFactory(
        municipality=municipality, first_name=f"Ung{tag}", telegram_username=f"ung_{tag.lower()}"
    )
    youth2 = f.YouthFactory(municipality=municipality, first_name=f"Anden{tag}")
    youth3 = f.YouthFactory(municipality=municipality, first_name=f"Tredje{tag}")
    slots = [f.SlotFactory(company=company, seats=5, postcode=company.postcode) for _ in range(4)]
    event = f.EventFactory(municipality=municipality, title=f"Matchdag {tag}")
    free_event = f.EventFactory(municipality=municipality, title=f"Ledig matchdag {tag}")
    draft_event = f.EventFactory(municipality=municipality, status=MatchEvent.Status.DRAFT)
    started_event = f.EventFactory(
        municipality=municipality,
        starts_at=now - timedelta(hours=1),
        signup_deadline=now - timedelta(hours=2),
    )
    company_signup_ = company_signup(event=event, company=company, actor=None, slot_ids=[])
    youth_signup_ = youth_signup(event=event, youth=youth, actor=None)
    door_signup = youth_signup(
        event=started_event, youth=youth, actor=None, now=now - timedelta(hours=3)
    )
    group = f.GroupFactory(municipality=municipality, name=f"Gruppe {tag}")
    group.facilitators.add(consultant)
    member = f.YouthFactory(municipality=municipality, group=group, first_name=f"Medlem{tag}")
    meeting = f.MeetingFactory(group=group)
    interest = f.InterestFactory(youth=youth, slot=slots[0], message="Jeg kan lide at bage.")
    accepted = f.AcceptedInterestFactory(youth=youth3, slot=slots[3])
    proposed = f.PlacementFactory(youth=youth, slot=slots[1])
    approved = f.PlacementFactory(
        youth=youth2, slot=slots[1], status=Placement.Status.APPROVED, start_date=today
    )
    active = f.PlacementFactory(
        youth=youth3,
        slot=slots[2],
        status=Placement.Status.ACTIVE,
        start_date=today - timedelta(days=14),
        started_at=now - timedelta(days=14),
    )
    checkin = f.CheckInFactory(placement=proposed)
    note = f.FollowUpNoteFactory(placement=proposed, author=consultant.user)
    return SimpleNamespace(
        youth=youth,
        youth2=youth2,
        youth3=youth3,
        member=member,
        slots=slots,
        event=event,
        free_event=free_event,
        draft_event=draft_event,
        started_event=started_event,
        company_signup=company_signup_,
        youth_signup=youth_signup_,
        door_signup=door_signup,
        group=group,
        meeting=meeting,
        interest=interest,
        accepted=accepted,
        proposed=proposed,
        approved=approved,
        active=active,
        checkin=checkin,
        note=note,
    )


def build(world) -> SimpleNamespace:
    return SimpleNamespace(
        x=_side(world, world.x, world.company_a, world.consultant_x, "X"),
        y=_side(world, world.y, world.company_b, world.consultant_y, "Y"),
    )


# --- the permission matrix, cell by cell ---------------------------------------------------------


def anonymous_status() -> int:
    """401 when the first authentication class names a scheme (tokens), else 403 (DRF answers
    an unauthenticated caller by the first class: session authentication has no header)."""
    from rest_framework.settings import api_settings

    first = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()
    return 401 if first.authenticate_header(None) else 403


def allowed(**by_role: int) -> dict[str, int]:
    """The expected status for every role: the anonymous caller is refused by authentication
    and a user without a role by the role check, unless said otherwise."""
    return {"anonymous": anonymous_status(), "norole": 403, **by_role}


def staff_only(ok: int, *, other_consultant: int = 404) -> dict[str, int]:
    """Consultants of X and admins may; company members are refused by role (403, before any
    object is looked up); the consultant of Y may not know X's object (404)."""
    return allowed(
        member_a=403, member_b=403, consultant_x=ok, consultant_y=other_consultant, admin=ok
    )


def company_a_and_staff(ok: int) -> dict[str, int]:
    """Company A's member, X's consultant and admins; B's member and Y's consultant may not
    know the object (404)."""
    return allowed(member_a=ok, member_b=404, consultant_x=ok, consultant_y=404, admin=ok)


def everyone(ok: int = 200) -> dict[str, int]:
    return allowed(member_a=ok, member_b=ok, consultant_x=ok, consultant_y=ok, admin=ok)


def expand(cases: list[tuple]) -> list:
    """(name, method, path, body, statuses) → one pytest param per role."""
    import pytest

    return [
        pytest.param(method, path, body, role, status, id=f"{name}-{role}")
        for name, method, path, body, statuses in cases
        for role, status in statuses.items()
    ]


def call(client, method: str, path: str, body: dict | None):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body or {}, format="json")


# --- query counts ---------------------------------------------------------------------------------


def assert_same_queries_for_1_and_50(client, path: str, make, django_assert_max_num_queries):
    """``make(n)`` adds n rows to the list at ``path``; the page of 50 costs no more queries
    than the page of 1 (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(1)
    with CaptureQueriesContext(connection) as one:
        first = client.get(path, {"page_size": 100})
    assert first.status_code == 200, first.content[:400]
    assert first.json()["count"] >= 1
    make(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        fifty = client.get(path, {"page_size": 100})
    assert fifty.status_code == 200
    assert fifty.json()["count"] == first.json()["count"] + 49


# --- invalid input --------------------------------------------------------------------------------


def tables():
    """Every table the events, groups and placements endpoints write (audit entries of reads
    aside), for ``tests.helpers.snapshot``."""
    from domain import models as m

    return (
        m.MatchEvent,
        m.CompanySignup,
        m.YouthSignup,
        m.NetworkGroup,
        m.GroupSchedule,
        m.Meeting,
        m.Attendance,
        m.Youth,
        m.Interest,
        m.Placement,
        m.CheckIn,
        m.FollowUpNote,
        m.OutboxMessage,
    )


def expand_invalid(cases: list[tuple]) -> list:
    import pytest

    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def assert_refused_and_unchanged(bw, world, api_as, role, method, path, body, status, code, field):
    """The request is refused with the one error shape (status, code, field) and leaves every
    table as it was."""
    from tests.api.conftest import assert_error
    from tests.helpers import snapshot

    path, body = path(bw, world), body(bw, world) if callable(body) else body
    before = snapshot(*tables())
    response = call(api_as(role), method, path, body)
    error = assert_error(response, status, code=code, field=field)
    assert snapshot(*tables()) == before
    return error


def assert_cell(response, status: int) -> None:
    """One cell of a permission matrix: exactly ``status``, an error in the API's one shape."""
    from tests.api.conftest import assert_error

    if status >= 400:
        assert_error(response, status)
    else:
        assert response.status_code == status, (response.status_code, response.content[:400])


def result_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:400]
    return response.json()["results"]


def result_ids(response) -> set[int]:
    return {row["id"] for row in result_rows(response)}
