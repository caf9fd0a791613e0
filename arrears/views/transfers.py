"""Transfers of long-term arrears to bad debt and their limits: city staff enter them, every
other role reads what its scope allows (a county its own transfers and sub-limits)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from arrears.filters import TransferFilter
from arrears.forms import LimitForm, TransferForm
from arrears.selectors import indicators, records
from arrears.services.transfers import limit_set, transfer_create
from arrears.tables import LimitTable, TransferSummaryTable, TransferTable
from marketing_ops.access import CITY_ROLES, has_role, require_login
from marketing_ops.formatting import money
from marketing_ops.pages import NOT_SAVED, export_query, paginate, save_form, wants_xlsx
from marketing_ops.xlsx import table_sheet, xlsx_response


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@require_login
def transfers(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_edit = has_role(user, *CITY_ROLES)
    transfer_form = TransferForm(prefix="transfer")
    limit_form = LimitForm(prefix="limit")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only city staff record transfers and limits.")
        if request.POST.get("form") == "limit":
            limit_form = LimitForm(request.POST, prefix="limit")
            saved_year = _save_limit(request, limit_form)
        else:
            transfer_form = TransferForm(request.POST, prefix="transfer")
            saved_year = _save_transfer(request, transfer_form)
        if saved_year:
            return redirect(f"{request.path}?year={saved_year}")
    year = _year(request, timezone.localdate().year)
    query = request.GET.copy()
    query["year"] = str(year)
    filterset = TransferFilter(query, queryset=records.transfers_for(user), user=user)
    table = TransferTable(filterset.qs)
    summary = TransferSummaryTable(indicators.transfers_summary(user, year))
    limits = LimitTable(records.limits_for(user, year))
    if wants_xlsx(request):
        sheets = [
            table_sheet(table, "Transfers"),
            table_sheet(summary, f"Summary {year}"),
            table_sheet(limits, f"Limits {year}"),
        ]
        return xlsx_response(f"transfers-{year}.xlsx", sheets)
    paginate(request, table)
    context = {
        "year": year,
        "table": table,
        "filter": filterset,
        "summary": summary,
        "limits": limits,
        "by_county": indicators.transfers_by_county(user, year),
        "can_edit": can_edit,
        "transfer_form": transfer_form,
        "limit_form": limit_form,
        "export_query": export_query(request),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "arrears/transfers.html", context, status=status)


def _save_transfer(request: HttpRequest, form: TransferForm) -> int | None:
    """Record the transfer of a valid form: the year to show next, or None after errors."""
    if not form.is_valid():
        return None
    transfer = save_form(form, transfer_create, created_by=request.user)
    if transfer is NOT_SAVED:
        return None
    messages.success(
        request,
        f"Transfer of {money(transfer.amount)} by {transfer.county.code} in "
        f"{transfer.month:%Y-%m} recorded.",
    )
    return transfer.month.year


def _save_limit(request: HttpRequest, form: LimitForm) -> int | None:
    """Set the limit of a valid form: the year to show next, or None after errors."""
    if not form.is_valid():
        return None
    limit = save_form(form, limit_set, set_by=request.user)
    if limit is NOT_SAVED:
        return None
    scope = limit.county.code if limit.county else "the city"
    messages.success(
        request, f"Limit for {scope} in {limit.month:%Y-%m} set to {money(limit.amount)}."
    )
    return limit.month.year
