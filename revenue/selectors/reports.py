"""Monthly reports: the ones a user may see, one county's month, the review queue, late and
missing reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from marketing_ops.models import BusinessLine, County
from revenue import calculations as calc
from revenue.models import MonthlyReport, ReportChange

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def reports_for(user: AnyUser) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.visible_to(user).select_related(
        "county", "submitted_by", "reviewed_by"
    )


def review_queue(user: AnyUser) -> QuerySet[MonthlyReport]:
    """Submitted reports waiting for city staff, oldest month first."""
    return (
        reports_for(user)
        .filter(status=MonthlyReport.Status.SUBMITTED)
        .order_by("year", "month", "county__sort_order", "county__code")
    )


def report_lookup(user: AnyUser, county: County, year: int, month: int) -> MonthlyReport:
    """The county's report for the month, or an unsaved draft (version 0) if none exists yet."""
    report = (
        reports_for(user)
        .filter(county=county, year=year, month=month)
        .prefetch_related("volumes__line")
        .first()
    )
    if report is None:
        report = MonthlyReport(county=county, year=year, month=month, version=0)
    return report


def report_volumes(report: MonthlyReport, lines: list[BusinessLine]) -> dict[str, int]:
    """Volume per active line code (0 for a line not reported), in line order."""
    reported = {v.line.code: v.volume for v in report.volumes.all()} if report.pk else {}
    codes = [line.code for line in lines] + [
        c for c in reported if c not in {x.code for x in lines}
    ]
    return {code: reported.get(code, 0) for code in codes}


def report_history(report: MonthlyReport) -> QuerySet[ReportChange]:
    if not report.pk:
        return ReportChange.objects.none()
    return report.changes.select_related("by")


@dataclass
class MonthReport:
    """One county's month as its page and the API show it: the report (an unsaved draft if
    none yet), a volume per line, the deadline and the change history."""

    report: MonthlyReport
    volumes: dict[str, int]
    deadline: dt.date
    history: QuerySet[ReportChange]


def month_report(
    user: AnyUser, county: County, year: int, month: int, lines: list[BusinessLine]
) -> MonthReport:
    report = report_lookup(user, county, year, month)
    return MonthReport(
        report=report,
        volumes=report_volumes(report, lines),
        deadline=report_deadline(year, month),
        history=report_history(report),
    )


def months_of_county(county: County, year: int) -> dict[int, MonthlyReport]:
    return {
        r.month: r
        for r in MonthlyReport.objects.filter(county=county, year=year).select_related("county")
    }


def missing_reports(year: int, month: int, county: County | None = None) -> list[County]:
    """Active counties without a submitted or approved report for the month."""
    done = MonthlyReport.objects.filter(
        year=year,
        month=month,
        status__in=[MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED],
    ).values("county_id")
    counties = County.objects.filter(active=True).exclude(pk__in=done)
    if county is not None:
        counties = counties.filter(pk=county.pk)
    return list(counties.order_by("sort_order", "code"))


def late_reports(year: int, month: int, county: County | None = None) -> list[MonthlyReport]:
    reports = MonthlyReport.objects.filter(year=year, month=month, late=True).select_related(
        "county"
    )
    if county is not None:
        reports = reports.filter(county=county)
    return list(reports.order_by("county__sort_order", "county__code"))


def report_deadline(year: int, month: int) -> dt.date:
    return calc.report_deadline(year, month, settings.REPORT_DEADLINE_DAY)


def month_reports_for(user: AnyUser, year: int, month: int) -> dict[int, MonthlyReport]:
    """The month's reports the user may see, by county id, with their volumes."""
    reports = (
        MonthlyReport.objects.visible_to(user)
        .filter(year=year, month=month)
        .prefetch_related("volumes__line")
    )
    return {r.county_id: r for r in reports}
