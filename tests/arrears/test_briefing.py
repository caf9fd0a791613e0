"""Arrears sections of the weekly and monthly briefings, for the city and for one county."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from arrears.briefing import sections
from arrears.models import CollectionAction
from arrears.services.transfers import limit_set, transfer_create
from marketing_ops.briefings import briefing_render, period_for
from marketing_ops.formatting import percent
from marketing_ops.xlsx import Sheet


def section_text(section):
    """Everything a reader of the section sees: lines and every table cell."""
    cells = [
        str(cell)
        for table in section.tables
        for row in [table.title, *table.headers, *(c for r in table.rows for c in r)]
        for cell in ([row] if not isinstance(row, list | tuple) else row)
    ]
    return "\n".join([section.title, *section.lines, *cells])


@pytest.fixture
def briefing_city(recovery_city, county_a, county_b, city_user, leader, staff_a, today):
    """October recovery (A 32% below target, B 100%), snapshots a week apart, an overdue
    promise in each county, October transfers over the city limit and A's sub-limit."""
    for account in (recovery_city["a1"], recovery_city["b1"]):
        CollectionAction.objects.create(
            account=account,
            kind="promise",
            happened_on=dt.date(2026, 11, 2),
            promise_date=dt.date(2026, 11, 10),
            promise_amount=Decimal("100"),
            owner=staff_a,
        )
    limit_set(month="2026-10", amount=Decimal("1000"), set_by=city_user)
    limit_set(month="2026-10", county=county_a, amount=Decimal("300"), set_by=city_user)
    for county, amount in ((county_a, "400"), (county_b, "700")):
        transfer_create(
            county=county,
            month="2026-10",
            amount=Decimal(amount),
            accounts=2,
            approver=leader,
            created_by=city_user,
            confirm_over_limit=True,
        )
    return recovery_city


def recovery_headers(section):
    return section.tables[0].headers


def weekly(today):
    return period_for("weekly", today=today)  # the week that just ended: 2026-11-09..15


def test_the_daily_briefing_has_no_arrears_section(briefing_city, today):
    assert sections(period_for("daily", today=today), None) == []


def test_weekly_city_section_shows_recovery_against_target_and_the_change(
    briefing_city, county_a, today
):
    (section,) = sections(weekly(today), None)
    text = "\n".join(section.lines)
    # September's bills fell due on 31 October: they lead, as on the dashboard of the 16th.
    assert "City: recovery of 2026-09 bills 34.78%" in text  # 80 / (100 + 50 + 80)
    assert "98.00% target — below the target" in text
    assert "Below target: C01 Alpha District (34.78%)." in text
    assert (
        "In collection: 2026-10 bills 45.16% so far (in progress); 2026-09 had reached 34.78% "
        "on the same day of its collection (2026-10-16), +10.38 pp against that pace."
    ) in text
    # The snapshots follow the month in collection: the change says which month it is of.
    assert (
        "Change since last week in the recovery of 2026-10 bills: +5.00 pp "
        "(snapshot of 2026-11-15 against 2026-11-08)."
    ) in text
    assert recovery_headers(section)[-1] == "Change since last week, 2026-10 bills (pp)"
    assert "Promises to pay overdue and unpaid: 2." in text
    recovery, promises = section.tables
    assert isinstance(recovery, Sheet) and recovery.title == "Recovery 2026-09"
    assert [row[:2] for row in recovery.rows] == [
        ["C01", "Alpha District"],
        ["C02", "Beta County"],
        ["", "City total"],
    ]
    assert recovery.rows[0][4:7] == [Decimal("0.3478"), Decimal("0.9800"), "No"]
    assert recovery.kinds[4:6] == ["rate", "rate"]
    assert recovery.rows[0][-1] == Decimal("5.00")
    assert sorted(row[0] for row in promises.rows) == ["A-0001", "B-0001"]


def test_weekly_county_section_holds_that_county_only(briefing_city, county_a, today):
    (section,) = sections(weekly(today), county_a)
    text = section_text(section)
    assert "Alpha District: recovery of 2026-09 bills 34.78%" in text
    assert "In collection: 2026-10 bills 32.00% so far" in text
    assert "Promises to pay overdue and unpaid: 1." in text
    assert "C02" not in text and "Beta County" not in text and "B-0001" not in text
    assert "Below target:" not in text  # a one-county briefing says it in its first line
    (recovery, _promises) = section.tables
    assert [row[1] for row in recovery.rows] == ["Alpha District", "Alpha District total"]


