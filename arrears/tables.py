"""Tables of the arrears pages and their xlsx sheets.

Small tables export through ``table_sheet``; the long lists (worklist, promises) are written by
``overdue_sheet`` / ``promise_sheet`` row by row, which stays fast for tens of thousands of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData

from arrears import calculations as calc
from arrears.models import Bill, CollectionAction, Transfer, TransferLimit
from arrears.selectors.worklist import OverdueAccount, Worklist
from marketing_ops.formatting import MISSING, date, money, period, person
from marketing_ops.formatting import month as month_text
from marketing_ops.money import to_cents
from marketing_ops.tables import (
    NUM,
    DateColumn,
    MoneyColumn,
    PersonColumn,
    RateColumn,
    low_priority,
)
from marketing_ops.xlsx import Sheet

NOWRAP = {"td": {"class": "text-nowrap"}}
TABLE_CLASS = "table table-sm table-hover align-middle"
TEMPLATE = "tables/bootstrap5.html"


class MonthColumn(tables.Column):
    """A first-of-month date (or a ``YYYY-MM`` text) shown as the page writes a month
    (``2026-11``, ``2026年11月``);
    ``YYYY-MM`` in the workbook, as in files."""

    def render(self, value: Any) -> str:
        return month_text(value)

    def value(self, value: Any) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


def _yes_no(value: bool | None) -> str:
    return MISSING if value is None else (gettext("Yes") if value else gettext("No"))


# --------------------------------------------------------------------------- worklist


class WorklistData(TableData):
    """Lets django-tables2 sort and page a ``Worklist`` in the database (not in Python)."""

    data: Worklist

    def __init__(self, worklist: Worklist) -> None:
        super().__init__(worklist)

    def __len__(self) -> int:
        return len(self.data)

    def order_by(self, aliases: Any) -> None:
        # One sort key at a time: the worklist sorts by outstanding or by age.
        if aliases:
            self.data = self.data.order_by(str(aliases[0]))

    @property
    def ordering(self) -> list[str]:
        return [self.data.ordering]


class OverdueAccountTable(tables.Table):
    """Columns of an overdue account (rows are ``selectors.worklist.OverdueAccount``); a phone
    shows the account, the customer, what is owed and for how long."""

    account_no = tables.Column(
        accessor="account__account_no",
        verbose_name=_("Account"),
        linkify=("arrears:account", {"account_no": tables.A("account__account_no")}),
        orderable=False,
        attrs=NOWRAP,
    )
    customer = tables.Column(
        accessor="account__customer_name", verbose_name=_("Customer"), orderable=False
    )
    phone = low_priority(
        tables.Column(
            accessor="account__contact_phone",
            verbose_name=_("Phone"),
            orderable=False,
            attrs=NOWRAP,
        )
    )
    address = low_priority(
        tables.Column(accessor="account__address", verbose_name=_("Address"), orderable=False)
    )
    county = low_priority(
        tables.Column(accessor="account__county__code", verbose_name=_("County"), orderable=False)
    )
    line = low_priority(
        tables.Column(
            accessor="account__business_line__name", verbose_name=_("Line"), orderable=False
        )
    )
    status = low_priority(
        tables.Column(
            accessor="account__get_status_display", verbose_name=_("Status"), orderable=False
        )
    )
    outstanding = MoneyColumn(verbose_name=_("Outstanding"))
    overdue_bills = low_priority(tables.Column(verbose_name=_("Bills"), attrs=NUM, orderable=False))
    oldest_due = low_priority(
        DateColumn(verbose_name=_("Oldest due"), format="Y-m-d", orderable=False, attrs=NOWRAP)
    )
    days_overdue = tables.Column(verbose_name=_("Days overdue"), attrs=NUM)
    last_action = low_priority(tables.Column(verbose_name=_("Last action"), orderable=False))

    def __init__(self, data: Any, *, show_county: bool = True, **kwargs: Any) -> None:
        super().__init__(data, exclude=() if show_county else ("county",), **kwargs)


def overdue_sheet(rows: Iterable[OverdueAccount], title: str, *, show_county: bool) -> Sheet:
    """Overdue accounts as an xlsx sheet with the table's columns, written row by row.

    django-tables2 inspects every cell's callables when exporting (milliseconds per row);
    a whole worklist can hold tens of thousands of accounts, so it is written directly.
    """
    headers = [
        gettext("Account"),
        gettext("Customer"),
        gettext("Phone"),
        gettext("Address"),
        gettext("County"),
        gettext("Line"),
        gettext("Status"),
        gettext("Outstanding"),
        gettext("Bills"),
        gettext("Oldest due"),
        gettext("Days overdue"),
        gettext("Last action"),
    ]
    if not show_county:
        del headers[4]

    def cells(row: OverdueAccount) -> list[Any]:
        account = row.account
        values = [
            account.account_no,
            account.customer_name,
            account.contact_phone,
            account.address,
            account.county.code,
            account.business_line.name,
            account.get_status_display(),
            row.outstanding,
            row.overdue_bills,
            row.oldest_due,
            row.days_overdue,
            row.last_action,
        ]
        if not show_county:
            del values[4]
        return values

    return Sheet(title, headers, (cells(row) for row in rows))


class WorklistTable(OverdueAccountTable):
    """The collection worklist, sorted and paged by the database."""

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "worklist"}
        empty_text = _("No overdue accounts match: nothing is owed on bills already due.")
        order_by = "-outstanding"

    def __init__(self, worklist: Worklist, **kwargs: Any) -> None:
        super().__init__(WorklistData(worklist), **kwargs)


class TopOverdueTable(OverdueAccountTable):
    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "top-overdue"}
        orderable = False
        sequence = ("county", "...")
        empty_text = _("No overdue accounts.")


# --------------------------------------------------------------------------- account detail


class BillTable(tables.Table):
    """An account's bills; a phone shows the month, what is outstanding and when it falls due."""

    billing_month = MonthColumn(verbose_name=_("Month"))
    amount_billed = low_priority(MoneyColumn(verbose_name=_("Billed")))
    amount_paid = low_priority(MoneyColumn(verbose_name=_("Paid")))
    outstanding = MoneyColumn(verbose_name=_("Outstanding"), empty_values=())
    due_date = tables.Column(verbose_name=_("Due"), empty_values=(), attrs=NOWRAP)
    paid_on = low_priority(DateColumn(verbose_name=_("Paid on"), format="Y-m-d"))

    class Meta:
        template_name = TEMPLATE
        model = Bill
        fields = ("billing_month", "amount_billed", "amount_paid", "paid_on")
        sequence = ("billing_month", "amount_billed", "amount_paid", "outstanding", "due_date")
        attrs = {"class": TABLE_CLASS, "id": "bills"}
        orderable = False
        empty_text = _("No bills have been imported for this account.")

    def render_outstanding(self, record: Bill) -> str:
        return money(self.value_outstanding(record))

    def value_outstanding(self, record: Bill) -> Decimal:
        return calc.outstanding(record.amount_billed, record.amount_paid)

    def render_due_date(self, record: Bill) -> str:
        return date(self.value_due_date(record))

    def value_due_date(self, record: Bill) -> Any:
        return calc.due_date(record.billing_month)


