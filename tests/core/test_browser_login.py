"""A real browser (Chromium) against a live server: logging in shows the user's own county."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from marketing_ops.periods import Month

pytestmark = pytest.mark.browser


def test_a_county_user_logs_in_through_the_form_and_sees_their_county_only(
    transactional_db, live_server, browser_page, staff_a, county_b
):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/accounts/login/")  # sent to log in first
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Alpha District"
    # The start page lists the county's work: its reports of the year still to enter.
    assert "C01" in page.locator('[data-work="reports-to-enter"]').inner_text()
    assert "C02" not in page.content()
    assert "Beta County" not in page.content()


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(
    transactional_db, live_server, browser_page, staff_a
):
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert "did not match" in page.locator(".alert-danger").inner_text()
    assert page.url.startswith(live_server.url + "/accounts/login/")
    assert page.locator("[data-work]").count() == 0


def test_a_page_without_badges_cached_fetches_them_once_loaded(
    transactional_db, live_server, login_as, staff_a, county_a
):
    page = login_as(staff_a)
    # The start page counted: every month of the year that has ended is still to report.
    months = str(Month.of(timezone.localdate()).previous().month)
    assert page.locator('[data-work-badge="home"]').inner_text().startswith(months)
    cache.clear()
    page.goto(live_server.url + "/imports/")
    # Nothing cached: the navigation asks for its badges (htmx) and shows them.
    badge = page.locator('[data-work-badge="revenue:reports"]')
    badge.wait_for()
    assert badge.inner_text().startswith(months)
    assert "active" in page.locator('a.nav-link[href="/imports/"]').get_attribute("class")
