"""Closed-loop pages (docs/materials.md#the-closed-loop): the city summary (per county:
differences open, explained and
accepted, with the accept action), a county's month grid (days × lines, gaps highlighted), the
explain form, and recycling with the installs still without a deposit."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketing_ops import formatting, pages, tabular
from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    AuthenticatedHttpRequest,
    bound_county_id,
    get_visible_or_404,
    has_role,
    is_city_wide,
    require_login,
    require_roles,
    visible_counties,
)
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.forms import DepositFollowUpForm, LoopExplainForm, LoopKeyForm
from materials.models import Deposit, LoopExplanation
from materials.selectors import loop as reads
from materials.services import loop as writes
from materials.tables import (
    DepositMissingTable,
    LoopGapTable,
    LoopSummaryTable,
    RecyclingTable,
)


def _month(request: HttpRequest) -> Month:
    try:
        return Month.parse(request.GET.get("month") or request.POST.get("month") or "")
    except ValueError:
        return Month.of(timezone.localdate())


def _county(request: HttpRequest, code: str) -> County:
    return get_visible_or_404(visible_counties(request.user), request.user, code=code)


def _grid_url(code: str, month: Month) -> str:
    return f"{reverse('materials:loop-county', args=[code])}?{urlencode({'month': str(month)})}"


def _line_name(code: str) -> str:
    """A business line as pages name it; an unknown code as it was given."""
    return BusinessLine.objects.filter(code=code).values_list("name", flat=True).first() or code


def _crumbs(month: Month) -> list[pages.Crumb]:
    return [(_("Closed loop"), f"{reverse('materials:loop')}?month={month}")]


@require_login
def loop_summary(request: HttpRequest) -> HttpResponse:
    """City readers: every county's month; a county user goes straight to their grid."""
    month = _month(request)
    if not is_city_wide(request.user):
        county_id = bound_county_id(request.user)
        county = County.objects.filter(pk=county_id).first() if county_id else None
        if county is None:
            return render(request, "materials/loop_summary.html", {"title": _("Closed loop")})
        # The same query (month, export) on the county's own grid.
        query = request.GET.copy()
        query["month"] = str(month)
        return redirect(
            f"{reverse('materials:loop-county', args=[county.code])}?{query.urlencode()}"
        )
    rows = reads.loop_rows(request.user, month, gaps_only=False)
    summary = LoopSummaryTable(reads.loop_summary(request.user, month, rows))
    gap_rows = [row for row in rows if row.has_gap]
    gaps = LoopGapTable(gap_rows)
    title = _("Closed loop %(month)s") % {"month": formatting.month(month)}
    if exported := pages.export_tables(
        request,
        f"loop-{month}",
        [(summary, _("Counties")), (gaps, _("Differences"))],
    ):
        return exported
    context = {
        "title": title,
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "summary": summary,
        "to_accept": [row for row in gap_rows if row.status == "explained"],
        "open_rows": [row for row in gap_rows if row.status == "open"],
        "can_accept": True,
        "can_upload": tabular.may_import(request.user, "daily_operations"),
        "export_query": pages.export_query(request),
    }
    return render(request, "materials/loop_summary.html", context)


@require_login
def loop_county(request: HttpRequest, code: str) -> HttpResponse:
    county = _county(request, code)
    month = _month(request)
    grid = reads.loop_grid(request.user, county, month)
    gaps = LoopGapTable(grid.gaps)
    if exported := pages.export_tables(
        request, f"loop-{county.code}-{month}", [(gaps, f"{county.code} {month}")]
    ):
        return exported
    context = {
        "title": _("Closed loop of %(county)s") % {"county": county.name},
        "county": county,
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "grid": grid,
        "can_accept": is_city_wide(request.user),
        "can_upload": tabular.may_import(request.user, "daily_operations"),
        "export_query": pages.export_query(request),
        "breadcrumbs": _crumbs(month) if is_city_wide(request.user) else [],
    }
    return render(request, "materials/loop_county.html", context)


