"""The materials datasets (docs/file-formats.md): ``stock_moves``, a file of moves applied
through the one move service in file order, all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES
from marketing_ops.models import BusinessLine
from materials.models import Condition, Item, MoveKind, Warehouse
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
    label = "Stock moves"
    description = (
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
        tabular.Text("from_warehouse", max_length=16, required=False, default=""),
        tabular.Text("to_warehouse", max_length=16, required=False, default=""),
        tabular.Text("serial", max_length=64, required=False, default=""),
        tabular.Text("replacement_serial", max_length=64, required=False, default=""),
        tabular.Text("account_no", max_length=32, required=False, default=""),
        tabular.BusinessLineCode("business_line", required=False, default=None),
        tabular.Money("deposit", required=False, default=None),
        tabular.Choice("condition", Condition.values, required=False, default=""),
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
