"""Tables of the materials pages (django-tables2), with the core's number, rate and date
columns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from marketing_ops.tables import DateColumn, MoneyColumn, NumColumn, RateColumn
from materials.models import Deposit

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
