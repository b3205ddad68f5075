"""Table exports a spreadsheet opens with a double-click: ``.xlsx`` with real number and date
cells, and a CSV in the form Danish Excel reads (UTF-8 with a BOM, ``;`` between fields, a
decimal comma, dates as dd-mm-yyyy).

Any table can use it: describe the columns once (a key, a translatable heading, a kind) and
pass rows of plain Python values (``str``, ``int``, ``float``/``Decimal``, ``date``,
``datetime``, ``None`` for an empty cell). Headings are rendered in the active language, so a
Danish reader gets Danish headings. Text cells never run as formulas, in either format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

Kind = Literal["text", "integer", "decimal", "date", "datetime"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Characters that make a spreadsheet read a text cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    heading: str | Promise  # gettext_lazy, rendered when the file is made
    kind: Kind = "text"
    places: int = 1  # decimals shown for a "decimal" column

    @property
    def xlsx_format(self) -> str:
        return {
            "text": "@",
            "integer": "0",
            "decimal": "0." + "0" * self.places if self.places else "0",
            # Excel's built-in short date (format 14): shown in the reader's own date order.
            "date": "mm-dd-yy",
            "datetime": "dd-mm-yyyy hh:mm",
        }[self.kind]


def xlsx_bytes(rows: Iterable[Sequence], columns: Sequence[Column], *, title: str) -> bytes:
    """One sheet named ``title``: a bold heading row, then the rows with typed cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    headings = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.heading))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        headings.append(cell)
    sheet.append(headings)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, column, value) for column, value in _zip(columns, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, column: Column, value) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if column.kind == "text":
        cell = WriteOnlyCell(sheet, value=str(value))
        # openpyxl reads a string starting with "=" as a formula; a text cell is text.
        cell.data_type = "s"
        return cell
    if column.kind == "datetime":
        # Excel has no time zones: the local wall-clock time, as the reader's calendar shows it.
        value = timezone.localtime(value).replace(tzinfo=None)
    elif column.kind == "decimal":
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = column.xlsx_format
    return cell


def danish_csv_bytes(rows: Iterable[Sequence], columns: Sequence[Column]) -> bytes:
    """The table as Danish Excel opens a CSV: a BOM (else it guesses the Windows code page),
    ``;`` (its list separator), a decimal comma and dd-mm-yyyy dates; CRLF line ends."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([_inert(str(column.heading)) for column in columns])
    for row in rows:
        writer.writerow([_csv_text(column, value) for column, value in _zip(columns, row)])
    return text.getvalue().encode("utf-8-sig")


def _csv_text(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == "integer":
        return str(int(value))
    if column.kind == "decimal":
        return f"{Decimal(str(value)):.{column.places}f}".replace(".", ",")
    if column.kind == "datetime":
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if column.kind == "date":
        return value.strftime("%d-%m-%Y")
    return _inert(str(value))


def _inert(text: str) -> str:
    """A text a spreadsheet will not run as a formula (names and titles are typed by people);
    the apostrophe is how a spreadsheet user would type such a text themselves."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _zip(columns: Sequence[Column], row: Sequence):
    if len(row) != len(columns):
        raise ValueError(f"a row of {len(row)} cells for {len(columns)} columns")
    return zip(columns, row, strict=True)


def _sheet_title(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Data")[:31]


def export_filename(stem: str, extension: str, *, today: date | datetime | None = None) -> str:
    """``stem-YYYY-MM-DD.ext``: a download that sorts by date and never overwrites yesterday's."""
    today = today or timezone.localdate()
    return f"{stem}-{today:%Y-%m-%d}.{extension}"