class ActionTable(tables.Table):
    """An account's action log; a phone shows when, what, the result and a promise's date."""

    happened_on = DateColumn(verbose_name=_("Date"), format="Y-m-d", attrs=NOWRAP)
    kind = tables.Column(verbose_name=_("Action"))
    result = tables.Column(verbose_name=_("Result"))
    promise_date = DateColumn(verbose_name=_("Promised for"), format="Y-m-d", attrs=NOWRAP)
    promise_amount = low_priority(MoneyColumn(verbose_name=_("Promised amount")))
    owner = low_priority(PersonColumn(accessor="owner", verbose_name=_("Owner")))
    created_by = low_priority(PersonColumn(accessor="created_by", verbose_name=_("Recorded by")))
    created_at = low_priority(DateColumn(verbose_name=_("Recorded at"), format="Y-m-d H:i"))

    class Meta:
        template_name = TEMPLATE
        model = CollectionAction
        fields = (
            "happened_on",
            "kind",
            "result",
            "promise_date",
            "promise_amount",
            "owner",
            "created_by",
            "created_at",
        )
        attrs = {"class": TABLE_CLASS, "id": "actions"}
        orderable = False
        empty_text = _("No collection work recorded yet: add the first action below.")


class PromiseTable(tables.Table):
    account_no = tables.Column(
        accessor="account__account_no",
        verbose_name=_("Account"),
        linkify=("arrears:account", {"account_no": tables.A("account__account_no")}),
    )
    customer = tables.Column(accessor="account__customer_name", verbose_name=_("Customer"))
    county = tables.Column(accessor="account__county__code", verbose_name=_("County"))
    promise_date = DateColumn(verbose_name=_("Promised for"), format="Y-m-d")
    promise_amount = MoneyColumn(verbose_name=_("Promised"))
    outstanding_now = MoneyColumn(verbose_name=_("Owes now"))
    owner = PersonColumn(accessor="owner", verbose_name=_("Owner"))
    result = tables.Column(verbose_name=_("Result"))

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "promises"}
        orderable = False
        empty_text = _("No broken promises: every promise is still due or has been paid.")

    def __init__(self, data: Any, *, show_county: bool = True, **kwargs: Any) -> None:
        super().__init__(data, exclude=() if show_county else ("county",), **kwargs)


