"""The spreadsheet machinery (portal/spreadsheets.py): an .xlsx read back with openpyxl has
real number and date cells, and the CSV keeps the contract Danish Excel opens a CSV by."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from portal.spreadsheets import Column, danish_csv_bytes, export_filename, xlsx_bytes

COLUMNS = (
    Column("name", gettext_lazy("Group")),
    Column("count", gettext_lazy("Interests"), "integer"),
    Column("weeks", gettext_lazy("Weeks in placement"), "decimal", places=1),
    Column("score", gettext_lazy("Average check-in score"), "decimal", places=2),
    Column("day", gettext_lazy("Date"), "date"),
    Column("at", gettext_lazy("Time"), "datetime"),
)
ROWS = [
    ["Ærø-holdet på Østervold", 3, 2.5, Decimal("3.25"), date(2027, 6, 17), None],
    ['=HYPERLINK("http://x")', 0, 0.0, None, None, datetime(2027, 1, 14, 12, 0, tzinfo=UTC)],
    ["-1+2", 12000, 1234.5, 4.0, date(2027, 12, 31), datetime(2027, 6, 17, 11, 0, tzinfo=UTC)],
]


def danish_excel_reads(body: bytes) -> list[list]:
    """What Danish Excel makes of a CSV on a double-click: the BOM says UTF-8 (without one it
    reads Windows-1252), ``;`` splits the fields, a number is digits with a decimal comma
    (and "." only as a thousands separator), a date is dd-mm-yyyy; anything else is text."""
    text = body[3:].decode("utf-8") if body.startswith(b"\xef\xbb\xbf") else body.decode("cp1252")
    table = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        table.append([_excel_value(cell) for cell in row])
    return table


def _excel_value(cell: str):
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?", cell):
        return float(cell.replace(".", "").replace(",", "."))
    if match := re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})( \d\d:\d\d)?", cell):
        day, month, year, time = match.groups()
        return f"date {year}-{month}-{day}{time or ''}"
    return cell


def test_xlsx_cells_are_numbers_dates_and_text_of_the_right_kind():
    with translation.override("da"), timezone.override("Europe/Copenhagen"):
        body = xlsx_bytes(ROWS, COLUMNS, title="Statistik")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Statistik"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Gruppe", "Interesser", "Uger i forløb", "Gns. tjek-ind-score"]
    assert values[1] == ["Ærø-holdet på Østervold", 3, 2.5, 3.25, datetime(2027, 6, 17), None]
    # The local wall-clock time: 12:00 UTC is 13:00 in Copenhagen in winter, 11:00 is 13:00 in June.
    assert values[2][5] == datetime(2027, 1, 14, 13, 0)
    assert values[3][5] == datetime(2027, 6, 17, 13, 0)
    row = sheet[2]
    assert [cell.data_type for cell in row[:5]] == ["s", "n", "n", "n", "d"]
    assert row[1].number_format == "0"
    assert row[2].number_format == "0.0"
    assert row[3].number_format == "0.00"
    assert row[4].is_date and row[4].number_format == "mm-dd-yy"  # Excel's own short date
    formula = sheet["A3"]
    assert formula.data_type == "s"
    assert formula.value == '=HYPERLINK("http://x")'
    assert b"<f>" not in _sheet_xml(body)


def _sheet_xml(body: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_xlsx_headings_follow_the_readers_language():
    with translation.override("en"):
        body = xlsx_bytes(ROWS[:1], COLUMNS, title="Statistics")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Group", "Interests", "Weeks in placement"]


def test_csv_is_what_danish_excel_splits_and_sums():
    with translation.override("da"), timezone.override("Europe/Copenhagen"):
        body = danish_csv_bytes(ROWS, COLUMNS)
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body and b"," not in body.split(b"\r\n")[0]
    table = danish_excel_reads(body)
    assert table[0][:4] == ["Gruppe", "Interesser", "Uger i forløb", "Gns. tjek-ind-score"]
    assert table[1] == ["Ærø-holdet på Østervold", 3.0, 2.5, 3.25, "date 2027-06-17", ""]
    assert table[2][1:4] == [0.0, 0.0, ""]
    assert table[2][5] == "date 2027-01-14 13:00"
    assert table[3][1:3] == [12000.0, 1234.5]
    assert table[3][5] == "date 2027-06-17 13:00"


def test_csv_text_never_runs_as_a_formula():
    body = danish_csv_bytes(ROWS, COLUMNS)
    table = danish_excel_reads(body)
    assert table[2][0] == '\'=HYPERLINK("http://x")'
    assert table[3][0] == "'-1+2"


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="a row of 2 cells for 6 columns"):
        danish_csv_bytes([["a", 1]], COLUMNS)


def test_sheet_titles_and_filenames_follow_the_spreadsheet_rules():
    body = xlsx_bytes([], COLUMNS, title="Statistik: [Roskilde]/2027 og mange flere ord")
    assert load_workbook(io.BytesIO(body)).active.title == "Statistik   Roskilde  2027 og m"
    assert export_filename("nextwork-statistik", "xlsx", today=date(2027, 3, 1)) == (
        "nextwork-statistik-2027-03-01.xlsx"
    )
