"""Dashboards, the progress API and the monthly briefing open on the latest month whose
reporting deadline has passed; a later month shows each county's report state
(docs/rules.md#progress-against-time-progress)."""

import datetime as dt

import pytest
import time_machine

from marketing_ops.briefings import period_for
from revenue import briefing
from revenue import calculations as calc

from .conftest import make_report

ON_THE_DEADLINE = "2026-12-05 09:00 +0800"


@pytest.mark.parametrize(
    ("today", "closed"),
    [
        (dt.date(2026, 12, 5), (2026, 10)),  # November is due today: still open
        (dt.date(2026, 12, 6), (2026, 11)),
        (dt.date(2026, 1, 3), (2025, 11)),
        (dt.date(2026, 1, 31), (2025, 12)),
    ],
)
def test_the_closed_month_is_the_latest_whose_deadline_has_passed(today, closed):
    assert calc.closed_month(today, 5) == closed


@pytest.fixture
def november(plan_2026, county_a, county_b):
    """C01 approved through October, November returned; C02 through November, approved."""
    for month in range(1, 11):
        make_report(county_a, 2026, month, "60000.00")
        make_report(county_b, 2026, month, "50000.00")
    make_report(county_a, 2026, 11, "60000.00", status="returned", return_reason="check it")
    make_report(county_b, 2026, 11, "50000.00")


@time_machine.travel(ON_THE_DEADLINE, tick=False)
def test_the_progress_api_opens_on_the_closed_month(api_for, city_user, november):
    data = api_for(city_user).get("/api/v1/revenue/progress/").json()
    assert (data["year"], data["month"], data["closed"]) == (2026, 10, True)
    ranks = {c["county"]: c["rank"] for c in data["counties"]}
    assert ranks == {"C01": 1, "C02": 2}


@time_machine.travel(ON_THE_DEADLINE, tick=False)
def test_a_later_month_shows_each_county_report_state(
    api_for, client_for, city_user, staff_a, november
):
    data = api_for(city_user).get("/api/v1/revenue/progress/?year=2026&month=11").json()
    assert (data["closed"], data["deadline"]) == (False, "2026-12-05")
    states = {c["county"]: c["report_state"] for c in data["counties"]}
    assert states == {"C01": "returned", "C02": "approved"}
    page = client_for(city_user).get("/revenue/?year=2026&month=11").content.decode()
    assert 'id="month-open"' in page
    assert 'class="report-returned"' in page and 'class="report-approved"' in page
    own = client_for(staff_a).get("/revenue/?year=2026&month=11").content.decode()
    assert 'id="report-state" class="report-returned">returned<' in own


@time_machine.travel(ON_THE_DEADLINE, tick=False)
def test_the_dashboard_opens_on_the_closed_month_without_report_states(
    client_for, city_user, staff_a, november
):
    page = client_for(city_user).get("/revenue/").content.decode()
    assert "2026 through month 10" in page
    assert 'id="month-open"' not in page and "report-returned" not in page
    county = client_for(staff_a).get("/revenue/").content.decode()
    assert "2026 through month 10" in county


@time_machine.travel(ON_THE_DEADLINE, tick=False)
def test_the_monthly_briefing_ranks_through_the_closed_month_and_says_returned(november):
    sections = briefing.sections(period_for("monthly", "2026-11"), None)
    assert sections[0].tables[0].title == "Revenue 2026-10"
    reports = sections[1]
    assert "Reports for 2026-11 are due by 2026-12-05." in reports.lines
    assert "Returned to the county for correction (2026-11): Alpha District." in reports.lines
    assert not any("missing" in line or "No report" in line for line in reports.lines)
