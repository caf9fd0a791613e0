"""Revenue's monthly briefing section (docs/rules.md#briefings): the city's and each county head's
version."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core import mail
from django.utils import timezone

from marketing_ops.briefings import briefing_send_all, period_for
from revenue import briefing

from .conftest import make_report


@pytest.fixture
def june(plan_2026, county_a, county_b):
    for month in range(1, 7):
        make_report(county_a, 2026, month, "46666.67", volumes={"BROADBAND": 50})
        if month < 6:
            make_report(county_b, 2026, month, "20000.00", volumes={"BROADBAND": 10})


def _text(section):
    return "\n".join(section.lines) + "".join(
        str(cell) for table in section.tables for row in table.rows for cell in row
    )


def test_the_city_section_gives_completion_ranking_risk_and_missing_reports(june):
    sections = briefing.sections(period_for("monthly", "2026-06"), None)
    text = "\n".join(_text(s) for s in sections)
    assert "The city:" in text and "time progress 50.00%" in text
    assert "At risk" in text and "Beta County" in text
    assert "No report for 2026-06 (due 2026-07-05): Beta County." in text
    assert sections[0].tables[0].rows[0][1] == "C01 Alpha District"


def test_no_section_in_daily_or_weekly_briefings(june):
    assert briefing.sections(period_for("daily", "2026-06-03"), None) == []
    assert briefing.sections(period_for("weekly", "2026-W23"), None) == []


def test_a_late_report_is_named(june, county_b):
    make_report(
        county_b,
        2026,
        6,
        "1.00",
        status="submitted",
        late=True,
        submitted_at=timezone.make_aware(dt.datetime(2026, 7, 9, 10, 0)),
    )
    sections = briefing.sections(period_for("monthly", "2026-06"), None)
    assert "Submitted late: Beta County (2026-07-09)." in sections[1].lines


def test_a_county_heads_briefing_contains_only_their_county(june, head_a, leader, county_b):
    briefing_send_all("monthly", "2026-06")
    to_head = [m for m in mail.outbox if m.to == [head_a.email]]
    assert len(to_head) == 1
    message = to_head[0]
    html = message.alternatives[0][0]
    assert "Alpha District" in message.body and "Alpha District" in html
    assert "Rank 1 of 2 counties" in message.body
    for other in ("Beta County", "C02"):
        assert other not in message.body
        assert other not in html
    workbook = openpyxl.load_workbook(io.BytesIO(message.attachments[0][1]))
    cells = [str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert not any("C02" in c or "Beta" in c for c in cells)
    to_city = [m for m in mail.outbox if m.to == [leader.email]]
    assert "Beta County" in to_city[0].body


def test_sending_twice_sends_one_email_per_recipient_unless_forced(june, head_a, leader):
    briefing_send_all("monthly", "2026-06")
    briefing_send_all("monthly", "2026-06")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([head_a.email, leader.email])
    briefing_send_all("monthly", "2026-06", force=True)
    assert len(mail.outbox) == 4


def test_a_year_without_plan_says_so(county_a, lines):
    sections = briefing.sections(period_for("monthly", "2019-01"), county_a)
    assert sections[0].lines == ["There is no revenue plan for 2019 yet."]


def test_the_emailed_revenue_figures_read_as_on_pages_and_the_workbook_keeps_numbers(june, leader):
    """Amounts with thousands separators and rates as percentages in the email; in the
    attachment the completion rate is the number (0.xxxx) shown with a percent format."""
    briefing_send_all("monthly", "2026-06")
    message = next(m for m in mail.outbox if m.to == [leader.email])
    html = message.alternatives[0][0]
    target = briefing.sections(period_for("monthly", "2026-06"), None)[0].tables[0].rows[0][2]
    assert f"{target:,.2f}" in html and f">{target}<" not in html
    assert f"{target:,.2f}" in message.body
    workbook = openpyxl.load_workbook(io.BytesIO(message.attachments[0][1]))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    completion = sheet.cell(2, headers.index("Completion") + 1)
    assert isinstance(completion.value, int | float)
    assert 0 < completion.value < 2
    assert completion.number_format == "0.00%"
    gap = sheet.cell(2, headers.index("Gap (pp)") + 1)
    assert isinstance(gap.value, int | float) and gap.number_format == "+0.00;-0.00;0.00"
    assert f"{completion.value:.2%}" in html
