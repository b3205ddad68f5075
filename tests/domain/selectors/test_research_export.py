"""The research export: a valid Frictionless Data Package (checked with the ``frictionless``
library), one row per youth under the study's pseudonym, no name, id or free text, admins
only, audited; the study's key (not SECRET_KEY) makes the pseudonyms and rotating it breaks
the link."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from frictionless import validate

from domain.exceptions import DomainError
from domain.models import AuditEntry, FollowUp, Placement, Referral, Study, YouthSignup
from domain.selectors.research import COLUMNS, research_export
from domain.selectors.statistics import youth_pseudonym
from domain.services.privacy import youth_erase
from domain.services.research import study_rotate_key
from domain.services.youth import youth_leave
from domain.tabular import data_package_zip
from tests import factories as f

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
ERASED = [column.name for column in COLUMNS].index("erased")
START = NOW - timedelta(weeks=20)
SECRET_TEXTS = ("Hemmelig besked", "Jeg hader mandage", "Kontaktpersonen var syg")


@pytest.fixture
def study(db):
    return Study.objects.create(name="Effekt 2027")


@pytest.fixture
def people(municipality, consultant, slot):
    group = f.GroupFactory(municipality=municipality, name="Torsdagsgruppen Birgitte")
    group.facilitators.add(consultant)
    with time_machine.travel(START, tick=False):
        youth = [
            f.YouthFactory(
                municipality=municipality,
                group=group,
                first_name=name,
                last_name="Hansen",
                birth_date=date(2008 - number * 4, 1, 1),
                telegram_username=f"tg_{name.lower()}",
            )
            for number, name in enumerate(("Asger", "Bodil", "Cecilie", "Dennis"))
        ]
    interest = f.InterestFactory(youth=youth[0], slot=slot, message=SECRET_TEXTS[0])
    placement = f.PlacementFactory(
        youth=youth[0],
        slot=slot,
        interest=interest,
        status=Placement.Status.COMPLETED,
        start_date=(START + timedelta(weeks=2)).date(),
        started_at=START + timedelta(weeks=2),
        ended_at=START + timedelta(weeks=6),
        hours_per_week=10,
        end_reason=SECRET_TEXTS[1],
        outcome="job_offer",
    )
    f.CheckInFactory(placement=placement, score=4, text=SECRET_TEXTS[2])
    event = f.EventFactory(municipality=municipality)
    YouthSignup.objects.create(
        event=event, youth=youth[1], status=YouthSignup.Status.ATTENDED, sequence=1, created_at=NOW
    )
    youth_leave(
        youth=youth[1], actor=consultant.user, destination="education", now=NOW - timedelta(1)
    )
    FollowUp.objects.create(
        youth=youth[1],
        months=3,
        due_at=NOW - timedelta(days=2),
        answer="education",
        answered_at=NOW - timedelta(days=1),
    )
    FollowUp.objects.create(youth=youth[1], months=6, due_at=NOW - timedelta(days=1))
    FollowUp.objects.create(youth=youth[1], months=12, due_at=NOW + timedelta(days=100))
    youth_erase(youth=youth[3], actor=consultant.user, now=NOW)
    f.InvitedYouthFactory(municipality=municipality, first_name="Ikkestartet")
    return youth


def export(user, study, municipality):
    with time_machine.travel(NOW, tick=False):
        return research_export(user=user, study_id=study.pk, municipality_id=municipality.pk)


def unpack(descriptor, tables, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(data_package_zip(descriptor, tables)))
    assert sorted(archive.namelist()) == ["datapackage.json", "youth.csv"]
    archive.extractall(tmp_path)
    return archive


def rows_of(archive) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read("youth.csv").decode("utf-8"))))


def test_the_package_is_a_valid_frictionless_data_package(
    admin_user, study, municipality, people, tmp_path
):
    descriptor, tables = export(admin_user, study, municipality)
    unpack(descriptor, tables, tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_validation_would_catch_a_bad_row(admin_user, study, municipality, people, tmp_path):
    descriptor, tables = export(admin_user, study, municipality)
    tables[0].rows[0][6] = -3  # weeks_in_placement below its minimum
    unpack(descriptor, tables, tmp_path)
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_every_field_is_described_in_english_and_danish(admin_user, study, municipality, people):
    descriptor, _tables = export(admin_user, study, municipality)
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [field["name"] for field in fields] == [column.name for column in COLUMNS]
    for field in fields:
        assert field["description"] and field["description_da"], field["name"]
        assert field["description"] != field["description_da"], field["name"]


def test_one_row_per_youth_who_took_part_with_their_measures(
    admin_user, study, municipality, people, tmp_path
):
    archive = unpack(*export(admin_user, study, municipality), tmp_path)
    rows = rows_of(archive)
    assert len(rows) == 4  # the invited youth never took part
    by_status = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    placed = next(row for row in rows if row["placements"] == "1")
    assert placed["weeks_in_placement"] == "4.0"
    assert placed["hours"] == "40.0"
    assert placed["days_to_first_placement"] == "14"
    assert placed["placement_job_offers"] == "1"
    assert placed["checkins"] == "1" and placed["checkin_mean"] == "4.0"
    assert placed["age_band"] == "18-24"
    assert placed["start_month"] == "2026-01"
    went = next(row for row in rows if row["destination"] == "education")
    assert went["events_attended"] == "1"
    assert went["destination_month"] == "2026-06"
    assert (went["followup_3m"], went["followup_6m"], went["followup_12m"]) == (
        "education",
        "no_answer",
        "",
    )
    erased = next(row for row in rows if row["erased"] == "true")
    assert erased["pseudonym"].startswith("X-")
    assert erased["destination"] == "unknown" and erased["age_band"] == ""
    assert {row["group"] for row in rows if row["erased"] == "false"} == {
        next(row["group"] for row in rows if row["erased"] == "false")
    }


def test_no_name_id_or_free_text_is_in_the_package(
    admin_user, study, municipality, people, tmp_path
):
    archive = unpack(*export(admin_user, study, municipality), tmp_path)
    text = archive.read("youth.csv").decode() + archive.read("datapackage.json").decode()
    forbidden = [*SECRET_TEXTS, "Hansen", "Torsdagsgruppen", "Birgitte", "tg_", "Ikkestartet"]
    forbidden += [person.first_name for person in people if person.first_name]
    for word in forbidden:
        assert word not in text, word
    rows = rows_of(archive)
    # No column is an id, and the labels are neither ids nor the statistics page's pseudonyms.
    assert not [name for name in rows[0] if name == "id" or name.endswith("_id")]
    ids = {str(person.pk) for person in people}
    page_pseudonyms = {youth_pseudonym(person.pk)[2:] for person in people}
    for row in rows:
        assert row["pseudonym"][2:] not in ids
        assert row["pseudonym"][2:12] not in page_pseudonyms
        assert row["group"][2:] not in ids


def test_pseudonyms_are_stable_per_study_and_break_when_the_key_rotates(
    admin_user, study, municipality, people
):
    def pseudonyms(which):
        _descriptor, tables = export(admin_user, which, municipality)
        return {row[0] for row in tables[0].rows if not row[ERASED]}

    first = pseudonyms(study)
    assert first == pseudonyms(study)
    assert not first & pseudonyms(Study.objects.create(name="Et andet projekt"))
    study_rotate_key(study=study, actor=admin_user)
    study.refresh_from_db()
    assert not first & pseudonyms(study)


def test_erased_youth_never_link_between_exports(admin_user, study, municipality, people):
    def erased(rows):
        return {row[0] for row in rows if row[ERASED]}

    assert not erased(export(admin_user, study, municipality)[1][0].rows) & erased(
        export(admin_user, study, municipality)[1][0].rows
    )


def test_the_export_is_audited(admin_user, study, municipality, people):
    export(admin_user, study, municipality)
    entry = AuditEntry.objects.get(action="research.export")
    assert (entry.actor, entry.target_id, entry.municipality_id) == (
        admin_user,
        study.pk,
        municipality.pk,
    )
    assert entry.data == {"rows": 4}
    assert "Asger" not in json.dumps(entry.data)


@pytest.mark.parametrize("who", ["consultant", "company_member"])
def test_only_admins_export(request, study, municipality, who):
    with pytest.raises(DomainError) as exc:
        export(request.getfixturevalue(who).user, study, municipality)
    assert exc.value.code == "forbidden"
    assert not AuditEntry.objects.filter(action="research.export").exists()


def test_an_unknown_study_is_not_found(admin_user, municipality):
    with pytest.raises(DomainError) as exc:
        research_export(user=admin_user, study_id=999, municipality_id=municipality.pk)
    assert exc.value.code == "not_found"


# --- randomised intake: the arm column ------------------------------------------------------------


@pytest.fixture
def drawn(municipality, people, consultant):
    """A draw of three referrals: one NExTWORK referral became Asger's record, one NExTWORK
    referral was never registered, one went to usual service."""
    draw = f.DrawFactory(municipality=municipality)
    nextwork = f.ReferralFactory(
        municipality=municipality,
        reference="SAG-ASGER-1",
        birth_year=2008,
        age_band="18-24",
        referral_date=date(2026, 1, 5),
        draw=draw,
        arm="nextwork",
        youth=people[0],
    )
    unregistered = f.ReferralFactory(
        municipality=municipality,
        reference="SAG-NEVER-2",
        age_band="25-29",
        referral_date=date(2026, 2, 9),
        draw=draw,
        arm="nextwork",
    )
    usual = f.ReferralFactory(
        municipality=municipality,
        reference="SAG-USUAL-3",
        age_band="15-17",
        referral_date=date(2026, 3, 14),
        draw=draw,
        arm="usual",
    )
    f.ReferralFactory(municipality=municipality, reference="SAG-WAITING-4")  # not drawn yet
    return nextwork, unregistered, usual


def test_the_arm_column_says_how_each_row_came_in(
    admin_user, study, municipality, people, drawn, tmp_path
):
    archive = unpack(*export(admin_user, study, municipality), tmp_path)
    rows = rows_of(archive)

    assert len(rows) == 4 + 2  # the youth, and the two drawn referrals who never took part
    assert sorted(row["arm"] for row in rows) == sorted(
        ["nextwork", "not_randomised", "not_randomised", "not_randomised", "nextwork", "usual"]
    )
    asger = next(row for row in rows if row["placements"] == "1")
    assert (asger["arm"], asger["referral_month"]) == ("nextwork", "2026-01")
    usual = next(row for row in rows if row["arm"] == "usual")
    assert {name for name, value in usual.items() if value} == {
        "pseudonym",
        "municipality",
        "age_band",
        "erased",
        "arm",
        "referral_month",
    }
    assert (usual["age_band"], usual["referral_month"], usual["erased"]) == (
        "15-17",
        "2026-03",
        "false",
    )
    text = archive.read("youth.csv").decode()
    for referral in drawn:
        assert referral.reference not in text
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_usual_service_row_keeps_its_pseudonym_until_erased(
    admin_user, study, municipality, people, drawn
):
    def usual_pseudonym():
        _descriptor, tables = export(admin_user, study, municipality)
        arm = [column.name for column in COLUMNS].index("arm")
        return next(row[0] for row in tables[0].rows if row[arm] == "usual")

    first = usual_pseudonym()
    assert first == usual_pseudonym() and first.startswith("D-")
    Referral.objects.filter(pk=drawn[2].pk).update(reference="", birth_year=None, erased_at=NOW)
    assert usual_pseudonym().startswith("X-")
