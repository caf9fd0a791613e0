"""The city dashboard and a county's dashboard: progress against time progress, month by month."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    get_visible_or_404,
    has_role,
    is_city_wide,
    require_login,
    user_county,
)
from marketing_ops.models import County
from marketing_ops.pages import export_query, export_tables
from marketing_ops.periods import Month
from revenue import tables
from revenue.selectors import progress
from revenue.selectors import reports as report_selectors
from revenue.views.common import last_month, period

MONTH_CHOICES = range(1, 13)


@require_login
def dashboard(request: HttpRequest) -> HttpResponse:
    """City dashboard for city-wide users; a county user's own county dashboard."""
    if is_city_wide(request.user):
        return _city_dashboard(request)
    county = user_county(request.user)
    if county is None:
        raise Http404("Your account is not bound to a county.")
    return _county_dashboard(request, county)


@require_login
def county_dashboard(request: HttpRequest, county: str) -> HttpResponse:
    county_obj = get_visible_or_404(County.objects.all(), request.user, code=county)
    return _county_dashboard(request, county_obj)


def _city_dashboard(request: HttpRequest) -> HttpResponse:
    year, month = period(request)
    summary = progress.progress_summary(request.user, year, month)
    series = progress.monthly_series(year, month)
    counties = tables.county_progress_table(summary)
    lines = tables.line_progress_table(summary)
    months = tables.month_table(series)
    exported = export_tables(
        request,
        f"revenue-{year}-{month:02d}.xlsx",
        [(counties, _("Counties")), (lines, _("Business lines")), (months, _("Months"))],
    )
    if exported:
        return exported
    context = {
        "summary": summary,
        "counties": counties,
        "lines": lines,
        "months": months,
        "year": year,
        "month": month,
        "shown_month": Month(year, month),
        "charts": tables.city_charts(summary, series),
        "month_choices": MONTH_CHOICES,
        "export_query": export_query(request),
        "queue_count": report_selectors.review_queue(request.user).count(),
        "missing": report_selectors.missing_reports(year, month),
        "can_review": has_role(request.user, *CITY_ROLES),
    }
    return render(request, "revenue/dashboard_city.html", context)


def _county_dashboard(request: HttpRequest, county: County) -> HttpResponse:
    year, month = period(request)
    summary = progress.progress_summary(request.user, year, month, county=county)
    series = progress.monthly_series(year, month, county)
    mine = summary.counties[0] if summary.counties else None
    months = tables.month_table(series, county, year)
    lines = tables.line_progress_table(summary)
    ranking = tables.ranking_table(summary, county)
    exported = export_tables(
        request,
        f"revenue-{county.code}-{year}-{month:02d}.xlsx",
        [(months, _("Months")), (lines, _("Business lines")), (ranking, _("Ranking"))],
    )
    if exported:
        return exported
    context = {
        "county": county,
        "summary": summary,
        "mine": mine,
        "months": months,
        "lines": lines,
        "ranking": ranking,
        "year": year,
        "month": month,
        "charts": tables.county_charts(series),
        "month_choices": MONTH_CHOICES,
        "export_query": export_query(request),
        "can_edit": has_role(request.user, *WRITING_ROLES),
        "next_month": last_month(),
        "report_state_label": tables.REPORT_STATES.get(mine.report_state or "", "") if mine else "",
    }
    return render(request, "revenue/dashboard_county.html", context)
