"""Audits in the emailed briefings (docs/rules.md#briefings): the daily section (the day's new
verification items per county and rule, audits that became overdue, findings past due), the
weekly line and the monthly pass rates, in the city's and each county head's version."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import call_command

from audits import briefing
from audits.models import Audit
from audits.services import audits as writes
from audits.services import findings as finding_writes
from audits.services import records
from marketing_ops.briefings import briefing_render, period_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _text(sections):
    return "\n".join(
        "\n".join(s.lines)
        + "\n"
        + "\n".join(
            f"{t.title}: " + " | ".join(str(cell) for row in t.rows for cell in row)
            for t in s.tables
        )
        for s in sections
    )


@pytest.fixture
def work(daily_a, daily_b, make_audit, county_a, auditor1_a, city_user, answer_all, time_machine):
    """On the 17th: daily audits of the 16th (due the 17th) open in both counties, one of the
    13th passed on its due date in Alpha; a finding of Beta past its due date, one of Alpha not
    yet due."""
    passed = make_audit(county_a, "daily", "2026-11-13")
    time_machine.move_to(dt.datetime(2026, 11, 14, 9, tzinfo=SHANGHAI), tick=False)
    answer_all(passed, auditor1_a)
    writes.audit_sign(audit=passed, user=auditor1_a, result="passed")
    time_machine.move_to(dt.datetime(2026, 11, 17, 9, tzinfo=SHANGHAI), tick=False)
    finding_writes.finding_open(
        audit=daily_b,
        user=city_user,
        category="cash_flow",
        description="Till short by 200",
        severity="high",
        due_on=dt.date(2026, 11, 10),
    )
    finding_writes.finding_open(
        audit=daily_a,
        user=city_user,
        category="other",
        description="Leaflets missing",
        severity="low",
        due_on=dt.date(2026, 11, 30),
    )


def test_the_city_daily_briefing_lists_audits_overdue_and_findings_past_due(work):
    sections = briefing.sections(period_for("daily", "2026-11-17"), None)
    text = _text(sections)
    assert "Audits that became overdue on 2026-11-17: 2; overdue in all: 2." in text
    assert "Findings past their due date and not verified: 1." in text
    assert "Alpha District 2 overdue (2 new), 0 past due" not in text
    assert "Alpha District 1 overdue (1 new), 0 past due" in text
    assert "Beta County 1 overdue (1 new), 1 past due" in text
    overdue, findings = sections[0].tables
    assert [row[2] for row in overdue.rows] == ["2026-11-16", "2026-11-16"]
    assert findings.rows[0][1].endswith("Till short by 200")
    assert findings.rows[0][-1] == 8
    assert "Leaflets missing" not in text


def test_a_county_heads_daily_briefing_holds_only_their_county(work, county_a):
    text = _text(briefing.sections(period_for("daily", "2026-11-17"), county_a))
    assert "overdue in all: 1." in text
    assert "Findings past their due date and not verified: 0." in text
    assert "Beta" not in text and "Till short" not in text and "By county" not in text


def test_a_day_without_audit_work_has_no_audits_section(work):
    # On the 9th nothing was due yet.
    assert briefing.sections(period_for("daily", "2026-11-09"), None) == []


def test_the_daily_briefing_has_content_when_audits_are_overdue(daily_a):
    rendered = briefing_render(period_for("daily", "2026-11-17"), None)
    assert "Nothing to report for this period." not in rendered.text
    assert "== Audits ==" in rendered.text
    assert "C01 Alpha District | Daily | 2026-11-16 | 2026-11-17 | Pending | 1" in rendered.text


def test_the_daily_briefing_says_nothing_to_report_without_audit_work(daily_a):
    rendered = briefing_render(period_for("daily", "2026-11-16"), None)
    assert "Nothing to report for this period." in rendered.text


def test_send_briefing_daily_dry_run_prints_the_audits_section(work):
    out = io.StringIO()
    call_command("send_briefing", "daily", "--dry-run", stdout=out)
    printed = out.getvalue()
    # The briefing of yesterday (the 16th): the audits of the 16th are not due yet.
    assert "== Audits ==" in printed
    assert "Findings past their due date and not verified: 1." in printed
    assert "Till short by 200" in printed


def test_the_weekly_briefing_has_a_line_of_audits(work):
    (section,) = briefing.sections(period_for("weekly", "2026-W47"), None)
    assert section.lines[0] == (
        "At the end of the week: 2 audits overdue, 1 findings past their due date and not verified."
    )


def test_the_monthly_briefing_gives_pass_rates_per_county_in_the_table(work, county_a):
    # In November: Alpha's audit of the 13th passed on time and the one of the 16th is open;
    # Beta's of the 16th is open. By the end of the month both findings are past due.
    section, _cash_flow = briefing.sections(period_for("monthly", "2026-11"), None)
    text = _text([section])
    assert (
        "The city: 3 audits due in 2026-11, 1 passed on time (pass rate 33.33%), 0 passed late, "
        "0 failed, 2 overdue." in section.lines
    )
    assert "Findings open: 2, of which past their due date: 2." in section.lines
    assert "Not every audit passed on time: Alpha District (50.00%), Beta County (0.00%)." in text
    (sheet,) = section.tables
    assert sheet.rows == [
        ["C01", "Alpha District", 2, 1, Decimal("0.5000"), 0, 0, 1, 1, 1],
        ["C02", "Beta County", 1, 0, Decimal("0.0000"), 0, 0, 1, 1, 1],
        ["", "The city total", 3, 1, Decimal("0.3333"), 0, 0, 2, 2, 2],
    ]
    rendered = briefing_render(period_for("monthly", "2026-11"), None)
    assert "33.33%" in rendered.text  # the email writes the rate as pages do
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    assert "Audits 2026-11" in book.sheetnames
    rate = book["Audits 2026-11"]["E4"]  # the city's pass rate: a number shown as a percentage
    assert rate.value == pytest.approx(0.3333) and rate.number_format == "0.00%"
    county = briefing.sections(period_for("monthly", "2026-11"), county_a)[0]
    assert [row[1] for row in county.tables[0].rows] == ["Alpha District", "Alpha District total"]
    assert "Beta" not in _text([county])


def test_a_failed_audit_and_a_late_pass_are_counted(work, monthly_a):
    # October's monthly audit is due on 5 November and still open.
    Audit.objects.filter(period="2026-11-13").update(late=True)
    Audit.objects.filter(county__code="C02", period="2026-11-16").update(status="failed")
    section, _cash_flow = briefing.sections(period_for("monthly", "2026-11"), None)
    assert section.tables[0].rows[-1][2:8] == [4, 0, Decimal("0.0000"), 1, 1, 2]


@pytest.mark.parametrize("kind, label", [("daily", "2026-11-17"), ("monthly", "2026-11")])
def test_each_section_runs_a_fixed_number_of_queries(
    kind, label, work, make_audit, county_a, county_b, django_assert_max_num_queries
):
    # The daily section runs four queries; the monthly briefing has two sections (audits,
    # cash flow) of three queries each.
    most = 4 if kind == "daily" else 6
    with django_assert_max_num_queries(most):
        briefing.sections(period_for(kind, label), None)
    for day in ("2026-11-10", "2026-11-11", "2026-11-12"):
        make_audit(county_a, "daily", day)
        make_audit(county_b, "daily", day)
    _refunds(county_a, "2026-11-16", [("R-Q1", "A-1", "2500.00"), ("R-Q2", "A-2", "3000.00")])
    _refunds(county_b, "2026-11-16", [("R-Q3", "B-1", "2500.00")])
    with django_assert_max_num_queries(most):
        briefing.sections(period_for(kind, label), None)
    # The two counts and the week's notice.
    with django_assert_max_num_queries(3):
        briefing.sections(period_for("weekly", "2026-W47"), None)


def _refunds(county, day: str, rows) -> None:
    """Import refunds of ``day`` through the dataset's write (the rules run after it)."""
    records.refunds_write(
        rows=[
            (dt.date.fromisoformat(day), county.pk, account, order, kind, Decimal(amount), "")
            for order, account, amount, kind in [(*row, "other")[:4] for row in rows]
        ]
    )


