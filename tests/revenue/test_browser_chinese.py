"""In Chinese, in a real browser (Chromium): a county user switches the language, enters and
submits the month's report, and city staff find it waiting for review on their home page
(docs/language-and-formats.md#languages)."""

import pytest
import time_machine

from revenue.models import MonthlyReport

from .conftest import make_report

pytestmark = pytest.mark.browser


@time_machine.travel("2026-12-03 10:00 +0800", tick=True)
def test_a_county_reports_in_chinese_and_city_staff_see_it_waiting_on_their_home_page(
    live_server, _chromium, login_as, plan_2026, county_a, staff_a, city_user
):
    for month in (9, 10):
        make_report(county_a, 2026, month, "1234567.89", volumes={"BROADBAND": 1200})
    page = login_as(staff_a)
    page.select_option("#language-select", "zh-hans")  # submits itself (static/js/app.js)
    page.wait_for_selector('html[lang="zh-hans"]')

    page.goto(live_server.url + "/revenue/reports/C01/2026/11/")
    assert "2026年11月" in page.inner_text("h1")
    page.fill("#id_revenue", "1,345,678.90")
    page.fill("#id_volume_BROADBAND", "1250")
    page.fill("#id_volume_DEDICATED_LINE", "3")
    page.click("#save-report")
    page.wait_for_selector("text=已保存 C01 2026年11月。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-report")
    page.wait_for_selector("text=C01 2026年11月已提交。")
    assert page.inner_text("#report-status") == "已提交"
    report = MonthlyReport.objects.get(county=county_a, year=2026, month=11)
    assert (str(report.revenue), report.status) == ("1345678.90", "submitted")

    city = _chromium.new_context(locale="zh-CN")  # a browser that asks for Chinese
    try:
        home = city.new_page()
        home.goto(live_server.url + "/accounts/login/")
        home.fill("#id_username", city_user.get_username())
        home.fill("#id_password", "pw")
        home.click("button[type=submit]")
        home.wait_for_url(live_server.url + "/")
        assert home.locator("html").get_attribute("lang") == "zh-hans"
        waiting = home.locator('[data-work="reports-to-review"]')
        assert "2026年11月" in waiting.inner_text() and "C01" in waiting.inner_text()
        assert waiting.locator("[data-work-count]").inner_text().strip() == "1"
        home.click('[data-work="reports-to-review"] a:has-text("2026年11月")')
        home.wait_for_url(live_server.url + "/revenue/reports/C01/2026/11/")
        assert home.inner_text("#report-status") == "已提交"
    finally:
        city.close()
