"""Monthly reports: the ones a user may see, one county's month, the review queue, late and
missing reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from revenue import calculations as calc
from revenue.models import CountyMonthTarget, MonthlyReport, ReportChange, ReportVolume

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def reports_for(user: AnyUser) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.visible_to(user).select_related(
        "county", "submitted_by__profile", "reviewed_by__profile"
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
    return report.changes.select_related("by__profile")


@dataclass
class FigureComparison:
    """One figure of a report beside what a reviewer compares it with: the previous month, the
    same month last year and the month's phased target (``None`` where there is none)."""

    figure: str
    current: Decimal | int | None
    previous: Decimal | int | None
    last_year: Decimal | int | None
    target: Decimal | int | None
    name: str = ""  # a business line's name, for the page (the figure is its code)

    @staticmethod
    def _change(current: Decimal | int | None, other: Decimal | int | None) -> Decimal | None:
        if current is None or other is None:
            return None
        return calc.rate(Decimal(current) - Decimal(other), other)

    @property
    def change_previous(self) -> Decimal | None:
        """Change against the previous month, as a fraction (None without a base)."""
        return self._change(self.current, self.previous)

    @property
    def change_last_year(self) -> Decimal | None:
        return self._change(self.current, self.last_year)

    @property
    def of_target(self) -> Decimal | None:
        """The figure as a fraction of the month's phased target."""
        if self.current is None or self.target is None:
            return None
        return calc.rate(self.current, self.target)


@dataclass
class MonthReport:
    """One county's month as its page and the API show it: the report (an unsaved draft if
    none yet), a volume per line, the deadline, the change history, whether the month has
    ended (a report exists only then) and each figure beside its comparisons."""

    report: MonthlyReport
    volumes: dict[str, int]
    deadline: dt.date
    history: QuerySet[ReportChange]
    ended: bool
    comparisons: list[FigureComparison]


def _figures(
    revenue: Decimal | None, volumes: dict[str, int], codes: list[str]
) -> dict[str, Decimal | int | None]:
    if revenue is None:
        return dict.fromkeys([calc.REVENUE, *codes])
    return {calc.REVENUE: revenue, **{code: volumes.get(code, 0) for code in codes}}


def comparisons(
    county: County,
    year: int,
    month: int,
    volumes: dict[str, int],
    report: MonthlyReport,
    names: dict[str, str] | None = None,
) -> list[FigureComparison]:
    """Each figure beside the previous month, the same month last year and the phased target:
    three queries whatever the data (the earlier reports, their volumes, the target)."""
    codes = list(volumes)
    previous, last_year = Month(year, month).previous(), Month(year - 1, month)
    periods = Q(year=previous.year, month=previous.month) | Q(
        year=last_year.year, month=last_year.month
    )
    revenues = {
        (y, m): revenue
        for y, m, revenue in MonthlyReport.objects.filter(periods, county=county).values_list(
            "year", "month", "revenue"
        )
    }
    earlier_volumes: dict[tuple[int, int], dict[str, int]] = {}
    for y, m, code, n in ReportVolume.objects.filter(
        Q(report__year=previous.year, report__month=previous.month)
        | Q(report__year=last_year.year, report__month=last_year.month),
        report__county=county,
    ).values_list("report__year", "report__month", "line__code", "volume"):
        earlier_volumes.setdefault((y, m), {})[code] = n
    target = (
        CountyMonthTarget.objects.filter(
            county_target__county=county, county_target__plan__year=year, month=month
        )
        .only("revenue_target", "volume_targets")
        .first()
    )
    now = _figures(report.revenue if report.pk else None, volumes, codes)
    before, a_year_ago = (
        _figures(revenues.get((p.year, p.month)), earlier_volumes.get((p.year, p.month), {}), codes)
        for p in (previous, last_year)
    )
    targets: dict[str, Decimal | int | None] = dict.fromkeys([calc.REVENUE, *codes])
    if target is not None:
        targets[calc.REVENUE] = target.revenue_target
        for code, value in (target.volume_targets or {}).items():
            if code in targets:
                targets[code] = int(value)
    return [
        FigureComparison(
            figure=code,
            current=now[code],
            previous=before[code],
            last_year=a_year_ago[code],
            target=targets[code],
            name=(names or {}).get(code, ""),
        )
        for code in [calc.REVENUE, *codes]
    ]