@pytest.fixture
def new_items(county_a, county_b, time_machine):
    """Refunds of the 16th imported on the 17th: in Alpha two above the threshold (R6), one of
    them refunded twice (R1); in Beta one deposit refund without a dismantle (R2). An item
    created on the 16th in Beta is not the 17th's news."""
    time_machine.move_to(dt.datetime(2026, 11, 16, 20, tzinfo=SHANGHAI), tick=False)
    _refunds(county_b, "2026-11-15", [("R-OLD", "B-9", "1500.00")])
    time_machine.move_to(dt.datetime(2026, 11, 17, 9, tzinfo=SHANGHAI), tick=False)
    _refunds(
        county_a,
        "2026-11-16",
        [("R-A1", "A-1", "1200.00"), ("R-A2", "A-1", "1200.00"), ("R-A3", "A-2", "80.00")],
    )
    _refunds(county_b, "2026-11-16", [("R-B1", "B-1", "50.00", "deposit")])


def test_the_city_daily_briefing_counts_the_days_new_items_per_county_and_rule(new_items):
    (section,) = briefing.sections(period_for("daily", "2026-11-17"), None)
    assert section.lines[:2] == [
        "New verification items on 2026-11-17: 4 (R1 1, R2 1, R3 0, R4 0, R5 0, R6 2).",
        "New items by county: Alpha District 3 (R1 1, R6 2); Beta County 1 (R2 1).",
    ]
    grid = section.tables[0]
    assert grid.title == "Verification items 2026-11-17"
    assert grid.headers == ["County", "R1", "R2", "R3", "R4", "R5", "R6", "Total"]
    assert grid.rows == [
        ["C01 Alpha District", 1, 0, 0, 0, 0, 2, 3],
        ["C02 Beta County", 0, 1, 0, 0, 0, 0, 1],
        ["Total", 1, 1, 0, 0, 0, 2, 4],
    ]
    # The item created on the 16th is that day's news, not this one's.
    (earlier,) = briefing.sections(period_for("daily", "2026-11-16"), None)
    assert earlier.tables[0].rows[-1] == ["Total", 0, 0, 0, 0, 0, 1, 1]


