"""Youth records and invites over the API: consultants of the youth's municipality and admins
only; the invite's deep link and QR code are in the create answer, and only there."""

import base64
import urllib.parse
from datetime import date
from types import SimpleNamespace

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.models import AuditEntry, Invite, Youth
from domain.tokens import invite_token_hash as token_hash
from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error
from tests.helpers import snapshot

STAFF_OF_X = roles(consultant_x=200, consultant_y=404, admin=200)


@pytest.fixture
def objs(world) -> SimpleNamespace:
    return SimpleNamespace(
        **vars(world),
        youth_x=f.InvitedYouthFactory(municipality=world.x, first_name="Sofie"),
        active_x=f.YouthFactory(municipality=world.x, first_name="Ali"),
        paused_x=f.YouthFactory(municipality=world.x, status=Youth.Status.PAUSED),
        youth_y=f.YouthFactory(municipality=world.y, first_name="Mads"),
    )


def x_youth(o):
    return {o.youth_x.pk, o.active_x.pk, o.paused_x.pk}


def new_youth(o, **changes) -> dict:
    data = {
        "municipality": o.x.pk,
        "first_name": "Emma",
        "birth_date": "2006-03-14",
        "language": "da",
        "sectors": ["retail", "care"],
        "preferred_hours": 12,
    }
    return {**data, **changes}


MATRIX = {
    "youth-list": Case(
        "get",
        lambda o: "/api/v1/youth/",
        roles(consultant_x=200, consultant_y=200, admin=200),
        ids={
            "consultant_x": x_youth,
            "consultant_y": lambda o: {o.youth_y.pk},
            "admin": lambda o: x_youth(o) | {o.youth_y.pk},
        },
    ),
    "youth-retrieve": Case("get", lambda o: f"/api/v1/youth/{o.youth_x.pk}/", STAFF_OF_X),
    "youth-create": Case(
        "post",
        lambda o: "/api/v1/youth/",
        # The municipality is public, so another one's is a known object: 403.
        roles(consultant_x=201, consultant_y=403, admin=201),
        data=new_youth,
    ),
    "youth-update": Case(
        "patch",
        lambda o: f"/api/v1/youth/{o.youth_x.pk}/",
        STAFF_OF_X,
        data=lambda o: {"preferred_hours": 20},
    ),
    "youth-pause": Case("post", lambda o: f"/api/v1/youth/{o.active_x.pk}/pause/", STAFF_OF_X),
    "youth-resume": Case("post", lambda o: f"/api/v1/youth/{o.paused_x.pk}/resume/", STAFF_OF_X),
    "youth-leave": Case(
        "post",
        lambda o: f"/api/v1/youth/{o.active_x.pk}/leave/",
        STAFF_OF_X,
        data=lambda o: {"destination": "education"},
    ),
    "youth-invite": Case(
        "post",
        lambda o: f"/api/v1/youth/{o.youth_x.pk}/invite/",
        roles(consultant_x=201, consultant_y=404, admin=201),
    ),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, objs):
    check_cell(MATRIX, name, role, api_as, objs)


def test_reading_a_record_is_audited_but_listing_is_not(api_as, objs):
    client = api_as("consultant_x")
    client.get("/api/v1/youth/")
    assert not AuditEntry.objects.filter(action="youth.read").exists()
    client.get(f"/api/v1/youth/{objs.youth_x.pk}/")
    entry = AuditEntry.objects.get(action="youth.read")
    assert (entry.actor, entry.target_id) == (objs.consultant_x.user, objs.youth_x.pk)


def test_a_consultant_registers_youth_in_their_own_municipality(api_as, objs):
    data = new_youth(objs)
    del data["municipality"]
    response = api_as("consultant_x").post("/api/v1/youth/", data, format="json")
    assert response.status_code == 201, response.content
    youth = Youth.objects.get(pk=response.json()["id"])
    assert youth.municipality == objs.x and youth.status == Youth.Status.INVITED
    assert {s["code"] for s in response.json()["sectors"]} == {"retail", "care"}


def test_an_admin_must_name_the_municipality(api_as, objs):
    data = new_youth(objs)
    del data["municipality"]
    before = snapshot(Youth)
    assert_error(api_as("admin").post("/api/v1/youth/", data, format="json"), 400, "required")
    assert snapshot(Youth) == before


