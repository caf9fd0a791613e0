"""County targets of a plan and their phasing into months and quarters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from marketing_ops.models import County
from revenue import calculations as calc
from revenue.models import CountyMonthTarget, CountyTarget, Plan

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def county_targets_for(
    user: AnyUser, plan: Plan, county: County | None = None
) -> QuerySet[CountyTarget]:
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
