"""Slots over the API: the permission matrix, filters that leak nothing, query counts, and
invalid input and transitions that change nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.models import AuditEntry, Placement, Slot
from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error
from tests.helpers import snapshot

Status = Slot.Status
SOON = (timezone.localdate() + timedelta(days=7)).isoformat()
OWN_OR_NETWORK = roles(member_a=200, member_b=404, consultant_x=200, consultant_y=404, admin=200)


@pytest.fixture
def objs(world) -> SimpleNamespace:
    return SimpleNamespace(
        **vars(world),
        slot_a=f.SlotFactory(company=world.company_a, title="Bager-praktik"),
        draft_a=f.SlotFactory(company=world.company_a, status=Status.DRAFT, published_at=None),
        paused_a=f.SlotFactory(company=world.company_a, status=Status.PAUSED),
        slot_b=f.SlotFactory(company=world.company_b, title="Værksted", sector=f.sector("care")),
    )


def new_slot(o, **changes) -> dict:
    data = {
        "company": o.company_a.pk,
        "title": "Lager og pakning",
        "description": "Du hjælper med at pakke ordrer.",
        "kind": "paid_hours",
        "sector": "logistics",
        "address": "Havnevej 3",
        "postcode": "4000",
        "hours_min": 8,
        "hours_max": 15,
        "earliest_start": SOON,
        "seats": 2,
    }
    return {**data, **changes}


def a_slots(o):
    return {o.slot_a.pk, o.draft_a.pk, o.paused_a.pk}


MATRIX = {
    "slots-list": Case(
        "get",
        lambda o: "/api/v1/slots/",
        roles(member_a=200, member_b=200, consultant_x=200, consultant_y=200, admin=200),
        ids={
            "member_a": a_slots,
            "member_b": lambda o: {o.slot_b.pk},
            "consultant_x": a_slots,
            "consultant_y": lambda o: {o.slot_b.pk},
            "admin": lambda o: a_slots(o) | {o.slot_b.pk},
        },
    ),
    "slots-list-youth-facing": Case(
        "get",
        lambda o: f"/api/v1/slots/?municipality={o.x.pk}&status=open",
        roles(member_a=200, member_b=200, consultant_x=200, consultant_y=200, admin=200),
        ids={
            "member_a": lambda o: {o.slot_a.pk},
            "member_b": lambda o: set(),
            "consultant_x": lambda o: {o.slot_a.pk},
            "consultant_y": lambda o: set(),
            "admin": lambda o: {o.slot_a.pk},
        },
    ),
    "slots-retrieve": Case("get", lambda o: f"/api/v1/slots/{o.slot_a.pk}/", OWN_OR_NETWORK),
    "slots-create": Case(
        "post",
        lambda o: "/api/v1/slots/",
        roles(member_a=201, member_b=404, consultant_x=201, consultant_y=404, admin=201),
        data=new_slot,
    ),
    "slots-update": Case(
        "patch",
        lambda o: f"/api/v1/slots/{o.slot_a.pk}/",
        OWN_OR_NETWORK,
        data=lambda o: {"title": "Bager-praktik om morgenen", "seats": 3},
    ),
    "slots-publish": Case(
        "post", lambda o: f"/api/v1/slots/{o.draft_a.pk}/publish/", OWN_OR_NETWORK
    ),
    "slots-pause": Case("post", lambda o: f"/api/v1/slots/{o.slot_a.pk}/pause/", OWN_OR_NETWORK),
    "slots-resume": Case(
        "post", lambda o: f"/api/v1/slots/{o.paused_a.pk}/resume/", OWN_OR_NETWORK
    ),
    "slots-close": Case("post", lambda o: f"/api/v1/slots/{o.slot_a.pk}/close/", OWN_OR_NETWORK),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, objs):
    check_cell(MATRIX, name, role, api_as, objs)


def test_transitions_change_the_status(api_as, objs):
    client = api_as("member_a")
    assert client.post(f"/api/v1/slots/{objs.draft_a.pk}/publish/").json()["status"] == "open"
    assert client.post(f"/api/v1/slots/{objs.slot_a.pk}/pause/").json()["status"] == "paused"
    assert client.post(f"/api/v1/slots/{objs.paused_a.pk}/resume/").json()["status"] == "open"
    assert client.post(f"/api/v1/slots/{objs.slot_a.pk}/close/").json()["status"] == "closed"
    assert AuditEntry.objects.filter(action__startswith="slot.").count() == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=care", lambda o: {o.slot_b.pk}),
        ("kind=internship", lambda o: a_slots(o) | {o.slot_b.pk}),
        ("kind=paid_hours", lambda o: set()),
        ("hours=15", lambda o: a_slots(o) | {o.slot_b.pk}),
        ("hours=25", lambda o: set()),
        ("postcode=4000", lambda o: a_slots(o) | {o.slot_b.pk}),
        ("status=draft", lambda o: {o.draft_a.pk}),
        ("company={b}", lambda o: {o.slot_b.pk}),
        ("municipality={y}", lambda o: {o.slot_b.pk}),
        ("search=Værksted", lambda o: {o.slot_b.pk}),
    ],
)
def test_filters_for_an_admin(query, expected, api_as, objs):
    query = query.format(b=objs.company_b.pk, y=objs.y.pk)
    response = api_as("admin").get(f"/api/v1/slots/?{query}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == expected(objs)


@pytest.mark.parametrize(
    "query",
    ["company={b}", "municipality={y}", "search=Værksted", "sector=care", "ordering=-title"],
)
def test_filters_never_reveal_another_networks_slots(query, api_as, objs):
    query = query.format(b=objs.company_b.pk, y=objs.y.pk)
    response = api_as("consultant_x").get(f"/api/v1/slots/?{query}")
    assert response.status_code == 200
    assert objs.slot_b.pk not in {row["id"] for row in response.json()["results"]}
    assert objs.slot_b.title not in response.content.decode()


def test_bad_filter_values_are_a_clear_400(api_as, objs):
    assert_error(api_as("admin").get("/api/v1/slots/?kind=astronaut"), 400, "invalid", "kind")
    assert_error(api_as("admin").get("/api/v1/slots/?hours=many"), 400, "invalid", "hours")


@pytest.mark.parametrize("value", ["1.0", "1e0", "%2B1", "-1", "0x1", "1.5"])
def test_id_and_count_filters_take_whole_numbers_only(api_as, objs, value):
    """The schema types them as integers, so the server accepts what a client may send."""
    admin = api_as("admin")
    assert_error(admin.get(f"/api/v1/slots/?company={value}"), 400, "invalid", "company")
    assert_error(admin.get(f"/api/v1/slots/?hours={value}"), 400, "invalid", "hours")


def test_id_filters_still_take_digits(api_as, objs):
    assert (
        api_as("admin").get(f"/api/v1/slots/?company={objs.slot_b.company_id}").status_code == 200
    )


@pytest.mark.parametrize("role", ["member_a", "consultant_x", "admin"])
def test_list_takes_as_many_queries_for_50_slots_as_for_1(
    role, api_as, world, django_assert_max_num_queries
):
    f.SlotFactory(company=world.company_a)
    client = api_as(role)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/slots/").json()["count"] == 1
    f.SlotFactory.create_batch(49, company=world.company_a, sector=f.sector("care"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/slots/", {"page_size": 50})
    assert len(response.json()["results"]) == 50


# --- shared check-in sentences -------------------------------------------------------------------


@pytest.mark.parametrize("authors", [1, 2])
def test_no_shared_sentence_reaches_anyone_through_a_slot_or_company(authors, api_as, objs):
    """The API exposes no shared check-in sentence about a slot or its company (its slots, the
    company, its statistics, its placements), below the slot cards' threshold
    (``shared_experiences_for_company``) or above it: so none can reach a company below it.
    A company never reads a placement's check-ins either."""
    sentences = [f"Rare kolleger nummer {n}" for n in range(authors)]  # ASCII: no JSON escapes
    placements = []
    for text in sentences:
        youth = f.YouthFactory(municipality=objs.x, share_experiences=True)
        placement = f.PlacementFactory(
            youth=youth, slot=objs.slot_a, status=Placement.Status.ACTIVE
        )
        f.CheckInFactory(placement=placement, text=text, shared=True)
        placements.append(placement)
    company = objs.company_a.pk
    urls = [
        "/api/v1/slots/",
        f"/api/v1/slots/{objs.slot_a.pk}/",
        "/api/v1/companies/",
        f"/api/v1/companies/{company}/",
        "/api/v1/placements/",
        f"/api/v1/placements/{placements[0].pk}/",
    ]
    statistics = f"/api/v1/statistics/companies/{company}/"  # the company's own, and admins'
    for role in ("member_a", "consultant_x", "admin"):
        client = api_as(role)
        for url in [*urls, statistics] if role != "consultant_x" else urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert not any(text in response.content.decode() for text in sentences), (role, url)
    checkins = f"/api/v1/placements/{placements[0].pk}/checkins/"
    refused = api_as("member_a").get(checkins)
    assert refused.status_code in (403, 404)
    assert not any(text in refused.content.decode() for text in sentences)
    # The search would find a sentence: the youth's consultant reads it there, for follow-up.
    assert sentences[0] in api_as("consultant_x").get(checkins).content.decode()


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"hours_min": 0}, 400, "hours_out_of_range", "hours_min"),
        ({"hours_max": 38}, 400, "hours_out_of_range", "hours_max"),
        ({"hours_min": 20, "hours_max": 10}, 400, "hours_out_of_range", "hours_min"),
        ({"hours_min": "ten"}, 400, "invalid", "hours_min"),
        ({"seats": 0}, 400, "seats_out_of_range", "seats"),
        ({"seats": 51}, 400, "seats_out_of_range", "seats"),
        ({"seats": 2.5}, 400, "invalid", "seats"),
        ({"title": "x" * 121}, 400, "invalid", "title"),
        ({"title": ""}, 400, "invalid", "title"),
        ({"description": "x" * 4001}, 400, "invalid", "description"),
        ({"kind": "volunteer"}, 400, "invalid", "kind"),
        ({"sector": "astrology"}, 400, "sector_invalid", "sector"),
        ({"postcode": "40000"}, 400, "invalid", "postcode"),
        ({"postcode": "4x00"}, 400, "postcode_invalid", "postcode"),
        ({"earliest_start": "2020-01-01"}, 400, "date_in_past", "earliest_start"),
        ({"earliest_start": "next week"}, 400, "invalid", "earliest_start"),
        ({"end_date": "2026-11-01"}, 400, "end_before_start", "end_date"),
        ({"company": 999999}, 404, "not_found", None),
        ({"company": "A"}, 400, "invalid", "company"),
    ],
)
def test_create_refuses_invalid_input_and_changes_nothing(
    changes, status, code, field, api_as, objs
):
    before = snapshot(Slot, AuditEntry)
    response = api_as("member_a").post("/api/v1/slots/", new_slot(objs, **changes), format="json")
    assert_error(response, status, code=code, field=field)
    assert snapshot(Slot, AuditEntry) == before


