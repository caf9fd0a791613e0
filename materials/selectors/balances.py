"""Balances: the stock by warehouse and item, and the check that they equal the ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from marketing_ops.access import AnyUser
from materials.models import Item, StockBalance, StockMove, Terminal, TerminalState, Warehouse


def balances_for(user: AnyUser) -> QuerySet[StockBalance]:
    """The balance rows the user sees (a county user: their warehouse), with what a list shows."""
    return StockBalance.objects.visible_to(user).select_related("warehouse", "item")


@dataclass(frozen=True)
class BalanceDifference:
    warehouse: str
    sku: str
    #: What the balance row says (None: no row), what the ledger sums to, or — for items with
    #: serials — how many terminals the ledger places in the warehouse.
    stored: int | None
    ledger: int
    what: str  # "ledger" or "terminals"


def ledger_sums() -> dict[tuple[int, int], int]:
    """Σ of the moves per warehouse × item, in two grouped queries (in and out)."""
    sums: dict[tuple[int, int], int] = {}
    incoming = (
        StockMove.objects.filter(to_warehouse__isnull=False)
        .values_list("to_warehouse_id", "item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    outgoing = (
        StockMove.objects.filter(from_warehouse__isnull=False)
        .values_list("from_warehouse_id", "item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for warehouse_id, item_id, total in incoming:
        sums[(warehouse_id, item_id)] = sums.get((warehouse_id, item_id), 0) + total
    for warehouse_id, item_id, total in outgoing:
        sums[(warehouse_id, item_id)] = sums.get((warehouse_id, item_id), 0) - total
    return sums


def balance_differences() -> list[BalanceDifference]:
    """Every balance recomputed from the ledger (docs/materials.md#the-ledger, ``manage.py
    materials_check``),
    and for items with serials the terminals placed in each warehouse: the differences, in
    four grouped queries whatever the size of the ledger."""
    from_ledger = ledger_sums()
    stored = {
        (w, i): q
        for w, i, q in StockBalance.objects.values_list("warehouse_id", "item_id", "quantity")
    }
    placed = {
        (w, i): n
        for w, i, n in Terminal.objects.filter(
            state__in=[TerminalState.NEW, TerminalState.RECYCLED, TerminalState.FAULTY]
        )
        .values_list("warehouse_id", "item_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    names = _names()
    found: list[BalanceDifference] = []
    for key in sorted(set(from_ledger) | set(stored)):
        ledger, have = from_ledger.get(key, 0), stored.get(key)
        if (have or 0) != ledger:
            found.append(BalanceDifference(*names(key), have, ledger, "ledger"))
    serialized = set(_serialized_items())
    for key in sorted(set(placed) | {k for k in from_ledger if k[1] in serialized}):
        if key[1] in serialized and placed.get(key, 0) != from_ledger.get(key, 0):
            found.append(
                BalanceDifference(
                    *names(key), placed.get(key, 0), from_ledger.get(key, 0), "terminals"
                )
            )
    return found


def _serialized_items() -> list[int]:
    return list(Item.objects.filter(serialized=True).values_list("pk", flat=True))


def _names() -> Callable[[tuple[int, int]], tuple[str, str]]:
    warehouses = dict(Warehouse.objects.values_list("pk", "code"))
    items = dict(Item.objects.values_list("pk", "sku"))
    return lambda key: (warehouses.get(key[0], str(key[0])), items.get(key[1], str(key[1])))


@dataclass(frozen=True)
class ItemTotal:
    sku: str
    name: str
    total: int
    warehouses: int


def item_totals(user: AnyUser) -> list[ItemTotal]:
    """Stock per item over the warehouses the user sees, in one grouped query."""
    rows = (
        balances_for(user)
        .filter(quantity__gt=0)
        .values_list("item__sku", "item__name")
        .annotate(total=Sum("quantity"), warehouses=Count("warehouse"))
        .order_by("item__sku")
    )
    return [ItemTotal(sku, name, total, warehouses) for sku, name, total, warehouses in rows]
