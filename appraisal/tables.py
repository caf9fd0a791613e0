"""Tables of the appraisal's list pages (sortable, paginated, exported to xlsx as shown)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appraisal.models import Adjustment, Indicator, ManualValue, Scheme
from marketing_ops import formatting
from marketing_ops.tables import DateColumn, NumColumn, PersonColumn

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class MonthColumn(tables.Column):
    """A month as pages write it (2026年11月), exported as ``YYYY-MM``."""

    def render(self, value: dt.date) -> str:
        return formatting.month(value)

    def value(self, value: object) -> str:
        return f"{value:%Y-%m}"


class SchemeTable(tables.Table):
    month = MonthColumn(
        verbose_name=_("Month"),
        linkify=lambda record: reverse("appraisal:scheme", args=[f"{record.month:%Y-%m}"]),
    )
    updated_at = DateColumn(verbose_name=_("Updated"), format=formatting.DATETIME_FORMAT)
    updated_by = PersonColumn(verbose_name=_("By"), accessor="updated_by")

    class Meta:
        model = Scheme
        fields = ("month", "updated_at", "updated_by")
        attrs = TABLE_ATTRS


class IndicatorTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"), accessor="label", order_by="name")
    direction = tables.Column(verbose_name=_("Direction"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit_label", order_by="unit")
    built_in = tables.BooleanColumn(verbose_name=_("Built in"))

    class Meta:
        model = Indicator
        fields = ("code", "name", "direction", "unit", "built_in")
        attrs = TABLE_ATTRS


class ManualValueTable(tables.Table):
    month = MonthColumn(verbose_name=_("Month"))
    county = tables.Column(verbose_name=_("County"), accessor="county__code")
    indicator = tables.Column(verbose_name=_("Indicator"), accessor="indicator__code")
    value = NumColumn(verbose_name=_("Value"))
    entered_by = PersonColumn(verbose_name=_("Entered by"), accessor="entered_by")
    entered_at = DateColumn(verbose_name=_("Entered"), format=formatting.DATETIME_FORMAT)

    class Meta:
        model = ManualValue
        fields = ("month", "county", "indicator", "value", "entered_by", "entered_at")
        attrs = TABLE_ATTRS


class AdjustmentTable(tables.Table):
    month = MonthColumn(verbose_name=_("Month"))
    county = tables.Column(verbose_name=_("County"), accessor="county__code")
    indicator = tables.Column(
        verbose_name=pgettext_lazy("appraisal adjustment", "To"),
        accessor="indicator__code",
        default=_("total"),
    )
    amount = NumColumn(verbose_name=pgettext_lazy("appraisal adjustment", "Amount"))
    reason = tables.Column(verbose_name=_("Reason"))
    by = PersonColumn(verbose_name=_("By"), accessor="by")
    at = DateColumn(verbose_name=_("At"), format=formatting.DATETIME_FORMAT)

    class Meta:
        model = Adjustment
        fields = ("month", "county", "indicator", "amount", "reason", "by", "at")
        attrs = TABLE_ATTRS
        order_by = ("-at",)
