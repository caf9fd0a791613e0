"""Demo materials (``manage.py seed_demo``). Safe to run again: a rerun changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model

from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.models import (
    Item,
    RandomCheckLine,
    StockBalance,
    StockCount,
    Warehouse,
)
from materials.selectors import counts as count_reads
from materials.selectors import loop as loop_reads
from materials.services import counts as count_writes
from materials.services import loop as loop_writes
from materials.services import random_checks

#: Of the days with installs or dismantles, about one in this many gets a loop difference.
GAP_EVERY = 12
EXPLANATIONS = [
    "The customer kept the old terminal; collection booked for next week.",
    "Install reported by the support center on the next business day.",
    "Terminal returned to the city store directly, not to the county warehouse.",
]


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    return seed_operations(stdout, today, users)


def _hash(*parts: object) -> int:
    return int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def seed_operations(stdout: Any, today: dt.date, users: dict[str, Any]) -> dict[str, Any]:
    """The support center's daily operations for the last three months, matching the ledger's
    installs and dismantles but for a realistic few differences (some explained by the county,
    some of those accepted by the city); a finished stock count; this month's random checks."""
    city = users.get("city")
    reported = _daily_operations(today)
    explained = _explanations(today, users, city)
    counted = _stock_count(today, users, city)
    checked = _random_checks(today, users)
    stdout.write(
        f"  materials: {reported} daily operations, {explained} loop explanations, "
        f"{counted} stock count, {checked} random checks recorded"
    )
    return {"daily_operations": reported}


def _months(today: dt.date) -> list[Month]:
    this = Month.of(today)
    return [this.shift(-2), this.shift(-1), this]


def _daily_operations(today: dt.date) -> int:
    """Reported = moved, except on the days a hash of county and day picks: one install more,
    or one dismantle whose terminal did not come back. Rerun: the same figures again."""
    rows = []
    for month in _months(today):
        for row in loop_reads.city_loop_rows(month):
            if row.date > today:
                continue
            installs, dismantles = row.terminals_issued, row.terminals_returned
            pick = _hash(row.county, row.date, row.line)
            if pick % GAP_EVERY == 0:
                installs += 1
            elif pick % GAP_EVERY == 1 and dismantles:
                dismantles += 1
            rows.append((row.date, row.county_id, row.line_id, installs, dismantles))
    return loop_writes.daily_operations_write(rows=rows)


def _explanations(today: dt.date, users: dict[str, Any], city: Any) -> int:
    """Explain two of every three past differences as the county's staff; accept half of
    those as the city."""
    made = 0
    if city is None:
        return 0
    lines = BusinessLine.objects.in_bulk()
    counties = County.objects.in_bulk()
    for month in _months(today):
        for row in loop_reads.loop_rows(city, month):
            if row.explanation or row.date >= today - dt.timedelta(days=3):
                continue
            pick = _hash("explain", row.county, row.date)
            staff = users.get(f"{row.county.lower()}_staff")
            if pick % 3 == 0 or staff is None:
                continue
            county = counties[row.county_id]
            explanation = loop_writes.loop_explain(
                user=staff,
                county=county,
                business_date=row.date,
                business_line=lines[row.line_id],
                explanation=EXPLANATIONS[pick % len(EXPLANATIONS)],
            )
            made += 1
            if pick % 2 == 0:
                loop_writes.loop_accept(user=city, explanation=explanation)
    return made


def _stock_count(today: dt.date, users: dict[str, Any], city: Any) -> int:
    """A finished count of C01's warehouse: everything as expected but two metres of cable."""
    warehouse = Warehouse.objects.filter(code="C01").first()
    if city is None or warehouse is None or StockCount.objects.filter(warehouse=warehouse).exists():
        return 0
    if not StockBalance.objects.filter(warehouse=warehouse, quantity__gt=0).exists():
        return 0
    count = count_writes.count_start(
        user=users.get("c01_staff") or city, warehouse=warehouse, note="Quarterly count"
    )
    differences = count_reads.count_differences(count)
    items = Item.objects.in_bulk([line.item_id for line in differences.lines])
    quantities = {
        items[line.item_id]: max(
            line.expected - (2 if items[line.item_id].category == "cable" else 0), 0
        )
        for line in differences.lines
    }
    serial_items = Item.objects.in_bulk([d.item_id for d in differences.missing])
    serials = [(serial_items[d.item_id], d.serial) for d in differences.missing]
    count_writes.count_enter(user=city, count=count, quantities=quantities, serials=serials)
    count_writes.count_approve(user=city, count=count, business_date=today)
    return 1


def _random_checks(today: dt.date, users: dict[str, Any]) -> int:
    """This month's checks drawn for every county; C01 and C02 have checked half their sample
    (mostly found, one not found, one in the wrong place)."""
    month = Month.of(today)
    random_checks.random_checks_draw(month=month)
    recorded = 0
    for code in ("C01", "C02"):
        staff = users.get(f"{code.lower()}_staff")
        if staff is None:
            continue
        lines = list(
            RandomCheckLine.objects.filter(
                random_check__county__code=code, random_check__month=str(month)
            )
            .select_related("random_check")
            .order_by("serial")
        )
        for n, line in enumerate(lines[: len(lines) // 2]):
            if line.result:
                continue
            result = "not_found" if n == 3 else "wrong_place" if n == 5 else "found"
            random_checks.random_check_record(
                user=staff,
                line=line,
                result=result,
                mode="remote" if n % 3 == 0 else "on_site",
                note="Found at the neighbouring account" if result == "wrong_place" else "",
            )
            recorded += 1
    return recorded