@require_login
def loop_explain(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The explain form of one day and line (linked from the grid's highlighted cells)."""
    county = _county(request, code)
    form = LoopExplainForm(request.POST or None, initial=request.GET.dict())
    day = form.data.get("business_date") or request.GET.get("business_date", "")
    line = form.data.get("business_line") or request.GET.get("business_line", "")
    try:
        month = Month.parse(str(day)[:7])
    except ValueError:
        month = Month.of(timezone.localdate())
    grid_url = _grid_url(county.code, month)
    return pages.form_page(
        request,
        form,
        save=partial(writes.loop_explain, user=request.user, county=county),
        success_message=_("Explanation saved; the city will review it."),
        success_url=grid_url,
        title=_("Explain the loop difference of %(county)s, %(line)s on %(day)s")
        % {
            "county": county.code,
            "line": _line_name(str(line)),
            "day": formatting.period(str(day)),
        },
        cancel_url=grid_url,
        breadcrumbs=[*_crumbs(month), (county.code, grid_url)],
    )


@require_POST
@require_roles(*CITY_ROLES)
def loop_accept(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    county = _county(request, code)
    form = LoopKeyForm(request.POST)
    back = request.POST.get("next") or reverse("materials:loop")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("materials:loop")
    if not form.is_valid():
        messages.error(request, _("Name the day and line to accept."))
        return redirect(back)
    explanation = get_visible_or_404(
        LoopExplanation.objects.all(),
        request.user,
        county=county,
        business_date=form.cleaned_data["business_date"],
        business_line=form.cleaned_data["business_line"],
    )
    try:
        writes.loop_accept(user=request.user, explanation=explanation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Explanation accepted."))
    return redirect(back)


@require_login
def recycling(request: HttpRequest) -> HttpResponse:
    """Recycling rate per county and the month's installs without a deposit (follow-up)."""
    month = _month(request)
    rows = reads.recycling(request.user, month)
    total = replace(reads.recycling_total(rows), county=_("City"))
    table = RecyclingTable([*rows, total] if len(rows) > 1 else rows)
    deposits = DepositMissingTable(
        reads.deposits_missing(request.user, month).select_related("followed_up_by__profile"),
        exclude=() if has_role(request.user, *WRITING_ROLES) else ("follow_up",),
    )
    if exported := pages.export_tables(
        request,
        f"recycling-{month}",
        [(table, _("Recycling")), (deposits, _("Installs without deposit"))],
    ):
        return exported
    pages.paginate(request, deposits)
    context = {
        "title": _("Recycling and deposits %(month)s") % {"month": formatting.month(month)},
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "table": table,
        "total": total,
        "deposits": deposits,
        "export_query": pages.export_query(request),
    }
    return render(request, "materials/loop_recycling.html", context)


@require_login
def deposit_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow up an install without its deposit: the deposit collected later, or why not."""
    if not has_role(request.user, *WRITING_ROLES):
        raise PermissionDenied
    deposit = get_visible_or_404(
        Deposit.objects.select_related("county", "business_line", "move"), request.user, pk=pk
    )
    month = Month.of(deposit.business_date)
    back = f"{reverse('materials:recycling')}?month={month}"
    form = DepositFollowUpForm(request.POST or None, initial={"note": deposit.note})
    return pages.form_page(
        request,
        form,
        save=partial(writes.deposit_follow_up, user=request.user, deposit=deposit),
        success_message=_("Deposit follow-up recorded."),
        success_url=back,
        title=_("Follow up the deposit of account %(account)s, %(line)s installed on %(day)s")
        % {
            "account": deposit.account_no,
            "line": deposit.business_line.name,
            "day": formatting.date(deposit.business_date),
        },
        cancel_url=back,
        breadcrumbs=[(_("Recycling and deposits"), back)],
    )