def test_a_county_heads_daily_briefing_counts_only_their_countys_new_items(new_items, county_b):
    (section,) = briefing.sections(period_for("daily", "2026-11-17"), county_b)
    assert section.lines[0] == (
        "New verification items on 2026-11-17: 1 (R1 0, R2 1, R3 0, R4 0, R5 0, R6 0)."
    )
    assert section.tables[0].rows == [["C02 Beta County", 0, 1, 0, 0, 0, 0, 1]]
    assert "Alpha" not in _text([section])


def test_new_items_alone_give_the_daily_briefing_content_with_a_sheet(new_items):
    # No audit is overdue and no finding past due: the new items are the audit work.
    rendered = briefing_render(period_for("daily", "2026-11-17"), None)
    assert "Nothing to report for this period." not in rendered.text
    assert "== Audits ==" in rendered.text
    assert "New verification items on 2026-11-17: 4" in rendered.text
    assert "New verification items on 2026-11-17: 4" in rendered.html
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    sheet = book["Verification items 2026-11-17"]
    assert [cell.value for cell in sheet[2]] == ["C01 Alpha District", 1, 0, 0, 0, 0, 2, 3]


def test_a_day_without_new_items_or_audit_work_says_nothing_to_report(new_items):
    rendered = briefing_render(period_for("daily", "2026-11-18"), None)
    assert "Nothing to report for this period." in rendered.text