def test_the_invite_answer_has_the_deep_link_and_its_qr_code_once(api_as, objs, settings):
    settings.TELEGRAM_BOT_USERNAME = "nextwork_test_bot"
    response = api_as("consultant_x").post(f"/api/v1/youth/{objs.youth_x.pk}/invite/")
    assert response.status_code == 201
    body = response.json()
    prefix = "https://t.me/nextwork_test_bot?start="
    assert body["deep_link"].startswith(prefix)
    token = body["deep_link"].removeprefix(prefix)
    invite = Invite.objects.get(pk=body["id"])
    assert invite.token_hash == token_hash(token) and token not in str(vars(invite))
    assert body["qr_svg"].startswith("data:image/svg+xml")
    assert "<svg" in urllib.parse.unquote(body["qr_svg"])
    png = base64.b64decode(body["qr_png"].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG")
    # A quiet zone of 4 modules on every side, as the QR standard asks.
    modules = segno.make(body["deep_link"], error="m").symbol_size(scale=1, border=0)[0]
    assert int.from_bytes(png[16:20], "big") == (modules + 8) * 6  # the PNG's width (IHDR)
    assert f"width='{(modules + 8) * 4}'" in urllib.parse.unquote(body["qr_svg"]).replace('"', "'")
    # Nothing else in the API gives the token again: the record shows no trace of it.
    record = api_as("consultant_x").get(f"/api/v1/youth/{objs.youth_x.pk}/").content.decode()
    assert token not in record


def test_a_second_invite_revokes_the_first(api_as, objs):
    client = api_as("consultant_x")
    first = client.post(f"/api/v1/youth/{objs.youth_x.pk}/invite/").json()
    client.post(f"/api/v1/youth/{objs.youth_x.pk}/invite/")
    assert Invite.objects.get(pk=first["id"]).revoked_at is not None


@pytest.mark.parametrize("role", ["consultant_x", "admin"])
def test_list_takes_as_many_queries_for_50_youth_as_for_1(
    role, api_as, world, django_assert_max_num_queries
):
    group = f.GroupFactory(municipality=world.x)
    consultant = world.consultant_x
    f.YouthFactory(municipality=world.x, group=group, contact_consultant=consultant)
    client = api_as(role)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/youth/").json()["count"] == 1
    for youth in f.YouthFactory.create_batch(
        49, municipality=world.x, group=group, contact_consultant=consultant
    ):
        youth.sectors.set([f.sector("retail"), f.sector("care")])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/youth/", {"page_size": 50})
    assert len(response.json()["results"]) == 50


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"birth_date": "2015-01-01"}, 400, "age_out_of_range", "birth_date"),
        ({"birth_date": "1990-01-01"}, 400, "age_out_of_range", "birth_date"),
        ({"birth_date": "14/03/2006"}, 400, "invalid", "birth_date"),
        ({"first_name": "Emma 140306-1234"}, 400, "looks_like_cpr", "first_name"),
        ({"last_name": "140306 1234"}, 400, "looks_like_cpr", "last_name"),
        ({"first_name": "x" * 101}, 400, "invalid", "first_name"),
        ({"first_name": ""}, 400, "invalid", "first_name"),
        ({"first_name": {"a": 1}}, 400, "invalid", "first_name"),
        ({"language": "de"}, 400, "invalid", "language"),
        ({"sectors": ["astrology"]}, 400, "sector_invalid", "sectors"),
        ({"sectors": "retail"}, 400, "invalid", "sectors"),
        ({"preferred_hours": 0}, 400, "hours_out_of_range", "preferred_hours"),
        ({"preferred_hours": 38}, 400, "hours_out_of_range", "preferred_hours"),
        ({"preferred_hours": "many"}, 400, "invalid", "preferred_hours"),
        ({"municipality": 999999}, 400, "municipality_invalid", "municipality"),
        ({"contact_consultant": 999999}, 400, "consultant_invalid", "contact_consultant"),
    ],
)
def test_create_refuses_invalid_input_and_changes_nothing(
    changes, status, code, field, api_as, objs
):
    before = snapshot(Youth, AuditEntry)
    response = api_as("consultant_x").post(
        "/api/v1/youth/", new_youth(objs, **changes), format="json"
    )
    assert_error(response, status, code=code, field=field)
    assert snapshot(Youth, AuditEntry) == before


def test_another_municipalitys_consultant_is_as_unknown_as_a_made_up_one(api_as, objs):
    before = snapshot(Youth)
    response = api_as("consultant_x").post(
        "/api/v1/youth/",
        new_youth(objs, contact_consultant=objs.consultant_y.pk),
        format="json",
    )
    body = assert_error(response, 400, "consultant_invalid", "contact_consultant")
    unknown = api_as("consultant_x").post(
        "/api/v1/youth/", new_youth(objs, contact_consultant=999999), format="json"
    )
    assert body == unknown.json()
    assert snapshot(Youth) == before


def test_create_names_the_missing_fields(api_as, objs):
    body = assert_error(api_as("consultant_x").post("/api/v1/youth/", {}), 400, "invalid")
    assert set(body["fields"]) == {"first_name", "birth_date"}


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"birth_date": date(2020, 1, 1).isoformat()}, "age_out_of_range", "birth_date"),
        ({"first_name": "123456"}, "looks_like_cpr", "first_name"),
        ({"preferred_hours": 40}, "hours_out_of_range", "preferred_hours"),
    ],
)
def test_update_refuses_invalid_input_and_changes_nothing(data, code, field, api_as, objs):
    before = snapshot(Youth)
    response = api_as("consultant_x").patch(
        f"/api/v1/youth/{objs.youth_x.pk}/", data, format="json"
    )
    assert_error(response, 400, code, field)
    assert snapshot(Youth) == before


@pytest.mark.parametrize(
    ("youth", "verb", "code"),
    [
        ("youth_x", "pause", "invalid_state"),
        ("active_x", "resume", "invalid_state"),
        ("active_x", "invite", "youth_already_linked"),
        ("left", "invite", "invalid_state"),
        ("left", "leave", "invalid_state"),
    ],
)
def test_transitions_from_the_wrong_state_are_409_and_change_nothing(
    youth, verb, code, api_as, objs
):
    if youth == "left":
        target = f.YouthFactory(municipality=objs.x, status=Youth.Status.LEFT)
    else:
        target = getattr(objs, youth)
    before = snapshot(Youth, Invite)
    response = api_as("consultant_x").post(
        f"/api/v1/youth/{target.pk}/{verb}/", {"destination": "education"}, format="json"
    )
    assert_error(response, 409, code)
    assert snapshot(Youth, Invite) == before
