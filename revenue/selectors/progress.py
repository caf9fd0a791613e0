"""Progress against time progress (dashboards, the API, briefings) and the month-by-month series.

Progress is read for every active county (ranking needs them all) and then cut down to the
counties the user may see, through ``marketing_ops.access``. Reading (``year_to_date``) and
arithmetic (``calculations.progress_table``) are apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Q, Sum, Value

from marketing_ops.access import is_city_wide
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT, ZERO
from revenue import calculations as calc
from revenue.calculations import FigureProgress, YearToDate
from revenue.models import (
    CountyMonthTarget,
    CountyTarget,
    MonthlyReport,
    Plan,
    ProvinceStanding,
    ReportVolume,
)
from revenue.selectors import reports
from revenue.selectors.plans import plan_for_year
from revenue.selectors.reference import active_lines
from revenue.selectors.standings import province_standing

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: A county's row has its county; the city's row has None.
_CountyOrCity = TypeVar("_CountyOrCity", County, None)


@dataclass
class CountyProgress(Generic[_CountyOrCity]):
    county: _CountyOrCity
    revenue: FigureProgress
    lines: dict[str, FigureProgress] = field(default_factory=dict)
    rank: int | None = None
    #: The county's report for the month: approved, waiting, returned or missing.
    report_state: str | None = None

    @property
    def code(self) -> str:
        return self.county.code if self.county else "city"


@dataclass
class LineProgress:
    line: BusinessLine
    figures: FigureProgress


@dataclass
class RankingRow:
    """A county's place in the city ranking by revenue completion."""

    county: County
    completion_rate: Decimal | None
    rank: int | None
    status: str | None


@dataclass
class ProgressSummary:
    year: int
    month: int
    time_progress: Decimal
    plan: Plan | None
    city: CountyProgress[None]
    counties: list[CountyProgress[County]]
    lines: list[LineProgress]
    standing: ProvinceStanding | None
    ranking: list[RankingRow]
    #: Whether the month's reporting deadline has passed; before, its figures are incomplete.
    closed: bool = True
    deadline: dt.date | None = None

    @property
    def at_risk(self) -> list[CountyProgress[County]]:
        return [c for c in self.counties if c.revenue.status == calc.AT_RISK]


@dataclass
class YearToDateFacts:
    """What progress is computed from: every active county's figures through the month."""

    plan: Plan | None
    counties: list[County]  # each with ``visible``: may the reader see it
    lines: list[BusinessLine]
    figures: dict[int, dict[str, YearToDate]]  # county id → "revenue" or line code → figure


def _counties_marked_visible(user: AnyUser | None) -> list[County]:
    """Every active county, each marked whether ``user`` may see it (None: the whole city)."""
    visible: Any = Value(True, output_field=BooleanField())
    if user is not None:
        visible = Exists(County.objects.visible_to(user).filter(pk=OuterRef("pk")))
    counties = County.objects.filter(active=True).annotate(visible=visible)
    return list(counties.order_by("sort_order", "code"))


def _phased_through(plan: Plan | None, month: int) -> dict[int, dict[str, Any]]:
    """Per county: phased revenue and volumes from January through ``month``."""
    phased: dict[int, dict[str, Any]] = defaultdict(lambda: {calc.REVENUE: ZERO})
    if plan is None:
        return phased
    month_rows = CountyMonthTarget.objects.filter(
        county_target__plan=plan, month__lte=month
    ).values_list("county_target__county_id", "revenue_target", "volume_targets")
    for county_id, revenue_target, volume_targets in month_rows:
        phased[county_id][calc.REVENUE] += revenue_target
        for code, n in (volume_targets or {}).items():
            phased[county_id][code] = phased[county_id].get(code, 0) + n
    return phased


def _revenue_by_county(through: Q, status: str) -> dict[int, Decimal]:
    rows = (
        MonthlyReport.objects.filter(through, status=status)
        .values("county_id")
        .annotate(total=Sum("revenue"))
        .values_list("county_id", "total")
    )
    # SQLite sums decimals with more places than the column has.
    return {county_id: (total or ZERO).quantize(CENT) for county_id, total in rows}


def _approved_volumes(year: int, month: int) -> dict[int, dict[str, int]]:
    volumes: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        ReportVolume.objects.filter(
            report__year=year,
            report__month__lte=month,
            report__status=MonthlyReport.Status.APPROVED,
        )
        .values("report__county_id", "line__code")
        .annotate(total=Sum("volume"))
        .values_list("report__county_id", "line__code", "total")
    )
    for county_id, code, total in rows:
        volumes[county_id][code] = total or 0
    return volumes


