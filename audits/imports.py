"""The audits app's datasets (docs/file-formats.md): the day's refunds and dismantles, upserted
on ``order_no``; each import runs the verification rules over the dates it touched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import DismantleRecord, RefundRecord
from audits.selectors import cashflow as cashflow_reads
from audits.services import cashflow, records
from marketing_ops import formatting, tabular
from marketing_ops.access import WRITING_ROLES, Role, visible_counties
from marketing_ops.periods import Month
from marketing_ops.xlsx import Sheet, xlsx_response

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


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
    label = gettext_lazy("Refunds")
    description = gettext_lazy(
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
    label = gettext_lazy("Dismantles")
    description = gettext_lazy(
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


@tabular.register
class CashFlowDataset(tabular.Dataset):
    """``county_code, month, receivable, received, explanation?``: each county's cash-flow
    reconciliation of a month that has ended, written as ``services.cashflow`` writes the form
    (docs/rules.md#cash-flow)."""

    name = "cashflow"
    label = gettext_lazy("Cash-flow reconciliation")
    description = gettext_lazy(
        "One row per county and month (ended months only): the receivable per the billing "
        "system and the cash received; a difference that is not 0 needs an explanation. A "
        "month already entered is updated (its version goes up and its sign-offs are voided)."
    )
    roles = (*WRITING_ROLES, Role.AUDITOR)
    columns = (
        tabular.CountyCode("county_code"),
        tabular.MonthColumn("month"),
        tabular.Money("receivable"),
        tabular.Money("received"),
        tabular.Text("explanation", max_length=2000, required=False),
    )
    key_columns = ("county_code", "month")

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        county_id, month, receivable, received, explanation = values
        errors = []
        if ctx.user is not None and not cashflow_reads.can_enter(ctx.user, county_id):
            errors.append(("county_code", _("your role may not enter this county's cash flow")))
        if not cashflow.month_has_ended(month, timezone.localdate(ctx.now)):
            errors.append(
                (
                    "month",
                    _("%(month)s has not ended yet")
                    % {
                        "month": formatting.month(month),
                    },
                )
            )
        if missing := cashflow.explanation_missing(receivable, received, explanation or ""):
            errors.append(("explanation", missing))
        return errors

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = [
            (county_id, month, receivable, received, explanation or "")
            for county_id, month, receivable, received, explanation in ctx.state["rows"]
        ]
        try:
            return cashflow.cashflow_import(rows=rows, user=ctx.user, now=ctx.now)
        except ValidationError as error:
            raise tabular.ImportRejected(tabular.RowError(None, "", " ".join(error.messages)))


def cashflow_template(user: AnyUser, month: Month) -> HttpResponse:
    """The workbook to fill in: the dataset's columns, one row per active county in the user's
    scope, with what is already entered for ``month`` (blank where nothing is)."""
    found = {row.county.pk: row.reconciliation for row in cashflow_reads.ranking(user, month).rows}
    rows: list[list[Any]] = []
    for county in visible_counties(user).order_by("sort_order", "code"):
        rec = found.get(county.pk)
        if rec is None:
            rows.append([county.code, str(month), None, None, None])
        else:
            rows.append([county.code, str(month), rec.receivable, rec.received, rec.explanation])
    return xlsx_response(
        f"cashflow-{month}.xlsx",
        [Sheet("cashflow", CashFlowDataset.column_names(), rows)],
    )
