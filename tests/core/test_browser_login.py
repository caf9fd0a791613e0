"""A real browser (Chromium) against a live server: logging in shows the user's own county."""

import pytest

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
    counties = page.locator("#home-counties").inner_text()
    assert "C01" in counties
    assert "Alpha District" in counties
    assert "C02" not in counties
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
    assert page.locator("#home-counties").count() == 0
