"""The ledger as users read it: warehouses, items, moves and a terminal's whole history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from marketing_ops.access import AnyUser
from materials.models import Item, RefusedMove, StockMove, Terminal, Warehouse


def warehouses_for(user: AnyUser) -> QuerySet[Warehouse]:
    """The warehouses the user sees: every one city-wide, a county user only their own."""
    return Warehouse.objects.visible_to(user).select_related("county")


def items() -> QuerySet[Item]:
    """Items are the city's catalogue: everyone signed in reads it."""
    return Item.objects.select_related("business_line")


def moves_for(user: AnyUser) -> QuerySet[StockMove]:
    """The moves into or out of the warehouses the user sees, with what a list shows."""
    return StockMove.objects.visible_to(user).select_related(
        "item",
        "from_warehouse",
        "to_warehouse",
        "business_line",
        "created_by__profile",
        "reversed_by",
    )


@dataclass(frozen=True)
class TerminalDetail:
    terminal: Terminal
    #: Every move of the serial (as the terminal or as a warranty replacement), oldest first.
    moves: list[StockMove]
    #: Attempts the service refused (a recycled terminal offered for a warranty swap).
    refused: list[RefusedMove]


def terminals_for(user: AnyUser) -> QuerySet[Terminal]:
    """The terminals now placed in the user's county (its warehouse or its accounts)."""
    return Terminal.objects.visible_to(user).select_related("item", "warehouse", "county")


def terminal_detail(user: AnyUser, serial: str) -> TerminalDetail:
    """A terminal the user sees and its whole history, in three queries; 404 otherwise."""
    terminal = terminals_for(user).filter(serial=serial).first()
    if terminal is None:
        raise Http404("No terminal found.")
    by_serial = Q(serial=serial) | Q(replacement_serial=serial)
    history = list(
        StockMove.objects.filter(by_serial)
        .select_related(
            "item", "from_warehouse", "to_warehouse", "business_line", "created_by__profile"
        )
        .order_by("business_date", "pk")
    )
    refused = list(
        RefusedMove.objects.filter(by_serial)
        .select_related("warehouse", "created_by__profile")
        .order_by("created_at")
    )
    return TerminalDetail(terminal, history, refused)
