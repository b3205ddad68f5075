"""Tables to hand over: a described table of plain values, and a Frictionless Data Package
(https://specs.frictionlessdata.io/) that carries one or more of them as CSV in a zip.

The description lives beside the data (each column's type and its meaning in English and
Danish), so a statistician can open the package without asking; another format (.xlsx) can be
written from the same ``Table``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Table Schema's types that these tables use.
TYPES = frozenset({"string", "integer", "number", "boolean", "date", "yearmonth", "datetime"})


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description_en: str
    description_da: str
    enum: Sequence[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    unique: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"Column {self.name!r}: unknown type {self.type!r}")

    def descriptor(self) -> dict:
        """The column as a Table Schema field; the Danish description is a custom property
        (the specification allows them) beside the standard English one."""
        descriptor: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description_en,
            "description_da": self.description_da,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass
class Table:
    """Rows of plain values (str, int, float, bool, date, None) under described columns."""

    name: str
    title: str
    description: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def schema(self) -> dict:
        keys = [column.name for column in self.columns if column.unique and column.required]
        schema: dict[str, Any] = {
            "fields": [column.descriptor() for column in self.columns],
            # An empty cell is a missing value; nothing else is.
            "missingValues": [""],
        }
        if keys:
            schema["primaryKey"] = keys[0]
        return schema


def cell_text(value: Any, column: Column) -> str:
    """A value as Table Schema's CSV text for the column's type."""
    if value is None:
        return ""
    if column.type == "boolean":
        return "true" if value else "false"
    if column.type == "yearmonth" and isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def table_csv(table: Table) -> str:
    """The table as RFC 4180 CSV (comma, double quotes, CRLF), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([cell_text(v, c) for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue()


def data_package(
    *,
    name: str,
    title: str,
    description: str,
    tables: Sequence[Table],
    created: datetime,
    extra: dict | None = None,
) -> dict:
    """``datapackage.json``'s content for ``tables`` (one CSV resource each)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "created": created.isoformat(),
        **(extra or {}),
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table.schema(),
            }
            for table in tables
        ],
    }


def data_package_zip(descriptor: dict, tables: Sequence[Table]) -> bytes:
    """A zip holding ``datapackage.json`` and each table's CSV beside it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        )
        for table in tables:
            archive.writestr(f"{table.name}.csv", table_csv(table))
    return out.getvalue()
