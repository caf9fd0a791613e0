"""On a phone (390 × 844, real Chromium): a county collector works the worklist and an account
without scrolling sideways, and records a promise to pay there."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from arrears.models import Account, CollectionAction
from marketing_ops.periods import Month

from ..phone import assert_fits_the_phone, assert_on_screen
from .conftest import bulk_bills

pytestmark = pytest.mark.browser


@pytest.fixture
def collector_city(county_a, county_b, broadband):
    """Demo-like accounts: C01 owes on bills months past due, with a phone and an address."""
    accounts = Account.objects.bulk_create(
        Account(
            account_no=f"{county.code}{n:06d}",
            county=county,
            business_line=broadband,
            customer_name=f"Customer {county.code}-{n}",
            opened_on=dt.date(2016, 5, 1),
            contact_phone=f"138 0100 {n:04d}",
            address=f"{n} Station Road, {county.name}",
            deposit=100,
        )
        for county in (county_a, county_b)
        for n in range(1, 31)
    )
    due = Month.of(timezone.localdate()).shift(-4)
    bulk_bills(
        (account, str(due.shift(-shift)), f"{1234567.89 / (index + 1):.2f}", "0")
        for index, account in enumerate(accounts)
        for shift in range(3)
    )
    return accounts


def test_the_worklist_fits_a_phone_and_keeps_account_amount_and_age_in_view(
    live_server, phone_login_as, staff_a, collector_city
):
    page = phone_login_as(staff_a)
    page.goto(live_server.url + "/arrears/worklist/")
    assert_fits_the_phone(page)
    first = page.locator("#worklist tbody tr").first
    assert_on_screen(page, "#worklist tbody tr:first-child td:first-child a")
    assert first.locator("td").first.inner_text() == "C01000001"
    assert "3,703,703.67" in first.inner_text()  # the largest debt first
    headers = page.locator("#worklist thead th")
    shown = [h.inner_text() for h in headers.all() if h.is_visible()]
    assert shown[0] == "Account" and "Outstanding" in shown and "Days overdue" in shown
    assert "Address" not in shown  # low priority: on a wider screen, on paper and in the xlsx
    assert page.locator(".navbar-toggler").is_visible()  # the navigation folds away
    assert not page.locator("#main-nav").is_visible()
    assert_on_screen(page, "form[method=get] button[type=submit]")
    page.emulate_media(media="print")  # paper shows every column, whatever the screen
    assert page.locator("#worklist thead th", has_text="Address").is_visible()
    page.emulate_media(media="screen")
    page.locator("#worklist tbody tr:first-child td:first-child a").click()
    page.wait_for_url("**/arrears/accounts/C01000001/")

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )
    page.goto(live_server.url + "/arrears/worklist/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert_fits_the_phone(page)


def test_an_account_fits_a_phone_and_a_promise_is_recorded_there(
    live_server, phone_login_as, staff_a, collector_city
):
    page = phone_login_as(staff_a)
    page.goto(live_server.url + "/arrears/accounts/C01000001/")
    assert_fits_the_phone(page)
    assert "C01000001" in page.inner_text("h1")
    assert_on_screen(page, "#owes-total")
    assert page.inner_text("#owes-overdue") == "3,703,703.67"
    assert_on_screen(page, "#account-phone a[href^='tel:']")
    promised_for = timezone.localdate() + dt.timedelta(days=7)
    page.select_option("#id_kind", "promise")
    page.fill("#id_result", "Pays after payday")
    page.fill("#id_promise_date", promised_for.isoformat())
    page.fill("#id_promise_amount", "1000.00")
    assert_on_screen(page, "#action-form button[type=submit]")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("text=Promise to pay recorded.")
    action = CollectionAction.objects.get()
    assert action.promise_date == promised_for and action.created_by == staff_a
    assert "Promise to pay" in page.inner_text("#actions")
    assert_fits_the_phone(page)
