"""Briefings read like pages (docs/language-and-formats.md#formats-on-pages): the email's cells are
written by their column's kind in the briefing's language, and the attachment keeps them typed."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from marketing_ops import briefings
from marketing_ops.briefings import Section, briefing_render, cell_text, period_for
from marketing_ops.xlsx import Kind, Sheet

pytestmark = pytest.mark.django_db

HEADERS = ["County", "Billed", "Recovery", "Change", "Accounts", "Due", "Met"]
KINDS = [Kind.TEXT, Kind.MONEY, Kind.RATE, Kind.POINTS, Kind.COUNT, Kind.DATE, Kind.BOOL]
ROW = [
    "C01 Alpha",
    Decimal("22271505.90"),
    Decimal("0.9367"),
    Decimal("1.2"),
    12345,
    dt.date(2026, 12, 5),
    False,
]


@pytest.fixture
def figures(monkeypatch):
    def sections(period, county):
        table = Sheet("Figures", HEADERS, [ROW], kinds=KINDS, totals=[None, Decimal("22271505.90")])
        return [Section("Figures", lines=["a line"], tables=[table], order=1)]

    monkeypatch.setattr(briefings, "collect_sections", sections)


def test_email_cells_read_as_pages_write_them_in_english(figures):
    rendered = briefing_render(period_for("monthly", "2026-11"), None)
    for body in (rendered.html, rendered.text):
        assert "22,271,505.90" in body and "22271505.90" not in body
        assert "93.67%" in body and "0.9367" not in body
        assert "+1.20 pp" in body
        assert "12,345" in body
        assert "2026-12-05" in body
        assert "No" in body
        assert "Total" in body  # the totals row, as on screen
    assert 'text-align: right; white-space: nowrap;">22,271,505.90</td>' in rendered.html


def test_a_briefing_rendered_in_chinese_writes_dates_and_points_as_chinese_pages_do(figures):
    with translation.override("zh-hans"):
        rendered = briefing_render(period_for("monthly", "2026-11"), None)
    for body in (rendered.html, rendered.text):
        assert "22,271,505.90" in body
        assert "93.67%" in body
        assert "+1.20个百分点" in body
        assert "2026年12月5日" in body
        assert "2026年11月1日" in body  # the period the briefing covers
        assert "否" in body


def test_the_attachment_keeps_each_cell_typed_by_its_kind(figures):
    rendered = briefing_render(period_for("monthly", "2026-11"), None)
    sheet = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))["Figures"]
    billed, rate, points, accounts, due = (sheet.cell(2, column) for column in range(2, 7))
    assert billed.value == pytest.approx(22271505.90) and billed.number_format == "#,##0.00"
    assert rate.value == pytest.approx(0.9367) and rate.number_format == "0.00%"
    assert points.number_format == "+0.00;-0.00;0.00"
    assert accounts.value == 12345 and accounts.number_format == "#,##0"
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert sheet.cell(3, 1).value == "Total" and sheet.cell(3, 2).value == pytest.approx(22271505.9)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (None, Kind.MONEY, "—"),
        (Decimal("1234.5"), Kind.MONEY, "1,234.50"),
        (Decimal("86400.00"), None, "86,400.00"),  # two places without a kind: money
        (Decimal("-0.0333"), Kind.RATE, "-3.33%"),
        (Decimal("-3.333"), Kind.POINTS, "-3.33 pp"),
        (7, Kind.NUMBER, "7"),
        (2026, None, "2026"),
        ("94.00%", Kind.RATE, "94.00%"),  # text stays as written
    ],
)
def test_a_cell_is_written_by_its_kind(value, kind, text):
    assert cell_text(value, kind) == text


def test_the_subject_names_the_kind_and_the_period_as_pages_do(figures, settings):
    english = briefing_render(period_for("monthly", "2026-11"), None).subject
    assert english == f"{settings.CITY_NAME} marketing — monthly briefing 2026-11"
    with translation.override("zh-hans"):
        month = briefing_render(period_for("monthly", "2026-11"), None).subject
        week = briefing_render(period_for("weekly", "2026-W48"), None).subject
        day = briefing_render(period_for("daily", "2026-12-04"), None).subject
    assert month == f"{settings.CITY_NAME}市场营销月度简报（2026年11月）"
    assert week.endswith("每周简报（2026年第48周）")
    assert day.endswith("每日简报（2026年12月4日）")


def test_a_briefing_is_written_in_the_installations_language_whoever_sends_it(figures, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):  # city staff working in English press "Send"
        sent = briefings.briefing_send(period_for("monthly", "2026-11"), None).briefing
    assert "月度简报" in sent.subject
    assert "2026年12月5日" in sent.html and "合计" in sent.text
