"""In a real browser: a county enters and submits a month, the city approves it, the city
dashboard moves (Playwright on Chromium against the live server)."""

import pytest

from .conftest import make_report

pytestmark = pytest.mark.browser


def test_a_month_goes_from_county_entry_to_city_approval_and_moves_the_dashboard(
    live_server, browser_page, login_as, plan_2026, county_a, staff_a, city_user
):
    make_report(county_a, 2026, 1, "50000.00")
    make_report(county_a, 2026, 2, "50000.00")
    page = login_as(staff_a)
    page.goto(live_server.url + "/revenue/reports/C01/2026/3/")
    page.fill("#id_revenue", "80000.00")
    page.fill("#id_volume_BROADBAND", "10")
    page.fill("#id_volume_DEDICATED_LINE", "0")
    page.click("#save-report")
    page.wait_for_selector("text=Saved C01 2026-03.")
    # Submitting asks first: dismissed, nothing happens; accepted, the report goes to the city.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#submit-report")
    assert page.inner_text("#report-status") == "Draft"
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#submit-report")
    page.wait_for_selector("text=C01 2026-03 submitted.")
    assert "Submit C01 2026-03 to the city?" in asked[0]
    assert page.inner_text("#report-status") == "Submitted"

    dashboard = live_server.url + "/revenue/?year=2026&month=3"
    page.context.clear_cookies()
    page = login_as(city_user)
    page.goto(dashboard)
    assert "16.67%" in page.inner_text("tr[data-county=C01]")
    page.goto(live_server.url + "/revenue/reports/review/")
    page.click("text=2026-03")
    page.click("#approve-report")
    assert page.inner_text("#report-status") == "Approved"

    page.goto(dashboard)
    row = page.inner_text("tr[data-county=C01]")
    assert "30.00%" in row  # 180,000.00 of 600,000.00
    assert page.locator("#chart-completion").is_visible()
