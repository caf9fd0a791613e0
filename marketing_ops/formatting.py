"""How figures read: money, rates, percentage points, months and dates, in one place.

Tables (``marketing_ops.tables``), template filters (``{% load formatting %}``), chart data and
briefings all call these functions, so 49.87% and 1,234,567.50 read the same everywhere. A
missing value reads as an em dash.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone

from marketing_ops.money import CENT
from marketing_ops.periods import Month

#: What a missing value reads as.
MISSING = "—"

HUNDRED = Decimal(100)


def money(amount: Decimal | int | None) -> str:
    """1234567.5 → ``1,234,567.50``."""
    return MISSING if amount is None else f"{amount:,.2f}"


def percent_number(rate: Decimal | None) -> Decimal | None:
    """A 4-place fraction as the number of percent, to 2 places: 0.4987 → 49.87 (charts)."""
    return None if rate is None else (rate * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def percent(rate: Decimal | None) -> str:
    """A 4-place fraction as a percentage: 0.4987 → ``49.87%``."""
    number = percent_number(rate)
    return MISSING if number is None else f"{number:.2f}%"


def points(change: Decimal | None, *, signed: bool = True) -> str:
    """Percentage points: −3.333 → ``-3.33 pp``; with ``signed`` a gain reads ``+1.20 pp``."""
    if change is None:
        return MISSING
    return f"{change:+.2f} pp" if signed else f"{change:.2f} pp"


def points_apart(change: Decimal | None) -> str:
    """How far apart, without a sign, for a sentence that already says which way:
    "behind by ``0.23 pp``" for −0.23."""
    return MISSING if change is None else points(abs(change), signed=False)


def count(value: int | None) -> str:
    """A whole number with thousands separators: 12345 → ``12,345``."""
    return MISSING if value is None else f"{value:,}"


def month(value: Month | None) -> str:
    """A month as the business writes it: ``2026-10``."""
    return MISSING if value is None else str(value)


#: The date format of every page, table, export and briefing.
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"


def date(value: dt.date | dt.datetime | None, fmt: str | None = None) -> str:
    """A date as ``2026-03-24``, a datetime as ``2026-03-24 09:30`` in local time."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, fmt or DATETIME_FORMAT)
    return dateformat.format(value, fmt or DATE_FORMAT)
