"""Excel exports (marketing_ops.xlsx): what a spreadsheet opens is shown, never run
(docs/file-formats.md)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from marketing_ops.models import ImportJob
from marketing_ops.xlsx import Sheet, safe_cell, workbook_bytes, xlsx_response

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x","y")']


def read_back(content: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_look_like_formulas_come_back_as_text(value):
    sheet = read_back(workbook_bytes([Sheet("S", ["value"], [[value]])]))
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    # An apostrophe first; XML turns a lone CR into a line feed, the rest is kept.
    assert cell.value.startswith("'")
    assert cell.value[2:] == value[1:]


def test_formula_like_headers_are_escaped_too():
    sheet = read_back(workbook_bytes([Sheet("S", ["=cmd|' /C calc'!A0"], [])]))
    assert sheet.cell(row=1, column=1).data_type == "s"


def test_ordinary_values_keep_their_type():
    today = dt.date(2026, 3, 1)
    rows = [["a-b", -5, Decimal("1234.50"), today, None, "plain"]]
    sheet = read_back(workbook_bytes([Sheet("S", list("abcdef"), rows)]))
    values = [c.value for c in sheet[2]]
    assert values[0] == "a-b"
    assert values[1] == -5
    assert Decimal(str(values[2])) == Decimal("1234.50")
    assert values[3].date() == today
    assert values[4] is None
    assert values[5] == "plain"
    assert all(c.data_type != "f" for c in sheet[2])


def test_aware_datetimes_are_written_in_local_time():
    moment = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    assert safe_cell(moment) == dt.datetime(2026, 3, 1, 8, 30)  # Asia/Shanghai


def test_the_response_is_a_named_attachment():
    response = xlsx_response("my report?.xlsx", [Sheet("Sheet: 1/2", ["a"], [[1]])])
    assert response["Content-Disposition"] == 'attachment; filename="my_report_.xlsx"'
    assert read_back(response.content).title == "Sheet  1 2"


@pytest.mark.django_db
def test_an_exported_import_list_does_not_run_a_formula_in_a_file_name(client_for, admin_user):
    ImportJob.objects.create(
        dataset="counties",
        file_name='=HYPERLINK("http://evil","x").csv',
        sha256="f" * 64,
        created_by=admin_user,
        created_at=timezone.now(),
    )
    response = client_for(admin_user).get("/imports/?export=xlsx")
    assert response.status_code == 200
    sheet = read_back(response.content)
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    assert all(c.data_type != "f" for c in cells)
