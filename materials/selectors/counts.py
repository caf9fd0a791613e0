"""Stock counts (docs/materials.md): the counts a user may see, and a count's differences —
quantities of items without serials, serials missing and serials found that were not expected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from marketing_ops.access import CITY_ROLES, WRITING_ROLES, AnyUser, has_role, is_city_wide
from materials.models import StockCount, StockCountLine, StockCountSerial


def count_queryset(user: AnyUser) -> QuerySet[StockCount]:
    return (
        StockCount.objects.visible_to(user)
        .select_related("warehouse", "started_by__profile", "approved_by__profile")
        .annotate(
            line_count=Count("lines", distinct=True),
            serial_count=Count("serials", filter=Q(serials__expected=True), distinct=True),
        )
        .order_by("-started_at", "-pk")
    )


def can_count(user: AnyUser, count: StockCount) -> bool:
    """Who starts a count and enters what was found: writing roles within their scope (the
    caller has already scoped the count)."""
    return count.status == StockCount.Status.OPEN and has_role(user, *WRITING_ROLES)


def can_approve(user: AnyUser, count: StockCount) -> bool:
    return (
        count.status == StockCount.Status.OPEN
        and has_role(user, *CITY_ROLES)
        and is_city_wide(user)
    )


@dataclass(frozen=True)
class QuantityDifference:
    sku: str
    item_id: int
    expected: int
    counted: int | None

    @property
    def difference(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


@dataclass(frozen=True)
class SerialDifference:
    sku: str
    item_id: int
    serial: str
    kind: str  # "missing" or "unexpected"


@dataclass
class CountDifferences:
    """What the count found against what the ledger held when it started. ``lines`` are every
    item without serials (with its difference, None while not counted); serialized items are
    compared by serial."""

    lines: list[QuantityDifference] = field(default_factory=list)
    serialized: list[QuantityDifference] = field(default_factory=list)
    missing: list[SerialDifference] = field(default_factory=list)
    unexpected: list[SerialDifference] = field(default_factory=list)

    @property
    def quantity_differences(self) -> list[QuantityDifference]:
        return [line for line in self.lines if line.difference]

    @property
    def not_counted(self) -> list[QuantityDifference]:
        return [line for line in self.lines if line.counted is None]

    @property
    def total(self) -> int:
        return len(self.quantity_differences) + len(self.missing) + len(self.unexpected)


def count_differences(count: StockCount) -> CountDifferences:
    """Two queries: the lines with their items, the serials with theirs."""
    result = CountDifferences()
    found_per_item: dict[int, int] = {}
    serials = StockCountSerial.objects.filter(count=count).select_related("item")
    for row in serials.order_by("item__sku", "serial"):
        if row.found:
            found_per_item[row.item_id] = found_per_item.get(row.item_id, 0) + 1
        if row.expected and not row.found:
            result.missing.append(
                SerialDifference(row.item.sku, row.item_id, row.serial, "missing")
            )
        elif row.found and not row.expected:
            result.unexpected.append(
                SerialDifference(row.item.sku, row.item_id, row.serial, "unexpected")
            )
    lines = StockCountLine.objects.filter(count=count).select_related("item")
    for line in lines.order_by("item__sku"):
        if line.item.serialized:
            result.serialized.append(
                QuantityDifference(
                    line.item.sku,
                    line.item_id,
                    line.expected_quantity,
                    found_per_item.get(line.item_id, 0),
                )
            )
        else:
            result.lines.append(
                QuantityDifference(
                    line.item.sku, line.item_id, line.expected_quantity, line.counted_quantity
                )
            )
    return result


def open_counts(user: AnyUser | None, codes: Iterable[str]) -> QuerySet[StockCount]:
    """The open counts of the warehouses named by ``codes`` that ``user`` may enter (``None``:
    the command line, the whole city)."""
    counts = StockCount.objects.filter(
        status=StockCount.Status.OPEN, warehouse__code__in=list(codes)
    )
    if user is not None:
        counts = counts.visible_to(user)
    return counts.select_related("warehouse")
