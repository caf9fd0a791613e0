"""Checking a decomposition of the plan over the counties before anything is written.

The preview page and ``plans.plan_decompose`` both call ``decomposition_preview``, so what a
user previews is exactly what is saved. The arithmetic is ``calculations``'; this module checks
the method, the weights and the manual amounts and names the field to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from marketing_ops.models import County
from marketing_ops.money import CENT
from revenue import calculations as calc
from revenue.models import Decomposition, Plan
from revenue.selectors import reference
from revenue.selectors.plans import CountyActuals, actuals_by_county

Method = Decomposition.Method
Figures = list[tuple[str, Any]]
Allocation = dict[str, dict[str, Any]]


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

    @property
    def method_label(self) -> str:
        """The method by its name in the user's language."""
        return str(Method(self.method).label)

    def allocations(self) -> dict[str, dict[str, Any]]:
        return {row.county.code: {"revenue": str(row.revenue), **row.volumes} for row in self.rows}


def _check_keys(given: Iterable[str], counties: list[County], what: str) -> None:
    known = {c.code for c in counties}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValidationError(
            {what: gettext("unknown or inactive county: %(codes)s") % {"codes": ", ".join(unknown)}}
        )


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(
            {what: gettext("expected a number, got %(value)s") % {"value": repr(value)}}
        )
    if not number.is_finite():
        raise ValidationError(
            {what: gettext("expected a number, got %(value)s") % {"value": repr(value)}}
        )
    return number


def _manual(
    figures: Figures, counties: list[County], amounts: Mapping[str, Mapping[str, Any]] | None
) -> tuple[Allocation, dict[str, Any]]:
    """Amounts typed per county; each figure's amounts must add up to its target."""
    amounts = amounts or {}
    unknown_figures = sorted(set(amounts) - {f for f, _ in figures})
    if unknown_figures:
        raise ValidationError(
            {
                "amounts": gettext("no target for %(figures)s in the plan")
                % {"figures": ", ".join(unknown_figures)}
            }
        )
    allocation: Allocation = {c.code: {} for c in counties}
    used: dict[str, Any] = {}
    for figure, figure_total in figures:
        given = amounts.get(figure)
        if given is None:
            if figure_total:
                raise ValidationError(
                    {"amounts": gettext("amounts for %(figure)s are missing") % {"figure": figure}}
                )
            given = {}
        _check_keys(given, counties, "amounts")
        numbers = {c.code: _decimal(given.get(c.code, 0), "amounts") for c in counties}
        if figure == calc.REVENUE:
            values: dict[str, Any] = {k: v.quantize(CENT) for k, v in numbers.items()}
        else:
            values = {k: int(v) for k, v in numbers.items()}
        try:
            calc.check_manual_money(Decimal(figure_total), values)
        except calc.AllocationError as exc:
            raise ValidationError({"amounts": f"{figure}: {exc}"})
        for code, value in values.items():
            allocation[code][figure] = value
        used[figure] = {k: str(v) for k, v in values.items()}
    return allocation, used


def _potential_weights(weights: Mapping[str, Any] | None, counties: list[County]) -> dict[str, Any]:
    """One weight per active county, the same for every figure."""
    weights = weights or {}
    _check_keys(weights, counties, "weights")
    missing = [c.code for c in counties if c.code not in weights]
    if missing:
        raise ValidationError(
            {"weights": gettext("no weight for %(counties)s") % {"counties": ", ".join(missing)}}
        )
    for value in weights.values():
        _decimal(value, "weights")
    return dict(weights)


def _weighted(
    plan: Plan,
    method: str,
    figures: Figures,
    counties: list[County],
    weights: Mapping[str, Any] | None,
    last_year: Mapping[int, CountyActuals],
) -> tuple[Allocation, dict[str, Any]]:
    """Largest remainder by last year's actuals (per figure) or by potential weights."""
    weights_of: dict[str, list[tuple[str, Decimal]]] = {}
    if method == Method.LAST_YEAR:
        for figure, _ in figures:
            weights_of[figure] = [
                (c.code, Decimal(last_year[c.pk].figure(figure) if c.pk in last_year else 0))
                for c in counties
            ]
        used: dict[str, Any] = {
            figure: {code: str(w) for code, w in pairs} for figure, pairs in weights_of.items()
        }
    else:
        potential = _potential_weights(weights, counties)
        used = {code: str(potential[code]) for code in potential}
        pairs = [(c.code, Decimal(str(potential.get(c.code, 0)))) for c in counties]
        weights_of = {figure: pairs for figure, _ in figures}
    try:
        allocation = calc.allocate_by_weights(figures, weights_of)
    except calc.FigureAllocationError as exc:
        hint = (
            gettext(" (no approved %(figure)s figures for %(year)s)")
            % {"figure": exc.figure, "year": plan.year - 1}
            if method == Method.LAST_YEAR
            else ""
        )
        raise ValidationError({"weights": f"{exc}{hint}"})
    return allocation, used


def _rows(
    counties: list[County],
    allocation: Allocation,
    line_codes: Iterable[str],
    total: Decimal,
    last_year: Mapping[int, CountyActuals],
) -> list[AllocationRow]:
    rows = []
    for county in counties:
        figures_of = allocation[county.code]
        previous = last_year.get(county.pk, CountyActuals())
        rows.append(
            AllocationRow(
                county=county,
                revenue=figures_of[calc.REVENUE],
                volumes={line: figures_of[line] for line in line_codes},
                share=calc.rate(figures_of[calc.REVENUE], total),
                last_year_revenue=previous.revenue,
                last_year_volumes={line: previous.volumes.get(line, 0) for line in line_codes},
            )
        )
    return rows


def decomposition_preview(
    *,
    plan: Plan,
    method: str,
    weights: Mapping[str, Any] | None = None,
    amounts: Mapping[str, Mapping[str, Any]] | None = None,
    revenue_target: Decimal | None = None,
    volume_targets: Mapping[str, int] | None = None,
) -> DecompositionPreview:
    """Compute a decomposition without saving it (the preview page and the save share it).

    Raises ValidationError naming the figure and what to fix.
    """
    if method not in Method.values:
        raise ValidationError(
            {"method": gettext("use one of %(values)s") % {"values": ", ".join(Method.values)}}
        )
    counties = reference.active_counties()
    if not counties:
        raise ValidationError({"method": gettext("there are no active counties to decompose to")})
    total = plan.revenue_target if revenue_target is None else revenue_target
    line_targets = dict(plan.volume_targets if volume_targets is None else volume_targets)
    last_year = actuals_by_county(plan.year - 1)
    figures: Figures = [(calc.REVENUE, total), *line_targets.items()]
    if method == Method.MANUAL:
        allocation, used_weights = _manual(figures, counties, amounts)
    else:
        allocation, used_weights = _weighted(plan, method, figures, counties, weights, last_year)
    return DecompositionPreview(
        plan=plan,
        method=method,
        revenue_target=Decimal(total),
        volume_targets={k: int(v) for k, v in line_targets.items()},
        weights=used_weights,
        rows=_rows(counties, allocation, line_targets, Decimal(total), last_year),
    )
