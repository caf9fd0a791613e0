"""A phone's screen for the browser tests (fixture ``phone_login_as`` in tests/conftest.py).

390 × 844 CSS pixels is a common phone (iPhone 12 to 15). A page is usable there when the page
itself never scrolls sideways: every table fits its box (low-priority columns hidden,
``marketing_ops.tables.low_priority``) and forms stack full width.
"""

from __future__ import annotations

from typing import Any

PHONE = {"width": 390, "height": 844}


def sideways_overflow(page: Any) -> dict[str, Any]:
    """How wide the page is, and by how much the widest table overruns its box (in CSS
    pixels), and which table that is."""
    return page.evaluate(
        """() => {
          const inner = (box) => {
            const style = getComputedStyle(box);
            return box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          };
          const tables = [...document.querySelectorAll("main table")].filter(t => t.offsetParent);
          const overruns = tables.map(t => [Math.ceil(t.offsetWidth - inner(t.parentElement)), t]);
          const [tables_, widest] = overruns.reduce((a, b) => (b[0] > a[0] ? b : a), [0, null]);
          return {
            page: document.documentElement.scrollWidth,
            tables: tables_,
            widest: widest ? widest.id || widest.className : "",
          };
        }"""
    )


def assert_fits_the_phone(page: Any) -> None:
    """Nothing on the page scrolls sideways: neither the page nor any table in its box."""
    widths = sideways_overflow(page)
    assert widths["page"] <= PHONE["width"], widths
    assert widths["tables"] <= 0, widths


def assert_on_screen(page: Any, selector: str) -> None:
    """The element is shown and lies within the screen's width (reachable without scrolling
    sideways)."""
    element = page.locator(selector)
    assert element.is_visible(), selector
    box = element.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        selector,
        box,
    )
