"""Monthly reports: the list, the review queue, one county's month and its workflow, the upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketing_ops import formatting, pages
from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    has_role,
    require_login,
    require_roles,
    user_county,
)
from marketing_ops.forms import add_service_errors
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.services import import_submit
from revenue import tables
from revenue.filters import ReportFilter
from revenue.forms import FiguresUploadForm, ReasonForm, ReportForm
from revenue.imports import monthly_figures_template
from revenue.models import MonthlyReport
from revenue.selectors import reference
from revenue.selectors import reports as report_selectors
from revenue.services import reports
from revenue.views.common import error_text, last_month, period

#: Reports per page of the review queue.
REVIEW_PER_PAGE = 50


@require_login
def report_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=report_selectors.reports_for(request.user),
        filterset_class=ReportFilter,
        table_class=tables.ReportTable,
        title=_("Monthly reports"),
        export_name="monthly-reports",
        template="revenue/report_list.html",
        extra={
            "own": user_county(request.user),
            "last_month": last_month(),
            "can_edit": has_role(request.user, *WRITING_ROLES),
            "can_review": has_role(request.user, *CITY_ROLES),
        },
    )


@require_roles(*CITY_ROLES)
def review_queue(request: HttpRequest) -> HttpResponse:
    table = tables.ReviewTable(report_selectors.review_queue(request.user))
    exported = pages.export_tables(request, "review-queue.xlsx", [(table, _("Review queue"))])
    if exported:
        return exported
    pages.paginate(request, table, REVIEW_PER_PAGE)
    context = {"table": table, "export_query": pages.export_query(request)}
    return render(request, "revenue/review_queue.html", context)


def _report_county(request: HttpRequest, county: str, year: int, month: int) -> County:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("No such month.")
    return get_visible_or_404(County.objects.all(), request.user, code=county)


@require_login
def report_detail(
    request: AuthenticatedHttpRequest, county: str, year: int, month: int
) -> HttpResponse:
    county_obj = _report_county(request, county, year, month)
    lines = reference.active_lines()
    shown = report_selectors.month_report(request.user, county_obj, year, month, lines)
    report = shown.report
    can_edit = has_role(request.user, *WRITING_ROLES)
    can_review = has_role(request.user, *CITY_ROLES)
    conflict = None
    if request.method == "POST":
        pages.require(can_edit)
        form = ReportForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                reports.report_save(
                    county=county_obj,
                    year=year,
                    month=month,
                    revenue=form.cleaned_data["revenue"],
                    volumes=form.volumes(),
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except reports.ReportConflict as exc:
                conflict = str(exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved %(county)s %(period)s.")
                    % {"county": county_obj.code, "period": formatting.month(Month(year, month))},
                )
                return redirect("revenue:report", county_obj.code, year, month)
    else:
        initial = {"revenue": report.revenue if report.pk else None, "version": report.version}
        initial.update({f"volume_{code}": n for code, n in shown.volumes.items()})
        form = ReportForm(initial=initial, lines=lines)
    history = tables.HistoryTable(shown.history)
    exported = pages.export_tables(
        request, f"report-{county_obj.code}-{year}-{month:02d}.xlsx", [(history, _("History"))]
    )
    if exported:
        return exported
    names = {line.code: line.name for line in lines}
    context = {
        "county": county_obj,
        "year": year,
        "month": month,
        "shown_month": Month(year, month),
        "report": report,
        "volumes": [(names.get(code, code), n) for code, n in shown.volumes.items()],
        "lines": lines,
        "form": form,
        "conflict": conflict,
        "history": history,
        "export_query": pages.export_query(request),
        "deadline": shown.deadline,
        "ended": shown.ended,
        "comparisons": shown.comparisons,
        "can_edit": can_edit and shown.ended and (report.is_editable or not report.pk),
        "can_submit": can_edit and report.pk and report.is_editable,
        "can_discard": can_edit
        and report.pk
        and report.status == report.Status.DRAFT
        and report.submitted_at is None,
        "can_review": can_review,
        "edited_by_me": can_review
        and report.status == report.Status.SUBMITTED
        and report_selectors.edited_by(report, request.user),
        "reason_form": ReasonForm(initial={"version": report.version}),
    }
    return render(request, "revenue/report_detail.html", context)


#: action → (the service, whether it needs a reason)
_ACTIONS: dict[str, tuple[Callable[..., MonthlyReport | None], bool]] = {
    "submit": (reports.report_submit, False),
    "approve": (reports.report_approve, False),
    "return": (reports.report_return, True),
    "reopen": (reports.report_reopen, True),
    "discard": (reports.report_discard, False),
}


def _done_message(action: str, county: County, year: int, month: int, late: bool) -> str:
    figures = {"county": county.code, "period": formatting.month(Month(year, month))}
    done = {
        "submit": _("%(county)s %(period)s submitted."),
        "approve": _("%(county)s %(period)s approved."),
        "return": _("%(county)s %(period)s returned to the county."),
        "reopen": _("%(county)s %(period)s reopened."),
        "discard": _("The draft for %(county)s %(period)s was discarded."),
    }[action] % figures
    if action == "submit" and late:
        done += " " + _("It was submitted after the deadline and is flagged late.")
    return done


@require_login
@require_POST
def report_action(
    request: HttpRequest, county: str, year: int, month: int, action: str
) -> HttpResponse:
    county_obj = _report_county(request, county, year, month)
    if action not in _ACTIONS:
        raise Http404("No such action.")
    service, needs_reason = _ACTIONS[action]
    report = get_visible_or_404(
        report_selectors.reports_for(request.user),
        request.user,
        county=county_obj,
        year=year,
        month=month,
    )
    form = ReasonForm(request.POST)
    form.is_valid()
    kwargs: dict[str, Any] = {"version": form.cleaned_data.get("version")}
    if needs_reason:
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    try:
        done = service(report=report, user=request.user, **kwargs)
    except reports.ReportConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        late = done.late if done is not None else False
        messages.success(request, _done_message(action, county_obj, year, month, late))
        if action == "discard":
            return redirect("revenue:reports")
    if action == "approve" and request.POST.get("next") == "review":
        return redirect("revenue:review")
    return redirect("revenue:report", county_obj.code, year, month)


@require_roles(*WRITING_ROLES)
def report_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_submit(
            dataset="monthly_figures",
            fileobj=upload,
            file_name=upload.name,
            user=request.user,
            background=False,
        )
        if job.status == job.Status.DONE:
            messages.success(
                request,
                ngettext(
                    "Imported %(count)s report from %(file)s as a draft.",
                    "Imported %(count)s reports from %(file)s as drafts.",
                    job.applied or 0,
                )
                % {"count": job.applied or 0, "file": job.file_name},
            )
            return redirect("revenue:reports")
        messages.error(
            request, _("%(file)s was rejected; nothing was written.") % {"file": job.file_name}
        )
    return render(
        request,
        "revenue/report_upload.html",
        {"form": form, "job": job, "last_month": last_month()},
    )


@require_login
def report_template(request: HttpRequest) -> HttpResponse:
    year, month = period(request, default=last_month())
    return monthly_figures_template(request.user, year, month)
