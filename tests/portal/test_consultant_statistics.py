"""The statistics page and its exports (.xlsx and a CSV for Danish Excel): charts as accessible
inline SVG with the numbers as tables, filters, pseudonymised rows, scoped to the
municipality."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from domain.models import MatchEvent, NetworkGroup, Placement
from domain.selectors.statistics import CSV_HEADER, youth_pseudonym
from portal.views.consultant_statistics import EXPORT_COLUMNS
from tests import factories as f
from tests.portal.test_spreadsheets import danish_excel_reads

PAGE = reverse("consultant:statistics")
CSV = reverse("consultant:statistics_csv")
XLSX = reverse("consultant:statistics_xlsx")


@pytest.fixture
def history(municipality, youth, slot):
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    placement = f.PlacementFactory(
        youth=youth,
        slot=slot,
        interest=interest,
        status=Placement.Status.ACTIVE,
        start_date=timezone.localdate() - timedelta(days=21),
        started_at=timezone.now() - timedelta(days=21),
    )
    f.CheckInFactory(placement=placement, score=4)
    f.EventFactory(
        municipality=municipality,
        status=MatchEvent.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2),
        signup_deadline=timezone.now() - timedelta(days=3),
    )
    return placement


def test_the_page_draws_four_accessible_charts_with_tables(client_for, consultant, history):
    response = client_for(consultant).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 4
    assert page.count('role="img"') == 4
    for chart in ("funnel", "weeks", "checkins", "events"):
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in page
    assert page.count("<table") >= 4
    assert history.youth.first_name not in page


def test_weeks_in_placement_are_folded_into_counted_bands(
    client_for, consultant, history, municipality, slot
):
    """One row per band of weeks, not one per youth: the page stays the same size however many
    youth were placed; each youth's own figure is in the CSV."""
    from domain.selectors.statistics import WEEK_BANDS

    def weeks_rows(page: str) -> int:
        section = page.split('id="weeks-heading"')[1].split("</section>")[0]
        return section.count("<tr>") - 1  # less the heading row

    client = client_for(consultant)
    before = client.get(PAGE).content.decode()
    for _ in range(12):
        youth = f.YouthFactory(municipality=municipality)
        f.PlacementFactory(
            youth=youth,
            slot=slot,
            status="active",
            start_date=history.start_date,
            started_at=history.started_at,
        )
    after = client.get(PAGE).content.decode()
    assert weeks_rows(before) == weeks_rows(after) == len(WEEK_BANDS)
    assert youth_pseudonym(history.youth_id) not in after
    assert youth_pseudonym(history.youth_id) in client.get(CSV).content.decode()


def test_the_page_offers_the_csv_with_the_same_filters(client_for, consultant, history):
    page = client_for(consultant).get(PAGE, {"date_from": "2026-01-01"}).content.decode()
    assert f"{CSV}?date_from=2026-01-01" in page
    assert f"{XLSX}?date_from=2026-01-01" in page


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_company_members_and_anonymous_are_kept_out(client_for, company_member, url):
    assert client_for(company_member).get(PAGE).status_code == 403
    assert client_for(company_member).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_a_group_of_another_municipality_is_refused(client_for, consultant, other_municipality):
    foreign = f.GroupFactory(municipality=other_municipality)
    response = client_for(consultant).get(PAGE, {"group": foreign.pk})
    assert response.status_code == 400
    assert 'id="id_group_error"' in response.content.decode()
    assert client_for(consultant).get(CSV, {"group": foreign.pk}).status_code == 400
    assert client_for(consultant).get(XLSX, {"group": foreign.pk}).status_code == 400


