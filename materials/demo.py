"""Demo materials (``manage.py seed_demo``): the city store receives terminals and cable, the
counties draw stock, and three months of installs and dismantles are recorded by each county's
staff through the move service — recycled terminals installed again, a few installs without a
deposit, one warranty swap, and one swap refused because the terminal offered was recycled
(kept as a refused attempt in both terminals' histories). The ledger is seeded once: a rerun
changes nothing.

Then the support center's daily operations of the last three months, matching the ledger's
installs and dismantles but for a realistic few loop differences (some explained by the county,
some of those accepted by the city), a finished stock count of C01 and this month's random
checks; each of these is idempotent too."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.models import (
    Item,
    MoveKind,
    RandomCheckLine,
    StockBalance,
    StockCount,
    StockMove,
    Terminal,
    Warehouse,
)
from materials.selectors import counts as count_reads
from materials.selectors import loop as loop_reads
from materials.services import counts as count_writes
from materials.services import loop as loop_writes
from materials.services import moves, random_checks
from materials.services.warehouses import warehouses_ensure

#: Of the days with installs or dismantles, about one in this many gets a loop difference.
GAP_EVERY = 12
EXPLANATIONS = [
    "客户暂留旧终端，已约下周上门回收。",
    "支撑中心次一工作日才报送该笔装机。",
    "终端直接退回市公司中心库，未入县公司仓库。",
]


ITEMS = [
    # sku, name, category, serialized, unit, line
    ("ONT-X1", "光猫 X1", "terminal", True, "台", "BROADBAND"),
    ("ONT-D2", "专线终端 D2", "terminal", True, "台", "DEDICATED_LINE"),
    ("PHN-P1", "公话机 P1", "terminal", True, "台", "PUBLIC_PHONE"),
    ("CAB-DROP", "皮线光缆", "cable", False, "米", None),
    ("ACC-SC", "SC 光纤连接头", "accessory", False, "个", None),
]

#: Terminals each county draws of each item, and installs per month (broadband; the other
#: lines a fifth of it).
DRAWN = 24
INSTALLS_PER_MONTH = 5


def _business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5]


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    made = _seed_ledger(stdout, today)
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    return {**made, **seed_operations(stdout, today, users)}


def _seed_ledger(stdout: Any, today: dt.date) -> dict[str, Any]:
    warehouses_ensure()
    if StockMove.objects.exists():
        stdout.write("  materials: the ledger has moves already; left as it is")
        return {}
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    city = users.get("city")
    lines = {line.code: line for line in BusinessLine.objects.all()}
    items = {}
    for sku, name, category, serialized, unit, line in ITEMS:
        items[sku], _created = Item.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "category": category,
                "serialized": serialized,
                "unit": unit,
                "business_line": lines.get(line) if line else None,
            },
        )
    store = Warehouse.objects.get(code="CITY")
    counties = list(County.objects.filter(active=True, warehouse__isnull=False))
    rng = random.Random(17)
    start = today - dt.timedelta(days=92)
    deliveries = 0
    for sku in ("ONT-X1", "ONT-D2", "PHN-P1"):
        per_county = DRAWN if sku == "ONT-X1" else DRAWN // 4
        serials = [
            f"{sku[:3]}{sku[-2:]}-{n:05d}" for n in range(1, per_county * len(counties) + 11)
        ]
        deliveries += moves.terminals_receive(
            user=city,
            item=items[sku],
            warehouse=store,
            serials=serials,
            business_date=start,
            note="省公司仓库配送",
        )
        for index, county in enumerate(counties):
            drawn = serials[index * per_county : (index + 1) * per_county]
            moves.terminals_transfer(
                user=city,
                item=items[sku],
                from_warehouse=store,
                to_warehouse=county.warehouse,
                serials=drawn,
                business_date=start + dt.timedelta(days=1),
            )
    for sku, quantity in (("CAB-DROP", 20000), ("ACC-SC", 2000)):
        moves.move_create(
            user=city,
            kind=MoveKind.RECEIPT,
            item=items[sku],
            quantity=quantity,
            to_warehouse=store,
            business_date=start,
        )
        for county in counties:
            moves.move_create(
                user=city,
                kind=MoveKind.TRANSFER,
                item=items[sku],
                quantity=quantity // 20,
                from_warehouse=store,
                to_warehouse=county.warehouse,
                business_date=start + dt.timedelta(days=1),
            )
    recorded = 0
    for county in counties:
        staff = users.get(f"{county.code.lower()}_staff", city)
        recorded += _county_work(county, staff, items, lines, rng, start, today)
    refused = _warranty_swaps(
        counties[0],
        users.get(f"{counties[0].code.lower()}_staff", city),
        items["ONT-X1"],
        lines["BROADBAND"],
        today,
    )
    stdout.write(
        f"  materials: {deliveries} terminals delivered, {recorded} terminal installs and "
        f"dismantles, "
        f"{refused} refused warranty swap"
    )
    return {"moves": StockMove.objects.count()}


def _county_work(
    county: County,
    staff: Any,
    items: dict[str, Item],
    lines: dict[str, BusinessLine],
    rng: random.Random,
    start: dt.date,
    today: dt.date,
) -> int:
    """Installs and dismantles on business days up to yesterday, in date order; a dismantled
    terminal in good order is installed again at the next account."""
    warehouse = county.warehouse
    days = _business_days(start + dt.timedelta(days=2), today - dt.timedelta(days=1))
    plan: list[tuple[dt.date, str]] = []
    for sku, share in (("ONT-X1", 1.0), ("ONT-D2", 0.2), ("PHN-P1", 0.2)):
        count = max(1, round(INSTALLS_PER_MONTH * 3 * share))
        plan += [(rng.choice(days), sku) for _ in range(count)]
    plan.sort()
    recorded = 0
    installed: dict[str, list[tuple[str, str]]] = {sku: [] for sku in items}
    # Dismantles wait for their day: a terminal comes back (and may go out again) only after
    # it, so every terminal's history reads in date order.
    pending: list[tuple[dt.date, int, dict[str, Any]]] = []

    def dismantle_due(until: dt.date) -> int:
        due = sorted((p for p in pending if p[0] <= until), key=lambda p: (p[0], p[1]))
        for entry in due:
            pending.remove(entry)
            moves.move_create(user=staff, **entry[2])
        return len(due)

    for n, (day, sku) in enumerate(plan, start=1):
        recorded += dismantle_due(day)
        item = items[sku]
        line = item.business_line
        assert line is not None
        # Prefer a recycled terminal, as the department asks; else a new one.
        terminal = (
            Terminal.objects.filter(warehouse=warehouse, item=item, state__in=["recycled", "new"])
            .order_by("-state", "serial")  # "recycled" sorts after "new": recycled first
            .first()
        )
        if terminal is None:
            continue
        account = f"{county.code}-{line.code[:2]}-{n:04d}"
        deposit = None if n % 9 == 0 or not line.deposit_required else Decimal("100.00")
        moves.move_create(
            user=staff,
            kind=MoveKind.ISSUE_INSTALL,
            item=item,
            quantity=1,
            from_warehouse=warehouse,
            serial=terminal.serial,
            account_no=account,
            business_line=line,
            deposit=deposit,
            business_date=day,
            note="" if deposit is not None or not line.deposit_required else "押金后补",
        )
        if n % 3 == 0:  # drop cable for the install (one in three, to keep seeding quick)
            moves.move_create(
                user=staff,
                kind=MoveKind.ISSUE_INSTALL,
                item=items["CAB-DROP"],
                quantity=rng.randint(20, 60),
                from_warehouse=warehouse,
                account_no=account,
                business_line=line,
                business_date=day,
            )
        installed[sku].append((terminal.serial, account))
        recorded += 1
        # About one install in four is dismantled a few days later (moves, churn).
        if n % 4 == 0 and installed[sku]:
            serial, old_account = installed[sku].pop(0)
            later = day + dt.timedelta(days=rng.randint(1, 6))
            if later < today:
                pending.append(
                    (
                        later,
                        n,
                        {
                            "kind": MoveKind.RETURN_DISMANTLE,
                            "item": item,
                            "quantity": 1,
                            "to_warehouse": warehouse,
                            "serial": serial,
                            "account_no": old_account,
                            "business_line": line,
                            "condition": "faulty" if n % 12 == 0 else "ok",
                            "business_date": later,
                        },
                    )
                )
    return recorded + dismantle_due(today)


def _warranty_swaps(
    county: County, staff: Any, item: Item, line: BusinessLine, today: dt.date
) -> int:
    """One warranty swap done right (a new terminal) and one refused: the terminal offered is
    one just back from a dismantle (recycled)."""
    warehouse = county.warehouse
    # Terminals installed before the swaps' days, so that each history reads in date order.
    recent = StockMove.objects.filter(
        kind=MoveKind.ISSUE_INSTALL,
        serial=OuterRef("serial"),
        business_date__gte=today - dt.timedelta(days=2),
    )
    installed = list(
        Terminal.objects.filter(county=county, item=item, state="installed")
        .exclude(Exists(recent))
        .order_by("serial")[:3]
    )
    new = Terminal.objects.filter(warehouse=warehouse, item=item, state="new").order_by("serial")
    if len(installed) < 3 or not new.exists():
        return 0
    fault, back, other = installed
    moves.move_create(
        user=staff,
        kind=MoveKind.WARRANTY_REPLACEMENT,
        item=item,
        quantity=1,
        from_warehouse=warehouse,
        serial=fault.serial,
        replacement_serial=new.first().serial,  # type: ignore[union-attr]  # exists() above
        account_no=fault.account_no,
        business_line=line,
        business_date=today - dt.timedelta(days=2),
        note="保修期内故障",
    )
    moves.move_create(
        user=staff,
        kind=MoveKind.RETURN_DISMANTLE,
        item=item,
        quantity=1,
        to_warehouse=warehouse,
        serial=back.serial,
        account_no=back.account_no,
        business_line=line,
        condition="ok",
        business_date=today - dt.timedelta(days=2),
    )
    try:
        moves.move_create(
            user=staff,
            kind=MoveKind.WARRANTY_REPLACEMENT,
            item=item,
            quantity=1,
            from_warehouse=warehouse,
            serial=other.serial,
            replacement_serial=back.serial,
            account_no=other.account_no,
            business_line=line,
            business_date=today - dt.timedelta(days=1),
        )
    except ValidationError:
        return 1  # the service keeps the attempt (RefusedMove)
    return 0


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
        user=users.get("c01_staff") or city, warehouse=warehouse, note="季度盘点"
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
                note="在相邻用户处找到" if result == "wrong_place" else "",
            )
            recorded += 1
    return recorded
