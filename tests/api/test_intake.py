"""Randomised intake over the API: referrals and draws, cell by cell for every role, field
messages on a 400, no way to write an arm, youth only from a NExTWORK referral, O(1) lists."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.models import Arm, Draw, Municipality, Referral, Youth
from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error


@pytest.fixture
def objs(world) -> SimpleNamespace:
    Municipality.objects.filter(pk__in=[world.x.pk, world.y.pk]).update(intake_randomised=True)
    referral_x = f.ReferralFactory(municipality=world.x, reference="SAG-X-1")
    referral_y = f.ReferralFactory(municipality=world.y, reference="SAG-Y-1")
    draw_x = f.DrawFactory(municipality=world.x)
    draw_y = f.DrawFactory(municipality=world.y)
    return SimpleNamespace(
        **vars(world),
        referral_x=referral_x,
        referral_y=referral_y,
        draw_x=draw_x,
        draw_y=draw_y,
    )


def new_referral(o) -> dict:
    return {
        "municipality": o.x.pk,
        "reference": "SAG-2026-9",
        "birth_year": 2004,
        "referral_date": "2026-11-02",
    }


MATRIX = {
    "referral-list": Case(
        "get",
        lambda o: "/api/v1/referrals/",
        roles(consultant_x=200, consultant_y=200, admin=200),
        ids={
            "consultant_x": lambda o: {o.referral_x.pk},
            "consultant_y": lambda o: {o.referral_y.pk},
            "admin": lambda o: {o.referral_x.pk, o.referral_y.pk},
        },
    ),
    "referral-retrieve": Case(
        "get",
        lambda o: f"/api/v1/referrals/{o.referral_x.pk}/",
        roles(consultant_x=200, consultant_y=404, admin=200),
    ),
    "referral-create": Case(
        "post",
        lambda o: "/api/v1/referrals/",
        roles(consultant_x=201, consultant_y=403, admin=201),
        data=new_referral,
    ),
    "draw-list": Case(
        "get",
        lambda o: "/api/v1/draws/",
        roles(consultant_x=200, consultant_y=200, admin=200),
        ids={
            "consultant_x": lambda o: {o.draw_x.pk},
            "consultant_y": lambda o: {o.draw_y.pk},
            "admin": lambda o: {o.draw_x.pk, o.draw_y.pk},
        },
    ),
    "draw-retrieve": Case(
        "get",
        lambda o: f"/api/v1/draws/{o.draw_x.pk}/",
        roles(consultant_x=200, consultant_y=404, admin=200),
    ),
    "draw-create": Case(
        "post",
        lambda o: "/api/v1/draws/",
        roles(consultant_x=201, consultant_y=403, admin=201),
        data=lambda o: {"municipality": o.x.pk},
    ),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, objs):
    check_cell(MATRIX, name, role, api_as, objs)


def test_a_referral_is_registered_with_the_minimum(api_as, objs):
    body = api_as("consultant_x").post("/api/v1/referrals/", new_referral(objs), format="json")
    assert body.status_code == 201, body.content
    data = body.json()
    assert (data["reference"], data["age_band"], data["arm"], data["draw"]) == (
        "SAG-2026-9",
        "18-24",
        "",
        None,
    )


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"reference": "Anna Hansen"}, "reference", "reference_invalid"),
        ({"reference": "SAG-X-1"}, "reference", "reference_taken"),
        ({"birth_year": 2015}, "birth_year", "age_out_of_range"),
        ({"birth_year": "x"}, "birth_year", None),
        ({"referral_date": "2099-01-01"}, "referral_date", "date_in_future"),
        ({"referral_date": None}, "referral_date", None),
    ],
)
def test_a_bad_referral_is_a_400_naming_the_field(api_as, objs, change, field, code):
    data = new_referral(objs) | change
    response = api_as("consultant_x").post("/api/v1/referrals/", data, format="json")
    assert_error(response, 400, code=code, field=field)
    assert Referral.objects.count() == 2


def test_registering_while_the_intake_is_off_is_a_conflict(api_as, objs):
    Municipality.objects.filter(pk=objs.x.pk).update(intake_randomised=False)
    response = api_as("consultant_x").post("/api/v1/referrals/", new_referral(objs), format="json")
    assert_error(response, 409, code="intake_off")


def test_draw_now_draws_the_waiting_referrals_and_shows_the_strata(api_as, objs):
    f.ReferralFactory.create_batch(3, municipality=objs.x, age_band="25-29")

    response = api_as("consultant_x").post("/api/v1/draws/", {}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reproduced"] is True and len(body["seed"]) == 32
    strata = {row["age_band"]: row for row in body["strata"]}
    assert strata["25-29"]["total"] == 3 and strata["18-24"]["total"] == 1
    assert not Referral.objects.filter(municipality=objs.x, draw__isnull=True).exists()
    again = api_as("consultant_x").post("/api/v1/draws/", {}, format="json")
    assert_error(again, 409, code="nothing_to_draw")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_request_changes_a_referral_or_a_draw(api_as, objs, method):
    drawn = f.ReferralFactory(municipality=objs.x, draw=objs.draw_x, arm=Arm.USUAL)
    client = api_as("admin")
    for url in (f"/api/v1/referrals/{drawn.pk}/", f"/api/v1/draws/{objs.draw_x.pk}/"):
        response = getattr(client, method)(url, {"arm": "nextwork", "seed": "0"}, format="json")
        assert response.status_code == 405, (url, response.status_code)
    drawn.refresh_from_db()
    objs.draw_x.refresh_from_db()
    assert drawn.arm == Arm.USUAL and objs.draw_x.seed == f.DrawFactory.seed


def test_an_arm_in_the_body_is_ignored(api_as, objs):
    data = new_referral(objs) | {"arm": "nextwork", "draw": objs.draw_x.pk}
    response = api_as("consultant_x").post("/api/v1/referrals/", data, format="json")
    assert response.status_code == 201
    assert response.json()["arm"] == "" and response.json()["draw"] is None


def youth_body(referral) -> dict:
    return {"first_name": "Sara", "birth_date": "2006-03-01", "referral": referral.pk}


def test_a_youth_is_created_from_a_nextwork_referral(api_as, objs):
    referral = f.ReferralFactory(municipality=objs.x, draw=objs.draw_x, arm=Arm.NEXTWORK)

    response = api_as("consultant_x").post("/api/v1/youth/", youth_body(referral), format="json")

    assert response.status_code == 201, response.content
    referral.refresh_from_db()
    assert referral.youth_id == response.json()["id"]


def test_a_usual_service_referral_is_never_created_as_a_youth(api_as, objs):
    referral = f.ReferralFactory(municipality=objs.x, draw=objs.draw_x, arm=Arm.USUAL)

    response = api_as("consultant_x").post("/api/v1/youth/", youth_body(referral), format="json")

    assert_error(response, 409, code="usual_service")
    assert not Youth.objects.exists()


def test_another_municipalitys_referral_is_a_404_naming_the_field(api_as, objs):
    referral = f.ReferralFactory(municipality=objs.y, draw=objs.draw_y, arm=Arm.NEXTWORK)
    response = api_as("consultant_x").post("/api/v1/youth/", youth_body(referral), format="json")
    assert_error(response, 404, field="referral")


def test_a_randomising_municipality_needs_a_referral(api_as, objs):
    body = {"first_name": "Sara", "birth_date": "2006-03-01"}
    response = api_as("consultant_x").post("/api/v1/youth/", body, format="json")
    assert_error(response, 409, code="referral_required")


@pytest.mark.parametrize(("url", "model"), [("referrals", Referral), ("draws", Draw)])
def test_lists_take_as_many_queries_for_many_rows_as_for_one(api_as, objs, url, model):
    client = api_as("admin")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/v1/{url}/")
    for _ in range(20):
        if model is Referral:
            f.ReferralFactory(municipality=objs.x)
        else:
            f.DrawFactory(municipality=objs.x)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"/api/v1/{url}/").json()["results"]) >= 20
    assert len(many) == len(few)
