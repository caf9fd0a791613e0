"""In a real browser: a county enters and submits a month, the city approves it, the city
dashboard moves (Playwright on Chromium against the live server)."""

import pytest

from revenue.models import CountyMonthTarget
from revenue.services import plans

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


def test_phasing_starts_from_the_chosen_county_profile_and_previews_before_saving(
    live_server, browser_page, login_as, plan_2026, county_a, city_user
):
    rising = [1] * 10 + [2, 2]
    plans.plan_phase(plan=plan_2026, weights=rising, county=county_a, user=city_user)
    plans.plan_publish(plan=plan_2026, user=city_user)
    make_report(county_a, 2026, 1, "50000.00")
    page = login_as(city_user)
    page.goto(live_server.url + "/revenue/plans/2026/phase/")
    assert page.input_value("#id_m12") == "1"
    page.select_option("#start-county", "C01")
    page.wait_for_url("**/phase/?county=C01")
    assert page.input_value("#id_m12") == "2"
    page.fill("#id_m12", "4")
    page.fill("#id_reason", "year-end campaign")
    page.click("#preview-phasing")
    preview = page.inner_text("#phasing-preview")
    assert "kept: approved report" in preview
    january = CountyMonthTarget.objects.get(county_target__county=county_a, month=1)
    before = list(
        CountyMonthTarget.objects.filter(county_target__county=county_a)
        .order_by("month")
        .values_list("revenue_target", flat=True)
    )
    page.click("#confirm-phasing")
    page.wait_for_selector("text=Plan 2026 phased.")
    after = list(
        CountyMonthTarget.objects.filter(county_target__county=county_a)
        .order_by("month")
        .values_list("revenue_target", flat=True)
    )
    assert after[0] == january.revenue_target and after[11] > before[11]
    assert "year-end campaign" in page.inner_text("#phasing-history")
