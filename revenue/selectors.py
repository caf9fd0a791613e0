"""Reads of the revenue app: plans, targets, reports, progress — each a constant number of queries.

Every read a user sees is scoped through ``visible_to(user)``. Progress is computed over all
active counties (ranking needs them all) and then cut down to the counties the user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum

from marketing_ops.access import is_city_wide
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT, ZERO
from revenue import calculations as calc
from revenue.models import (
    CountyMonthTarget,
    CountyTarget,
    Decomposition,
    MonthlyReport,
    PhasingProfile,
    Plan,
    ProvinceStanding,
    ReportChange,
    ReportVolume,
)

# --------------------------------------------------------------------------- reference data


def active_counties() -> list[County]:
    return list(County.objects.filter(active=True).order_by("sort_order", "code"))


def active_lines() -> list[BusinessLine]:
    return list(BusinessLine.objects.filter(active=True).order_by("sort_order", "code"))


# --------------------------------------------------------------------------- plans


def plans() -> QuerySet[Plan]:
    return Plan.objects.all()


def plan_for_year(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).first()


def decompositions(plan: Plan) -> QuerySet[Decomposition]:
    return plan.decompositions.select_related("created_by")


def phasing_profiles() -> QuerySet[PhasingProfile]:
    return PhasingProfile.objects.all()


def county_targets_for(user: Any, plan: Plan, county: County | None = None) -> QuerySet:
    """The plan's county targets the user may see, with their 12 months."""
    targets = (
        CountyTarget.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("county", "phasing_profile")
        .prefetch_related("months")
    )
    if county is not None:
        targets = targets.filter(county=county)
    return targets


def actuals_by_county(year: int) -> dict[int, dict[str, Any]]:
    """Approved actuals of a whole year per county: ``{county_id: {"revenue": x, LINE: n}}``."""
    actuals: dict[int, dict[str, Any]] = defaultdict(lambda: {"revenue": ZERO})
    approved = MonthlyReport.objects.filter(year=year, status=MonthlyReport.Status.APPROVED)
    for row in approved.values("county_id").annotate(total=Sum("revenue")):
        actuals[row["county_id"]]["revenue"] = (row["total"] or ZERO).quantize(CENT)
    volumes = ReportVolume.objects.filter(
        report__year=year, report__status=MonthlyReport.Status.APPROVED
    )
    for row in volumes.values("report__county_id", "line__code").annotate(total=Sum("volume")):
        actuals[row["report__county_id"]][row["line__code"]] = row["total"] or 0
    return dict(actuals)


@dataclass
class AllocationRow:
    county: County
    revenue: Decimal
    volumes: dict[str, int]
    share: Decimal | None
    last_year_revenue: Decimal
    last_year_volumes: dict[str, int]

    @property
    def revenue_change(self) -> Decimal:
        return self.revenue - self.last_year_revenue

    @property
    def volume_rows(self) -> list[tuple[str, int, int, int]]:
        """(line, allocation, last year, difference) for display."""
        return [
            (code, n, self.last_year_volumes.get(code, 0), n - self.last_year_volumes.get(code, 0))
            for code, n in self.volumes.items()
        ]


@dataclass
class DecompositionPreview:
    plan: Plan
    method: str
    revenue_target: Decimal
    volume_targets: dict[str, int]
    weights: dict[str, Any]
    rows: list[AllocationRow]

    def allocations(self) -> dict[str, dict[str, Any]]:
        return {row.county.code: {"revenue": str(row.revenue), **row.volumes} for row in self.rows}


def _weights_for(
    figure: str,
    counties: list[County],
    method: str,
    weights: Mapping[str, Any] | None,
    last_year: Mapping[int, Mapping[str, Any]],
) -> list[tuple[str, Decimal]]:
    if method == Decomposition.Method.LAST_YEAR:
        return [(c.code, Decimal(last_year.get(c.pk, {}).get(figure, 0))) for c in counties]
    return [(c.code, Decimal(str((weights or {}).get(c.code, 0)))) for c in counties]


def _check_keys(given: Iterable[str], counties: list[County], what: str) -> None:
    known = {c.code for c in counties}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValidationError({what: f"unknown or inactive county: {', '.join(unknown)}"})


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({what: f"expected a number, got {value!r}"})
    if not number.is_finite():
        raise ValidationError({what: f"expected a number, got {value!r}"})
    return number