def promise_sheet(actions: Iterable[CollectionAction], title: str, *, show_county: bool) -> Sheet:
    """Broken promises (``selectors.worklist.promises_broken``) as an xlsx sheet, row by row."""
    headers = [
        gettext("Account"),
        gettext("Customer"),
        gettext("County"),
        gettext("Promised for"),
        gettext("Promised"),
        gettext("Owes now"),
        gettext("Owner"),
        gettext("Result"),
    ]
    if not show_county:
        del headers[2]

    def cells(action: CollectionAction) -> list[Any]:
        account = action.account
        values = [
            account.account_no,
            account.customer_name,
            account.county.code,
            action.promise_date,
            action.promise_amount,
            to_cents(action.outstanding_now),  # type: ignore[attr-defined]  # annotated by its query
            person(action.owner) if action.owner else "",
            action.result,
        ]
        if not show_county:
            del values[2]
        return values

    return Sheet(title, headers, (cells(action) for action in actions))


# --------------------------------------------------------------------------- dashboard


class RecoveryTable(tables.Table):
    county = tables.Column(verbose_name=_("Code"))
    county_name = tables.Column(verbose_name=_("County"))
    billed = MoneyColumn(verbose_name=_("Billed"))
    collected = MoneyColumn(verbose_name=_("Collected"))
    recovery_rate = RateColumn(verbose_name=_("Recovery"))
    meets_target = tables.Column(verbose_name=_("Meets target"), empty_values=())

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "recovery"}
        row_attrs = {"class": lambda record: "row-at_risk" if record.meets_target is False else ""}
        orderable = False
        empty_text = _("No bills for this month yet.")

    def render_meets_target(self, value: bool | None) -> Any:
        classes: dict[bool | None, str] = {True: "status-ahead", False: "status-at_risk"}
        css = classes.get(value, "text-muted")
        return format_html('<span class="{}">{}</span>', css, _yes_no(value))

    def value_meets_target(self, value: bool | None) -> str:
        return _yes_no(value)


class _AgeingMeta:
    template_name = TEMPLATE
    attrs = {"class": TABLE_CLASS, "id": "ageing"}
    orderable = False
    empty_text = _("Nothing is outstanding.")


def _ageing_columns() -> dict[str, tables.Column]:
    """Code, county, one column per ageing bucket (``calculations.BUCKETS``), outstanding and
    long-term, created in that order (django-tables2 orders columns by creation)."""
    columns: dict[str, tables.Column] = {
        "county": tables.Column(verbose_name=_("Code")),
        "county_name": tables.Column(verbose_name=_("County")),
    }
    for bucket in calc.BUCKETS:
        columns[bucket.field] = MoneyColumn(
            accessor=f"buckets__{bucket.key}", verbose_name=bucket.label
        )
    columns["total"] = MoneyColumn(verbose_name=_("Outstanding"))
    columns["long_term"] = MoneyColumn(verbose_name=_("Long-term"))
    return columns


