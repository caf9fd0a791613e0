"""In a real browser: city staff read a drafted weekly notice that criticises one county with
its reason and commends another, add remarks and publish it (confirming), and a county user
then reads it; a county's month of cash flow is entered on its form and signed 1 → 2 → 3, a
level signing out of order being told which level is missing (Playwright on Chromium against
the live server)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audits.models import CashFlowReconciliation, WeeklyNotice
from audits.services import audits as writes
from audits.services import notices as notice_writes
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_city_staff_publish_the_weekly_notice_and_a_county_reads_it(
    live_server, browser_page, login_as, county_a, county_b, city_user, staff_b
):
    # Week 2026-W46: Alpha's daily audit of the 12th is left open (overdue), Beta's is signed
    # passed on the 13th, its due date (on time).
    writes.audit_create(county=county_a, cadence="daily", period="2026-11-12")
    beta = writes.audit_create(county=county_b, cadence="daily", period="2026-11-12")
    auditor_b = make_user("auditor1_b", "auditor", county_b, 1)
    with time_machine.travel(dt.datetime(2026, 11, 13, 10, tzinfo=SHANGHAI), tick=False):
        for check in beta.checks.all():
            writes.check_answer(audit=beta, check_id=check.pk, user=auditor_b, answer="ok")
        writes.audit_sign(audit=beta, user=auditor_b, result="passed")
    notice_writes.notice_draft(week="2026-W46")  # what Monday's beat job does

    page = login_as(city_user)
    page.goto(f"{live_server.url}/audits/notices/")
    page.click("text=2026-W46")
    assert page.get_attribute("#notice-status", "data-status") == "draft"
    criticised = page.locator("tr[data-county='C01']")
    assert "1 daily audit overdue" in criticised.inner_text()
    assert page.locator("span[data-county='C02']").count() == 1
    page.fill("textarea[name=remarks]", "Alpha: sign the open audit by Friday.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    page.wait_for_selector("#notice-status[data-status='published']")
    assert "Alpha: sign the open audit by Friday." in page.inner_text("#remarks")
    assert page.locator("#publish").count() == 0
    notice = WeeklyNotice.objects.get(week="2026-W46")
    assert (notice.status, notice.published_by) == ("published", city_user)

    page.context.clear_cookies()
    page = login_as(staff_b)
    page.goto(f"{live_server.url}/audits/notices/")
    page.click("text=2026-W46")
    assert "1 daily audit overdue" in page.inner_text("tr[data-county='C01']")
    assert "Alpha: sign the open audit by Friday." in page.inner_text("#remarks")


def test_a_month_of_cash_flow_is_entered_and_signed_by_three_levels_in_order(
    live_server, browser_page, login_as, county_a, staff_a, auditor1_a, auditor2, auditor3
):
    url = f"{live_server.url}/audits/cashflow/C01/2026-10/"
    page = login_as(staff_a)
    page.goto(url)
    page.fill("#id_receivable", "1000.00")
    page.fill("#id_received", "990.00")
    page.fill("#id_explanation", "Bank fee of 10.00")
    page.click("#save")
    page.wait_for_selector("text=Saved the cash flow of C01 2026-10.")
    assert page.inner_text("#difference").strip() == "-10.00"

    def sign_as(user):
        page.context.clear_cookies()
        signed = login_as(user)
        signed.goto(url)
        signed.select_option("select[name=result]", "passed")
        signed.click("#sign")
        signed.wait_for_load_state()
        return signed

    page = sign_as(auditor1_a)
    page = sign_as(auditor3)
    assert "Level 2 has not signed this reconciliation passed yet." in page.inner_text("main")
    page = sign_as(auditor2)
    page = sign_as(auditor3)
    assert page.get_attribute("#cashflow-status", "data-status") == "passed"
    assert page.locator("#signoffs li.live").count() == 3
    reconciliation = CashFlowReconciliation.objects.get(county=county_a)
    assert reconciliation.status == "passed"

    page.goto(f"{live_server.url}/audits/cashflow/?month=2026-10")
    assert "C01" in page.inner_text("main")
