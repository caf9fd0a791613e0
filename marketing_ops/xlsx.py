"""Excel exports: every table a user sees can be downloaded (docs/file-formats.md formula
escaping)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows but never runs.

    Text starting with ``= + - @`` or a tab/CR is prefixed with an apostrophe so that neither
    Excel nor openpyxl treats it as a formula; aware datetimes become local naive ones (xlsx
    has no time zones).
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date):
        return value
    if hasattr(value, "quantize"):  # Decimal
        return value
    return safe_cell(str(value))


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Write sheets with a bold header row; streaming (write-only) so large tables stay cheap."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=_SHEET_TITLE_BAD.sub(" ", sheet.title)[:31])
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=safe_cell(str(title)))
            cell.font = Font(bold=True)
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([safe_cell(v) for v in row])
    if not workbook.worksheets:
        workbook.create_sheet("Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    if not safe_name.endswith(".xlsx"):
        safe_name += ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


def table_sheet(table: Any, title: str) -> Sheet:
    """A django-tables2 table as a sheet (all rows, not one page; columns as shown)."""
    values = iter(table.as_values(exclude_columns=getattr(table, "export_exclude", ())))
    headers = next(values)
    return Sheet(title=title, headers=[str(h) for h in headers], rows=values)