def decomposition_preview(
    *,
    plan: Plan,
    method: str,
    weights: Mapping[str, Any] | None = None,
    amounts: Mapping[str, Mapping[str, Any]] | None = None,
    revenue_target: Decimal | None = None,
    volume_targets: Mapping[str, int] | None = None,
) -> DecompositionPreview:
    """Compute a decomposition without saving it (the preview page and the service share it).

    Raises ValidationError naming the figure and what to fix.
    """
    if method not in Decomposition.Method.values:
        raise ValidationError({"method": f"use one of {', '.join(Decomposition.Method.values)}"})
    counties = active_counties()
    if not counties:
        raise ValidationError({"method": "there are no active counties to decompose to"})
    total = plan.revenue_target if revenue_target is None else revenue_target
    line_targets = dict(plan.volume_targets if volume_targets is None else volume_targets)
    last_year = actuals_by_county(plan.year - 1)
    figures: list[tuple[str, Any]] = [("revenue", total), *line_targets.items()]
    allocation: dict[str, dict[str, Any]] = {c.code: {} for c in counties}
    used_weights: dict[str, Any] = {}

    if method == Decomposition.Method.MANUAL:
        amounts = amounts or {}
        unknown_figures = sorted(set(amounts) - {f for f, _ in figures})
        if unknown_figures:
            raise ValidationError(
                {"amounts": f"no target for {', '.join(unknown_figures)} in the plan"}
            )
        for figure, figure_total in figures:
            given = amounts.get(figure)
            if given is None:
                if figure_total:
                    raise ValidationError({"amounts": f"amounts for {figure} are missing"})
                given = {}
            _check_keys(given, counties, "amounts")
            if figure == "revenue":
                values = {c.code: _decimal(given.get(c.code, 0), "amounts") for c in counties}
                values = {k: v.quantize(CENT) for k, v in values.items()}
            else:
                values = {c.code: int(_decimal(given.get(c.code, 0), "amounts")) for c in counties}
            try:
                calc.check_manual_money(Decimal(figure_total), values)
            except calc.AllocationError as exc:
                raise ValidationError({"amounts": f"{figure}: {exc}"})
            for code, value in values.items():
                allocation[code][figure] = value
            used_weights[figure] = {k: str(v) for k, v in values.items()}
    else:
        if method == Decomposition.Method.POTENTIAL:
            weights = weights or {}
            _check_keys(weights, counties, "weights")
            missing = [c.code for c in counties if c.code not in weights]
            if missing:
                raise ValidationError({"weights": f"no weight for {', '.join(missing)}"})
            for value in weights.values():
                _decimal(value, "weights")
            used_weights = {code: str(weights[code]) for code in weights}
        for figure, figure_total in figures:
            figure_weights = _weights_for(figure, counties, method, weights, last_year)
            if method == Decomposition.Method.LAST_YEAR:
                used_weights[figure] = {code: str(w) for code, w in figure_weights}
            try:
                if not figure_total:
                    result = {c.code: (ZERO if figure == "revenue" else 0) for c in counties}
                elif figure == "revenue":
                    result = calc.allocate_money(Decimal(figure_total), figure_weights)
                else:
                    result = calc.allocate_units(int(figure_total), figure_weights)
            except calc.AllocationError as exc:
                hint = (
                    f" (no approved {figure} figures for {plan.year - 1})"
                    if method == Decomposition.Method.LAST_YEAR
                    else ""
                )
                raise ValidationError({"weights": f"{figure}: {exc}{hint}"})
            for code, value in result.items():
                allocation[code][figure] = value

    rows = []
    for county in counties:
        figures_of = allocation[county.code]
        previous = last_year.get(county.pk, {})
        rows.append(
            AllocationRow(
                county=county,
                revenue=figures_of["revenue"],
                volumes={line: figures_of[line] for line in line_targets},
                share=calc.rate(figures_of["revenue"], total),
                last_year_revenue=previous.get("revenue", ZERO),
                last_year_volumes={line: previous.get(line, 0) for line in line_targets},
            )
        )
    return DecompositionPreview(
        plan=plan,
        method=method,
        revenue_target=Decimal(total),
        volume_targets={k: int(v) for k, v in line_targets.items()},
        weights=used_weights,
        rows=rows,
    )


@dataclass
class TargetPhasing:
    """A county target with its months in order and its quarterly revenue."""

    target: CountyTarget
    months: list[CountyMonthTarget]
    quarters: list[Decimal | int]


def target_phasing(targets: Iterable[CountyTarget]) -> list[TargetPhasing]:
    """Per county: 12 monthly and 4 quarterly revenue targets (months prefetched)."""
    rows = []
    for target in targets:
        months = sorted(target.months.all(), key=lambda m: m.month)
        quarters = calc.quarters_of_phasing([m.revenue_target for m in months])
        rows.append(TargetPhasing(target=target, months=months, quarters=quarters))
    return rows


# --------------------------------------------------------------------------- reports


def reports_for(user: Any) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.visible_to(user).select_related(
        "county", "submitted_by", "reviewed_by"
    )