def month_report(
    user: AnyUser,
    county: County,
    year: int,
    month: int,
    lines: list[BusinessLine],
    today: dt.date | None = None,
) -> MonthReport:
    report = report_lookup(user, county, year, month)
    volumes = report_volumes(report, lines)
    today = today or timezone.localdate()
    return MonthReport(
        report=report,
        volumes=volumes,
        deadline=report_deadline(year, month),
        history=report_history(report),
        ended=Month(year, month).last_day < today,
        comparisons=comparisons(
            county, year, month, volumes, report, {line.code: line.name for line in lines}
        ),
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


def returned_reports(user: AnyUser) -> QuerySet[MonthlyReport]:
    """Reports city staff returned to the user's counties, waiting for a correction."""
    return (
        MonthlyReport.objects.visible_to(user)
        .filter(status=MonthlyReport.Status.RETURNED)
        .select_related("county")
        .order_by("year", "month", "county__sort_order", "county__code")
    )


#: A county's report for a month as the dashboards and briefings name it.
APPROVED, WAITING, RETURNED, MISSING = "approved", "waiting", "returned", "missing"


def closed_month(today: dt.date | None = None) -> Month:
    """The latest month whose reporting deadline has passed: where dashboards, the progress API
    and the monthly briefing open."""
    year, month = calc.closed_month(today or timezone.localdate(), settings.REPORT_DEADLINE_DAY)
    return Month(year, month)


def month_is_closed(year: int, month: int, today: dt.date | None = None) -> bool:
    return report_deadline(year, month) < (today or timezone.localdate())


def report_states(year: int, month: int) -> dict[int, str]:
    """Each county's report for the month (county id → approved, waiting, returned; a county
    without one, or with a draft nobody submitted, is missing). One query."""
    state_of = {
        MonthlyReport.Status.APPROVED: APPROVED,
        MonthlyReport.Status.SUBMITTED: WAITING,
        MonthlyReport.Status.RETURNED: RETURNED,
    }
    return {
        county_id: state_of.get(status, MISSING)
        for county_id, status in MonthlyReport.objects.filter(year=year, month=month).values_list(
            "county_id", "status"
        )
    }


def counties_in_state(year: int, month: int, state: str) -> list[County]:
    """Active counties whose report for the month is in ``state`` (not ``missing``)."""
    statuses = {
        APPROVED: MonthlyReport.Status.APPROVED,
        WAITING: MonthlyReport.Status.SUBMITTED,
        RETURNED: MonthlyReport.Status.RETURNED,
    }
    return list(
        County.objects.filter(
            active=True,
            monthly_reports__year=year,
            monthly_reports__month=month,
            monthly_reports__status=statuses[state],
        ).order_by("sort_order", "code")
    )


#: Workflow steps that change a report's figures (not its status).
FIGURE_ACTIONS = ("edit", "import")


def edited_by(report: MonthlyReport, user: AnyUser) -> bool:
    """Whether ``user`` changed the figures of ``report`` since it was last approved: that user
    may not approve it (docs/rules.md#monthly-reports). Two queries."""
    if not report.pk or not getattr(user, "is_authenticated", False):
        return False
    changes = report.changes.all()
    last_approval = changes.filter(action="approve").order_by("-at", "-id").first()
    if last_approval is not None:
        changes = changes.filter(at__gte=last_approval.at)
    return changes.filter(action__in=FIGURE_ACTIONS, by=user).exclude(field="status").exists()
