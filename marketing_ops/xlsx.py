"""Excel-ready workbooks: every table a user sees can be downloaded, and handed on as it is
(docs/language-and-formats.md#workbooks, docs/file-formats.md formula escaping).

Every workbook the product writes — table exports, upload templates, briefing attachments,
import error lists — goes through ``workbook_bytes``, which gives each sheet:

- cells of their kind (``Kind``): money numeric with ``#,##0.00``, rates numeric with ``0.00%``,
  whole numbers with ``#,##0``, dates as real dates (``yyyy-mm-dd``), yes/no as the user's
  language says it (是/否, Yes/No); without a declared kind a cell is typed by its value;
- a bold header row in the user's language (the active one), frozen, with an autofilter over the
  table, repeated on every printed page, and column widths fitted to the first rows;
- a totals row (合计 / Total) where the table has one on screen;
- a sheet name of at most 31 characters, unique in the workbook;
- formula escaping: text starting with ``= + - @`` or a tab/CR never runs.

The sheets stream (openpyxl's write-only mode): only the first ``WIDTH_SAMPLE`` rows are held,
to fit the column widths, so an export of a million rows stays cheap.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import django_tables2 as tables
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
#: Excel's limit on a sheet name.
SHEET_TITLE_MAX = 31
#: Rows read ahead to fit the column widths (the rest stream).
WIDTH_SAMPLE = 200
WIDTH_MIN, WIDTH_MAX = 6, 60


class Kind:
    """What a column holds, and so how its cells are written."""

    TEXT = "text"
    MONEY = "money"  # yuan, numeric, #,##0.00
    RATE = "rate"  # a fraction (0.4987), numeric, shown 49.87%
    POINTS = "points"  # percentage points, numeric, signed
    COUNT = "count"  # a whole number with thousands separators
    NUMBER = "number"  # a number as it is (years, ids): no separators
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"


NUMBER_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.RATE: "0.00%",
    Kind.POINTS: "+0.00;-0.00;0.00",
    Kind.COUNT: "#,##0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}

_BOLD = Font(bold=True)
_NOTE = Font(italic=True, color="666666")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=False, vertical="top")


@dataclass
class Sheet:
    """One sheet: ``headers`` (shown in the user's language), ``rows`` (streamed), and
    optionally each column's ``kinds`` (``Kind``; a missing one is typed by value), a
    ``totals`` row (the table's 合计 on screen; its first cell, when blank, reads "Total"),
    ``names`` — a second header row the importer ignores (upload templates: the translated
    column names under the codes) — and ``notes``, a comment on each header cell."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)
    kinds: Sequence[str | None] = ()
    totals: Sequence[Any] | None = None
    names: Sequence[Any] = ()
    notes: Sequence[Any] = ()


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows but never runs.

    Text starting with ``= + - @`` or a tab/CR is prefixed with an apostrophe so that neither
    Excel nor openpyxl treats it as a formula; aware datetimes become local naive ones (xlsx
    has no time zones); yes/no reads in the user's language.
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date):
        return value
    if isinstance(value, Decimal):
        return value
    return safe_cell(force_str(value))


def yes_no(value: bool) -> str:
    """是 / 否 in Chinese, Yes / No in English."""
    return _("Yes") if value else _("No")


def _as_bool(value: Any) -> Any:
    if isinstance(value, str) and value in ("True", "False"):  # django-tables2's export
        return value == "True"
    return value


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _as_number(value: Any) -> Any:
    if isinstance(value, str) and value:
        text = value.replace(",", "").strip()
        percent = text.endswith("%")
        try:
            number = Decimal(text.rstrip("%"))
        except InvalidOperation:
            return value
        return number / 100 if percent else number
    return value


#: A rate written as text, as pages and briefing lines show it: ``93.67%``, ``-1.5%``.
_PERCENT_TEXT = re.compile(r"-?[0-9]{1,3}(?:,?[0-9]{3})*(?:\.[0-9]+)?%")


def kind_of(value: Any) -> str | None:
    """The kind a value without a declared one is written as."""
    if isinstance(value, str):
        return Kind.RATE if _PERCENT_TEXT.fullmatch(value) else None
    if isinstance(value, bool):
        return Kind.BOOL
    if isinstance(value, dt.datetime):
        return Kind.DATETIME
    if isinstance(value, dt.date):
        return Kind.DATE
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2:
        return Kind.MONEY  # two places: an amount of yuan
    return None


def typed_cell(worksheet: WriteOnlyWorksheet, value: Any, kind: str | None) -> WriteOnlyCell:
    """A cell holding ``value`` as ``kind`` says (or as its value says), formula-escaped."""
    if kind == Kind.BOOL:
        value = _as_bool(value)
    elif kind in (Kind.DATE, Kind.DATETIME):
        value = _as_date(value)
    elif kind in (Kind.MONEY, Kind.RATE, Kind.POINTS, Kind.COUNT, Kind.NUMBER):
        value = _as_number(value)
    if kind is None:
        kind = kind_of(value)
        if kind == Kind.RATE:  # "93.67%": the rate itself, shown as a percentage
            value = _as_number(value)
    elif kind == Kind.TEXT and not isinstance(value, str):
        kind = kind_of(value)
    if kind == Kind.DATE and isinstance(value, dt.datetime):
        kind = Kind.DATETIME
    cell = WriteOnlyCell(worksheet, value=safe_cell(value))
    number_format = NUMBER_FORMATS.get(kind or "")
    if number_format and isinstance(cell.value, int | float | Decimal | dt.date):
        cell.number_format = number_format
    return cell


def display_width(value: Any, kind: str | None = None) -> int:
    """How many character widths a value takes in a spreadsheet column (a Chinese character
    takes two)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        text = yes_no(value)
    elif kind == Kind.MONEY or isinstance(value, Decimal):
        text = f"{value:,.2f}" if isinstance(value, Decimal | int | float) else str(value)
    elif kind == Kind.RATE:
        text = "100.00%"
    elif isinstance(value, dt.datetime):
        text = "2026-12-05 09:42"
    elif isinstance(value, dt.date):
        text = "2026-12-05"
    else:
        text = force_str(value)
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def unique_titles(titles: Iterable[str]) -> Iterator[str]:
    """Sheet names Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique (a repeated
    name gets " (2)", " (3)" …, still within 31)."""
    seen: set[str] = set()
    for title in titles:
        base = _SHEET_TITLE_BAD.sub(" ", title).strip().strip("'") or "Sheet"
        name = base[:SHEET_TITLE_MAX]
        number = 1
        while name.lower() in seen:
            number += 1
            suffix = f" ({number})"
            name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        seen.add(name.lower())
        yield name


def _write_sheet(worksheet: WriteOnlyWorksheet, sheet: Sheet) -> None:
    headers = [force_str(h) for h in sheet.headers]
    width = len(headers)
    kinds: list[str | None] = list(sheet.kinds) + [None] * (width - len(sheet.kinds))
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))

    # Widths first: a write-only sheet takes its columns before its rows.
    widths = [display_width(h) + 2 for h in headers]  # room for the filter button
    for row in itertools.chain(sample, [sheet.names, sheet.totals or ()]):
        for index, value in enumerate(row[:width]):
            widths[index] = max(widths[index], display_width(value, kinds[index]))
    for index, chars in enumerate(widths, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(chars + 1, WIDTH_MIN), WIDTH_MAX)

    header_rows = 2 if sheet.names else 1
    if width:
        worksheet.freeze_panes = f"A{header_rows + 1}"
        worksheet.print_title_rows = f"1:{header_rows}"

    header = []
    for index, title in enumerate(headers):
        cell = WriteOnlyCell(worksheet, value=safe_cell(title))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        if index < len(sheet.notes) and sheet.notes[index]:
            cell.comment = Comment(force_str(sheet.notes[index]), "marketing_ops")
        header.append(cell)
    worksheet.append(header)
    if sheet.names:
        names = []
        for value in sheet.names:
            cell = WriteOnlyCell(worksheet, value=safe_cell(force_str(value)))
            cell.font = _NOTE
            names.append(cell)
        worksheet.append(names)

    last_row = header_rows
    for row in itertools.chain(sample, rows):
        worksheet.append(
            [
                typed_cell(worksheet, value, kinds[i] if i < width else None)
                for i, value in enumerate(row)
            ]
        )
        last_row += 1
    if width and not sheet.names:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(width)}{max(last_row, 2)}"
    if sheet.totals is not None:
        totals = list(sheet.totals)
        if totals and totals[0] in (None, ""):
            totals[0] = _("Total")
        cells = []
        for index, value in enumerate(totals):
            cell = typed_cell(worksheet, value, kinds[index] if index < width else None)
            cell.font = _BOLD
            cells.append(cell)
        worksheet.append(cells)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook of ``sheets``, written as the module says; streaming (write-only)."""
    workbook = Workbook(write_only=True)
    sheets = list(sheets)
    for sheet, title in zip(sheets, unique_titles(force_str(s.title) for s in sheets), strict=True):
        _write_sheet(workbook.create_sheet(title=title), sheet)
    if not workbook.worksheets:
        workbook.create_sheet(_("Empty")[:SHEET_TITLE_MAX])
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


#: django-tables2's own typed columns (made for model fields), exported from the record's value
#: rather than their text.
_RAW_COLUMNS: tuple[tuple[type, str], ...] = (
    (tables.BooleanColumn, Kind.BOOL),
    (tables.DateTimeColumn, Kind.DATETIME),
    (tables.DateColumn, Kind.DATE),
)


def column_kind(column: Any) -> str | None:
    """The kind of a django-tables2 column: ``export_kind`` on the core's columns
    (``marketing_ops.tables``), else from django-tables2's own column types."""
    kind = getattr(column, "export_kind", None)
    if kind:
        return str(kind)
    for column_type, raw_kind in _RAW_COLUMNS:
        if isinstance(column, column_type):
            return raw_kind
    return None


def table_sheet(table: Any, title: str) -> Sheet:
    """A django-tables2 table as a sheet: all rows (not one page), the columns as shown, typed
    by their column class, with the table's footer as the totals row when it has one."""
    exclude = set(getattr(table, "export_exclude", ()))
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude)
    ]
    kinds = [column_kind(column.column) for column in columns]
    raw = {
        column.name
        for column in columns
        if isinstance(column.column, tuple(t for t, _kind in _RAW_COLUMNS))
    }

    def cell(row: Any, column: Any) -> Any:
        if column.name in raw:
            return column.accessor.resolve(row.record, quiet=True)
        return row.get_cell_value(column.name)

    rows = ([cell(row, column) for column in columns] for row in table.rows)
    totals = None
    if getattr(table, "show_footer", True) and table.has_footer():
        totals = [getattr(column, "export_footer", None) for column in columns]
        totals = [
            value if value is not None else strip_footer(column.footer)
            for value, column in zip(totals, columns, strict=True)
        ]
    return Sheet(
        title=title,
        headers=[force_str(column.header) for column in columns],
        rows=rows,
        kinds=kinds,
        totals=totals,
    )


def strip_footer(footer: Any) -> Any:
    """A footer cell as text without markup (a number stays a number)."""
    if footer is None or isinstance(footer, int | float | Decimal):
        return footer
    return re.sub(r"<[^>]+>", "", force_str(footer)).strip() or None