def test_create_names_every_missing_field(api_as, objs):
    body = assert_error(api_as("member_a").post("/api/v1/slots/", {}), 400, "invalid")
    assert set(body["fields"]) == {
        "company",
        "title",
        "kind",
        "sector",
        "address",
        "postcode",
        "hours_min",
        "hours_max",
        "earliest_start",
    }


def test_a_company_outside_every_network_cannot_be_given_slots_by_a_consultant(api_as, objs):
    # Company C is nobody's network member: not visible to consultant X, so unknown.
    company_c = f.CompanyFactory()
    before = snapshot(Slot)
    response = api_as("consultant_x").post(
        "/api/v1/slots/", new_slot(objs, company=company_c.pk), format="json"
    )
    assert_error(response, 404, "not_found")
    assert snapshot(Slot) == before


@pytest.mark.parametrize(
    ("data", "status", "code", "field"),
    [
        ({"hours_max": 5}, 400, "hours_out_of_range", "hours_min"),
        ({"seats": -1}, 400, "seats_out_of_range", "seats"),
        ({"title": ["a"]}, 400, "invalid", "title"),
        ({"kind": None}, 400, "invalid", "kind"),
    ],
)
def test_update_refuses_invalid_input_and_changes_nothing(data, status, code, field, api_as, objs):
    before = snapshot(Slot)
    response = api_as("member_a").patch(f"/api/v1/slots/{objs.slot_a.pk}/", data, format="json")
    assert_error(response, status, code=code, field=field)
    assert snapshot(Slot) == before


