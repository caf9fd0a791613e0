"""The revenue part of the start page (marketing_ops.work): a county's reports to enter and
the ones city staff returned, with why; its field-visit follow-ups past their date; the city's
reports waiting for review; and, for managers, the year's completion against time progress."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, Role, has_role, is_city_wide, user_county
from marketing_ops.periods import Month
from marketing_ops.work import ROWS_SHOWN, Figure, WorkList, WorkRow
from revenue.activities import selectors as activity_selectors
from revenue.models import MonthlyReport
from revenue.selectors import progress
from revenue.selectors import reports as report_selectors

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser
    from marketing_ops.models import County

REPORTS = "revenue:reports"


def _period(report: MonthlyReport) -> str:
    return formatting.month(Month(report.year, report.month))


def _report_url(report: MonthlyReport) -> str:
    return reverse("revenue:report", args=[report.county.code, report.year, report.month])


def months_to_enter(user: AnyUser, county: County, today: dt.date) -> list[Month]:
    """The months of this reporting year that have ended and whose report the county has not
    submitted (none yet, or a draft): from January of the month just ended through that month.
    A returned report is listed with its reason instead. One query."""
    last = Month.of(today).previous()
    started = set(
        report_selectors.reports_for(user)
        .filter(county=county, year=last.year, month__lte=last.month)
        .exclude(status=MonthlyReport.Status.DRAFT)
        .values_list("month", flat=True)
    )
    return [Month(last.year, m) for m in range(1, last.month + 1) if m not in started]


def _to_enter(user: AnyUser, county: County, today: dt.date) -> WorkList:
    months = months_to_enter(user, county, today)
    rows = [
        WorkRow(
            label=f"{county.code} {formatting.month(month)}",
            detail=_("due %(date)s")
            % {"date": formatting.date(report_selectors.report_deadline(month.year, month.month))},
            url=reverse("revenue:report", args=[county.code, month.year, month.month]),
        )
        for month in months[:ROWS_SHOWN]
    ]
    year = months[0].year if months else Month.of(today).previous().year
    return WorkList(
        key="reports-to-enter",
        title=_("Monthly reports to enter"),
        count=len(months),
        url=f"{reverse(REPORTS)}?{urlencode({'year': year, 'county': county.pk})}",
        nav=REPORTS,
        rows=rows,
        order=10,
    )


def _returned(user: AnyUser) -> WorkList:
    reports = report_selectors.returned_reports(user)
    return WorkList(
        key="reports-returned",
        title=_("Reports returned by city staff"),
        count=reports.count(),
        url=f"{reverse(REPORTS)}?{urlencode({'status': MonthlyReport.Status.RETURNED})}",
        nav=REPORTS,
        rows=[
            WorkRow(
                label=_("%(county)s %(period)s was returned by city staff")
                % {"county": report.county.code, "period": _period(report)},
                detail=report.return_reason,
                url=_report_url(report),
            )
            for report in reports[:ROWS_SHOWN]
        ],
        order=11,
    )


def _follow_ups(user: AnyUser, today: dt.date) -> WorkList:
    follow_ups = activity_selectors.overdue_follow_ups_for(user, today).select_related(
        "owner__profile"
    )
    return WorkList(
        key="follow-ups",
        title=_("Follow-up actions past their date"),
        count=follow_ups.count(),
        url=reverse("revenue:follow-up-overdue"),
        nav="revenue:activities",
        rows=[
            WorkRow(
                label=action.description[:80],
                detail=_("due %(date)s, %(owner)s")
                % {
                    "date": formatting.date(action.due_on),
                    "owner": formatting.person(action.owner),
                },
                url=reverse("revenue:field-visit-detail", args=[action.visit_id]),
            )
            for action in follow_ups[:ROWS_SHOWN]
        ],
        order=15,
    )


def _review(user: AnyUser) -> WorkList:
    reports = report_selectors.review_queue(user).select_related("submitted_by__profile")
    return WorkList(
        key="reports-to-review",
        title=_("Reports waiting for review"),
        count=reports.count(),
        url=reverse("revenue:review"),
        nav=REPORTS,
        rows=[
            WorkRow(
                label=f"{report.county.code} {report.county.name} {_period(report)}",
                detail=_("submitted %(date)s by %(who)s")
                % {
                    "date": formatting.date(report.submitted_at),
                    "who": formatting.person(report.submitted_by),
                },
                url=_report_url(report),
            )
            for report in reports[:ROWS_SHOWN]
        ],
        order=10,
    )


def work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """County staff: their county's reports to enter, returned reports and follow-ups past
    their date; city staff: the reports waiting for review."""
    lists = []
    county = user_county(user)
    if has_role(user, Role.COUNTY_STAFF) and county is not None and not is_city_wide(user):
        lists += [_to_enter(user, county, today), _returned(user), _follow_ups(user, today)]
    if has_role(user, *CITY_ROLES) and is_city_wide(user):
        lists.append(_review(user))
    return lists


def figures(user: AnyUser, today: dt.date) -> list[Figure]:
    """Managers: revenue completion of the year through the month last closed, against time
    progress (the city's, or their county's)."""
    if not has_role(user, Role.MANAGER):
        return []
    closed = report_selectors.closed_month(today)
    summary = progress.progress_summary(user, closed.year, closed.month)
    if is_city_wide(user):
        revenue = summary.city.revenue
    elif summary.counties:
        revenue = summary.counties[0].revenue
    else:
        return []
    return [
        Figure(
            label=_("Revenue completion %(year)s through %(month)s")
            % {"year": closed.year, "month": formatting.month(closed)},
            value=formatting.percent(revenue.completion_rate),
            comparison=_("time progress %(progress)s (%(gap)s)")
            % {
                "progress": formatting.percent(summary.time_progress),
                "gap": formatting.points(revenue.gap_pp),
            },
            url=reverse("revenue:dashboard"),
            order=10,
        )
    ]
