"""The audits app's datasets (docs/file-formats.md): the day's refunds and dismantles, upserted
on ``order_no``; each import runs the verification rules over the dates it touched."""

from __future__ import annotations

from django.utils.translation import gettext as _

from audits.models import DismantleRecord, RefundRecord
from audits.services import records
from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES


class _OrdersDataset(tabular.Dataset):
    """Rows keyed on ``order_no``, at column 3 after the date, county and account."""

    roles = WRITING_ROLES
    key_columns = ("order_no",)
    stage_row_numbers = True
    model: type[RefundRecord] | type[DismantleRecord]

    def errors_across_rows(self, ctx: tabular.ImportContext) -> tabular.ImportRejected | None:
        """A county user may not rewrite an order another county holds (one query)."""
        if ctx.city_wide or ctx.county_id is None:
            return None
        rows = ctx.state["rows"]
        numbers = {row[4]: row[0] for row in rows}
        others = (
            self.model.objects.filter(order_no__in=list(numbers))
            .exclude(county_id=ctx.county_id)
            .values_list("order_no", flat=True)
        )
        errors = [
            tabular.RowError(
                numbers[order_no],
                "order_no",
                _("order %(order)s belongs to another county") % {"order": order_no},
            )
            for order_no in sorted(others, key=lambda n: numbers[n])
        ]
        return tabular.ImportRejected(errors) if errors else None

    def _checked(self, ctx: tabular.ImportContext) -> list[tuple]:
        rejected = self.errors_across_rows(ctx)
        if rejected:
            raise rejected
        return [tuple(row[1:]) for row in ctx.state["rows"]]


@tabular.register
class RefundsDataset(_OrdersDataset):
    name = "refunds"
    label = "Refunds"
    description = (
        "One row per refund of the business day; an order number already imported is updated. "
        "The verification rules R1, R2, R3 and R6 run over the file's dates."
    )
    model = RefundRecord
    columns = (
        tabular.Date("business_date"),
        tabular.CountyCode("county_code"),
        tabular.Text("account_no", max_length=32),
        tabular.Text("order_no", max_length=40),
        tabular.Choice("refund_type", RefundRecord.Type.values),
        tabular.Money("amount"),
        tabular.Text("operator", max_length=64, required=False),
    )

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        if values[5] <= 0:
            return [
                ("amount", _("a refund is more than 0.00, got %(amount)s") % {"amount": values[5]})
            ]
        return []

    def apply(self, ctx: tabular.ImportContext) -> int:
        return records.refunds_write(rows=self._checked(ctx))


@tabular.register
class DismantlesDataset(_OrdersDataset):
    name = "dismantles"
    label = "Dismantles"
    description = (
        "One row per dismantle of the business day; an order number already imported is "
        "updated. The verification rules R4 and R5 run over the file's dates, and open R2 items "
        "a dismantle explains close."
    )
    model = DismantleRecord
    columns = (
        tabular.Date("business_date"),
        tabular.CountyCode("county_code"),
        tabular.Text("account_no", max_length=32),
        tabular.Text("order_no", max_length=40),
        tabular.BusinessLineCode("business_line"),
        tabular.Text("terminal_serial", max_length=64, required=False),
        tabular.YesNo("terminal_returned"),
        tabular.Text("reason", max_length=200, required=False),
    )

    def apply(self, ctx: tabular.ImportContext) -> int:
        return records.dismantles_write(rows=self._checked(ctx))
