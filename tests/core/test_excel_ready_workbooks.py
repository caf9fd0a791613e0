"""Workbooks a manager can be handed as they are (docs/language-and-formats.md#workbooks):
numbers numeric with their formats, real dates, yes/no and headers in the user's language, a
frozen and filtered header row, fitted widths, totals, sheet names Excel accepts."""

import datetime as dt
import io
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone, translation

from marketing_ops.models import ImportJob
from marketing_ops.tables import DateColumn, MoneyColumn, NumColumn, PointsColumn, RateColumn
from marketing_ops.xlsx import SHEET_TITLE_MAX, Kind, Sheet, table_sheet, workbook_bytes


def read(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


KINDS = [Kind.TEXT, Kind.MONEY, Kind.RATE, Kind.DATE, Kind.BOOL, Kind.COUNT, Kind.POINTS]
HEADERS = ["County", "Revenue", "Completion", "Reported on", "Late", "Accounts", "Gap (pp)"]
ROW = [
    "Alpha",
    Decimal("22271505.90"),
    Decimal("0.9367"),
    dt.date(2026, 12, 5),
    False,
    12345,
    Decimal("-3.21"),
]


def test_money_rates_dates_and_counts_are_numbers_and_dates_with_their_formats():
    sheet = read(workbook_bytes([Sheet("Revenue", HEADERS, [ROW], kinds=KINDS)])).active
    name, money, rate, day, late, count, gap = sheet[2]
    assert money.value == pytest.approx(22271505.90) and money.number_format == "#,##0.00"
    assert rate.value == pytest.approx(0.9367) and rate.number_format == "0.00%"
    assert day.value.date() == dt.date(2026, 12, 5) and day.number_format == "yyyy-mm-dd"
    assert late.value == "No"
    assert count.value == 12345 and count.number_format == "#,##0"
    assert gap.value == pytest.approx(-3.21) and gap.number_format.startswith("+0.00")


def test_yes_no_and_the_totals_row_read_in_chinese_for_a_chinese_user():
    with translation.override("zh-hans"):
        content = workbook_bytes(
            [
                Sheet(
                    "收入",
                    HEADERS,
                    [ROW, [*ROW[:4], True, *ROW[5:]]],
                    kinds=KINDS,
                    totals=[None, Decimal("44543011.80"), Decimal("0.9367")],
                )
            ]
        )
    sheet = read(content).active
    assert [sheet.cell(row=r, column=5).value for r in (2, 3)] == ["否", "是"]
    total = sheet[4]
    assert total[0].value == "合计" and total[0].font.b
    assert total[1].value == pytest.approx(44543011.80) and total[1].number_format == "#,##0.00"


def test_the_header_row_is_bold_frozen_filtered_and_the_columns_fit():
    rows = [["欧阳娜娜（城关营业部）", Decimal("1.00")]] + [["x", Decimal("1.00")]] * 10
    sheet = read(workbook_bytes([Sheet("S", ["Customer", "Amount"], rows)])).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B12"
    assert all(cell.font.b for cell in sheet[1])
    # A Chinese character takes two widths: 11 characters need more than 20.
    assert sheet.column_dimensions["A"].width > 20
    assert 6 <= sheet.column_dimensions["B"].width < 20
    assert sheet.print_title_rows == "$1:$1"  # repeated on every printed page


def test_a_rate_written_as_text_in_a_briefing_table_lands_as_a_number():
    """Briefing tables carry rates as their lines show them ("93.67%"); the workbook holds
    the rate itself, formatted as a percentage."""
    rows = [["C01", "93.67%", "1,234.5%", "Yes"]]
    sheet = read(
        workbook_bytes([Sheet("Briefing", ["County", "Rate", "Big", "Meets"], rows)])
    ).active
    code, rate, big, meets = sheet[2]
    assert rate.value == pytest.approx(0.9367) and rate.number_format == "0.00%"
    assert big.value == pytest.approx(12.345)
    assert (code.value, meets.value) == ("C01", "Yes")


def test_sheet_names_fit_in_31_characters_and_never_repeat():
    long = "Recovery of the bills of 2026-09 by county"
    book = read(
        workbook_bytes([Sheet(long, ["a"]), Sheet(long, ["a"]), Sheet("Rev: 2026/12", ["a"])])
    )
    names = book.sheetnames
    assert all(len(name) <= SHEET_TITLE_MAX for name in names)
    assert len(set(names)) == 3
    assert names[1].endswith("(2)")


def test_a_large_export_streams_from_a_generator():
    rows = ([f"A-{i}", Decimal("1.50")] for i in range(20_000))
    sheet = read(workbook_bytes([Sheet("Big", ["Account", "Amount"], rows)])).active
    assert sheet.max_row == 20_001
    assert sheet.cell(row=20_001, column=2).number_format == "#,##0.00"


class _Row:
    def __init__(self, **values):
        self.__dict__.update(values)


class _Table(tables.Table):
    county = tables.Column(verbose_name="County", footer="Total")
    revenue = MoneyColumn(verbose_name="Revenue", footer=lambda table: "1,234.50")
    rate = RateColumn(verbose_name="Completion")
    gap = PointsColumn(verbose_name="Gap")
    reported = DateColumn(verbose_name="Reported")
    at = tables.DateTimeColumn(verbose_name="Submitted")
    late = tables.BooleanColumn(verbose_name="Late")


def test_a_page_table_exports_typed_cells_and_its_footer_as_the_totals_row(settings):
    moment = timezone.make_aware(dt.datetime(2026, 12, 5, 9, 42))
    table = _Table(
        [
            _Row(
                county="Alpha",
                revenue=Decimal("1234.50"),
                rate=Decimal("0.4987"),
                gap=Decimal("1.2"),
                reported=dt.date(2026, 12, 5),
                at=moment,
                late=True,
            )
        ]
    )
    sheet = read(workbook_bytes([table_sheet(table, "Counties")])).active
    assert [c.value for c in sheet[1]] == [
        "County",
        "Revenue",
        "Completion",
        "Gap",
        "Reported",
        "Submitted",
        "Late",
    ]
    county, revenue, rate, gap, reported, at, late = sheet[2]
    assert revenue.number_format == "#,##0.00" and revenue.value == pytest.approx(1234.5)
    assert rate.number_format == "0.00%" and rate.value == pytest.approx(0.4987)
    assert reported.value.date() == dt.date(2026, 12, 5)
    assert at.value == dt.datetime(2026, 12, 5, 9, 42) and at.number_format == "yyyy-mm-dd hh:mm"
    assert late.value == "Yes"  # not "True"
    totals = [c.value for c in sheet[3]]
    assert totals[0] == "Total" and totals[1] == pytest.approx(1234.5)


@pytest.mark.django_db
def test_a_page_export_has_its_headers_in_the_users_language(client_for, admin_user):
    ImportJob.objects.create(
        dataset="counties", file_name="c.csv", sha256="a" * 64, created_by=admin_user
    )
    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    sheet = read(client.get("/imports/?export=xlsx").content).active
    headers = [c.value for c in sheet[1]]
    assert "操作人" in headers and "县公司" in headers
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert row["操作人"] == "admin" or row["操作人"]  # the uploader, by name
    assert "县公司" in row.values()  # the dataset by its name, not "counties"


@pytest.mark.django_db
def test_an_upload_template_keeps_the_codes_and_shows_the_names_in_a_second_row(
    client_for, admin_user
):
    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    sheet = read(client.get("/imports/template/counties.xlsx").content).active
    assert [c.value for c in sheet[1]] == ["code", "name", "kind", "sort_order"]
    assert [c.value for c in sheet[2]] == ["编码", "名称", "类型", "排序"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].comment is not None and "编码" in sheet["A1"].comment.text
    assert "可选" in sheet["D1"].comment.text


class _Volumes(tables.Table):
    line = tables.Column(verbose_name="Line")
    volume = NumColumn(verbose_name="Volume")


def test_a_whole_number_reads_with_thousands_separators_and_exports_as_a_number():
    table = _Volumes([{"line": "Broadband", "volume": 24000}])
    assert table.rows[0].get_cell("volume") == "24,000"
    sheet = read(workbook_bytes([table_sheet(table, "Volumes")])).active
    assert sheet["B2"].value == 24000
