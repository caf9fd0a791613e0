"""The arrears dashboard: recovery against the target, trend, ageing, long-term, transfers."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from arrears.forms import DashboardForm
from arrears.selectors import indicators
from arrears.selectors.indicators import AgeingRow, LongTermRow, RecoveryRow
from arrears.tables import (
    AgeingTable,
    LongTermTable,
    RecoveryTable,
    TransferSummaryTable,
    TrendTable,
)
from arrears.views import charts
from marketing_ops import formatting
from marketing_ops.access import is_city_wide, require_login
from marketing_ops.pages import export_query, wants_xlsx
from marketing_ops.xlsx import table_sheet, xlsx_response

#: A row of a per-county table with a total.
Row = TypeVar("Row", RecoveryRow, AgeingRow, LongTermRow)


def _with_total(rows: list[Row], total: Row, label: str) -> list[Row]:
    """The county rows and, last, the total named ``label``."""
    return rows + [replace(total, county="", county_name=label)]


@require_login
def dashboard(request: HttpRequest) -> HttpResponse:
    """Recovery of a billing month (default: the latest month fallen due) beside the month still
    in collection and its pace, and ageing as of a day (default: today), for the counties the
    user sees; county users see their county only."""
    user = request.user
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, today=today)
    month, as_of = form.values()
    recovery = indicators.recovery(user, month)
    collecting = indicators.in_progress(user, today)
    ageing = indicators.ageing(user, as_of)
    long_term = indicators.new_long_term_this_year(user, as_of)
    transfers = indicators.transfers_summary(user, as_of.year)
    trend = indicators.snapshot_trend(user, weeks=12)
    total = _("City total") if is_city_wide(user) else _("Total")
    tables = {
        "recovery": RecoveryTable(_with_total(recovery.counties, recovery.city, total)),
        "ageing": AgeingTable(_with_total(ageing.counties, ageing.city, total)),
        "long_term": LongTermTable(_with_total(long_term.counties, long_term.city, total)),
        "transfers": TransferSummaryTable(transfers),
        "trend": TrendTable(list(reversed(trend))),
    }
    if wants_xlsx(request):
        titles = {
            "recovery": _("Recovery %(month)s") % {"month": formatting.month(month)},
            "ageing": _("Ageing %(day)s") % {"day": formatting.date(as_of)},
            "long_term": _("Long-term arrears"),
            "transfers": _("Transfers %(year)s") % {"year": as_of.year},
            "trend": _("Weekly trend"),
        }
        sheets = [table_sheet(tables[key], title) for key, title in titles.items()]
        return xlsx_response(f"arrears-{month}-{as_of:%Y%m%d}.xlsx", sheets)
    context = {
        "form": form,
        "month": month,
        "as_of": as_of,
        "recovery": recovery,
        "in_progress": collecting,
        "ageing": ageing,
        "long_term": long_term,
        "below_target": [row for row in recovery.counties if row.meets_target is False],
        "over_limit_months": pgettext("list separator", ", ").join(
            formatting.month(row.month) for row in transfers if row.over_limit
        ),
        "tables": tables,
        "export_query": export_query(request),
        "charts": {
            "recovery": charts.recovery(recovery),
            "trend": charts.trend(trend, recovery.target),
            "ageing": charts.ageing(ageing),
            "transfers": charts.transfers(transfers),
        },
    }
    return render(request, "arrears/dashboard.html", context)
