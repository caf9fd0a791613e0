"""A real browser (Chromium): the language switch of every page, kept across sign-ins, and the
page as it prints (docs/language-and-formats.md)."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def test_a_county_user_switches_to_chinese_and_finds_it_again_at_the_next_sign_in(
    transactional_db, live_server, _chromium, login_as, staff_a
):
    page = login_as(staff_a)
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#language-select", "zh-hans")  # submits itself (static/js/app.js)
    page.wait_for_selector('html[lang="zh-hans"]')
    assert page.url == live_server.url + "/"
    assert "退出" in page.content()

    other = _chromium.new_context()  # another browser: no cookie, only the profile remembers
    try:
        second = other.new_page()
        second.goto(live_server.url + "/accounts/login/")
        second.fill("#id_username", "staff_a")
        second.fill("#id_password", "pw")
        second.click("button[type=submit]")
        second.wait_for_url(live_server.url + "/")
        assert second.locator("html").get_attribute("lang") == "zh-hans"
    finally:
        other.close()


def test_a_page_prints_without_its_controls_and_with_a_print_header(
    transactional_db, live_server, login_as, city_user
):
    page = login_as(city_user)
    page.goto(live_server.url + "/imports/")
    assert page.locator("nav.navbar").is_visible()
    assert not page.locator(".print-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("a.btn", has_text="Export xlsx").is_visible()
    header = page.locator(".print-header")
    assert header.is_visible()
    assert settings.CITY_NAME in header.inner_text() and "Imports" in header.inner_text()
    assert page.pdf(format="A4")[:4] == b"%PDF"
