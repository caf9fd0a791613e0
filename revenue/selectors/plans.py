"""Plans, their decompositions and phasing profiles, and the actuals a decomposition weighs by."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from marketing_ops.money import CENT, ZERO
from revenue import calculations as calc
from revenue.models import (
    CountyTarget,
    Decomposition,
    MonthlyReport,
    PhasingProfile,
    Plan,
    Rephasing,
    ReportVolume,
)


def plans() -> QuerySet[Plan]:
    return Plan.objects.all()


def plan_for_year(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).first()


def decompositions(plan: Plan) -> QuerySet[Decomposition]:
    return plan.decompositions.select_related("created_by__profile")


def rephasings(plan: Plan) -> QuerySet[Rephasing]:
    """The plan's phasings, newest first (its history beside the decompositions)."""
    return plan.rephasings.select_related("county", "created_by__profile")


def county_target(plan: Plan, county_code: str) -> CountyTarget | None:
    return (
        CountyTarget.objects.filter(plan=plan, county__code=county_code)
        .select_related("county", "phasing_profile")
        .first()
    )


def phasing_profiles() -> QuerySet[PhasingProfile]:
    return PhasingProfile.objects.all()


@dataclass
class CountyActuals:
    """A county's approved actuals of a whole year: revenue and volume per line code."""

    revenue: Decimal = ZERO
    volumes: dict[str, int] = field(default_factory=dict)

    def figure(self, name: str) -> Decimal | int:
        return self.revenue if name == calc.REVENUE else self.volumes.get(name, 0)


def actuals_by_county(year: int) -> dict[int, CountyActuals]:
    """Approved actuals of a whole year per county id (two queries)."""
    actuals: dict[int, CountyActuals] = defaultdict(CountyActuals)
    approved = MonthlyReport.objects.filter(year=year, status=MonthlyReport.Status.APPROVED)
    for row in approved.values("county_id").annotate(total=Sum("revenue")):
        actuals[row["county_id"]].revenue = (row["total"] or ZERO).quantize(CENT)
    volumes = ReportVolume.objects.filter(
        report__year=year, report__status=MonthlyReport.Status.APPROVED
    )
    for row in volumes.values("report__county_id", "line__code").annotate(total=Sum("volume")):
        actuals[row["report__county_id"]].volumes[row["line__code"]] = row["total"] or 0
    return dict(actuals)
