"""In a real browser: a level-1 auditor answers a daily audit's checks and signs it, a level-2
auditor signs a weekly audit after its level 1, and the calendar shows both green
(Playwright on Chromium against the live server)."""

import pytest

from audits.services import audits as writes

pytestmark = pytest.mark.browser


def test_daily_and_weekly_sign_offs_turn_the_calendar_green(
    live_server, browser_page, login_as, county_a, auditor1_a, auditor2
):
    daily = writes.audit_create(county=county_a, cadence="daily", period="2026-11-16")
    weekly = writes.audit_create(county=county_a, cadence="weekly", period="2026-W47")
    for check in weekly.checks.all():
        writes.check_answer(audit=weekly, check_id=check.pk, user=auditor1_a, answer="ok")
    writes.audit_sign(audit=weekly, user=auditor1_a, result="passed")

    page = login_as(auditor1_a)
    page.goto(f"{live_server.url}/audits/{daily.pk}/")
    for position in (1, 2, 3):
        row = page.locator(f"#check-{position}")
        row.locator("select[name=answer]").select_option("ok")
        row.locator("button[type=submit]").click()
        page.wait_for_selector("text=Answer saved.")
    page.select_option("#id_result", "passed")
    page.click("#sign")
    page.wait_for_selector("text=Signed.")
    assert page.inner_text("#audit-status") == "Passed"

    page.context.clear_cookies()
    page = login_as(auditor2)
    page.goto(f"{live_server.url}/audits/mine/")
    page.click("text=2026-W47")
    page.select_option("#id_result", "passed")
    page.click("#sign")
    page.wait_for_selector("text=Signed.")
    assert page.inner_text("#audit-status") == "Passed"

    page.goto(f"{live_server.url}/audits/?county=C01&month=2026-11")
    day = page.locator("td[data-day='2026-11-16'] .badge")
    week = page.locator("td[data-week='2026-W47'] .badge")
    assert day.get_attribute("data-status") == "passed"
    assert week.get_attribute("data-status") == "passed"
    assert "text-bg-success" in day.get_attribute("class")
    assert "text-bg-success" in week.get_attribute("class")
    assert day.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(25, 135, 84)"