#: Ageing per county; its bucket columns follow ``calculations.BUCKETS``.
AgeingTable = type(
    "AgeingTable",
    (tables.Table,),
    {"__module__": __name__, "Meta": _AgeingMeta, **_ageing_columns()},
)


class LongTermTable(tables.Table):
    county = tables.Column(verbose_name=_("Code"))
    county_name = tables.Column(verbose_name=_("County"))
    long_term = MoneyColumn(verbose_name=_("Long-term arrears"))
    new_long_term = MoneyColumn(verbose_name=_("New this year"))

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "long-term"}
        orderable = False
        empty_text = _("No long-term arrears.")


class TransferSummaryTable(tables.Table):
    month = MonthColumn(verbose_name=_("Month"))
    amount = MoneyColumn(verbose_name=_("Transferred"))
    accounts = tables.Column(verbose_name=_("Accounts"), attrs=NUM)
    limit = MoneyColumn(verbose_name=_("Limit"), default=_("no limit set"))
    over_limit = tables.Column(verbose_name=_("Over limit"), empty_values=())

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "transfer-summary"}
        row_attrs = {"class": lambda record: "row-at_risk" if record.over_limit else ""}
        orderable = False

    def render_over_limit(self, value: bool) -> Any:
        if value:
            return format_html('<span class="status-at_risk">{}</span>', gettext("Over limit"))
        return ""

    def value_over_limit(self, value: bool) -> str:
        return gettext("Yes") if value else gettext("No")


class TrendTable(tables.Table):
    as_of = tables.Column(verbose_name=_("As of"))
    # Recovery is of one billing month, which moves on at each month's end: name it.
    recovery_month = MonthColumn(verbose_name=_("Bills of"))
    recovery_rate = RateColumn(verbose_name=_("Recovery"))
    billed = MoneyColumn(verbose_name=_("Billed"))
    collected = MoneyColumn(verbose_name=_("Collected"))
    outstanding = MoneyColumn(verbose_name=_("Outstanding"))
    long_term = MoneyColumn(verbose_name=_("Long-term"))

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": TABLE_CLASS, "id": "trend"}
        orderable = False
        empty_text = _("No snapshots yet: they are taken after every bills import.")

    def render_as_of(self, value: str) -> str:
        """The snapshot's day as pages write a day; ``YYYY-MM-DD`` in the workbook."""
        return period(value)


# --------------------------------------------------------------------------- transfers


class TransferTable(tables.Table):
    month = MonthColumn(verbose_name=_("Month"))
    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    amount = MoneyColumn(verbose_name=_("Amount"))
    accounts = tables.Column(verbose_name=_("Accounts"), attrs=NUM)
    approver = PersonColumn(accessor="approver", verbose_name=_("Approved by"))
    note = tables.Column(verbose_name=_("Note"))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("Recorded by"))
    created_at = DateColumn(verbose_name=_("Recorded at"), format="Y-m-d H:i")

    class Meta:
        template_name = TEMPLATE
        model = Transfer
        fields = (
            "month",
            "county",
            "amount",
            "accounts",
            "approver",
            "note",
            "created_by",
            "created_at",
        )
        attrs = {"class": TABLE_CLASS, "id": "transfers"}
        empty_text = _("No transfers recorded for this selection.")


class LimitTable(tables.Table):
    month = MonthColumn(verbose_name=_("Month"))
    # A limit without a county is the city's; said on the page and in the export alike.
    county = tables.Column(accessor="county__code", verbose_name=_("Scope"), empty_values=())
    amount = MoneyColumn(verbose_name=_("Limit"))
    set_by = PersonColumn(accessor="set_by", verbose_name=_("Set by"))
    updated_at = DateColumn(verbose_name=_("Updated"), format="Y-m-d H:i")

    def render_county(self, value: str | None) -> str:
        return value or gettext("City")

    def value_county(self, value: str | None) -> str:
        return value or gettext("City")

    class Meta:
        template_name = TEMPLATE
        model = TransferLimit
        fields = ("month", "county", "amount", "set_by", "updated_at")
        attrs = {"class": TABLE_CLASS, "id": "limits"}
        orderable = False
        empty_text = _("No limits set for this year.")