def year_to_date(user: AnyUser | None, year: int, month: int) -> YearToDateFacts:
    """Targets, phasing and actuals of every active county through ``month`` of ``year``.

    Eight queries whatever the number of counties: plan, counties, lines, targets, phased
    months, approved revenue, approved volumes, submitted revenue.
    """
    plan = plan_for_year(year)
    counties = _counties_marked_visible(user)
    lines = active_lines()
    targets: dict[int, CountyTarget] = {}
    if plan is not None:
        targets = {t.county_id: t for t in CountyTarget.objects.filter(plan=plan)}
    phased = _phased_through(plan, month)
    through = Q(year=year, month__lte=month)
    approved = _revenue_by_county(through, MonthlyReport.Status.APPROVED)
    pending = _revenue_by_county(through, MonthlyReport.Status.SUBMITTED)
    volumes = _approved_volumes(year, month)
    figures: dict[int, dict[str, YearToDate]] = {}
    for county in counties:
        target = targets.get(county.pk)
        volume_targets = (target.volume_targets if target else {}) or {}
        figures[county.pk] = {
            calc.REVENUE: YearToDate(
                target=target.revenue_target if target else ZERO,
                actual=approved.get(county.pk) or ZERO,
                phased=phased[county.pk][calc.REVENUE],
                pending=pending.get(county.pk) or ZERO,
            ),
            **{
                line.code: YearToDate(
                    target=int(volume_targets.get(line.code, 0)),
                    actual=volumes[county.pk].get(line.code, 0),
                    phased=phased[county.pk].get(line.code, 0),
                )
                for line in lines
            },
        }
    return YearToDateFacts(plan=plan, counties=counties, lines=lines, figures=figures)


def progress_summary(
    user: AnyUser | None, year: int, month: int, county: County | None = None
) -> ProgressSummary:
    """Completion against time progress through ``month`` of ``year``
    (docs/rules.md#progress-against-time-progress).

    ``counties`` are those ``user`` may see (None: the whole city), or only ``county``;
    ``lines`` the city's volumes for a city-wide reader, else the one county's. The ranking
    always ranks every active county.
    """
    if not 1 <= month <= calc.MONTHS:
        raise ValidationError({"month": f"month must be 1..12, got {month}"})
    facts = year_to_date(user, year, month)
    codes = [line.code for line in facts.lines]
    table = calc.progress_table(
        facts.figures,
        [calc.REVENUE, *codes],
        month=month,
        at_risk_pp=settings.PROGRESS_AT_RISK_PP,
    )
    states = reports.report_states(year, month)
    rows = [
        CountyProgress(
            county=c,
            revenue=table.counties[c.pk][calc.REVENUE],
            lines={code: table.counties[c.pk][code] for code in codes},
            rank=table.ranks[c.pk],
            report_state=states.get(c.pk, reports.MISSING),
        )
        for c in facts.counties
    ]
    city = CountyProgress(
        county=None,
        revenue=table.city[calc.REVENUE],
        lines={code: table.city[code] for code in codes},
    )
    shown = [
        row
        for row, c in zip(rows, facts.counties, strict=True)
        # ``visible`` is annotated by _counties_marked_visible.
        if c.visible and (county is None or c.pk == county.pk)  # type: ignore[attr-defined]
    ]
    if county is None and (user is None or is_city_wide(user)):
        lines = [LineProgress(line=line, figures=city.lines[line.code]) for line in facts.lines]
    else:
        # A county's lines are its own.
        own = shown[0].lines if shown else {}
        lines = [LineProgress(line=line, figures=own[line.code]) for line in facts.lines if own]
    return ProgressSummary(
        year=year,
        month=month,
        time_progress=calc.time_progress(month),
        plan=facts.plan,
        city=city,
        counties=shown,
        lines=lines,
        standing=province_standing(year, month),
        ranking=_ranking(rows),
        closed=reports.month_is_closed(year, month),
        deadline=reports.report_deadline(year, month),
    )


def _ranking(rows: list[CountyProgress[County]]) -> list[RankingRow]:
    ranked = sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))
    return [
        RankingRow(
            county=row.county,
            completion_rate=row.revenue.completion_rate,
            rank=row.rank,
            status=row.revenue.status,
        )
        for row in ranked
    ]


@dataclass
class MonthSeriesRow:
    month: int
    target: Decimal
    actual: Decimal | None
    cumulative_target: Decimal
    cumulative_actual: Decimal | None
    status: str | None = None
    report: MonthlyReport | None = None


def monthly_series(year: int, month: int, county: County | None = None) -> list[MonthSeriesRow]:
    """Month by month: phased target and approved actual, plain and cumulative (two queries,
    three for one county with its reports)."""
    plan = plan_for_year(year)
    targets = [ZERO] * calc.MONTHS
    if plan is not None:
        month_targets = CountyMonthTarget.objects.filter(county_target__plan=plan)
        if county is not None:
            month_targets = month_targets.filter(county_target__county=county)
        else:
            month_targets = month_targets.filter(county_target__county__active=True)
        for row in month_targets.values("month").annotate(total=Sum("revenue_target")):
            targets[row["month"] - 1] = (row["total"] or ZERO).quantize(CENT)
    approved = MonthlyReport.objects.filter(year=year, status=MonthlyReport.Status.APPROVED)
    if county is not None:
        approved = approved.filter(county=county)
    else:
        approved = approved.filter(county__active=True)
    actuals = {
        month_no: (total or ZERO).quantize(CENT)
        for month_no, total in approved.values("month")
        .annotate(total=Sum("revenue"))
        .values_list("month", "total")
    }
    by_month = reports.months_of_county(county, year) if county is not None else {}
    rows = []
    cumulative_target = ZERO
    cumulative_actual = ZERO
    for m in range(1, calc.MONTHS + 1):
        cumulative_target += targets[m - 1]
        actual = actuals.get(m)
        if m <= month:
            cumulative_actual += actual or ZERO
        report = by_month.get(m)
        rows.append(
            MonthSeriesRow(
                month=m,
                target=targets[m - 1],
                actual=actual,
                cumulative_target=cumulative_target,
                cumulative_actual=cumulative_actual if m <= month else None,
                status=report.status if report else None,
                report=report,
            )
        )
    return rows
