"""In a real browser: county staff record an install with a recycled terminal and a dismantle on
the move form, and the closed loop's month grid shows that day balanced against the support
center's report (Playwright on Chromium against the live server)."""

import datetime as dt
from decimal import Decimal

import pytest

from materials.services import loop

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 11, 16)


def record_move(page, base, kind, fields):
    page.goto(f"{base}/materials/moves/new/?kind={kind}")
    for name, value in fields.items():
        selector = f"#id_{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("text=recorded.")


def test_an_install_with_a_recycled_terminal_and_a_dismantle_balance_the_day(
    live_server, login_as, staff_a, county_a, move, ont, wh_a, broadband, city_user
):
    # RC1 went out and came back in good order (recycled); OLD1 is installed at A-OLD1.
    for serial in ("RC1", "OLD1"):
        move("receipt", ont, to_warehouse=wh_a, serial=serial, business_date=DAY.replace(day=2))
        move(
            "issue_install",
            ont,
            from_warehouse=wh_a,
            serial=serial,
            account_no=f"A-{serial}",
            business_line=broadband,
            deposit=Decimal("100"),
            business_date=DAY.replace(day=3),
        )
    move(
        "return_dismantle",
        ont,
        to_warehouse=wh_a,
        serial="RC1",
        account_no="A-RC1",
        business_line=broadband,
        condition="ok",
        business_date=DAY.replace(day=4),
    )
    loop.daily_operations_write(
        rows=[
            (DAY.replace(day=3), county_a.pk, broadband.pk, 2, 0),
            (DAY.replace(day=4), county_a.pk, broadband.pk, 0, 1),
            (DAY, county_a.pk, broadband.pk, 1, 1),  # the support center's report of the day
        ]
    )

    page = login_as(staff_a)
    base = live_server.url
    page.goto(f"{base}/materials/loop/C01/?month=2026-11")
    assert page.get_attribute(f"tr[data-day='{DAY}'] td", "data-status") == "open"

    record_move(
        page,
        base,
        "issue_install",
        {
            "item": "ONT-X1",
            "from_warehouse": "C01",
            "serial": "RC1",
            "account_no": "A-NEW1",
            "business_line": "BROADBAND",
            "deposit": "100",
            "business_date": DAY.isoformat(),
        },
    )
    record_move(
        page,
        base,
        "return_dismantle",
        {
            "item": "ONT-X1",
            "to_warehouse": "C01",
            "serial": "OLD1",
            "account_no": "A-OLD1",
            "business_line": "BROADBAND",
            "condition": "ok",
            "business_date": DAY.isoformat(),
        },
    )

    page.goto(f"{base}/materials/loop/C01/?month=2026-11")
    cell = page.locator(f"tr[data-day='{DAY}'] td").first
    assert cell.get_attribute("data-status") == "balanced"
    assert "table-success" in cell.get_attribute("class")
    assert "Installs 1 / 1" in cell.inner_text() and "Dismantles 1 / 1" in cell.inner_text()
    page.goto(f"{base}/materials/recycling/?month=2026-11")
    # Three installs this month, one of them with a recycled terminal.
    assert "33.33%" in page.inner_text("#recycling-total")