def test_a_county_briefing_rendered_whole_names_no_other_county(
    briefing_city, county_a, county_b, today
):
    rendered = briefing_render(weekly(today), county_b)
    arrears_part = rendered.text.split("== Arrears recovery ==")[1].split("==")[0]
    assert "Beta County: recovery of 2026-09 bills — against the 98.00% target — no bills" in (
        arrears_part
    )
    assert "In collection: 2026-10 bills 100.00% so far" in arrears_part
    assert "C01" not in arrears_part and "Alpha District" not in arrears_part


def test_monthly_city_section_has_ageing_long_term_and_transfers_over_the_limit(
    briefing_city, today
):
    (section,) = sections(period_for("monthly", "2026-10"), None)
    text = "\n".join(section.lines)
    assert "recovery of 2026-09 bills" in text
    assert "Outstanding on 2026-10-31:" in text and "long-term (over 90 days past due)" in text
    assert (
        "Transferred to bad debt in 2026-10: 1,100.00 (4 accounts) against a limit of 1,000.00."
        in text
    )
    assert "Over the transfer limit in 2026: 2026-10." in text
    titles = [table.title for table in section.tables]
    assert titles == ["Recovery 2026-09", "Ageing 2026-10-31", "Transfers 2026"]
    transfers = section.tables[2]
    assert len(transfers.rows) == 10  # January to October
    assert transfers.rows[-1][-1] == "Yes"


def test_monthly_county_section_compares_with_the_county_sub_limit(
    briefing_city, county_a, county_b, today
):
    (a_section,) = sections(period_for("monthly", "2026-10"), county_a)
    a_text = section_text(a_section)
    assert "Transferred to bad debt in 2026-10: 400.00 (2 accounts) against a limit of 300.00." in (
        a_text
    )
    assert "Over the transfer limit in 2026: 2026-10." in a_text
    assert "C02" not in a_text and "Beta County" not in a_text
    (b_section,) = sections(period_for("monthly", "2026-10"), county_b)
    b_text = section_text(b_section)
    assert "700.00 (2 accounts) (no limit set)" in b_text
    assert "No month of 2026 is over its transfer limit." in b_text
    assert "C01" not in b_text and "Alpha District" not in b_text


def test_sections_cope_with_a_city_without_arrears_data(county_a, today):
    for kind, label in (("weekly", None), ("monthly", "2026-10")):
        (section,) = sections(period_for(kind, label, today=today), None)
        assert section.lines  # says there is nothing rather than failing


def test_the_weekly_briefing_and_the_dashboard_of_the_day_after_agree(
    briefing_city, client_for, city_user, today
):
    (section,) = sections(weekly(today), None)
    dashboard = client_for(city_user).get("/arrears/").context
    recovery, collecting = dashboard["recovery"], dashboard["in_progress"]
    text = "\n".join(section.lines)
    assert (
        f"City: recovery of {recovery.month} bills {percent(recovery.city.recovery_rate)}" in text
    )
    assert (
        f"In collection: {collecting.month} bills {percent(collecting.city.recovery_rate)} so far"
        in text
    )


def test_the_briefing_attachment_holds_rates_and_amounts_as_numbers(briefing_city, today):
    """The workbook mailed with the briefing: a rate the lines show as "34.78%" is the number
    0.3478 formatted as a percentage, and amounts are numbers with thousands separators."""
    rendered = briefing_render(weekly(today), None)
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    sheet = book["Recovery 2026-09"]
    headers = [c.value for c in sheet[1]]
    alpha = dict(zip(headers, sheet[2], strict=False))
    assert alpha["Recovery"].value == pytest.approx(0.3478)
    assert alpha["Recovery"].number_format == "0.00%"
    assert alpha["Target"].value == pytest.approx(0.98)
    assert alpha["Billed"].number_format == "#,##0.00"
    assert isinstance(alpha["Billed"].value, int | float)
    assert sheet.freeze_panes == "A2"