def review_queue(user: Any) -> QuerySet[MonthlyReport]:
    """Submitted reports waiting for city staff, oldest month first."""
    return (
        reports_for(user)
        .filter(status=MonthlyReport.Status.SUBMITTED)
        .order_by("year", "month", "county__sort_order", "county__code")
    )


def report_lookup(user: Any, county: County, year: int, month: int) -> MonthlyReport:
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


# --------------------------------------------------------------------------- standings


def province_standings(year: int | None = None) -> QuerySet[ProvinceStanding]:
    standings = ProvinceStanding.objects.select_related("entered_by")
    return standings.filter(year=year) if year else standings


def province_standing(year: int, month: int) -> ProvinceStanding | None:
    return ProvinceStanding.objects.filter(year=year, month=month).first()


# --------------------------------------------------------------------------- progress


@dataclass
class FigureProgress:
    """Progress of one figure (revenue or a line's volume) for a county or the city."""

    target: Decimal | int
    cumulative_actual: Decimal | int
    completion_rate: Decimal | None
    gap_pp: Decimal | None
    status: str | None
    projected_year_end: Decimal | None
    required_monthly: Decimal | None
    submitted_pending: Decimal | int = 0


@dataclass
class CountyProgress:
    county: County | None
    revenue: FigureProgress
    lines: dict[str, FigureProgress] = field(default_factory=dict)
    rank: int | None = None

    @property
    def code(self) -> str:
        return self.county.code if self.county else "city"


@dataclass
class LineProgress:
    line: BusinessLine
    figures: FigureProgress


@dataclass
class ProgressSummary:
    year: int
    month: int
    time_progress: Decimal
    plan: Plan | None
    city: CountyProgress
    counties: list[CountyProgress]
    lines: list[LineProgress]
    standing: ProvinceStanding | None
    ranking: list[tuple[County, Decimal | None, int | None, str | None]]

    @property
    def at_risk(self) -> list[CountyProgress]:
        return [c for c in self.counties if c.revenue.status == calc.AT_RISK]


def _figure(
    target: Decimal | int,
    actual: Decimal | int,
    month: int,
    phased: Decimal | int,
    places: Decimal,
    pending: Decimal | int = 0,
) -> FigureProgress:
    result = calc.progress(
        target=target,
        cumulative_actual=actual,
        month=month,
        phased_to_date=phased,
        at_risk_pp=settings.PROGRESS_AT_RISK_PP,
        places=places,
    )
    return FigureProgress(
        target=target,
        cumulative_actual=actual,
        completion_rate=result.completion_rate,
        gap_pp=result.gap_pp,
        status=result.status,
        projected_year_end=result.projected_year_end,
        required_monthly=result.required_monthly,
        submitted_pending=pending,
    )


def _revenue_by_county(through: Q, status: str) -> dict[int, Decimal]:
    rows = (
        MonthlyReport.objects.filter(through, status=status)
        .values("county_id")
        .annotate(total=Sum("revenue"))
        .values_list("county_id", "total")
    )
    # SQLite sums decimals with more places than the column has.
    return {county_id: (total or ZERO).quantize(CENT) for county_id, total in rows}


