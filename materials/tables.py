"""Tables of the materials pages (django-tables2), with the core's number, rate and date
columns."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketing_ops.tables import DateColumn, MoneyColumn, NumColumn, RateColumn
from materials.models import Deposit, RandomCheckLine, StockCount

TABLE_ATTRS = {"class": "table table-sm table-hover"}


# --------------------------------------------------------------------------- closed loop


class LoopGapTable(tables.Table):
    """A month's loop differences (LoopRow), with their explanation and status."""

    county = tables.Column(verbose_name=_("County"))
    date = DateColumn(verbose_name=_("Date"))
    line = tables.Column(verbose_name=_("Line"))
    installs_reported = NumColumn(verbose_name=_("Installs reported"))
    terminals_issued = NumColumn(verbose_name=_("Terminals issued"))
    install_gap = NumColumn(verbose_name=_("Install gap"))
    dismantles_reported = NumColumn(verbose_name=_("Dismantles reported"))
    terminals_returned = NumColumn(verbose_name=_("Terminals returned"))
    return_gap = NumColumn(verbose_name=_("Return gap"))
    explanation = tables.Column(verbose_name=_("Explanation"), default="")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No loop differences: every day balances.")


class LoopSummaryTable(tables.Table):
    """Per county, a month's sums and its differences open, explained and accepted."""

    label = tables.Column(verbose_name=_("County"))
    installs_reported = NumColumn(verbose_name=_("Installs reported"))
    terminals_issued = NumColumn(verbose_name=_("Terminals issued"))
    install_gap = NumColumn(verbose_name=_("Install gap"))
    dismantles_reported = NumColumn(verbose_name=_("Dismantles reported"))
    terminals_returned = NumColumn(verbose_name=_("Terminals returned"))
    return_gap = NumColumn(verbose_name=_("Return gap"))
    open = NumColumn(verbose_name=_("Open"))
    explained = NumColumn(verbose_name=_("Explained"))
    accepted = NumColumn(verbose_name=_("Accepted"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class RecyclingTable(tables.Table):
    county = tables.Column(verbose_name=_("County"))
    installs = NumColumn(verbose_name=_("Installs with a terminal"))
    with_recycled = NumColumn(verbose_name=_("With a recycled terminal"))
    recycling_rate = RateColumn(verbose_name=_("Recycling rate"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class DepositMissingTable(tables.Table):
    """Installs on a line that requires a deposit, recorded without one: the follow-up list."""

    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    business_date = DateColumn(verbose_name=_("Date"))
    account_no = tables.Column(verbose_name=_("Account no."))
    business_line = tables.Column(accessor="business_line__code", verbose_name=_("Line"))
    serial = tables.Column(accessor="move__serial", verbose_name=_("Serial"))
    amount = MoneyColumn(verbose_name=_("Deposit"), default="")

    class Meta:
        model = Deposit
        fields = ("county", "business_date", "account_no", "business_line", "serial")
        attrs = TABLE_ATTRS
        empty_text = _("Every install this month has its deposit.")


# --------------------------------------------------------------------------- stock counts


class StockCountTable(tables.Table):
    id = tables.Column(
        verbose_name="#", linkify=lambda record: reverse("materials:count", args=[record.pk])
    )
    warehouse = tables.Column(accessor="warehouse__code", verbose_name=_("Warehouse"))
    status = tables.Column(verbose_name=_("Status"))
    line_count = NumColumn(verbose_name=_("Items"), orderable=False)
    serial_count = NumColumn(verbose_name=_("Serials expected"), orderable=False)
    started_by = tables.Column(accessor="started_by__username", verbose_name=_("Started by"))
    started_at = DateColumn(verbose_name=_("Started"))
    approved_at = DateColumn(verbose_name=_("Approved"))

    class Meta:
        model = StockCount
        fields = ("id", "warehouse", "status", "started_by", "started_at", "approved_at")
        sequence = ("id", "warehouse", "status", "line_count", "serial_count", "...")
        attrs = TABLE_ATTRS
        empty_text = _("No stock count yet. Start one to freeze a warehouse's stock and count it.")


class CountQuantityTable(tables.Table):
    sku = tables.Column(verbose_name=_("SKU"))
    expected = NumColumn(verbose_name=_("Expected"))
    counted = NumColumn(verbose_name=_("Counted"), default="—")
    difference = NumColumn(verbose_name=_("Difference"), default="—")

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("The warehouse held nothing when the count started.")


class CountSerialTable(tables.Table):
    sku = tables.Column(verbose_name=_("SKU"))
    serial = tables.Column(verbose_name=_("Serial"))
    kind = tables.Column(verbose_name=_("Difference"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("Every serial expected was found, and nothing else.")

    def render_kind(self, value: str) -> str:
        return str(_("missing") if value == "missing" else _("not expected"))


# --------------------------------------------------------------------------- random checks


class RandomCheckSummaryTable(tables.Table):
    county = tables.Column(
        verbose_name=_("County"),
        linkify=lambda record: (
            reverse("materials:random-check", args=[record.check_id]) if record.check_id else None
        ),
    )
    sampled = NumColumn(verbose_name=_("Sampled"))
    found = NumColumn(verbose_name=_("Found"))
    not_found = NumColumn(verbose_name=_("Not found"))
    wrong_place = NumColumn(verbose_name=_("Wrong place"))
    open = NumColumn(verbose_name=_("Not checked yet"))
    on_site = NumColumn(verbose_name=_("On site"))
    remote = NumColumn(verbose_name=_("Remote"))
    found_rate = RateColumn(verbose_name=_("Found rate"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class RandomCheckLineTable(tables.Table):
    serial = tables.Column(verbose_name=_("Serial"))
    sku = tables.Column(accessor="terminal__item__sku", verbose_name=_("SKU"), default="")
    expected_place = tables.Column(verbose_name=_("Where the ledger places it"))
    result = tables.Column(verbose_name=_("Result"))
    mode = tables.Column(verbose_name=_("Checked"))
    note = tables.Column(verbose_name=_("Note"))
    checked_by = tables.Column(accessor="checked_by__username", verbose_name=_("By"), default="")
    checked_at = DateColumn(verbose_name=_("At"))

    class Meta:
        model = RandomCheckLine
        fields = ("serial", "expected_place", "result", "mode", "note", "checked_at")
        sequence = ("serial", "sku", "expected_place", "result", "mode", "note", "checked_by")
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("The county held no terminal to sample.")
