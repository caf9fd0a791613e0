"""Transfers of long-term arrears to bad debt and their limits: city staff enter them, every
other role reads what its scope allows (a county its own transfers and sub-limits)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arrears.filters import TransferFilter
from arrears.forms import LimitGridForm, TransferForm
from arrears.models import TransferLimit
from arrears.selectors import indicators, records
from arrears.services.transfers import limits_set_grid, transfer_create
from arrears.tables import LimitTable, TransferSummaryTable, TransferTable
from marketing_ops.access import CITY_ROLES, has_role, require_login
from marketing_ops.formatting import money
from marketing_ops.formatting import month as month_text
from marketing_ops.models import County
from marketing_ops.pages import NOT_SAVED, export_query, paginate, save_form, wants_xlsx
from marketing_ops.xlsx import table_sheet, xlsx_response


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _limit_grid(
    request: HttpRequest, year: int, limits: list[TransferLimit], data: object = None
) -> LimitGridForm:
    return LimitGridForm(
        data,
        prefix="limit",
        year=year,
        counties=list(County.objects.filter(active=True)),
        limits={(limit.county_id, limit.month): limit.amount for limit in limits},
    )


@require_login
def transfers(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_edit = has_role(user, *CITY_ROLES)
    transfer_form = TransferForm(prefix="transfer")
    year = _year(request, timezone.localdate().year)
    limit_form: LimitGridForm | None = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only city staff record transfers and limits."))
        if request.POST.get("form") == "limit":
            year = _year_posted(request, year)
            limits_before = list(records.limits_for(user, year))
            limit_form = _limit_grid(request, year, limits_before, request.POST)
            saved_year = _save_limits(request, limit_form)
        else:
            transfer_form = TransferForm(request.POST, prefix="transfer")
            saved_year = _save_transfer(request, transfer_form)
        if saved_year:
            return redirect(f"{request.path}?year={saved_year}")
    query = request.GET.copy()
    query["year"] = str(year)
    filterset = TransferFilter(query, queryset=records.transfers_for(user), user=user)
    table = TransferTable(filterset.qs)
    summary = TransferSummaryTable(indicators.transfers_summary(user, year))
    limit_rows = list(records.limits_for(user, year))
    limits = LimitTable(limit_rows)
    if can_edit and limit_form is None:
        limit_form = _limit_grid(request, year, limit_rows)
    if wants_xlsx(request):
        sheets = [
            table_sheet(table, _("Transfers")),
            table_sheet(summary, _("Summary %(year)s") % {"year": year}),
            table_sheet(limits, _("Limits %(year)s") % {"year": year}),
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
        _("Transfer of %(amount)s by %(county)s in %(month)s recorded.")
        % {
            "amount": money(transfer.amount),
            "county": transfer.county.code,
            "month": month_text(transfer.month),
        },
    )
    return transfer.month.year


def _year_posted(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.POST.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _save_limits(request: HttpRequest, form: LimitGridForm) -> int | None:
    """Set the limits of a valid grid: the year to show next, or None after errors."""
    if not form.is_valid():
        return None
    changed = save_form(
        form,
        lambda **_cleaned: limits_set_grid(year=form.year, cells=form.cells(), set_by=request.user),
    )
    if changed is NOT_SAVED:
        return None
    messages.success(
        request,
        ngettext(
            "Limits of %(year)s saved: %(count)d cell changed.",
            "Limits of %(year)s saved: %(count)d cells changed.",
            changed,
        )
        % {"year": form.year, "count": changed},
    )
    return form.year
