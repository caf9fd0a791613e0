"""In a real browser: a transfer over its limit is recorded only once the excess has been read
and confirmed; the limits of a year are set in one grid (Playwright on Chromium)."""

from decimal import Decimal

import pytest

from arrears.models import Transfer, TransferLimit
from arrears.services.transfers import limit_set

pytestmark = pytest.mark.browser


def test_an_over_limit_transfer_needs_the_confirmation_ticked_and_limits_are_one_grid(
    live_server, login_as, city_user, leader, county_a
):
    limit_set(month="2026-11", county=county_a, amount=Decimal("5000"), set_by=city_user)
    page = login_as(city_user)
    page.goto(live_server.url + "/arrears/transfers/?year=2026")
    page.select_option("#id_transfer-county", str(county_a.pk))
    page.fill("#id_transfer-month", "2026-11")
    page.fill("#id_transfer-amount", "6200")
    page.fill("#id_transfer-accounts", "4")
    page.select_option("#id_transfer-approver", str(leader.pk))
    page.click("#transfer-form button[type=submit]")
    warning = page.inner_text("#over-limit")
    assert "C01's limit of 5,000.00 by 1,200.00" in warning
    # The browser will not send the confirmation unticked.
    page.click("text=Confirm and record over the limit")
    assert not Transfer.objects.exists()
    page.check("#id_transfer-confirm_over_limit")
    page.click("text=Confirm and record over the limit")
    page.wait_for_selector("text=Transfer of 6,200.00 by C01 in 2026-11 recorded.")
    assert Transfer.objects.get().amount == Decimal("6200.00")

    page.fill(f"#id_limit-2026-12_{county_a.pk}", "3000")
    page.fill("#id_limit-2026-12_city", "20000")
    page.click("#limit-form button[type=submit]")
    page.wait_for_selector("text=Limits of 2026 saved: 2 cells changed.")
    assert TransferLimit.objects.filter(month__month=12).count() == 2