def progress_summary(user: Any, year: int, month: int) -> ProgressSummary:
    """Completion against time progress through ``month`` of ``year`` (SPEC §3.5).

    Counties, the city (sum of all active counties) and each business line. Eight queries
    whatever the number of counties: plan, counties, lines, targets, phased months, approved
    revenue, approved volumes, submitted revenue, plus the province standing.
    """
    if not 1 <= month <= calc.MONTHS:
        raise ValidationError({"month": f"month must be 1..12, got {month}"})
    plan = plan_for_year(year)
    counties = active_counties()
    lines = active_lines()
    line_codes = [line.code for line in lines]
    targets: dict[int, CountyTarget] = {}
    phased: dict[int, dict[str, Any]] = defaultdict(lambda: {"revenue": ZERO})
    if plan is not None:
        targets = {t.county_id: t for t in CountyTarget.objects.filter(plan=plan)}
        month_rows = CountyMonthTarget.objects.filter(
            county_target__plan=plan, month__lte=month
        ).values_list("county_target__county_id", "revenue_target", "volume_targets")
        for county_id, revenue_target, volume_targets in month_rows:
            phased[county_id]["revenue"] += revenue_target
            for code, n in (volume_targets or {}).items():
                phased[county_id][code] = phased[county_id].get(code, 0) + n

    through = Q(year=year, month__lte=month)
    approved_revenue = _revenue_by_county(through, MonthlyReport.Status.APPROVED)
    pending_revenue = _revenue_by_county(through, MonthlyReport.Status.SUBMITTED)
    approved_volumes: dict[int, dict[str, int]] = defaultdict(dict)
    for county_id, code, total in (
        ReportVolume.objects.filter(
            report__year=year,
            report__month__lte=month,
            report__status=MonthlyReport.Status.APPROVED,
        )
        .values("report__county_id", "line__code")
        .annotate(total=Sum("volume"))
        .values_list("report__county_id", "line__code", "total")
    ):
        approved_volumes[county_id][code] = total or 0

    per_county: list[CountyProgress] = []
    for county in counties:
        target = targets.get(county.pk)
        revenue_target = target.revenue_target if target else ZERO
        volume_targets = (target.volume_targets if target else {}) or {}
        row = CountyProgress(
            county=county,
            revenue=_figure(
                revenue_target,
                approved_revenue.get(county.pk) or ZERO,
                month,
                phased[county.pk]["revenue"],
                CENT,
                pending_revenue.get(county.pk) or ZERO,
            ),
        )
        for code in line_codes:
            row.lines[code] = _figure(
                int(volume_targets.get(code, 0)),
                approved_volumes[county.pk].get(code, 0),
                month,
                phased[county.pk].get(code, 0),
                Decimal(1),
            )
        per_county.append(row)

    ranks = calc.competition_ranks(
        {row.county.pk: row.revenue.completion_rate for row in per_county}  # type: ignore[union-attr]
    )
    for row in per_county:
        row.rank = ranks[row.county.pk]  # type: ignore[union-attr]

    city = CountyProgress(
        county=None,
        revenue=_figure(
            sum((r.revenue.target for r in per_county), ZERO),
            sum((r.revenue.cumulative_actual for r in per_county), ZERO),
            month,
            sum((phased[c.pk]["revenue"] for c in counties), ZERO),
            CENT,
            sum((r.revenue.submitted_pending for r in per_county), ZERO),
        ),
    )
    city_lines = []
    for line in lines:
        figure = _figure(
            sum(int(r.lines[line.code].target) for r in per_county),
            sum(int(r.lines[line.code].cumulative_actual) for r in per_county),
            month,
            sum(phased[c.pk].get(line.code, 0) for c in counties),
            Decimal(1),
        )
        city.lines[line.code] = figure
        city_lines.append(LineProgress(line=line, figures=figure))

    ranking = [
        (row.county, row.revenue.completion_rate, row.rank, row.revenue.status)
        for row in sorted(per_county, key=lambda r: (r.rank is None, r.rank or 0))
    ]
    visible = _visible_ids(user, counties)
    shown = [row for row in per_county if row.county.pk in visible]  # type: ignore[union-attr]
    if user is None or is_city_wide(user):
        shown_lines = city_lines
    else:
        # A county user's lines are their own county's.
        shown_lines = [
            LineProgress(line=line, figures=shown[0].lines[line.code]) if shown else None
            for line in lines
        ]
        shown_lines = [x for x in shown_lines if x is not None]
    return ProgressSummary(
        year=year,
        month=month,
        time_progress=calc.time_progress(month),
        plan=plan,
        city=city,
        counties=shown,
        lines=shown_lines,
        standing=province_standing(year, month),
        ranking=ranking,
    )


def _visible_ids(user: Any, counties: list[County]) -> set[int]:
    if user is None or is_city_wide(user):
        return {c.pk for c in counties}
    from marketing_ops.access import bound_county_id

    own = bound_county_id(user)
    return {own} if own is not None else set()


def progress_for_county(year: int, month: int, county: County | None) -> ProgressSummary:
    """Progress as a briefing sees it: the city (county None) or only that county."""
    summary = progress_summary(None, year, month)
    if county is not None:
        summary.counties = [c for c in summary.counties if c.county and c.county.pk == county.pk]
        if summary.counties:
            only = summary.counties[0]
            summary.lines = [
                LineProgress(line=lp.line, figures=only.lines[lp.line.code]) for lp in summary.lines
            ]
    return summary


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
    reports = months_of_county(county, year) if county is not None else {}
    rows = []
    cumulative_target = ZERO
    cumulative_actual = ZERO
    for m in range(1, calc.MONTHS + 1):
        cumulative_target += targets[m - 1]
        actual = actuals.get(m)
        if m <= month:
            cumulative_actual += actual or ZERO
        report = reports.get(m)
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


def counties_in_scope(user: Any) -> QuerySet[County]:
    return County.objects.visible_to(user).filter(active=True).order_by("sort_order", "code")


def month_reports_for(user: Any, year: int, month: int) -> dict[int, MonthlyReport]:
    """The month's reports the user may see, by county id, with their volumes."""
    reports = (
        MonthlyReport.objects.visible_to(user)
        .filter(year=year, month=month)
        .prefetch_related("volumes__line")
    )
    return {r.county_id: r for r in reports}
