"""The materials app's datasets (docs/file-formats.md)."""

from __future__ import annotations

from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES
from materials.models import Item
from materials.selectors import counts
from materials.services import counts as count_writes
from materials.services import loop


@tabular.register
class DailyOperationsDataset(tabular.Dataset):
    name = "daily_operations"
    label = "Daily operations"
    description = (
        "The support center's installs and dismantles per county, day and business line; a "
        "county, day and line sent again replaces its figures. The closed loop compares them "
        "with the terminals issued and returned."
    )
    roles = WRITING_ROLES
    columns = (
        tabular.Date("business_date"),
        tabular.CountyCode("county_code"),
        tabular.BusinessLineCode("business_line"),
        tabular.Integer("installs"),
        tabular.Integer("dismantles"),
    )
    key_columns = ("business_date", "county_code", "business_line")

    def apply(self, ctx: tabular.ImportContext) -> int:
        return loop.daily_operations_write(rows=ctx.state["rows"])


@tabular.register
class StockCountsDataset(tabular.Dataset):
    name = "stock_counts"
    label = "Stock counts"
    description = (
        "What a stock count found, for the open count of each warehouse named: a counted "
        "quantity for an item without serials, or one serial found per row for terminals."
    )
    roles = WRITING_ROLES
    columns = (
        tabular.Text("warehouse", max_length=16),
        tabular.Text("sku", max_length=40),
        tabular.Integer("counted_quantity", required=False, default=None),
        tabular.Text("serial", max_length=64, required=False),
    )
    stage_row_numbers = True

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        _warehouse, _sku, quantity, serial = values
        if (quantity is None) == (not serial):
            return [("counted_quantity", "give either counted_quantity or serial")]
        return []

    def errors_across_rows(self, ctx: tabular.ImportContext) -> tabular.ImportRejected | None:
        """Warehouses with an open count the uploader may see, known SKUs, serials once."""
        rows = ctx.state["rows"]
        open_counts = {
            count.warehouse.code: count
            for count in counts.open_counts(ctx.user, {row[1] for row in rows})
        }
        items = {item.sku: item for item in Item.objects.filter(sku__in={row[2] for row in rows})}
        errors: list[tabular.RowError] = []
        seen: dict[tuple[str, str], int] = {}
        for row_no, warehouse, sku, quantity, serial in rows:
            if warehouse not in open_counts:
                errors.append(
                    tabular.RowError(
                        row_no, "warehouse", f"{warehouse} has no open stock count you may enter"
                    )
                )
            item = items.get(sku)
            if item is None:
                errors.append(tabular.RowError(row_no, "sku", f"unknown SKU {sku!r}"))
            elif item.serialized and quantity is not None:
                errors.append(
                    tabular.RowError(
                        row_no, "counted_quantity", f"{sku} has serials: one row per serial found"
                    )
                )
            elif not item.serialized and serial:
                errors.append(
                    tabular.RowError(
                        row_no, "serial", f"{sku} has no serials: give counted_quantity"
                    )
                )
            key = (warehouse, serial or sku)
            if key in seen:
                errors.append(
                    tabular.RowError(
                        row_no,
                        "serial" if serial else "sku",
                        f"duplicate {key[1]}: also in row {seen[key]}",
                    )
                )
            seen.setdefault(key, row_no)
        ctx.state["counts"], ctx.state["items"] = open_counts, items
        return tabular.ImportRejected(errors) if errors else None

    def apply(self, ctx: tabular.ImportContext) -> int:
        rejected = self.errors_across_rows(ctx)
        if rejected:
            raise rejected
        open_counts, items = ctx.state["counts"], ctx.state["items"]
        written = 0
        for code, count in open_counts.items():
            mine = [row for row in ctx.state["rows"] if row[1] == code]
            written += count_writes.count_enter(
                user=ctx.user,
                count=count,
                quantities={items[sku]: q for _n, _w, sku, q, serial in mine if q is not None},
                serials=[(items[sku], serial) for _n, _w, sku, q, serial in mine if serial],
            )
        return written
