"""The ``indicator_values`` dataset (docs/file-formats.md): manual indicators' values per county
and month, written through ``services.values.manual_values_save`` like the form and the API."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.models import AppraisalMonth, Indicator
from appraisal.services.values import ValueRow, manual_values_save
from marketing_ops import formatting, tabular
from marketing_ops.access import CITY_ROLES
from marketing_ops.periods import Month


class IndicatorValue(tabular.Column):
    """A plain decimal with at most 6 places, negative allowed (``0.9512``, ``-3``, ``12``)."""

    def parse(self, raw: Any) -> Decimal:
        text = repr(raw) if isinstance(raw, float) else str(raw).strip()
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(
                _("expected a number like 0.95, got %(value)s") % {"value": repr(text)}
            )
        if isinstance(raw, bool) or not value.is_finite():
            raise ValueError(
                _("expected a number like 0.95, got %(value)s") % {"value": repr(text)}
            )
        if value.as_tuple().exponent < -6 or abs(value) >= 10**14:  # type: ignore[operator]  # finite
            raise ValueError(
                _("at most 6 decimal places and 14 digits, got %(value)s") % {"value": text}
            )
        return value

    def describe(self) -> str:
        return _("number (up to 6 places)")


@tabular.register
class IndicatorValuesDataset(tabular.Dataset):
    name = "indicator_values"
    label = gettext_lazy("Manual indicator values")
    description = gettext_lazy(
        "Values of the manual appraisal indicators per county and month; a value entered "
        "again replaces the last. Closed months are refused."
    )
    roles = CITY_ROLES
    columns = (
        tabular.CountyCode("county_code"),
        tabular.MonthColumn("month"),
        tabular.Text("indicator", max_length=40),
        IndicatorValue("value"),
    )
    key_columns = ("county_code", "month", "indicator")

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        if "manual" not in ctx.state:
            ctx.state["manual"] = set(
                Indicator.objects.filter(built_in=False).values_list("code", flat=True)
            )
            ctx.state["closed"] = {
                Month.of(day)
                for day in AppraisalMonth.objects.filter(closed_at__isnull=False).values_list(
                    "month", flat=True
                )
            }
        errors = []
        _county, month, code, _value = values
        if code not in ctx.state["manual"]:
            errors.append(
                ("indicator", _("%(code)s is not a manual indicator") % {"code": repr(code)})
            )
        if month in ctx.state["closed"]:
            errors.append(("month", _("%(month)s is closed") % {"month": formatting.month(month)}))
        return errors

    def apply(self, ctx: tabular.ImportContext) -> int:
        codes = {pk: code for code, pk in ctx.counties.items()}
        by_month: dict[Month, list[ValueRow]] = defaultdict(list)
        for county_id, month, code, value in ctx.state["rows"]:
            by_month[month].append(ValueRow(codes[county_id], code, value))
        return sum(
            manual_values_save(month=month, rows=rows, user=ctx.user)
            for month, rows in sorted(by_month.items())
        )