def test_seats_never_drop_below_the_seated_placements(api_as, objs):
    slot = f.SlotFactory(company=objs.company_a, seats=2)
    f.PlacementFactory.create_batch(2, slot=slot, status="approved", youth__municipality=objs.x)
    before = snapshot(Slot)
    response = api_as("member_a").patch(f"/api/v1/slots/{slot.pk}/", {"seats": 1}, format="json")
    assert_error(response, 409, "seats_below_placements", "seats")
    assert snapshot(Slot) == before


@pytest.mark.parametrize(
    ("slot", "verb"),
    [
        ("slot_a", "publish"),
        ("draft_a", "pause"),
        ("slot_a", "resume"),
        ("closed", "publish"),
        ("closed", "close"),
    ],
)
def test_transitions_from_the_wrong_state_are_409_and_change_nothing(slot, verb, api_as, objs):
    if slot == "closed":
        target = f.SlotFactory(company=objs.company_a, status=Status.CLOSED)
    else:
        target = getattr(objs, slot)
    before = snapshot(Slot, AuditEntry)
    response = api_as("member_a").post(f"/api/v1/slots/{target.pk}/{verb}/")
    assert_error(response, 409, "invalid_state")
    assert snapshot(Slot, AuditEntry) == before


def test_editing_a_closed_slot_is_409(api_as, objs):
    closed = f.SlotFactory(company=objs.company_a, status=Status.CLOSED)
    before = snapshot(Slot)
    response = api_as("member_a").patch(f"/api/v1/slots/{closed.pk}/", {"title": "Igen"})
    assert_error(response, 409, "invalid_state")
    assert snapshot(Slot) == before


def test_messages_follow_accept_language(api_as, objs):
    client = api_as("member_a")
    url = f"/api/v1/slots/{objs.slot_a.pk}/publish/"
    english = client.post(url, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    danish = client.post(url, HTTP_ACCEPT_LANGUAGE="da").json()["message"]
    assert english == "This cannot be done in the slot's current state."
    assert danish != english
