"""The materials datasets (docs/file-formats.md): ``stock_moves``, a file of moves applied
through the one move service in file order, all or nothing; ``daily_operations``, the support
center's daily report the closed loop compares with; ``stock_counts``, what a stock count
found."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES
from marketing_ops.models import BusinessLine
from materials.models import Condition, Item, MoveKind, Warehouse
from materials.selectors import counts
from materials.services import counts as count_writes
from materials.services import loop
from materials.services.moves import MoveError, moves_apply

#: The service's field names that are not the file's column names.
FIELD_TO_COLUMN = {"item": "sku", "reverses": "kind", "__all__": "", "non_field_errors": ""}

COLUMNS = (
    "business_date",
    "kind",
    "sku",
    "quantity",
    "from_warehouse",
    "to_warehouse",
    "serial",
    "replacement_serial",
    "account_no",
    "business_line",
    "deposit",
    "condition",
    "note",
)


@tabular.register
class StockMovesDataset(tabular.Dataset):
    name = "stock_moves"
    label = gettext_lazy("Stock moves")
    description = gettext_lazy(
        "One move per row (one terminal per row for items with serials), applied in file order "
        "through the same checks as the move forms; a refused row rejects the whole file."
    )
    roles = WRITING_ROLES
    stage_row_numbers = True
    columns = (
        tabular.Date("business_date"),
        tabular.Choice("kind", [k for k in MoveKind.values if k != MoveKind.REVERSAL]),
        tabular.Text("sku", max_length=40),
        tabular.Integer("quantity", min_value=-(10**9), max_value=10**9),
        tabular.Text(
            "from_warehouse",
            max_length=16,
            required=False,
            default="",
            label=gettext_lazy("From warehouse"),
        ),
        tabular.Text(
            "to_warehouse",
            max_length=16,
            required=False,
            default="",
            label=gettext_lazy("To warehouse"),
        ),
        tabular.Text("serial", max_length=64, required=False, default=""),
        tabular.Text(
            "replacement_serial",
            max_length=64,
            required=False,
            default="",
            label=gettext_lazy("Replacement serial number"),
        ),
        tabular.Text("account_no", max_length=32, required=False, default=""),
        tabular.BusinessLineCode("business_line", required=False, default=None),
        tabular.Money("deposit", required=False, default=None),
        tabular.Choice(
            "condition",
            Condition.values,
            required=False,
            default="",
            label=gettext_lazy("Condition"),
        ),
        tabular.Text("note", max_length=300, required=False, default=""),
    )

    def begin(self, ctx: tabular.ImportContext) -> None:
        super().begin(ctx)
        ctx.state["items"] = {item.sku.upper(): item for item in Item.objects.all()}
        ctx.state["warehouses"] = {w.code.upper(): w for w in Warehouse.objects.all()}

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        errors = []
        sku, source, target = values[2], values[4], values[5]
        if sku.upper() not in ctx.state["items"]:
            errors.append(("sku", _("unknown SKU %(sku)s") % {"sku": sku}))
        for column, code in (("from_warehouse", source), ("to_warehouse", target)):
            if code and code.upper() not in ctx.state["warehouses"]:
                errors.append((column, _("unknown warehouse %(code)s") % {"code": code}))
        return errors

    def apply(self, ctx: tabular.ImportContext) -> int:
        staged = ctx.state["rows"]
        lines = BusinessLine.objects.in_bulk([row[10] for row in staged if row[10] is not None])
        rows = [self._move(row[1:], ctx, lines) for row in staged]
        try:
            applied = moves_apply(user=ctx.user, rows=rows, import_job=ctx.job)
        except MoveError as refused:
            raise tabular.ImportRejected(_row_errors(staged[refused.index][0], refused.error))
        return len(applied)

    def _move(
        self, values: tuple, ctx: tabular.ImportContext, lines: dict[Any, BusinessLine]
    ) -> dict[str, Any]:
        fields = dict(zip(COLUMNS, values, strict=True))
        warehouses = ctx.state["warehouses"]
        item = ctx.state["items"][fields.pop("sku").upper()]
        return {
            **fields,
            "item": item,
            "from_warehouse": warehouses.get(fields["from_warehouse"].upper()),
            "to_warehouse": warehouses.get(fields["to_warehouse"].upper()),
            "business_line": lines.get(fields["business_line"]),
        }


def _row_errors(row: int, error: ValidationError | PermissionDenied) -> list[tabular.RowError]:
    if isinstance(error, PermissionDenied):
        return [tabular.RowError(row, "kind", str(error))]
    return [
        tabular.RowError(row, FIELD_TO_COLUMN.get(field, field), message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@tabular.register
class DailyOperationsDataset(tabular.Dataset):
    name = "daily_operations"
    label = gettext_lazy("Daily operations")
    description = gettext_lazy(
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
    label = gettext_lazy("Stock counts")
    description = gettext_lazy(
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
            return [("counted_quantity", _("give either counted_quantity or serial"))]
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
                        row_no,
                        "warehouse",
                        _("%(warehouse)s has no open stock count you may enter")
                        % {"warehouse": warehouse},
                    )
                )
            item = items.get(sku)
            if item is None:
                errors.append(
                    tabular.RowError(row_no, "sku", _("unknown SKU %(sku)r") % {"sku": sku})
                )
            elif item.serialized and quantity is not None:
                errors.append(
                    tabular.RowError(
                        row_no,
                        "counted_quantity",
                        _("%(sku)s has serials: one row per serial found") % {"sku": sku},
                    )
                )
            elif not item.serialized and serial:
                errors.append(
                    tabular.RowError(
                        row_no,
                        "serial",
                        _("%(sku)s has no serials: give counted_quantity") % {"sku": sku},
                    )
                )
            key = (warehouse, serial or sku)
            if key in seen:
                errors.append(
                    tabular.RowError(
                        row_no,
                        "serial" if serial else "sku",
                        _("duplicate %(key)s: also in row %(row)s")
                        % {"key": key[1], "row": seen[key]},
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
