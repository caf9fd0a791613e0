"""Admin of the materials models. The ledger (moves, balances, terminals, refused moves) is
read-only here: it changes only through the move service, and a mistake is corrected by a
reversal."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from materials.models import (
    DailyOperation,
    Deposit,
    Item,
    LoopExplanation,
    RandomCheck,
    RandomCheckLine,
    RefusedMove,
    StockBalance,
    StockCount,
    StockCountLine,
    StockMove,
    Terminal,
    Warehouse,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county")
    list_select_related = ("county",)
    search_fields = ("code", "name")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "category", "serialized", "unit", "business_line", "active")
    list_filter = ("category", "serialized", "active")
    list_select_related = ("business_line",)
    search_fields = ("sku", "name")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "business_date",
        "kind",
        "item",
        "quantity",
        "from_warehouse",
        "to_warehouse",
        "serial",
        "account_no",
        "created_by",
    )
    list_filter = ("kind", "business_date")
    list_select_related = ("item", "from_warehouse", "to_warehouse", "created_by")
    search_fields = ("serial", "replacement_serial", "account_no")


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("warehouse", "item", "quantity", "updated_at")
    list_select_related = ("warehouse", "item")
    search_fields = ("warehouse__code", "item__sku")


@admin.register(Terminal)
class TerminalAdmin(ReadOnlyAdmin):
    list_display = ("serial", "item", "state", "warehouse", "county", "account_no")
    list_filter = ("state",)
    list_select_related = ("item", "warehouse", "county")
    search_fields = ("serial", "account_no")


@admin.register(RefusedMove)
class RefusedMoveAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "serial", "replacement_serial", "reason", "created_by")
    list_select_related = ("created_by",)
    search_fields = ("serial", "replacement_serial", "account_no")


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ("business_date", "county", "account_no", "business_line", "amount")
    list_filter = ("county",)
    list_select_related = ("county", "business_line")
    search_fields = ("account_no",)


@admin.register(DailyOperation)
class DailyOperationAdmin(admin.ModelAdmin):
    list_display = ("business_date", "county", "business_line", "installs", "dismantles")
    list_filter = ("county", "business_line")
    list_select_related = ("county", "business_line")


@admin.register(LoopExplanation)
class LoopExplanationAdmin(admin.ModelAdmin):
    list_display = ("business_date", "county", "business_line", "explained_by", "accepted_at")
    list_select_related = ("county", "business_line", "explained_by")


class StockCountLineInline(admin.TabularInline):
    model = StockCountLine
    extra = 0


@admin.register(StockCount)
class StockCountAdmin(admin.ModelAdmin):
    list_display = ("warehouse", "status", "started_at", "approved_at")
    list_filter = ("status",)
    list_select_related = ("warehouse",)
    inlines = [StockCountLineInline]


class RandomCheckLineInline(admin.TabularInline):
    model = RandomCheckLine
    extra = 0


@admin.register(RandomCheck)
class RandomCheckAdmin(admin.ModelAdmin):
    list_display = ("county", "month", "seed", "created_at")
    list_select_related = ("county",)
    inlines = [RandomCheckLineInline]
