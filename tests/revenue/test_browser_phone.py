"""On a phone (390 × 844, real Chromium): a county enters its month's figures and submits them
without scrolling sideways."""

import pytest

from revenue.models import MonthlyReport

from ..phone import assert_fits_the_phone, assert_on_screen
from .conftest import make_report

pytestmark = pytest.mark.browser


def test_a_county_enters_and_submits_its_month_on_a_phone(
    live_server, phone_login_as, plan_2026, county_a, staff_a
):
    for month in (9, 10):
        make_report(county_a, 2026, month, "1234567.89", volumes={"BROADBAND": 1200})
    make_report(county_a, 2025, 11, "987654.32", volumes={"BROADBAND": 1100})
    page = phone_login_as(staff_a)
    page.goto(live_server.url + "/revenue/reports/C01/2026/11/")
    assert_fits_the_phone(page)
    for field in ("#id_revenue", "#id_volume_BROADBAND", "#id_volume_DEDICATED_LINE"):
        assert_on_screen(page, field)
    assert_on_screen(page, "#save-report")
    page.fill("#id_revenue", "1,345,678.90")
    page.fill("#id_volume_BROADBAND", "1250")
    page.fill("#id_volume_DEDICATED_LINE", "3")
    page.click("#save-report")
    page.wait_for_selector("text=Saved C01 2026-11.")
    assert_fits_the_phone(page)
    assert_on_screen(page, "#submit-report")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-report")
    page.wait_for_selector("text=C01 2026-11 submitted.")
    assert page.inner_text("#report-status") == "Submitted"
    assert_fits_the_phone(page)
    report = MonthlyReport.objects.get(county=county_a, year=2026, month=11)
    assert str(report.revenue) == "1345678.90" and report.status == "submitted"
