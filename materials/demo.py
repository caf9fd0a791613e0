"""Demo materials (``manage.py seed_demo``): the city store receives terminals and cable, the
counties draw stock, and three months of installs and dismantles are recorded by each county's
staff through the move service — recycled terminals installed again, a few installs without a
deposit, one warranty swap, and one swap refused because the terminal offered was recycled
(kept as a refused attempt in both terminals' histories). The ledger is seeded once: a rerun
changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from marketing_ops.models import BusinessLine, County
from materials.models import Item, MoveKind, StockMove, Terminal, Warehouse
from materials.services import moves
from materials.services.warehouses import warehouses_ensure

ITEMS = [
    # sku, name, category, serialized, unit, line
    ("ONT-X1", "Optical network terminal X1", "terminal", True, "pcs", "BROADBAND"),
    ("ONT-D2", "Dedicated line terminal D2", "terminal", True, "pcs", "DEDICATED_LINE"),
    ("PHN-P1", "Public phone set P1", "terminal", True, "pcs", "PUBLIC_PHONE"),
    ("CAB-DROP", "Drop cable", "cable", False, "m", None),
    ("ACC-SC", "SC connector", "accessory", False, "pcs", None),
]

#: Terminals each county draws of each item, and installs per month (broadband; the other
#: lines a fifth of it).
DRAWN = 24
INSTALLS_PER_MONTH = 5


def _business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5]


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
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
            note="delivery from the provincial store",
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
    for n, (day, sku) in enumerate(plan, start=1):
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
            note="" if deposit is not None or not line.deposit_required else "deposit to follow",
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
                moves.move_create(
                    user=staff,
                    kind=MoveKind.RETURN_DISMANTLE,
                    item=item,
                    quantity=1,
                    to_warehouse=warehouse,
                    serial=serial,
                    account_no=old_account,
                    business_line=line,
                    condition="faulty" if n % 12 == 0 else "ok",
                    business_date=later,
                )
                recorded += 1
    return recorded


def _warranty_swaps(
    county: County, staff: Any, item: Item, line: BusinessLine, today: dt.date
) -> int:
    """One warranty swap done right (a new terminal) and one refused: the terminal offered is
    one just back from a dismantle (recycled)."""
    warehouse = county.warehouse
    installed = list(
        Terminal.objects.filter(county=county, item=item, state="installed").order_by("serial")[:3]
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
        note="faulty under warranty",
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