def test_a_period_ending_before_it_starts_is_shown_at_the_field(client_for, consultant):
    response = client_for(consultant).get(
        PAGE, {"date_from": "2026-06-01", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert 'id="id_date_to_error"' in response.content.decode()


def test_the_group_filter_narrows_the_numbers(client_for, consultant, municipality, history):
    group = f.GroupFactory(municipality=municipality, name="Tom gruppe")
    response = client_for(consultant).get(PAGE, {"group": group.pk})
    assert response.status_code == 200
    assert response.context["stats"]["funnel"][0]["count"] == 0


def test_an_admin_chooses_the_municipality(client_for, admin_user, other_municipality, history):
    response = client_for(admin_user).get(PAGE, {"municipality": other_municipality.pk})
    assert response.status_code == 200
    assert response.context["stats"]["municipality"]["id"] == other_municipality.pk
    assert response.context["stats"]["funnel"][0]["count"] == 0


def test_export_columns_follow_the_selectors_rows():
    assert tuple(column.key for column in EXPORT_COLUMNS) == CSV_HEADER


def test_csv_is_pseudonymised_and_danish_excel_splits_and_sums_it(client_for, consultant, history):
    group = f.GroupFactory(municipality=history.youth.municipality, name="Ærø-holdet på Østervold")
    history.youth.group = group
    history.youth.save()
    response = client_for(consultant).get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    rows = danish_excel_reads(response.content)
    assert rows[0][:4] == ["Ung (pseudonym)", "Gruppe", "Status", "Interesser"]
    assert rows[1][:3] == [youth_pseudonym(history.youth_id), "Ærø-holdet på Østervold", "aktiv"]
    by_key = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert by_key["interests"] == 1.0
    assert by_key["weeks_in_placement"] == 3.0
    assert by_key["average_checkin_score"] == 4.0
    assert b"3,0;" in response.content  # the decimal comma
    assert history.youth.first_name not in response.content.decode("utf-8-sig")


def test_xlsx_has_number_cells_and_the_readers_headings(client_for, consultant, history):
    response = client_for(consultant).get(XLSX, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Young person (pseudonym)", "Group", "Status", "Interests"]
    by_key = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert by_key["youth"] == youth_pseudonym(history.youth_id)
    assert by_key["status"] == "active"
    assert by_key["interests"] == 1 and isinstance(by_key["interests"], int)
    assert by_key["weeks_in_placement"] == 3.0
    assert by_key["average_checkin_score"] == 4.0
    assert sum(row[3] for row in rows[1:]) == 1  # a column that sums


def test_export_cells_never_run_as_formulas(client_for, consultant, municipality):
    group = f.GroupFactory(municipality=municipality, name="=HYPERLINK(1)")
    f.YouthFactory(municipality=municipality, group=group)
    rows = danish_excel_reads(client_for(consultant).get(CSV).content)
    assert rows[1][1] == "'=HYPERLINK(1)"
    sheet = load_workbook(io.BytesIO(client_for(consultant).get(XLSX).content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_event_titles_render_inert_in_charts_and_tables(client_for, consultant, municipality):
    f.EventFactory(
        municipality=municipality,
        title="<script>alert(1)</script>",
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=1),
        signup_deadline=timezone.now() - timedelta(days=3),
    )
    page = client_for(consultant).get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("n", [1, 30])
def test_queries_do_not_grow(
    client_for, consultant, municipality, slot, n, django_assert_max_num_queries
):
    for _ in range(n):
        youth = f.YouthFactory(municipality=municipality)
        interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
        placement = f.PlacementFactory(
            youth=youth,
            slot=slot,
            interest=interest,
            status="active",
            started_at=timezone.now() - timedelta(days=7),
        )
        f.CheckInFactory(placement=placement)
    client = client_for(consultant)
    # 14 for the charts, 5 for the trial's measures (youth, placements, attendance, follow-up
    # answers, groups with their facilitators), 1 for whether the municipality has ever drawn
    # (its arms are compared if so), 1 for the second factor's device.
    with django_assert_max_num_queries(21):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(CSV).status_code == 200


def test_the_group_filter_costs_the_same_queries_for_1_and_30_groups(
    client_for, consultant, municipality, history, queries_for
):
    f.GroupFactory(municipality=municipality)
    client = client_for(consultant)
    client.get(PAGE)
    one = queries_for(client, PAGE)
    for _ in range(29):
        f.GroupFactory(municipality=municipality)
    html = client.get(PAGE).content.decode()
    assert queries_for(client, PAGE) == one
    assert html.count('<option value="') >= 30


def test_the_groups_measures_are_a_page_long_with_their_count(
    client_for, consultant, municipality, history
):
    names = [f"Gruppe {n:02d}" for n in range(25)]
    for name in names:
        f.GroupFactory(municipality=municipality, name=name)
    client = client_for(consultant)

    def rows(query: str) -> list[str]:
        html = client.get(PAGE + query).content.decode()
        table = html.split('id="measures-groups"', 1)[1].split("</table>", 1)[0]
        return [name for name in names if f">{name}</th>" in table]

    first = client.get(PAGE).content.decode()
    groups = NetworkGroup.objects.filter(municipality=municipality).count()
    assert groups > 20
    assert f"({groups} grupper)" in first or f"({groups} groups)" in first
    assert "groups=2" in first  # the pager keeps the other lists' pages and the filters
    assert len(rows("")) + len(rows("?groups=2")) == len(names)
    assert not set(rows("")) & set(rows("?groups=2"))
    assert rows("?groups=99") == rows("?groups=2")  # past the end: the last page
