"""Pages of the revenue app: dashboards, reports and their review, plans, phasing, standings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from marketing_ops import tabular
from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    get_visible_or_404,
    has_role,
    is_city_wide,
    require_login,
    require_roles,
    user_county,
)
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import table_sheet, xlsx_response
from revenue import selectors, services, tables
from revenue.filters import ReportFilter
from revenue.forms import (
    MONTH_NAMES,
    DecomposeForm,
    FiguresUploadForm,
    PeriodForm,
    PhaseForm,
    PhasingProfileForm,
    PlanForm,
    ReasonForm,
    ReportForm,
    StandingForm,
)
from revenue.imports import monthly_figures_template
from revenue.models import Plan
from revenue.tables import (
    DecompositionTable,
    HistoryTable,
    PlanTable,
    ProfileTable,
    ReportTable,
    StandingTable,
)


def _period(request: HttpRequest) -> tuple[int, int]:
    """Year and month from ``?year=&month=``; default last month (December for a past year)."""
    default = Month.of(timezone.localdate()).previous()
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return default.year, default.month
    year = form.cleaned_data.get("year") or default.year
    month = form.cleaned_data.get("month") or (default.month if year == default.year else 12)
    return year, month


def _export(request: HttpRequest, name: str, tables: list[tuple[Any, str]]) -> HttpResponse | None:
    if request.GET.get("export") == "xlsx":
        return xlsx_response(name, [table_sheet(table, title) for table, title in tables])
    return None


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --------------------------------------------------------------------------- dashboards


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
    year, month = _period(request)
    summary = selectors.progress_summary(request.user, year, month)
    series = selectors.monthly_series(year, month)
    counties = tables.county_progress_table(summary)
    lines = tables.line_progress_table(summary)
    months = tables.month_table(series)
    exported = _export(
        request,
        f"revenue-{year}-{month:02d}.xlsx",
        [(counties, "Counties"), (lines, "Business lines"), (months, "Months")],
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
        "charts": tables.city_charts(summary, series),
        "month_choices": range(1, 13),
        "queue_count": selectors.review_queue(request.user).count(),
        "missing": selectors.missing_reports(year, month),
        "can_review": has_role(request.user, *CITY_ROLES),
    }
    return render(request, "revenue/dashboard_city.html", context)


def _county_dashboard(request: HttpRequest, county: County) -> HttpResponse:
    year, month = _period(request)
    summary = selectors.progress_for_county(year, month, county)
    series = selectors.monthly_series(year, month, county)
    mine = summary.counties[0] if summary.counties else None
    months = tables.month_table(series, county, year)
    lines = tables.line_progress_table(summary)
    ranking = tables.ranking_table(summary, county)
    exported = _export(
        request,
        f"revenue-{county.code}-{year}-{month:02d}.xlsx",
        [(months, "Months"), (lines, "Business lines"), (ranking, "Ranking")],
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
        "month_choices": range(1, 13),
        "can_edit": has_role(request.user, *WRITING_ROLES),
        "next_month": Month.of(timezone.localdate()).previous(),
    }
    return render(request, "revenue/dashboard_county.html", context)


# --------------------------------------------------------------------------- reports


@require_login
def report_list(request: HttpRequest) -> HttpResponse:
    counties = selectors.counties_in_scope(request.user)
    filterset = ReportFilter(
        request.GET, queryset=selectors.reports_for(request.user), counties=counties
    )
    table = ReportTable(filterset.qs)
    exported = _export(request, "monthly-reports.xlsx", [(table, "Reports")])
    if exported:
        return exported
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    last_month = Month.of(timezone.localdate()).previous()
    own = user_county(request.user)
    return render(
        request,
        "revenue/report_list.html",
        {
            "table": table,
            "filter": filterset,
            "own": own,
            "last_month": last_month,
            "can_edit": has_role(request.user, *WRITING_ROLES),
            "can_review": has_role(request.user, *CITY_ROLES),
        },
    )


@require_roles(*CITY_ROLES)
def review_queue(request: HttpRequest) -> HttpResponse:
    table = tables.ReviewTable(selectors.review_queue(request.user))
    exported = _export(request, "review-queue.xlsx", [(table, "Review queue")])
    if exported:
        return exported
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "revenue/review_queue.html", {"table": table})


def _report_county(request: HttpRequest, county: str, year: int, month: int) -> County:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("No such month.")
    return get_visible_or_404(County.objects.all(), request.user, code=county)


@require_login
def report_detail(request: HttpRequest, county: str, year: int, month: int) -> HttpResponse:
    county_obj = _report_county(request, county, year, month)
    lines = selectors.active_lines()
    report = selectors.report_lookup(request.user, county_obj, year, month)
    can_edit = has_role(request.user, *WRITING_ROLES)
    conflict = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role may not edit monthly reports.")
        form = ReportForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                services.report_save(
                    county=county_obj,
                    year=year,
                    month=month,
                    revenue=form.cleaned_data["revenue"],
                    volumes=form.volumes(),
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except services.ReportConflict as exc:
                conflict = str(exc)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, f"Saved {county_obj.code} {year}-{month:02d}.")
                return redirect("revenue:report", county_obj.code, year, month)
    else:
        volumes = selectors.report_volumes(report, lines)
        initial = {"revenue": report.revenue if report.pk else None, "version": report.version}
        initial.update({f"volume_{code}": n for code, n in volumes.items()})
        form = ReportForm(initial=initial, lines=lines)
    history = HistoryTable(selectors.report_history(report))
    exported = _export(
        request, f"report-{county_obj.code}-{year}-{month:02d}.xlsx", [(history, "History")]
    )
    if exported:
        return exported
    context = {
        "county": county_obj,
        "year": year,
        "month": month,
        "report": report,
        "volumes": selectors.report_volumes(report, lines),
        "lines": lines,
        "form": form,
        "conflict": conflict,
        "history": history,
        "deadline": selectors.report_deadline(year, month),
        "can_edit": can_edit and (report.is_editable or not report.pk),
        "can_submit": can_edit and report.pk and report.is_editable,
        "can_review": has_role(request.user, *CITY_ROLES),
        "reason_form": ReasonForm(initial={"version": report.version}),
    }
    return render(request, "revenue/report_detail.html", context)


_ACTIONS = {
    "submit": (services.report_submit, False, "submitted"),
    "approve": (services.report_approve, False, "approved"),
    "return": (services.report_return, True, "returned to the county"),
    "reopen": (services.report_reopen, True, "reopened"),
}


@require_login
@require_POST
def report_action(
    request: HttpRequest, county: str, year: int, month: int, action: str
) -> HttpResponse:
    county_obj = _report_county(request, county, year, month)
    if action not in _ACTIONS:
        raise Http404("No such action.")
    service, needs_reason, done = _ACTIONS[action]
    report = get_visible_or_404(
        selectors.reports_for(request.user), request.user, county=county_obj, year=year, month=month
    )
    form = ReasonForm(request.POST)
    form.is_valid()
    kwargs: dict[str, Any] = {"version": form.cleaned_data.get("version")}
    if needs_reason:
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    try:
        report = service(report=report, user=request.user, **kwargs)
    except services.ReportConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        late = (
            " It was submitted after the deadline and is flagged late."
            if (action == "submit" and report.late)
            else ""
        )
        messages.success(request, f"{county_obj.code} {year}-{month:02d} {done}.{late}")
    if action == "approve" and request.POST.get("next") == "review":
        return redirect("revenue:review")
    return redirect("revenue:report", county_obj.code, year, month)


@require_roles(*WRITING_ROLES)
def report_upload(request: HttpRequest) -> HttpResponse:
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = tabular.submit("monthly_figures", upload, upload.name, request.user, background=False)
        if job.status == job.Status.DONE:
            messages.success(
                request, f"Imported {job.applied} reports from {job.file_name} as drafts."
            )
            return redirect("revenue:reports")
        messages.error(request, f"{job.file_name} was rejected; nothing was written.")
    last_month = Month.of(timezone.localdate()).previous()
    return render(
        request,
        "revenue/report_upload.html",
        {"form": form, "job": job, "last_month": last_month},
    )


@require_login
def report_template(request: HttpRequest) -> HttpResponse:
    year, month = _period(request)
    return monthly_figures_template(request.user, year, month)


# --------------------------------------------------------------------------- plans


@require_login
def plan_list(request: HttpRequest) -> HttpResponse:
    table = PlanTable(selectors.plans())
    exported = _export(request, "plans.xlsx", [(table, "Plans")])
    if exported:
        return exported
    return render(
        request,
        "revenue/plan_list.html",
        {"table": table, "can_manage": has_role(request.user, *CITY_ROLES)},
    )


@require_roles(*CITY_ROLES)
def plan_create(request: HttpRequest) -> HttpResponse:
    lines = selectors.active_lines()
    form = PlanForm(request.POST or None, lines=lines, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                year=form.cleaned_data["year"],
                revenue_target=form.cleaned_data["revenue_target"],
                volume_targets=form.volume_targets(),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Plan {plan.year} created as a draft.")
            return redirect("revenue:plan", plan.year)
    return render(request, "revenue/plan_form.html", {"form": form, "plan": None})


def _plan_or_404(year: int) -> Plan:
    plan = selectors.plan_for_year(year)
    if plan is None:
        raise Http404("No plan for that year.")
    return plan


@require_login
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    phasing = selectors.target_phasing(selectors.county_targets_for(request.user, plan))
    target_table = tables.target_table(phasing)
    month_table = tables.month_target_table(phasing)
    history = DecompositionTable(selectors.decompositions(plan))
    exported = _export(
        request,
        f"plan-{year}.xlsx",
        [(target_table, "County targets"), (month_table, "Months"), (history, "Decompositions")],
    )
    if exported:
        return exported
    return render(
        request,
        "revenue/plan_detail.html",
        {
            "plan": plan,
            "targets": target_table,
            "months": month_table,
            "history": history,
            "volume_targets": sorted(plan.volume_targets.items()),
            "can_manage": has_role(request.user, *CITY_ROLES),
        },
    )


@require_roles(*CITY_ROLES)
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    lines = selectors.active_lines()
    initial = {"year": plan.year, "revenue_target": plan.revenue_target}
    initial.update({f"volume_{k}": v for k, v in plan.volume_targets.items()})
    form = PlanForm(request.POST or None, lines=lines, initial=initial)
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                revenue_target=form.cleaned_data["revenue_target"],
                volume_targets=form.volume_targets(),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Plan {plan.year} updated.")
            return redirect("revenue:plan", plan.year)
    return render(request, "revenue/plan_form.html", {"form": form, "plan": plan})


@require_roles(*CITY_ROLES)
def plan_decompose(request: HttpRequest, year: int) -> HttpResponse:
    """Enter a method (and weights or amounts), see the preview, then save it."""
    plan = _plan_or_404(year)
    counties = selectors.active_counties()
    figures = ["revenue", *plan.volume_targets]
    form = DecomposeForm(request.POST or None, counties=counties, figures=figures)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = {
            "plan": plan,
            "method": form.cleaned_data["method"],
            "weights": form.weights(),
            "amounts": form.amounts(),
        }
        try:
            if "confirm" in request.POST:
                services.plan_decompose(
                    **arguments, reason=form.cleaned_data["reason"], user=request.user
                )
                messages.success(request, f"Plan {year} decomposed and phased.")
                return redirect("revenue:plan", year)
            preview = selectors.decomposition_preview(**arguments)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request,
        "revenue/plan_decompose.html",
        {"plan": plan, "form": form, "preview": preview, "figures": figures},
    )


@require_roles(*CITY_ROLES)
def plan_phase(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    form = PhaseForm(request.POST or None, counties=selectors.counties_in_scope(request.user))
    if request.method == "POST" and form.is_valid():
        profile = form.cleaned_data["profile"]
        try:
            services.plan_phase(
                plan=plan,
                weights=None if profile else form.weights(),
                profile=profile,
                county=form.cleaned_data["county"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Plan {year} phased.")
            return redirect("revenue:plan", year)
    return render(
        request,
        "revenue/plan_phase.html",
        {"plan": plan, "form": form, "month_names": MONTH_NAMES},
    )


@require_roles(*CITY_ROLES)
@require_POST
def plan_publish(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    try:
        services.plan_publish(plan=plan, user=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Plan {year} published.")
    return redirect("revenue:plan", year)


@require_login
def profile_list(request: HttpRequest) -> HttpResponse:
    can_manage = has_role(request.user, *CITY_ROLES)
    form = PhasingProfileForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only city staff manage phasing profiles.")
        if form.is_valid():
            try:
                services.phasing_profile_create(
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    values=form.values(),
                    description=form.cleaned_data["description"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, "Phasing profile saved.")
                return redirect("revenue:profiles")
    table = ProfileTable(selectors.phasing_profiles())
    exported = _export(request, "phasing-profiles.xlsx", [(table, "Profiles")])
    if exported:
        return exported
    return render(
        request,
        "revenue/profile_list.html",
        {"table": table, "form": form, "can_manage": can_manage},
    )


@require_login
def standing_list(request: HttpRequest) -> HttpResponse:
    can_manage = has_role(request.user, *CITY_ROLES)
    last_month = Month.of(timezone.localdate()).previous()
    form = StandingForm(
        request.POST or None, initial={"year": last_month.year, "month": last_month.month}
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only city staff enter the province standing.")
        if form.is_valid():
            try:
                services.province_standing_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, "Province standing saved.")
                return redirect("revenue:standings")
    table = StandingTable(selectors.province_standings())
    exported = _export(request, "province-standing.xlsx", [(table, "Province standing")])
    if exported:
        return exported
    RequestConfig(request, paginate={"per_page": 24}).configure(table)
    return render(
        request,
        "revenue/standing_list.html",
        {"table": table, "form": form, "can_manage": can_manage},
    )
